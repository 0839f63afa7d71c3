import fc from "fast-check";

import { dropNulls, type WithoutNulls } from "../../widgets/serialize";

/** What `dropNulls` must agree with: the JSON round trip it replaces. */
function viaJson(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, property: unknown): unknown => {
      if (Array.isArray(property))
        return property.filter((element: unknown) => element !== null && element !== undefined);
      return property === null ? undefined : property;
    }),
  );
}

function containsNullish(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.some(containsNullish);
  if (typeof value === "object") return Object.values(value).some(containsNullish);
  return false;
}

/** JSON-like trees with plenty of nulls and undefineds, at every depth. */
const jsonWithNulls = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom(null, undefined, 0, "", false, "x", 1.5),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom("type", "value", "children", "id", "a", "b"), tie("value"), { maxKeys: 4 }),
  ),
})).value;

describe("dropNulls", () => {
  it("drops null and undefined props at every depth", () => {
    const widget = {
      type: "Card",
      size: null,
      padding: undefined,
      children: [{ type: "Text", value: "hi", color: null, editable: { name: "n", placeholder: null } }],
    };
    expect(dropNulls(widget)).toEqual({
      type: "Card",
      children: [{ type: "Text", value: "hi", editable: { name: "n" } }],
    });
    expect(Object.keys(dropNulls(widget))).toEqual(["type", "children"]);
  });

  it("keeps array order and drops null elements", () => {
    expect(dropNulls([1, null, 2, undefined, { a: null }, 3])).toEqual([1, 2, {}, 3]);
    // eslint-disable-next-line no-sparse-arrays
    expect(dropNulls([1, , 2])).toEqual([1, 2]);
  });

  it("keeps falsy values that are not null", () => {
    expect(dropNulls({ a: 0, b: "", c: false, d: [] })).toEqual({ a: 0, b: "", c: false, d: [] });
  });

  it("returns the same objects when there is nothing to drop", () => {
    const clean = { type: "Card", children: [{ type: "Text", value: "hi" }, { type: "Divider" }] };
    expect(dropNulls(clean)).toBe(clean);
  });

  it("copies only the path to what changed, sharing untouched subtrees", () => {
    const untouched = { type: "Text", value: "same" };
    const touched = { type: "Text", value: "x", color: null };
    const widget = { type: "Card", children: [untouched, { type: "Row", children: [touched] }] };
    const result = dropNulls(widget);
    expect(result).not.toBe(widget);
    expect(result.children).not.toBe(widget.children);
    expect(result.children[0]).toBe(untouched);
    expect(touched).toHaveProperty("color", null);
  });

  it("never modifies its input", () => {
    const widget = Object.freeze({ a: null, b: Object.freeze([null, Object.freeze({ c: undefined })]) });
    expect(dropNulls(widget)).toEqual({ b: [{}] });
  });

  it("keeps a __proto__ key as a property, not a prototype", () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": null}') as object;
    const result = dropNulls(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("leaves objects that are not plain as they are", () => {
    const date = new Date(0);
    expect(dropNulls({ at: date }).at).toBe(date);
  });

  it("turns a top-level null into undefined", () => {
    expect(dropNulls(null)).toBeUndefined();
    expect(dropNulls("text")).toBe("text");
  });

  it("types the result without nulls", () => {
    const result: { a: string; b?: number; c: { d?: string }[] } = dropNulls({
      a: "x",
      b: null as number | null,
      c: [{ d: null as string | null }, null],
    });
    expect(result).toEqual({ a: "x", c: [{}] });
    const typed: WithoutNulls<{ x: string | null }> = {};
    expect(typed).toEqual({});
  });

  it("agrees with the JSON round trip, leaves no nulls behind and is idempotent", () => {
    fc.assert(
      fc.property(jsonWithNulls, (value) => {
        // Wrapped, because JSON has no text for a top-level undefined.
        const once = dropNulls({ root: value });
        expect(once).toEqual(viaJson({ root: value }));
        expect(containsNullish(once)).toBe(false);
        expect(dropNulls(once)).toBe(once);
      }),
    );
  });

  it("skips deeply frozen subtrees it found clean, but never one that holds something still mutable", () => {
    const deep = Object.freeze({
      type: "Row",
      children: Object.freeze([Object.freeze({ type: "Text", value: "x" })]),
    });
    const first = dropNulls({ type: "Card", children: [deep, { type: "Divider", size: null }] });
    const second = dropNulls({ type: "Card", children: [deep, { type: "Divider", size: null }] });
    expect(second).toEqual({ type: "Card", children: [deep, { type: "Divider" }] });
    expect(first.children[0]).toBe(deep);
    expect(second.children[0]).toBe(deep);

    const mutable: Record<string, unknown> = { type: "Text", value: "x" };
    const shallow = Object.freeze({ type: "Row", children: Object.freeze([mutable]) });
    expect(dropNulls(shallow)).toBe(shallow);
    mutable["value"] = null;
    expect(dropNulls(shallow)).toEqual({ type: "Row", children: [{ type: "Text" }] });
  });
});
