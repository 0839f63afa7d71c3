import fc from "fast-check";

import { WidgetRootError, WidgetTemplateError } from "../../lib/errors";
import { isWidgetRoot, parseWidgetRoot } from "../../widgets/parseWidget";
import { dropNulls } from "../../widgets/serialize";

function rootError(value: unknown): WidgetRootError {
  try {
    parseWidgetRoot(value, { widget: "Todo", file: "/app/todo.widget" });
  } catch (error) {
    if (error instanceof WidgetRootError) return error;
    throw error;
  }
  throw new Error("parseWidgetRoot did not throw");
}

describe("parseWidgetRoot", () => {
  it("returns each kind of root", () => {
    const card = { type: "Card", children: [{ type: "Text", value: "hi" }] };
    const listView = { type: "ListView", children: [{ type: "ListViewItem", children: [] }] };
    const basic = { type: "Basic", children: [card] };
    for (const root of [card, listView, basic]) expect(parseWidgetRoot(root)).toEqual(root);
  });

  it.each([
    [{ type: "Text", value: "hi" }, 'type "Text"'],
    [[{ type: "Card", children: [] }], "an array"],
    ["Card", "a string"],
    [42, "a number"],
    [true, "a boolean"],
    [null, "null"],
    [undefined, "undefined"],
    [{ children: [] }, 'an object without a "type"'],
    [{ type: 3 }, 'an object whose "type" is a number'],
  ])("names what it found instead of a root: %j is %s", (value, found) => {
    const error = rootError(value);
    expect(error).toBeInstanceOf(WidgetRootError);
    expect(error).toBeInstanceOf(WidgetTemplateError);
    expect(error.found).toBe(found);
    expect(error.widget).toBe("Todo");
    expect(error.file).toBe("/app/todo.widget");
    expect(error.message).toBe(
      `widget "Todo" (/app/todo.widget): the template must render a widget root (Card, ListView or Basic), but rendered ${found}`,
    );
  });

  it("lists the path of every invalid prop of a root", () => {
    const error = rootError({
      type: "Card",
      size: "huge",
      children: [
        { type: "Text" },
        { type: "Row", children: [{ type: "Icon", name: "nope" }] },
        { type: "Gauge", anything: "goes" },
      ],
    });
    expect(error.found).toBe('type "Card"');
    expect(error.detail.split("\n")).toEqual([
      "the Card has invalid props (fix the template or the data that fills them):",
      '  size: Invalid option: expected one of "sm"|"md"|"lg"|"full"',
      "  children[0].value: Invalid input: expected string, received undefined",
      '  children[1].children[0].name: expected a ChatKit icon name (see WIDGET_ICON_NAMES), got "nope"',
    ]);
  });

  it("names a known component in the wrong place", () => {
    const error = rootError({ type: "ListView", children: [{ type: "Text", value: "x" }] });
    expect(error.detail).toContain("children[0].type: a Text cannot appear here; expected a ListViewItem");
  });

  it("caps the list of issues", () => {
    const children = Array.from({ length: 25 }, () => ({ type: "Image" }));
    const error = rootError({ type: "Card", children });
    expect(error.detail).toContain("children[9].src");
    expect(error.detail).not.toContain("children[10].src");
    expect(error.detail).toContain("...and 15 more");
  });

  it("works without a context", () => {
    expect(() => parseWidgetRoot([])).toThrow(
      "the template must render a widget root (Card, ListView or Basic), but rendered an array",
    );
  });
});

describe("isWidgetRoot", () => {
  it("accepts valid roots and rejects the rest", () => {
    expect(isWidgetRoot({ type: "Card", children: [] })).toBe(true);
    expect(isWidgetRoot({ type: "Card", children: [{ type: "Unknown" }] })).toBe(true);
    expect(isWidgetRoot({ type: "Card" })).toBe(false);
    expect(isWidgetRoot({ type: "Text", value: "x" })).toBe(false);
    expect(isWidgetRoot(null)).toBe(false);
  });
});

/** Small widget trees mixing known and unknown components and props, with nulls where templates print them. */
const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null, freq: 3 });
const extraProps = fc.dictionary(
  fc.constantFrom("glow", "tone", "x-data"),
  fc.oneof(
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.integer(), { maxLength: 2 }),
  ),
  {
    maxKeys: 2,
  },
);
const componentTree = fc.letrec((tie) => ({
  component: fc.oneof(
    { depthSize: "small" },
    fc.record({ type: fc.constant("Text"), value: fc.string(), size: nullable(fc.constantFrom("sm", "lg")) }),
    fc.record({ type: fc.constant("Badge"), label: fc.string(), pill: nullable(fc.boolean()) }),
    fc.record({ type: fc.constant("Gauge"), level: nullable(fc.integer()) }),
    fc.record({
      type: fc.constant("Box"),
      id: nullable(fc.string()),
      gap: nullable(fc.integer({ min: 0, max: 8 })),
      children: fc.array(tie("component"), { maxLength: 3 }),
    }),
  ),
}));
const widgetTree = fc
  .tuple(
    fc.array(componentTree.component, { maxLength: 4 }),
    extraProps,
    nullable(fc.constantFrom("sm", "full")),
  )
  .map(([children, extra, size]) => ({ ...extra, type: "Card", size, children }));

describe("parseWidgetRoot on generated widgets", () => {
  it("accepts every built widget and changes nothing, through a JSON round trip too", () => {
    fc.assert(
      fc.property(widgetTree, (rendered) => {
        const built = dropNulls(rendered);
        const parsed = parseWidgetRoot(built);
        expect(parsed).toEqual(built);
        expect(parseWidgetRoot(JSON.parse(JSON.stringify(parsed)))).toEqual(built);
      }),
    );
  });
});
