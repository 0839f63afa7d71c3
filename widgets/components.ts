/**
 * Zod schemas for every ChatKit widget root and component, with props that
 * mirror `@openai/chatkit`'s published `widgets.d.ts` (checked both ways by
 * `spec/widgets/chatkit-types.spec.ts`).
 *
 * Two deliberate departures between what parsing accepts and what the types
 * say:
 *
 * - Unknown props on a known component survive parsing (every object is
 *   loose), because the Studio adds props faster than this library; the
 *   inferred types carry them as an `[key: string]: unknown` index
 *   signature.
 * - An unknown component `type` inside `children` is kept as is, unchecked,
 *   instead of failing the whole widget: a widget built for a newer client
 *   must still reach that client. The static types stay the published
 *   union, so code that switches on `type` stays exhaustive over what it can
 *   render; the price is that a parsed tree may hold nodes its type does not
 *   mention. `checkWidget` reports them as warnings. The same holds for
 *   `Chart`, which the protocol defines but `@openai/chatkit` 1.9 does not
 *   type yet: it is validated at run time, yet absent from `WidgetComponent`.
 *
 * A known `type` in the wrong place (a `Text` directly under a `ListView`, a
 * `Card` inside a `Box`) is rejected, as are invalid values of known props.
 */
import { z } from "zod";

import { ActionConfigSchema } from "./actions";
import { WidgetIconSchema } from "./icons";
import { isJsonObject } from "./json";
import {
  AlignmentSchema,
  baseTextShape,
  blockShape,
  boxBaseShape,
  CaptionSizeSchema,
  CardActionSchema,
  ColorSchema,
  ControlSizeSchema,
  ControlVariantSchema,
  DirectionSchema,
  FontWeightSchema,
  GutterSizeSchema,
  IconSizeSchema,
  identityShape,
  InputVariantSchema,
  NumberOrStringSchema,
  SpacingSchema,
  TableCellAlignSchema,
  TableColSizeSchema,
  TextAlignSchema,
  TextSizeSchema,
  ThemeSchema,
  TitleSizeSchema,
  BorderSchema,
  BordersSchema,
  WidgetStatusSchema,
} from "./props";

/** Roots: what a widget item's `widget` may be. */
export const WIDGET_ROOT_TYPES = ["Card", "ListView", "Basic"] as const;
export type WidgetRootType = (typeof WIDGET_ROOT_TYPES)[number];

/**
 * Every non-root component type this library knows: the published
 * `WidgetComponent` union, plus `ListViewItem` (only valid under a
 * `ListView`) and `Chart`.
 */
export const WIDGET_COMPONENT_TYPES = [
  "Box",
  "Row",
  "Col",
  "Form",
  "Spacer",
  "Divider",
  "Transition",
  "Title",
  "Caption",
  "Text",
  "Markdown",
  "Badge",
  "Icon",
  "Image",
  "Button",
  "Input",
  "Textarea",
  "Select",
  "DatePicker",
  "Checkbox",
  "RadioGroup",
  "Label",
  "Chart",
  "Table",
  "Table.Row",
  "Table.Cell",
  "ListViewItem",
] as const;
export type WidgetComponentType = (typeof WIDGET_COMPONENT_TYPES)[number];

/** Types that may appear in an ordinary `children` array: every component but `ListViewItem`. */
const CHILD_COMPONENT_TYPES: readonly string[] = WIDGET_COMPONENT_TYPES.filter(
  (type) => type !== "ListViewItem",
);

/** What the `children` prop of a container holds. */
export interface ChildrenRule {
  /** How messages name what belongs here, e.g. `a ListViewItem`. */
  readonly expected: string;
  /** Known types allowed here; other known types are errors, unknown types pass. */
  readonly allowedTypes: ReadonlySet<string>;
  /** An array of children, or (for `Transition`) a single child. */
  readonly list: boolean;
  readonly required: boolean;
}

const components = { expected: "a component", allowedTypes: new Set(CHILD_COMPONENT_TYPES), list: true };

