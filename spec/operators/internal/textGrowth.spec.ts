import { knownDelta, TextGrowth } from "../../../operators/internal/textGrowth";

describe("TextGrowth", () => {
  it("tells the delta of the text being emitted, and only while it is", () => {
    const growth = new TextGrowth();
    const seen: (string | undefined)[] = [];
    growth.emitGrown("Hel", "lo", (whole) => {
      expect(whole).toBe("Hello");
      seen.push(knownDelta("Hel", whole));
    });
    expect(seen).toEqual(["lo"]);
    expect(knownDelta("Hel", "Hello")).toBeUndefined();
  });

  it("tells nothing about other texts", () => {
    const growth = new TextGrowth();
    growth.emitGrown("ab", "c", (whole) => {
      expect(knownDelta("ab", "abd")).toBeUndefined(); // another after
      expect(knownDelta("a", whole)).toBeUndefined(); // another before
      expect(knownDelta("xy", whole)).toBeUndefined();
      expect(knownDelta(whole, "abc")).toBeUndefined(); // the other way round
    });
  });

  it("holds for texts equal to its own, not only the same strings", () => {
    const growth = new TextGrowth();
    const before = ["a", "b"].join("");
    growth.emitGrown("ab", "cd", () => {
      expect(knownDelta(before, ["ab", "cd"].join(""))).toBe("cd");
    });
  });

  it("tells an empty token as an empty delta", () => {
    const growth = new TextGrowth();
    growth.emitGrown("same", "", (whole) => expect(knownDelta("same", whole)).toBe(""));
  });

  it("gives the outer emission back when a nested one returns, even by a throw", () => {
    const outer = new TextGrowth();
    const inner = new TextGrowth();
    outer.emitGrown("a", "b", (ab) => {
      inner.emitGrown("x", "y", (xy) => {
        expect(knownDelta("x", xy)).toBe("y");
        expect(knownDelta("a", ab)).toBeUndefined();
      });
      expect(knownDelta("a", ab)).toBe("b");
      expect(() =>
        inner.emitGrown("p", "q", () => {
          throw new Error("downstream failed");
        }),
      ).toThrow("downstream failed");
      expect(knownDelta("a", ab)).toBe("b");
    });
    expect(knownDelta("a", "ab")).toBeUndefined();
  });
});
