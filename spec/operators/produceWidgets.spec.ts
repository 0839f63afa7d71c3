import { applyPatches, type Draft } from "immer";
import { map } from "rxjs";
import { TestScheduler } from "rxjs/testing";

import type { PatchedWidget } from "../../operators/diffPatchedWidgets";
import { produceWidgets } from "../../operators/produceWidgets";
import type { WidgetRoot } from "../../widgets/components";

type Json = Record<string, unknown>;

const initial = {
  type: "Card",
  children: [{ type: "Text", id: "t", value: "He", streaming: true }],
} as unknown as WidgetRoot;

/** Appends a token to the card's text. */
const append = (draft: Draft<WidgetRoot>, token: string): void => {
  const text = (draft as unknown as { children: Json[] }).children[0]!;
  text["value"] = `${String(text["value"])}${token}`;
};

const card = (value: string): WidgetRoot =>
  ({ type: "Card", children: [{ type: "Text", id: "t", value, streaming: true }] }) as unknown as WidgetRoot;

/** What the marbles compare: the state, and whether its patches turn its base into it. */
const view = (state: PatchedWidget): { widget: WidgetRoot; replays: boolean } => ({
  widget: state.widget,
  replays:
    state.base === undefined
      ? state.patches.length === 0
      : JSON.stringify(applyPatches(state.base, [...state.patches])) === JSON.stringify(state.widget),
});

describe("produceWidgets", () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it("should start with the initial widget and emit each state with its patches", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-x--y--|", { x: "l", y: "lo" });
      const subs = "       ^------!";
      const expected = "   ab--c--|";
      expectObservable(source.pipe(produceWidgets(initial, append), map(view))).toBe(expected, {
        a: { widget: initial, replays: true },
        b: { widget: card("Hel"), replays: true },
        c: { widget: card("Hello"), replays: true },
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it("should chain each state's base to the state before", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-x-y-|", { x: "l", y: "l" });
      const bases = source.pipe(
        produceWidgets(initial, append),
        map((state, index) => ({
          index,
          base: state.base === undefined ? null : JSON.stringify(state.base),
        })),
      );
      expectObservable(bases).toBe("ab-c-|", {
        a: { index: 0, base: null },
        b: { index: 1, base: JSON.stringify(initial) },
        c: { index: 2, base: JSON.stringify(card("Hel")) },
      });
    });
  });

  it("should start again from the initial widget for each subscription", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const states = cold("-x|", { x: "!" }).pipe(
        produceWidgets(initial, append),
        map((state) => state.widget),
      );
      expectObservable(states).toBe("ab|", { a: initial, b: card("He!") });
      expectObservable(states).toBe("ab|", { a: initial, b: card("He!") });
    });
  });

  it("should emit the initial widget alone for empty", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<string>("|");
      expectObservable(source.pipe(produceWidgets(initial, append), map(view))).toBe("(a|)", {
        a: { widget: initial, replays: true },
      });
      expectSubscriptions(source.subscriptions).toBe("(^!)");
    });
  });

  it("should emit the initial widget alone for never", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<string>("-");
      expectObservable(source.pipe(produceWidgets(initial, append), map(view))).toBe("a", {
        a: { widget: initial, replays: true },
      });
      expectSubscriptions(source.subscriptions).toBe("^");
    });
  });

  it("should propagate a source error", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-x-#", { x: "l" });
      expectObservable(source.pipe(produceWidgets(initial, append), map(view))).toBe("ab-#", {
        a: { widget: initial, replays: true },
        b: { widget: card("Hel"), replays: true },
      });
      expectSubscriptions(source.subscriptions).toBe("^--!");
    });
  });

  it("should unsubscribe from the source early", () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot("-x--y--|", { x: "l", y: "lo" });
      expectObservable(source.pipe(produceWidgets(initial, append), map(view)), "--!").toBe("ab-", {
        a: { widget: initial, replays: true },
        b: { widget: card("Hel"), replays: true },
      });
      expectSubscriptions(source.subscriptions).toBe("^-!");
    });
  });

  it("should route a throwing recipe to error and unsubscribe", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-x--y--|", { x: "l", y: "boom" });
      const recipe = (draft: Draft<WidgetRoot>, token: string): void => {
        if (token === "boom") throw new Error("boom");
        append(draft, token);
      };
      expectObservable(source.pipe(produceWidgets(initial, recipe), map(view))).toBe(
        "ab--#",
        { a: { widget: initial, replays: true }, b: { widget: card("Hel"), replays: true } },
        new Error("boom"),
      );
      expectSubscriptions(source.subscriptions).toBe("^---!");
    });
  });

  it("should reject a recipe that is not a function", () => {
    expect(() => produceWidgets(initial, "append" as unknown as typeof append)).toThrow(
      new TypeError("produceWidgets: recipe must be a function, got string"),
    );
  });
});