/** The `children` rule of each container type, shared by parsing and `checkWidget`. */
export const CHILDREN_RULES = {
  Card: { ...components, required: true },
  ListView: {
    expected: "a ListViewItem",
    allowedTypes: new Set(["ListViewItem"]),
    list: true,
    required: true,
  },
  Basic: {
    expected: "a component or a widget root",
    allowedTypes: new Set([...CHILD_COMPONENT_TYPES, ...WIDGET_ROOT_TYPES]),
    list: true,
    required: true,
  },
  ListViewItem: { ...components, required: true },
  Box: { ...components, required: false },
  Row: { ...components, required: false },
  Col: { ...components, required: false },
  Form: { ...components, required: false },
  Transition: { ...components, list: false, required: true },
  Table: { expected: "a Table.Row", allowedTypes: new Set(["Table.Row"]), list: true, required: false },
  "Table.Row": {
    expected: "a Table.Cell",
    allowedTypes: new Set(["Table.Cell"]),
    list: true,
    required: false,
  },
  "Table.Cell": { ...components, required: false },
} as const satisfies Readonly<Record<string, ChildrenRule>>;

/** The `children` rule of `type`, or `undefined` when that type takes no children (or is unknown). */
export function childrenRuleFor(type: string): ChildrenRule | undefined {
  return Object.hasOwn(CHILDREN_RULES, type)
    ? CHILDREN_RULES[type as keyof typeof CHILDREN_RULES]
    : undefined;
}

/**
 * One child of a container, following `rule`: a known type the rule allows
 * is checked against its own schema, a known type it does not allow is an
 * issue, and an unknown type passes untouched (see the file comment).
 *
 * It is typed as `published`, the child schema `@openai/chatkit`'s types
 * call for, because TypeScript can only infer these recursive types from
 * schema types it can see through; the object returned is not that schema
 * (do not call union methods such as `.options` on it).
 */
function childSlot<S>(_published: S, rule: ChildrenRule): S {
  return componentNodeSchema(rule) as unknown as S;
}

/**
 * The run-time check behind {@link childSlot}, for any place a component
 * can stand (a `children` entry, the `component` of an update).
 */
export function componentNodeSchema(
  rule: Pick<ChildrenRule, "expected" | "allowedTypes">,
): z.ZodType<unknown> {
  return z.unknown().superRefine((node, ctx) => {
    if (!isJsonObject(node) || typeof node["type"] !== "string") {
      ctx.addIssue({
        code: "custom",
        message: `expected ${rule.expected}: an object with a string "type"`,
        input: node,
      });
      return;
    }
    const type = node["type"];
    const known = schemaForType(type);
    if (known === undefined) return;
    if (!rule.allowedTypes.has(type)) {
      ctx.addIssue({
        code: "custom",
        path: ["type"],
        message: `a ${type} cannot appear here; expected ${rule.expected}`,
        input: type,
      });
      return;
    }
    const result = known.safeParse(node);
    if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue });
  });
}

/**
 * The type of `.exactOptional()` for the recursive `children` getters.
 * `z.ZodExactOptional` is declared by interface inheritance that TypeScript
 * cannot resolve inside these mutually recursive types (`children` would
 * silently become required), so the getters are annotated with this
 * equivalent instead.
 */
type ExactOptional<T extends z.ZodType> = z.ZodOptional<T> & {
  _zod: { output: z.output<T>; input: z.input<T> };
};

// Containers

export const ListViewItemSchema = z
  .looseObject({
    type: z.literal("ListViewItem"),
    ...identityShape,
    onClickAction: ActionConfigSchema.exactOptional(),
    gap: NumberOrStringSchema.exactOptional(),
    align: AlignmentSchema.exactOptional(),
  })
  .extend({
    get children(): z.ZodArray<typeof WidgetComponentSchema> {
      return z.array(childSlot(WidgetComponentSchema, CHILDREN_RULES.ListViewItem));
    },
  });
export type ListViewItem = z.infer<typeof ListViewItemSchema>;

// Layout

export const BoxSchema = z
  .looseObject({
    type: z.literal("Box"),
    ...identityShape,
    direction: DirectionSchema.exactOptional(),
    ...boxBaseShape,
  })
  .extend({
    get children(): ExactOptional<z.ZodArray<typeof WidgetComponentSchema>> {
      return z.array(childSlot(WidgetComponentSchema, CHILDREN_RULES.Box)).exactOptional();
    },
  });
