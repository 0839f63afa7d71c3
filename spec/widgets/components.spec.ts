import {
  CHILDREN_RULES,
  WIDGET_COMPONENT_TYPES,
  WIDGET_ROOT_TYPES,
  WidgetComponentSchema,
  WidgetRootSchema,
  childrenRuleFor,
  schemaForType,
  type Card,
  type WidgetRoot,
} from "../../widgets/components";
import { dropNulls } from "../../widgets/serialize";

const action = {
  type: "todo.toggle",
  payload: { id: 7 },
  handler: "server",
  loadingBehavior: "self",
} as const;

/** One valid example of every known type, using most of its props. */
const EXAMPLES: Record<string, Record<string, unknown>> = {
  Box: {
    type: "Box",
    direction: "row",
    gap: 2,
    padding: { x: 2, y: "4px" },
    border: { size: 1, style: "dashed" },
  },
  Row: { type: "Row", align: "center", justify: "between", wrap: "wrap", children: [{ type: "Spacer" }] },
  Col: { type: "Col", flex: 1, background: { light: "white", dark: "black" }, radius: "lg", margin: 4 },
  Form: {
    type: "Form",
    onSubmitAction: action,
    direction: "col",
    children: [{ type: "Input", name: "todo.title" }],
  },
  Spacer: { type: "Spacer", minSize: 8 },
  Divider: { type: "Divider", color: "subtle", size: 1, spacing: "8px", flush: true },
  Transition: { type: "Transition", children: { type: "Text", value: "fades" } },
  Title: { type: "Title", value: "Hello", size: "2xl", weight: "bold", textAlign: "center" },
  Caption: { type: "Caption", value: "small", size: "sm", color: "secondary", truncate: true, maxLines: 2 },
  Text: {
    type: "Text",
    value: "Hi",
    streaming: true,
    italic: true,
    lineThrough: false,
    width: 120,
    size: "lg",
    minLines: 1,
    editable: { name: "note", placeholder: "Write", required: true },
  },
  Markdown: { type: "Markdown", value: "**bold**", streaming: false },
  Badge: { type: "Badge", label: "New", color: "success", variant: "soft", size: "sm", pill: true },
  Icon: { type: "Icon", name: "check-circle-filled", color: { light: "green", dark: "lime" }, size: "xl" },
  Image: {
    type: "Image",
    src: "https://example.com/a.png",
    alt: "A",
    fit: "cover",
    position: "top left",
    size: 48,
  },
  Button: {
    type: "Button",
    label: "Go",
    onClickAction: action,
    iconStart: "sparkle",
    style: "primary",
    color: "caution",
    variant: "outline",
    size: "3xl",
    iconSize: "2xl",
    block: true,
  },
  Input: {
    type: "Input",
    name: "email",
    inputType: "email",
    gutterSize: "2xs",
    variant: "outline",
    size: "md",
  },
  Textarea: { type: "Textarea", name: "body", rows: 3, autoResize: true, maxRows: 8 },
  Select: {
    type: "Select",
    name: "pick",
    options: [{ value: "a", label: "A" }],
    onChangeAction: { type: "pick" },
    clearable: true,
  },
  DatePicker: { type: "DatePicker", name: "due", min: "2025-01-01T00:00:00Z", side: "bottom", align: "end" },
  Checkbox: { type: "Checkbox", name: "done", label: "Done", defaultChecked: true, onChangeAction: action },
  RadioGroup: {
    type: "RadioGroup",
    name: "size",
    options: [{ label: "S", value: "s", disabled: true }],
    direction: "row",
    ariaLabel: "Size",
  },
  Label: { type: "Label", value: "Email", fieldName: "email", weight: "medium" },
  Chart: {
    type: "Chart",
    data: [{ month: "Jan", sales: 3 }],
    series: [
      { type: "bar", dataKey: "sales", label: "Sales", stack: "a" },
      { type: "line", dataKey: "sales", curveType: "monotone", color: "blue" },
      { type: "area", dataKey: "sales" },
    ],
    xAxis: { dataKey: "month", labels: { Jan: "January" } },
    showLegend: true,
    height: 200,
  },
  Table: {
    type: "Table",
    children: [
      {
        type: "Table.Row",
        header: true,
        children: [
          { type: "Table.Cell", colSpan: 2, align: "end", children: [{ type: "Text", value: "x" }] },
        ],
      },
    ],
  },
  "Table.Row": { type: "Table.Row", children: [{ type: "Table.Cell" }] },
  "Table.Cell": { type: "Table.Cell", width: 20, padding: { top: 1 }, vAlign: "center", colSize: "md" },
  ListViewItem: { type: "ListViewItem", onClickAction: action, gap: 2, align: "start", children: [] },
  Card: {
    type: "Card",
    asForm: true,
    size: "full",
    status: { text: "Done", icon: "check" },
    confirm: { label: "OK", action },
    cancel: { label: "No", action: { type: "cancel" } },
    theme: "dark",
    collapsed: false,
    children: [],
  },
  ListView: {
    type: "ListView",
    limit: "auto",
    status: { text: "Inbox", favicon: "https://x/f.ico" },
    children: [],
  },
  Basic: { type: "Basic", direction: "row", gap: 1, children: [{ type: "Card", children: [] }] },
};

