import fc from "fast-check";

import { checkWidget, type WidgetWarning } from "../../widgets/checkWidget";

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

const summary = (warnings: readonly WidgetWarning[]) => warnings.map(({ code, path }) => `${code} ${path}`);

describe("checkWidget", () => {
  it("finds nothing wrong with a clean widget", () => {
    const widget = {
      type: "Card",
      key: "k",
      id: "card",
      confirm: { label: "OK", action: { type: "ok", handler: "client" } },
      children: [
        { type: "Form", children: [{ type: "Input", name: "todo.title" }] },
        { type: "Transition", children: { type: "Text", value: "hi", id: "t" } },
        { type: "Table", children: [{ type: "Table.Row", children: [{ type: "Table.Cell" }] }] },
      ],
    };
    expect(checkWidget(widget)).toEqual([]);
  });

  it("reports unknown props with their paths, suggesting the nearest known prop", () => {
    const warnings = checkWidget({
      type: "Card",
      children: [
        { type: "Text", value: "a" },
        { type: "Text", value: "b" },
        { type: "Row", children: [{ type: "Text", value: "c", colour: "red" }] },
      ],
      glow: true,
    });
    expect(warnings).toEqual([
      { code: "unknown_prop", path: "glow", message: 'Card has no prop "glow"' },
      {
        code: "unknown_prop",
        path: "children[2].children[0].colour",
        message: 'Text has no prop "colour"; did you mean "color"?',
      },
    ]);
  });

  it("reports unknown component types and still checks what they hold", () => {
    const warnings = checkWidget({
      type: "Card",
      children: [{ type: "Gauge", level: 3, children: [{ type: "Badge", label: "x", colr: "info" }] }],
    });
    expect(summary(warnings)).toEqual([
      "unknown_component children[0]",
      "unknown_prop children[0].children[0].colr",
    ]);
    expect(warnings[0]?.message).toBe('unknown component type "Gauge"; it is kept as is');
  });

  it("reports known props with the wrong value, and missing required props", () => {
    const warnings = checkWidget({
      type: "Card",
      size: "huge",
      children: [
        { type: "Badge", label: 3 },
        { type: "Button", onClickAction: { type: "go", handler: "sever" } },
        { type: "Image" },
      ],
    });
    expect(summary(warnings)).toEqual([
      "invalid_prop size",
      "invalid_prop children[0].label",
      "invalid_prop children[1].onClickAction.handler",
      "invalid_prop children[2].src",
    ]);
    expect(warnings[1]?.message).toBe("Badge: Invalid input: expected string, received number");
  });

  it("requires ListViewItem children under a ListView", () => {
    const warnings = checkWidget({
      type: "ListView",
      children: [{ type: "ListViewItem", children: [] }, { type: "Text", value: "x" }, { type: "Future" }],
    });
    expect(warnings).toEqual([
      {
        code: "invalid_prop",
        path: "children[1]",
        message: "a Text cannot be a child of ListView; expected a ListViewItem",
      },
      {
        code: "unknown_component",
        path: "children[2]",
        message: 'unknown component type "Future"; it is kept as is',
      },
    ]);
  });

  it("reports children in the wrong place or of the wrong shape", () => {
    const warnings = checkWidget({
      type: "Card",
      children: [
        { type: "ListViewItem", children: [] },
        { type: "Box", children: { type: "Text", value: "not in an array" } },
        { type: "Table", children: [{ type: "Table.Cell" }] },
        "text",
        { type: "Transition" },
      ],
    });
    expect(summary(warnings)).toEqual([
      "invalid_prop children[0]",
      "invalid_prop children[1].children",
      "invalid_prop children[2].children[0]",
      "invalid_prop children[3]",
      "invalid_prop children[4].children",
    ]);
  });

  it("reports missing children where they are required", () => {
    expect(checkWidget({ type: "Card" })).toEqual([
      { code: "invalid_prop", path: "children", message: "Card needs children: a component" },
    ]);
  });

  it("checks any node, not only roots", () => {
    expect(summary(checkWidget({ type: "Badge", label: "x", tint: 1 }))).toEqual(["unknown_prop tint"]);
    expect(summary(checkWidget(null))).toEqual(["invalid_prop "]);
  });

  it("never modifies the widget, even a frozen one", () => {
    const widget = deepFreeze({ type: "Card", children: [{ type: "Text", value: 1, colour: "red" }] });
    const before = JSON.stringify(widget);
    expect(checkWidget(widget)).toHaveLength(2);
    expect(JSON.stringify(widget)).toBe(before);
  });

  it("reports every unknown prop, wherever it is added, at its own path", () => {
    const props = fc.uniqueArray(fc.constantFrom("colour", "glow", "shimmer", "zIndex"), { minLength: 1 });
    fc.assert(
      fc.property(props, fc.nat(2), (extra, where) => {
        const extraProps = Object.fromEntries(extra.map((prop) => [prop, true]));
        const text: Record<string, unknown> = { type: "Text", value: "x", ...extraProps };
        const children = [{ type: "Divider" }, { type: "Divider" }, { type: "Divider" }];
        children[where] = { type: "Box", children: [text] } as never;
        const warnings = checkWidget({ type: "Card", children });
        expect(warnings.map((warning) => warning.path).sort()).toEqual(
          extra.map((prop) => `children[${where}].children[0].${prop}`).sort(),
        );
        expect(warnings.every((warning) => warning.code === "unknown_prop")).toBe(true);
      }),
    );
  });

  it("reports a value that is not a widget root when asked for a root", () => {
    const text = { type: "Text", value: "x" };
    expect(checkWidget(text)).toEqual([]);
    expect(checkWidget(text, { root: true })).toEqual([
      {
        code: "not_root",
        path: "",
        message: "expected a widget root (Card, ListView or Basic), found a Text",
      },
    ]);
    expect(checkWidget([text], { root: true })[0]).toMatchObject({ code: "not_root", path: "" });
    expect(checkWidget({ type: "ListView", children: [] }, { root: true })).toEqual([]);
  });
});
