/**
 * Compile-time proof that the inferred widget types match the ones
 * `@openai/chatkit` publishes. Every `Assert` below fails `tsc` (and
 * therefore ts-jest) the day either side drifts: a prop added, removed,
 * renamed, made required, or given another value set.
 */
// `@openai/chatkit`'s index.d.ts re-exports "./widgets" without an extension,
// which node16 resolution cannot follow: every `Widgets.X` would silently be
// `any` and every check below would pass. Import the declarations directly
// (`PublishedTypesAreNotAny` guards against that regressing).
import type * as Widgets from "../../node_modules/@openai/chatkit/types/widgets.js" with {
  "resolution-mode": "import",
};

import type { ActionConfig } from "../../widgets/actions";
import {
  WIDGET_COMPONENT_TYPES,
  WIDGET_ROOT_TYPES,
  type Badge,
  type BasicRoot,
  type Box,
  type Button,
  type Caption,
  type Card,
  type Checkbox,
  type Col,
  type DatePicker,
  type Divider,
  type Form,
  type Icon,
  type Image,
  type Input,
  type Label,
  type ListView,
  type ListViewItem,
  type Markdown,
  type RadioGroup,
  type Row,
  type Select,
  type Spacer,
  type Table,
  type TableCell,
  type TableRow,
  type Textarea,
  type TextComponent,
  type Title,
  type Transition,
  type WidgetComponent,
  type WidgetComponentType,
  type WidgetRoot,
  type WidgetRootType,
} from "../../widgets/components";
import type { WidgetIcon } from "../../widgets/icons";

type Assert<T extends true> = T;
type IsAny<T> = 0 extends 1 & T ? true : false;

/** Tuples stop `extends` from distributing over unions, so unions are compared as a whole. */
type IsMutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Property names spelled out in `T`, ignoring the `[key: string]: unknown` that loose schemas add. */
type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };

/** Both ways assignable and the same prop names: catches an extra optional prop, which assignability alone lets through. */
type Matches<Ours, Theirs> =
  IsMutuallyAssignable<Ours, Theirs> extends true
    ? IsMutuallyAssignable<KnownKeys<Ours>, keyof Theirs>
    : false;

/** Table and Table.Row are not exported by name; reach them through the union. */
type Published<T extends Widgets.WidgetComponent["type"]> = Extract<Widgets.WidgetComponent, { type: T }>;
type PublishedActionConfig = NonNullable<Widgets.Button["onClickAction"]>;

export type PublishedTypesAreNotAny = Assert<IsAny<Widgets.Card> extends false ? true : false>;

// Roots
export type CardMatches = Assert<Matches<Card, Widgets.Card>>;
export type ListViewMatches = Assert<Matches<ListView, Widgets.ListView>>;
export type BasicRootMatches = Assert<Matches<BasicRoot, Widgets.BasicRoot>>;
export type ListViewItemMatches = Assert<Matches<ListViewItem, Widgets.ListViewItem>>;

// Layout
export type BoxMatches = Assert<Matches<Box, Widgets.Box>>;
export type RowMatches = Assert<Matches<Row, Widgets.Row>>;
export type ColMatches = Assert<Matches<Col, Widgets.Col>>;
export type FormMatches = Assert<Matches<Form, Widgets.Form>>;
export type SpacerMatches = Assert<Matches<Spacer, Widgets.Spacer>>;
export type DividerMatches = Assert<Matches<Divider, Widgets.Divider>>;
export type TransitionMatches = Assert<Matches<Transition, Widgets.Transition>>;

// Text
export type TitleMatches = Assert<Matches<Title, Widgets.Title>>;
export type CaptionMatches = Assert<Matches<Caption, Widgets.Caption>>;
export type TextMatches = Assert<Matches<TextComponent, Widgets.TextComponent>>;
export type MarkdownMatches = Assert<Matches<Markdown, Widgets.Markdown>>;

// Content
export type BadgeMatches = Assert<Matches<Badge, Widgets.Badge>>;
export type IconMatches = Assert<Matches<Icon, Widgets.Icon>>;
export type ImageMatches = Assert<Matches<Image, Widgets.Image>>;
export type ButtonMatches = Assert<Matches<Button, Widgets.Button>>;