export type Box = z.infer<typeof BoxSchema>;

export const RowSchema = z
  .looseObject({
    type: z.literal("Row"),
    ...identityShape,
    ...boxBaseShape,
  })
  .extend({
    get children(): ExactOptional<z.ZodArray<typeof WidgetComponentSchema>> {
      return z.array(childSlot(WidgetComponentSchema, CHILDREN_RULES.Row)).exactOptional();
    },
  });
export type Row = z.infer<typeof RowSchema>;

export const ColSchema = z
  .looseObject({
    type: z.literal("Col"),
    ...identityShape,
    ...boxBaseShape,
  })
  .extend({
    get children(): ExactOptional<z.ZodArray<typeof WidgetComponentSchema>> {
      return z.array(childSlot(WidgetComponentSchema, CHILDREN_RULES.Col)).exactOptional();
    },
  });
export type Col = z.infer<typeof ColSchema>;

export const FormSchema = z
  .looseObject({
    type: z.literal("Form"),
    ...identityShape,
    onSubmitAction: ActionConfigSchema.exactOptional(),
    direction: DirectionSchema.exactOptional(),
    ...boxBaseShape,
  })
  .extend({
    get children(): ExactOptional<z.ZodArray<typeof WidgetComponentSchema>> {
      return z.array(childSlot(WidgetComponentSchema, CHILDREN_RULES.Form)).exactOptional();
    },
  });
export type Form = z.infer<typeof FormSchema>;

export const SpacerSchema = z.looseObject({
  type: z.literal("Spacer"),
  ...identityShape,
  minSize: NumberOrStringSchema.exactOptional(),
});
export type Spacer = z.infer<typeof SpacerSchema>;

export const DividerSchema = z.looseObject({
  type: z.literal("Divider"),
  ...identityShape,
  color: ColorSchema.exactOptional(),
  size: NumberOrStringSchema.exactOptional(),
  spacing: NumberOrStringSchema.exactOptional(),
  flush: z.boolean().exactOptional(),
});
export type Divider = z.infer<typeof DividerSchema>;

/** Animates layout changes of its single child (note: `children` is one component, not an array). */
export const TransitionSchema = z
  .looseObject({
    type: z.literal("Transition"),
    ...identityShape,
  })
  .extend({
    get children(): typeof WidgetComponentSchema {
      return childSlot(WidgetComponentSchema, CHILDREN_RULES.Transition);
    },
  });
export type Transition = z.infer<typeof TransitionSchema>;

// Text

export const TitleSchema = z.looseObject({
  type: z.literal("Title"),
  ...identityShape,
  size: TitleSizeSchema.exactOptional(),
  ...baseTextShape,
});
export type Title = z.infer<typeof TitleSchema>;

export const CaptionSchema = z.looseObject({
  type: z.literal("Caption"),
  ...identityShape,
  size: CaptionSizeSchema.exactOptional(),
  ...baseTextShape,
});
export type Caption = z.infer<typeof CaptionSchema>;

/** Text's inline editing options; `false` turns editing off explicitly. */
export const EditableSchema = z.union([
  z.literal(false),
  z.looseObject({
    name: z.string(),
    autoFocus: z.boolean().exactOptional(),
    autoSelect: z.boolean().exactOptional(),
    autoComplete: z.string().exactOptional(),
    allowAutofillExtensions: z.boolean().exactOptional(),
    pattern: z.string().exactOptional(),
    placeholder: z.string().exactOptional(),
    required: z.boolean().exactOptional(),
  }),
]);

/** Named like the published `TextComponent`, because `Text` is a DOM global. */
export const TextComponentSchema = z.looseObject({
  type: z.literal("Text"),
  ...identityShape,
  streaming: z.boolean().exactOptional(),
  italic: z.boolean().exactOptional(),
  lineThrough: z.boolean().exactOptional(),
  width: NumberOrStringSchema.exactOptional(),
  size: TextSizeSchema.exactOptional(),
  minLines: z.number().exactOptional(),
  editable: EditableSchema.exactOptional(),
  ...baseTextShape,
});
export type TextComponent = z.infer<typeof TextComponentSchema>;