/** Wraps a component where it is allowed, so every example can go through the root schema. */
function inRoot(component: Record<string, unknown>): Record<string, unknown> {
  const type = component["type"] as string;
  if ((WIDGET_ROOT_TYPES as readonly string[]).includes(type)) return component;
  if (type === "ListViewItem") return { type: "ListView", children: [component] };
  if (type === "Table.Row") return { type: "Card", children: [{ type: "Table", children: [component] }] };
  return { type: "Card", children: [component] };
}

describe("component schemas", () => {
  it("have an example for every known type", () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...WIDGET_COMPONENT_TYPES, ...WIDGET_ROOT_TYPES].sort());
  });

  it.each(Object.entries(EXAMPLES))("parse a valid %s, alone and nested in a root", (type, example) => {
    const schema = schemaForType(type);
    expect(schema).toBeDefined();
    expect(schema?.parse(example)).toEqual(example);
    expect(WidgetRootSchema.parse(inRoot(example))).toEqual(inRoot(example));
  });

  it.each(Object.entries(EXAMPLES))("keep key and id on a %s", (_type, example) => {
    const withIdentity = { ...example, key: "k1", id: "c1" };
    expect(WidgetRootSchema.parse(inRoot(withIdentity))).toEqual(inRoot(withIdentity));
  });

  it("rejects an invalid value of a known prop, with its path", () => {
    const result = WidgetRootSchema.safeParse({
      type: "Card",
      children: [{ type: "Row", children: [{ type: "Badge", label: "x", size: "xl" }] }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([["children", 0, "children", 0, "size"]]);
  });

  it("rejects a missing required prop", () => {
    const result = WidgetRootSchema.safeParse({ type: "Card", children: [{ type: "Image" }] });
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([["children", 0, "src"]]);
  });

  it("rejects a known type where it cannot appear", () => {
    const cases = [
      { type: "ListView", children: [{ type: "Text", value: "x" }] },
      { type: "Card", children: [{ type: "ListViewItem", children: [] }] },
      { type: "Card", children: [{ type: "Card", children: [] }] },
      { type: "Card", children: [{ type: "Table", children: [{ type: "Table.Cell" }] }] },
    ];
    for (const widget of cases) {
      const result = WidgetRootSchema.safeParse(widget);
      expect(result.error?.issues[0]?.message).toMatch(/cannot appear here; expected/);
    }
  });

  it("rejects children that are not components", () => {
    const result = WidgetRootSchema.safeParse({ type: "Card", children: ["text", { value: 1 }] });
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([
      ["children", 0],
      ["children", 1],
    ]);
  });

  it("accepts only the published components as a standalone WidgetComponent", () => {
    expect(WidgetComponentSchema.safeParse(EXAMPLES["Badge"]).success).toBe(true);
    expect(WidgetComponentSchema.safeParse(EXAMPLES["Card"]).success).toBe(false);
    expect(WidgetComponentSchema.safeParse({ type: "Gauge" }).success).toBe(false);
  });
});

describe("unknown props and components", () => {
  const widget = {
    type: "Card",
    glow: { strength: 2 },
    children: [
      { type: "Text", value: "hi", shimmer: true, color: { light: "red", dark: "pink", contrast: "high" } },
      { type: "Gauge", value: 0.4, children: [{ type: "Text" }] },
      { type: "Row", children: [{ type: "Sparkline", points: [1, 2, 3] }] },
      { type: "Button", onClickAction: { type: "go", payload: { a: 1 }, debounceMs: 200 } },
    ],
  };

  it("survive parsing, untouched", () => {
    const parsed: Card = WidgetRootSchema.parse(widget) as Card;
    expect(parsed).toEqual(widget);
    expect(parsed["glow"]).toEqual({ strength: 2 });
  });

  it("survive parse, dropNulls and a JSON round trip", () => {
    const roundTripped: unknown = JSON.parse(JSON.stringify(dropNulls(WidgetRootSchema.parse(widget))));
    expect(roundTripped).toEqual(widget);
  });

  it("keep an unknown type unchecked, even when what it holds is invalid", () => {
    // `{ type: "Text" }` without `value` is inside the unknown Gauge: not ours to judge.
    expect(WidgetRootSchema.safeParse(widget).success).toBe(true);
  });

  it("are allowed under a ListView too (a future kind of item)", () => {
    const listView = { type: "ListView", children: [{ type: "ListViewGroup", items: [] }] };
    expect(WidgetRootSchema.parse(listView)).toEqual(listView);
  });
});

describe("CHILDREN_RULES", () => {
  it.each(Object.entries(CHILDREN_RULES))(
    "agree with the %s schema on whether children are required",
    (type) => {
      const rule = childrenRuleFor(type);
      const withoutChildren: Record<string, unknown> = { ...EXAMPLES[type] };
      delete withoutChildren["children"];
      expect(schemaForType(type)?.safeParse(withoutChildren).success).toBe(!rule?.required);
    },
  );

  it("have no rule for leaf or unknown types", () => {
    expect(childrenRuleFor("Text")).toBeUndefined();
    expect(childrenRuleFor("Gauge")).toBeUndefined();
    expect(childrenRuleFor("toString")).toBeUndefined();
  });

  it("let a Basic hold other roots", () => {
    const basic: WidgetRoot = {
      type: "Basic",
      children: [
        { type: "ListView", children: [{ type: "ListViewItem", children: [{ type: "Text", value: "x" }] }] },
        { type: "Basic", children: [{ type: "Text", value: "y" }] },
      ],
    };
    expect(WidgetRootSchema.parse(basic)).toEqual(basic);
  });
});
