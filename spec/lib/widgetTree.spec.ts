import fc from "fast-check";

import {
  countId,
  findComponent,
  idCounts,
  jsonEqual,
  shareIdCounts,
  type WidgetNode,
} from "../../lib/widgetTree";

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

  it("hands counts on along interleaved streams without walking a tree again", () => {
    let reads = 0;
    // A state of one stream: the text grows, the ids stay; reading the deep id is counted.
    const state = (text: string): WidgetNode => {
      const deep = { type: "Text", value: "" };
      Object.defineProperty(deep, "id", { enumerable: true, get: () => (reads++, "deep") });
      const children = [
        { type: "Box", children: [deep] },
        { type: "Text", id: "t", value: text },
      ];
      return { type: "Card", children };
    };
    let a = state("");
    let b = state("");
    expect([countId(a, "t"), countId(b, "t")]).toEqual([1, 1]);
    expect(reads).toBe(2);
    const earlier: WidgetNode[] = [];
    for (let step = 1; step <= 4; step++) {
      const nextA = state("a".repeat(step));
      const nextB = state("b".repeat(step));
      expect(countId(a, "t")).toBe(1);
      shareIdCounts(a, nextA);
      expect(countId(b, "t")).toBe(1);
      shareIdCounts(b, nextB);
      // The same state diffed again, against another next.
      expect(countId(a, "t")).toBe(1);
      earlier.push(a, b);
      [a, b] = [nextA, nextB];
    }
    expect([countId(a, "t"), countId(b, "t")]).toEqual([1, 1]);
    // One stream alone: the state it moves on from, diffed again.
    const lastB = state("b!");
    shareIdCounts(b, lastB);
    expect([countId(b, "t"), countId(lastB, "t")]).toEqual([1, 1]);
    expect(reads).toBe(2);
    // What a stream moved on from may be walked again, and still counts right.
    expect(earlier.map((root) => countId(root, "t"))).toEqual(earlier.map(() => 1));
    expect(earlier.map((root) => countId(root, "deep"))).toEqual(earlier.map(() => 1));
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