export const MarkdownSchema = z.looseObject({
  type: z.literal("Markdown"),
  ...identityShape,
  value: z.string(),
  streaming: z.boolean().exactOptional(),
});
export type Markdown = z.infer<typeof MarkdownSchema>;

// Content

export const BadgeSchema = z.looseObject({
  type: z.literal("Badge"),
  ...identityShape,
  label: z.string(),
  color: z.enum(["secondary", "success", "danger", "warning", "info", "discovery"]).exactOptional(),
  variant: z.enum(["solid", "soft", "outline"]).exactOptional(),
  size: z.enum(["sm", "md", "lg"]).exactOptional(),
  pill: z.boolean().exactOptional(),
});
export type Badge = z.infer<typeof BadgeSchema>;

export const IconSchema = z.looseObject({
  type: z.literal("Icon"),
  ...identityShape,
  name: WidgetIconSchema,
  color: ColorSchema.exactOptional(),
  size: IconSizeSchema.exactOptional(),
});
export type Icon = z.infer<typeof IconSchema>;

export const ImageSchema = z.looseObject({
  type: z.literal("Image"),
  ...identityShape,
  src: z.string(),
  alt: z.string().exactOptional(),
  frame: z.boolean().exactOptional(),
  fit: z.enum(["cover", "contain", "fill", "scale-down", "none"]).exactOptional(),
  position: z
    .enum([
      "top left",
      "top",
      "top right",
      "left",
      "center",
      "right",
      "bottom left",
      "bottom",
      "bottom right",
    ])
    .exactOptional(),
  flush: z.boolean().exactOptional(),
  ...blockShape,
});
export type Image = z.infer<typeof ImageSchema>;

export const ButtonSchema = z.looseObject({
  type: z.literal("Button"),
  ...identityShape,
  submit: z.boolean().exactOptional(),
  label: z.string().exactOptional(),
  onClickAction: ActionConfigSchema.exactOptional(),
  iconStart: WidgetIconSchema.exactOptional(),
  iconEnd: WidgetIconSchema.exactOptional(),
  style: z.enum(["primary", "secondary"]).exactOptional(),
  iconSize: z.enum(["sm", "md", "lg", "xl", "2xl"]).exactOptional(),
  color: z
    .enum(["primary", "secondary", "info", "discovery", "success", "caution", "warning", "danger"])
    .exactOptional(),
  variant: ControlVariantSchema.exactOptional(),
  size: ControlSizeSchema.exactOptional(),
  pill: z.boolean().exactOptional(),
  uniform: z.boolean().exactOptional(),
  block: z.boolean().exactOptional(),
  disabled: z.boolean().exactOptional(),
});
export type Button = z.infer<typeof ButtonSchema>;

// Table

export const TableCellSchema = z
  .looseObject({
    type: z.literal("Table.Cell"),
    ...identityShape,
    width: NumberOrStringSchema.exactOptional(),
    padding: SpacingSchema.exactOptional(),
    colSpan: z.number().exactOptional(),
    rowSpan: z.number().exactOptional(),
    align: TableCellAlignSchema.exactOptional(),
    vAlign: TableCellAlignSchema.exactOptional(),
    colSize: TableColSizeSchema.exactOptional(),
  })
  .extend({
    get children(): ExactOptional<z.ZodArray<typeof WidgetComponentSchema>> {
      return z.array(childSlot(WidgetComponentSchema, CHILDREN_RULES["Table.Cell"])).exactOptional();
    },
  });
export type TableCell = z.infer<typeof TableCellSchema>;

export const TableRowSchema = z
  .looseObject({
    type: z.literal("Table.Row"),
    ...identityShape,
    header: z.boolean().exactOptional(),
  })
  .extend({
    get children(): ExactOptional<z.ZodArray<typeof TableCellSchema>> {
      return z.array(childSlot(TableCellSchema, CHILDREN_RULES["Table.Row"])).exactOptional();
    },
  });
export type TableRow = z.infer<typeof TableRowSchema>;

