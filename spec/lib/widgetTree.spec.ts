import { findComponent, idCounts, jsonEqual, type WidgetNode } from "../../lib/widgetTree";

const tree = {
  type: "Card",
  id: "root",
  children: [
    { type: "Box", id: "a", children: [{ type: "Text", id: "b", value: "" }] },
    { type: "Transition", children: { type: "Text", id: "c", value: "" } },
    { type: "Button", onClickAction: { type: "x", payload: { type: "Text", id: "d" } } },
    { type: "Text", id: "dup" },
    { type: "Text", id: "dup" },
    { type: "Text", id: "" },
    "not a component",
  ],
} as unknown as WidgetNode;

describe("widgetTree", () => {
  it("counts ids in children only, capped at 2", () => {
    expect(Object.fromEntries(idCounts(tree))).toEqual({ root: 1, a: 1, b: 1, c: 1, dup: 2 });
  });

  it("finds a component and the path to it", () => {
    expect(findComponent(tree, "b")).toMatchObject({ found: true, path: ["children", 0, "children", 0] });
    expect(findComponent(tree, "c")).toMatchObject({ found: true, path: ["children", 1, "children"] });
    expect(findComponent(tree, "root")).toMatchObject({ found: true, path: [] });
    expect(findComponent(tree, "d")).toEqual({ found: false, reason: "missing" });
    expect(findComponent(tree, "dup")).toEqual({ found: false, reason: "duplicate" });
  });

  it("compares JSON treating undefined properties as absent", () => {
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: null }, {})).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });
});