// Table
export type TableMatches = Assert<Matches<Table, Published<"Table">>>;
export type TableRowMatches = Assert<Matches<TableRow, Published<"Table.Row">>>;
export type TableCellMatches = Assert<Matches<TableCell, Widgets.TableCell>>;

// Form controls
export type InputMatches = Assert<Matches<Input, Widgets.Input>>;
export type TextareaMatches = Assert<Matches<Textarea, Widgets.Textarea>>;
export type SelectMatches = Assert<Matches<Select, Widgets.Select>>;
export type DatePickerMatches = Assert<Matches<DatePicker, Widgets.DatePicker>>;
export type CheckboxMatches = Assert<Matches<Checkbox, Widgets.Checkbox>>;
export type RadioGroupMatches = Assert<Matches<RadioGroup, Widgets.RadioGroup>>;
export type LabelMatches = Assert<Matches<Label, Widgets.Label>>;

// Unions and shared shapes
export type WidgetComponentMatches = Assert<IsMutuallyAssignable<WidgetComponent, Widgets.WidgetComponent>>;
export type WidgetRootMatches = Assert<IsMutuallyAssignable<WidgetRoot, Widgets.WidgetRoot>>;
export type WidgetIconMatches = Assert<IsMutuallyAssignable<WidgetIcon, Widgets.WidgetIcon>>;
/** Ours adds the protocol's `handler`, `loadingBehavior` and `streaming` (PROTOCOL §2), on purpose. */
export type ActionConfigMatches = Assert<
  IsMutuallyAssignable<ActionConfig, PublishedActionConfig> extends true
    ? IsMutuallyAssignable<
        KnownKeys<ActionConfig>,
        keyof PublishedActionConfig | "handler" | "loadingBehavior" | "streaming"
      >
    : false
>;

// Every published type name is known, and ours adds only ListViewItem and Chart.
export type ComponentTypesMatch = Assert<
  IsMutuallyAssignable<WidgetComponentType, Widgets.WidgetComponent["type"] | "ListViewItem" | "Chart">
>;
export type RootTypesMatch = Assert<IsMutuallyAssignable<WidgetRootType, Widgets.WidgetRoot["type"]>>;

// The checks above can fail: each drift below is a compile error, which `@ts-expect-error` requires.
type DriftedBadgeColor = Omit<Widgets.Badge, "color"> & { color?: Widgets.Badge["color"] | "mauve" };
type DriftedBadgeRequiredPill = Omit<Widgets.Badge, "pill"> & { pill: boolean };
type DriftedBadgeNewProp = Widgets.Badge & { glow?: boolean };
type DriftedBadgeMissingProp = Omit<Widgets.Badge, "pill">;
type DriftedComponentUnion = Widgets.WidgetComponent | { type: "Gauge"; value: number };
// @ts-expect-error a value the published type adds to a literal union
export type DetectsNewValue = Assert<Matches<Badge, DriftedBadgeColor>>;
// @ts-expect-error a prop the published type makes required
export type DetectsRequiredProp = Assert<Matches<Badge, DriftedBadgeRequiredPill>>;
// @ts-expect-error a prop the published type adds
export type DetectsNewProp = Assert<Matches<Badge, DriftedBadgeNewProp>>;
// @ts-expect-error a prop the published type removes
export type DetectsRemovedProp = Assert<Matches<Badge, DriftedBadgeMissingProp>>;
// @ts-expect-error a component the published union adds
export type DetectsNewComponent = Assert<IsMutuallyAssignable<WidgetComponent, DriftedComponentUnion>>;

describe("@openai/chatkit type compatibility", () => {
  it("is checked at compile time; the runtime lists name every published type", () => {
    const published: readonly Widgets.WidgetComponent["type"][] = [
      "Text",
      "Title",
      "Caption",
      "Badge",
      "Markdown",
      "Box",
      "Row",
      "Col",
      "Divider",
      "Icon",
      "Image",
      "Button",
      "Checkbox",
      "Spacer",
      "Select",
      "DatePicker",
      "Form",
      "Input",
      "Label",
      "RadioGroup",
      "Table",
      "Table.Row",
      "Table.Cell",
      "Textarea",
      "Transition",
    ];
    expect([...WIDGET_COMPONENT_TYPES].sort()).toEqual([...published, "ListViewItem", "Chart"].sort());
    expect([...WIDGET_ROOT_TYPES].sort()).toEqual(["Basic", "Card", "ListView"]);
  });
});