export const TableSchema = z
  .looseObject({
    type: z.literal("Table"),
    ...identityShape,
  })
  .extend({
    get children(): ExactOptional<z.ZodArray<typeof TableRowSchema>> {
      return z.array(childSlot(TableRowSchema, CHILDREN_RULES.Table)).exactOptional();
    },
  });
export type Table = z.infer<typeof TableSchema>;

// Form controls

export const InputSchema = z.looseObject({
  type: z.literal("Input"),
  ...identityShape,
  name: z.string(),
  inputType: z.enum(["number", "email", "text", "password", "tel", "url"]).exactOptional(),
  defaultValue: z.string().exactOptional(),
  required: z.boolean().exactOptional(),
  pattern: z.string().exactOptional(),
  placeholder: z.string().exactOptional(),
  allowAutofillExtensions: z.boolean().exactOptional(),
  autoSelect: z.boolean().exactOptional(),
  autoFocus: z.boolean().exactOptional(),
  disabled: z.boolean().exactOptional(),
  variant: InputVariantSchema.exactOptional(),
  size: ControlSizeSchema.exactOptional(),
  gutterSize: GutterSizeSchema.exactOptional(),
  pill: z.boolean().exactOptional(),
});
export type Input = z.infer<typeof InputSchema>;

export const TextareaSchema = z.looseObject({
  type: z.literal("Textarea"),
  ...identityShape,
  name: z.string(),
  defaultValue: z.string().exactOptional(),
  required: z.boolean().exactOptional(),
  pattern: z.string().exactOptional(),
  placeholder: z.string().exactOptional(),
  autoSelect: z.boolean().exactOptional(),
  autoFocus: z.boolean().exactOptional(),
  disabled: z.boolean().exactOptional(),
  variant: InputVariantSchema.exactOptional(),
  size: ControlSizeSchema.exactOptional(),
  gutterSize: GutterSizeSchema.exactOptional(),
  rows: z.number().exactOptional(),
  autoResize: z.boolean().exactOptional(),
  maxRows: z.number().exactOptional(),
  allowAutofillExtensions: z.boolean().exactOptional(),
});
export type Textarea = z.infer<typeof TextareaSchema>;

export const SelectSchema = z.looseObject({
  type: z.literal("Select"),
  ...identityShape,
  name: z.string(),
  options: z.array(z.looseObject({ value: z.string(), label: z.string() })),
  onChangeAction: ActionConfigSchema.exactOptional(),
  placeholder: z.string().exactOptional(),
  defaultValue: z.string().exactOptional(),
  variant: ControlVariantSchema.exactOptional(),
  size: ControlSizeSchema.exactOptional(),
  pill: z.boolean().exactOptional(),
  block: z.boolean().exactOptional(),
  clearable: z.boolean().exactOptional(),
  disabled: z.boolean().exactOptional(),
});
export type Select = z.infer<typeof SelectSchema>;

/** `defaultValue`, `min` and `max` are ISO 8601 date-times, kept as strings. */
export const DatePickerSchema = z.looseObject({
  type: z.literal("DatePicker"),
  ...identityShape,
  name: z.string(),
  onChangeAction: ActionConfigSchema.exactOptional(),
  placeholder: z.string().exactOptional(),
  defaultValue: z.string().exactOptional(),
  min: z.string().exactOptional(),
  max: z.string().exactOptional(),
  variant: ControlVariantSchema.exactOptional(),
  size: ControlSizeSchema.exactOptional(),
  side: z.enum(["top", "bottom", "left", "right"]).exactOptional(),
  align: z.enum(["start", "center", "end"]).exactOptional(),
  pill: z.boolean().exactOptional(),
  block: z.boolean().exactOptional(),
  clearable: z.boolean().exactOptional(),
  disabled: z.boolean().exactOptional(),
});
export type DatePicker = z.infer<typeof DatePickerSchema>;

export const CheckboxSchema = z.looseObject({
  type: z.literal("Checkbox"),
  ...identityShape,
  name: z.string(),
  label: z.string().exactOptional(),
  defaultChecked: z.boolean().exactOptional(),
  onChangeAction: ActionConfigSchema.exactOptional(),
  disabled: z.boolean().exactOptional(),
  required: z.boolean().exactOptional(),
});
export type Checkbox = z.infer<typeof CheckboxSchema>;

