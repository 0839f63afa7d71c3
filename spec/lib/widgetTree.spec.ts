import fc from "fast-check";

import { countId, findComponent, idCounts, jsonEqual, type WidgetNode } from "../../lib/widgetTree";

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

  it("counts one id as idCounts counts them all, whatever the tree holds", () => {
    // Ids from a small pool (duplicates are frequent, "" is never an id); children that
    // are no components (strings, null, arrays, objects without a string type, even
    // with an id and children) must be neither counted nor walked into.
    const ids = ["x", "y", "", 1];
    const idArb = fc.option(fc.constantFrom(...ids), { nil: undefined, freq: 3 });
    const { node: nodeArb } = fc.letrec<{ node: unknown; children: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.record({ type: fc.constant("Text"), id: idArb }, { requiredKeys: ["type"] }),
        fc.record(
          { type: fc.constantFrom("Box", "Transition", 7), id: idArb, children: tie("children") },
          { requiredKeys: ["type"] },
        ),
        fc.record({ id: idArb, children: tie("children") }),
        fc.constantFrom("not a component", null, 3),
        fc.array(tie("node"), { maxLength: 2 }),
      ),
      // An array of children, a Transition's single child, or anything else.
      children: fc.oneof(fc.array(tie("node"), { maxLength: 4 }), tie("node")),
    }));
    const rootArb = fc.record(
      { type: fc.constant("Card"), id: idArb, children: fc.array(nodeArb, { maxLength: 5 }) },
      { requiredKeys: ["type", "children"] },
    );
    fc.assert(
      fc.property(rootArb, (root) => {
        const tree = root as unknown as WidgetNode;
        // Asked first, so the walk answers rather than idCounts' cache.
        const counted = ["x", "y", ""].map((id) => countId(tree, id));
        const all = idCounts(tree);
        expect(counted).toEqual(["x", "y", ""].map((id) => all.get(id) ?? 0));
      }),
      { numRuns: 1000 },
    );
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
