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

type PublishedActionConfig = NonNullable<Widgets.Button["onClickAction"]>;

/**
 * An action config as the reference SDK types it: `payload` is any JSON
 * value (`payload: Any = None`, chatkit-python `chatkit/actions.py`), where
 * `@openai/chatkit` 1.9 says `Record<string, unknown>`. Ours follows the
 * reference on purpose (PROTOCOL §2), so components are compared with the
 * published types after this one change.
 */
type ReferenceActionConfig = Omit<PublishedActionConfig, "payload"> & { payload?: unknown };

/** `T` with every published action config (however deep) widened to {@link ReferenceActionConfig}. */
type WithReferencePayloads<T> = T extends PublishedActionConfig
  ? [Exclude<keyof T, keyof PublishedActionConfig>] extends [never]
    ? ReferenceActionConfig
    : { [K in keyof T]: WithReferencePayloads<T[K]> }
  : T extends readonly (infer U)[]
    ? WithReferencePayloads<U>[]
    : T extends object
      ? { [K in keyof T]: WithReferencePayloads<T[K]> }
      : T;

/** Table and Table.Row are not exported by name; reach them through the union. */
type Published<T extends Widgets.WidgetComponent["type"]> = WithReferencePayloads<
  Extract<Widgets.WidgetComponent, { type: T }>
>;

export type PublishedTypesAreNotAny = Assert<IsAny<Widgets.Card> extends false ? true : false>;

// Roots
export type CardMatches = Assert<Matches<Card, WithReferencePayloads<Widgets.Card>>>;
export type ListViewMatches = Assert<Matches<ListView, WithReferencePayloads<Widgets.ListView>>>;
export type BasicRootMatches = Assert<Matches<BasicRoot, WithReferencePayloads<Widgets.BasicRoot>>>;
export type ListViewItemMatches = Assert<Matches<ListViewItem, WithReferencePayloads<Widgets.ListViewItem>>>;

// Layout
export type BoxMatches = Assert<Matches<Box, WithReferencePayloads<Widgets.Box>>>;
export type RowMatches = Assert<Matches<Row, WithReferencePayloads<Widgets.Row>>>;
export type ColMatches = Assert<Matches<Col, WithReferencePayloads<Widgets.Col>>>;
export type FormMatches = Assert<Matches<Form, WithReferencePayloads<Widgets.Form>>>;
export type SpacerMatches = Assert<Matches<Spacer, WithReferencePayloads<Widgets.Spacer>>>;
export type DividerMatches = Assert<Matches<Divider, WithReferencePayloads<Widgets.Divider>>>;
export type TransitionMatches = Assert<Matches<Transition, WithReferencePayloads<Widgets.Transition>>>;

// Text
export type TitleMatches = Assert<Matches<Title, WithReferencePayloads<Widgets.Title>>>;
export type CaptionMatches = Assert<Matches<Caption, WithReferencePayloads<Widgets.Caption>>>;
export type TextMatches = Assert<Matches<TextComponent, WithReferencePayloads<Widgets.TextComponent>>>;
export type MarkdownMatches = Assert<Matches<Markdown, WithReferencePayloads<Widgets.Markdown>>>;

// Content
export type BadgeMatches = Assert<Matches<Badge, WithReferencePayloads<Widgets.Badge>>>;
export type IconMatches = Assert<Matches<Icon, WithReferencePayloads<Widgets.Icon>>>;
export type ImageMatches = Assert<Matches<Image, WithReferencePayloads<Widgets.Image>>>;
export type ButtonMatches = Assert<Matches<Button, WithReferencePayloads<Widgets.Button>>>;

// Table
export type TableMatches = Assert<Matches<Table, Published<"Table">>>;
export type TableRowMatches = Assert<Matches<TableRow, Published<"Table.Row">>>;
export type TableCellMatches = Assert<Matches<TableCell, WithReferencePayloads<Widgets.TableCell>>>;

// Form controls
export type InputMatches = Assert<Matches<Input, WithReferencePayloads<Widgets.Input>>>;
export type TextareaMatches = Assert<Matches<Textarea, WithReferencePayloads<Widgets.Textarea>>>;
export type SelectMatches = Assert<Matches<Select, WithReferencePayloads<Widgets.Select>>>;
export type DatePickerMatches = Assert<Matches<DatePicker, WithReferencePayloads<Widgets.DatePicker>>>;
export type CheckboxMatches = Assert<Matches<Checkbox, WithReferencePayloads<Widgets.Checkbox>>>;
export type RadioGroupMatches = Assert<Matches<RadioGroup, WithReferencePayloads<Widgets.RadioGroup>>>;
export type LabelMatches = Assert<Matches<Label, WithReferencePayloads<Widgets.Label>>>;

// Unions and shared shapes
export type WidgetComponentMatches = Assert<
  IsMutuallyAssignable<WidgetComponent, WithReferencePayloads<Widgets.WidgetComponent>>
>;
export type WidgetRootMatches = Assert<
  IsMutuallyAssignable<WidgetRoot, WithReferencePayloads<Widgets.WidgetRoot>>
>;
export type WidgetIconMatches = Assert<IsMutuallyAssignable<WidgetIcon, Widgets.WidgetIcon>>;
/** Ours adds the protocol's `handler`, `loadingBehavior` and `streaming` (PROTOCOL §2), on purpose. */
export type ActionConfigMatches = Assert<
  IsMutuallyAssignable<ActionConfig, ReferenceActionConfig> extends true
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
// @ts-expect-error a drift is still caught through the payload widening
export type DetectsNewPropWidened = Assert<Matches<Badge, WithReferencePayloads<DriftedBadgeNewProp>>>;
// @ts-expect-error our payload is wider than the published Record<string, unknown>, on purpose
export type PayloadIsWiderThanPublished = Assert<Matches<Button, Widgets.Button>>;
/** A payload of any JSON value fits our Button (and the widened published one): null, a list, a bare id. */
export type PayloadTakesAnyJson = Assert<
  [{ type: "Button"; onClickAction: { type: "x"; payload: null } }] extends [Button]
    ? [{ type: "Button"; onClickAction: { type: "x"; payload: [1, "a"] } }] extends [
        WithReferencePayloads<Widgets.Button>,
      ]
      ? true
      : false
    : false
>;
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