export const RadioGroupSchema = z.looseObject({
  type: z.literal("RadioGroup"),
  ...identityShape,
  name: z.string(),
  options: z
    .array(z.looseObject({ label: z.string(), value: z.string(), disabled: z.boolean().exactOptional() }))
    .exactOptional(),
  ariaLabel: z.string().exactOptional(),
  onChangeAction: ActionConfigSchema.exactOptional(),
  defaultValue: z.string().exactOptional(),
  direction: DirectionSchema.exactOptional(),
  disabled: z.boolean().exactOptional(),
  required: z.boolean().exactOptional(),
});
export type RadioGroup = z.infer<typeof RadioGroupSchema>;

export const LabelSchema = z.looseObject({
  type: z.literal("Label"),
  ...identityShape,
  value: z.string(),
  fieldName: z.string(),
  size: TextSizeSchema.exactOptional(),
  weight: FontWeightSchema.exactOptional(),
  textAlign: TextAlignSchema.exactOptional(),
  color: ColorSchema.exactOptional(),
});
export type Label = z.infer<typeof LabelSchema>;

// Chart (protocol-defined; not yet in @openai/chatkit's types, shapes from the Python SDK)

export const ChartCurveTypeSchema = z.enum([
  "basis",
  "basisClosed",
  "basisOpen",
  "bumpX",
  "bumpY",
  "bump",
  "linear",
  "linearClosed",
  "natural",
  "monotoneX",
  "monotoneY",
  "monotone",
  "step",
  "stepBefore",
  "stepAfter",
]);

const seriesShape = {
  label: z.string().exactOptional(),
  dataKey: z.string(),
  color: ColorSchema.exactOptional(),
};

export const ChartSeriesSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("bar"), ...seriesShape, stack: z.string().exactOptional() }),
  z.looseObject({
    type: z.literal("area"),
    ...seriesShape,
    stack: z.string().exactOptional(),
    curveType: ChartCurveTypeSchema.exactOptional(),
  }),
  z.looseObject({ type: z.literal("line"), ...seriesShape, curveType: ChartCurveTypeSchema.exactOptional() }),
]);
export type ChartSeries = z.infer<typeof ChartSeriesSchema>;

export const ChartSchema = z.looseObject({
  type: z.literal("Chart"),
  ...identityShape,
  data: z.array(z.record(z.string(), z.union([z.string(), z.number()]))),
  series: z.array(ChartSeriesSchema),
  xAxis: z.union([
    z.string(),
    z.looseObject({
      dataKey: z.string(),
      hide: z.boolean().exactOptional(),
      labels: z.record(z.string(), z.string()).exactOptional(),
    }),
  ]),
  showYAxis: z.boolean().exactOptional(),
  showLegend: z.boolean().exactOptional(),
  showTooltip: z.boolean().exactOptional(),
  barGap: z.number().exactOptional(),
  barCategoryGap: z.number().exactOptional(),
  flex: NumberOrStringSchema.exactOptional(),
  height: NumberOrStringSchema.exactOptional(),
  width: NumberOrStringSchema.exactOptional(),
  size: NumberOrStringSchema.exactOptional(),
  minHeight: NumberOrStringSchema.exactOptional(),
  minWidth: NumberOrStringSchema.exactOptional(),
  minSize: NumberOrStringSchema.exactOptional(),
  maxHeight: NumberOrStringSchema.exactOptional(),
  maxWidth: NumberOrStringSchema.exactOptional(),
  maxSize: NumberOrStringSchema.exactOptional(),
  aspectRatio: NumberOrStringSchema.exactOptional(),
});
export type Chart = z.infer<typeof ChartSchema>;

/**
 * Any component of the published `WidgetComponent` union, discriminated on
 * `type`. As a standalone schema it is strict about `type` (no roots,
 * `ListViewItem`, `Chart` or unknown types at the top); nested children go
 * through the lenient dispatch described in the file comment.
 */
export const WidgetComponentSchema = z.discriminatedUnion("type", [
  TextComponentSchema,
  TitleSchema,
  CaptionSchema,
  BadgeSchema,
  MarkdownSchema,
  BoxSchema,
  RowSchema,
  ColSchema,
  DividerSchema,
  IconSchema,
  ImageSchema,
  ButtonSchema,
  CheckboxSchema,
  SpacerSchema,
  SelectSchema,
  DatePickerSchema,
  FormSchema,
  InputSchema,
  LabelSchema,
  RadioGroupSchema,
  TableSchema,
  TableRowSchema,
  TableCellSchema,
  TextareaSchema,
  TransitionSchema,
]);
export type WidgetComponent = z.infer<typeof WidgetComponentSchema>;

// Roots

export const CardSchema = z
  .looseObject({
    type: z.literal("Card"),
    ...identityShape,
    asForm: z.boolean().exactOptional(),
    background: ColorSchema.exactOptional(),
    border: z.union([z.number(), BorderSchema, BordersSchema]).exactOptional(),
    size: z.enum(["sm", "md", "lg", "full"]).exactOptional(),
    padding: z.union([z.number(), z.string(), SpacingSchema]).exactOptional(),
    status: WidgetStatusSchema.exactOptional(),
    collapsed: z.boolean().exactOptional(),
    confirm: CardActionSchema.exactOptional(),
    cancel: CardActionSchema.exactOptional(),
    theme: ThemeSchema.exactOptional(),
  })
  .extend({
    get children(): z.ZodArray<typeof WidgetComponentSchema> {
      return z.array(childSlot(WidgetComponentSchema, CHILDREN_RULES.Card));
    },
  });
export type Card = z.infer<typeof CardSchema>;

export const ListViewSchema = z
  .looseObject({
    type: z.literal("ListView"),
    ...identityShape,
    limit: z.union([z.number(), z.literal("auto")]).exactOptional(),
    status: WidgetStatusSchema.exactOptional(),
    theme: ThemeSchema.exactOptional(),
  })
  .extend({
    get children(): z.ZodArray<typeof ListViewItemSchema> {
      return z.array(childSlot(ListViewItemSchema, CHILDREN_RULES.ListView));
    },
  });
export type ListView = z.infer<typeof ListViewSchema>;

/** A bare layout root; unlike `Card`, it may nest other roots. */
export const BasicRootSchema = z
  .looseObject({
    type: z.literal("Basic"),
    ...identityShape,
    theme: ThemeSchema.exactOptional(),
    direction: DirectionSchema.exactOptional(),
    gap: NumberOrStringSchema.exactOptional(),
    padding: z.union([z.number(), z.string(), SpacingSchema]).exactOptional(),
    align: AlignmentSchema.exactOptional(),
    justify: z.enum(["start", "center", "end", "between", "around", "evenly", "stretch"]).exactOptional(),
  })
  .extend({
    get children(): z.ZodArray<z.ZodUnion<[typeof WidgetComponentSchema, typeof WidgetRootSchema]>> {
      return z.array(childSlot(z.union([WidgetComponentSchema, WidgetRootSchema]), CHILDREN_RULES.Basic));
    },
  });
export type BasicRoot = z.infer<typeof BasicRootSchema>;

export const WidgetRootSchema = z.discriminatedUnion("type", [CardSchema, ListViewSchema, BasicRootSchema]);
export type WidgetRoot = z.infer<typeof WidgetRootSchema>;

/** The schema of one known root or component: a loose object whose `shape` names its props. */
export type ComponentSchema = z.ZodObject<z.core.$ZodLooseShape, z.core.$loose>;

let schemasByType: ReadonlyMap<string, ComponentSchema> | undefined;

/** The schema of a known root or component type, or `undefined` for a type this library does not know. */
export function schemaForType(type: string): ComponentSchema | undefined {
  schemasByType ??= new Map<string, ComponentSchema>([
    ...WidgetComponentSchema.options.map((schema) => [schema.shape.type.value, schema] as const),
    ...WidgetRootSchema.options.map((schema) => [schema.shape.type.value, schema] as const),
    ["ListViewItem", ListViewItemSchema],
    ["Chart", ChartSchema],
  ]);
  return schemasByType.get(type);
}
