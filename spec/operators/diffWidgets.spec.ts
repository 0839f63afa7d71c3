import { produce } from "immer";
import { from, map } from "rxjs";
import { TestScheduler } from "rxjs/testing";

import type { WidgetUpdate } from "../../lib/events/widgetUpdates";
import { applyWidgetUpdate } from "../../lib/reducer/applyWidgetUpdate";
import { accumulateText } from "../../operators/accumulateText";
import { diffWidgets, diffWidgetStates } from "../../operators/diffWidgets";
import type { WidgetRoot } from "../../widgets/components";
import { applyWidgetUpdateAppendOnly } from "../helpers/appendOnlyClient";

type Json = Record<string, unknown>;

const card = (...children: Json[]): WidgetRoot => ({ type: "Card", children }) as unknown as WidgetRoot;
const text = (id: string | undefined, value: string, extra: Json = {}): Json => ({
  type: "Text",
  ...(id === undefined ? {} : { id }),
  value,
  ...extra,
});
const box = (id: string | undefined, children: Json[], extra: Json = {}): Json => ({
  type: "Box",
  ...(id === undefined ? {} : { id }),
  children,
  ...extra,
});

const sized = (root: WidgetRoot): WidgetRoot => ({ ...root, size: "lg" });

function rebuild(prev: WidgetRoot, updates: readonly WidgetUpdate[]): WidgetRoot {
  return updates.reduce(applyWidgetUpdate, prev);
}

/** What a client that only appends `delta` to `value` (and ignores `done`) holds after the updates. */
function rebuildAppendOnly(prev: WidgetRoot, updates: readonly WidgetUpdate[]): WidgetRoot {
  return updates.reduce(applyWidgetUpdateAppendOnly, prev);
}

describe("diffWidgets", () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const a = card(text("t", "He", { streaming: true }));
  const b = card(text("t", "Hello", { streaming: true }));
  const c = card(text("t", "Hello!", { streaming: false }));
  const delta = (d: string, done: boolean): WidgetUpdate => ({
    type: "widget.streaming_text.value_delta",
    component_id: "t",
    delta: d,
    done,
  });

  it("should emit the updates between successive states", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a--b--c--|", { a, b, c });
      const subs = "       ^---------!";
      const expected = "   ----B--C--|";
      expectObservable(source.pipe(diffWidgets())).toBe(expected, {
        B: [delta("llo", false)],
        C: [{ type: "widget.root.updated", widget: c }],
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it("should end streaming with a done delta when doneDeltaEndsStreaming is on", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a--b--c--|", { a, b, c });
      const subs = "       ^---------!";
      const expected = "   ----B--C--|";
      expectObservable(source.pipe(diffWidgets({ doneDeltaEndsStreaming: true }))).toBe(expected, {
        B: [delta("llo", false)],
        C: [delta("!", true)],
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it("should emit nothing for one state", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a--|", { a });
      expectObservable(source.pipe(diffWidgets())).toBe("----|");
      expectSubscriptions(source.subscriptions).toBe("^---!");
    });
  });

  it("should emit nothing for a state without visible change", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const same = card(text("t", "He", { streaming: true }));
      const source = cold("-a-a-s-|", { a, s: same });
      expectObservable(source.pipe(diffWidgets())).toBe("-------|");
    });
  });

  it("should complete on empty", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<WidgetRoot>("|");
      expectObservable(source.pipe(diffWidgets())).toBe("|");
      expectSubscriptions(source.subscriptions).toBe("(^!)");
    });
  });

  it("should never emit for never", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<WidgetRoot>("-");
      expectObservable(source.pipe(diffWidgets())).toBe("-");
      expectSubscriptions(source.subscriptions).toBe("^");
    });
  });

  it("should propagate a source error", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a--b--#", { a, b });
      expectObservable(source.pipe(diffWidgets())).toBe("----B--#", { B: [delta("llo", false)] });
      expectSubscriptions(source.subscriptions).toBe("^------!");
    });
  });

  it("should unsubscribe from the source early", () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot("-a--b--c--|", { a, b, c });
      const unsub = "     -----!";
      expectObservable(source.pipe(diffWidgets()), unsub).toBe("----B-", { B: [delta("llo", false)] });
      expectSubscriptions(source.subscriptions).toBe("^----!");
    });
  });

  it("should route a throw from a downstream callback to error, not swallow it", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-a--b--c--|", { a, b, c });
      const result = source.pipe(
        diffWidgets(),
        map((updates) => {
          if (updates.length > 0) throw new Error("boom");
          return updates;
        }),
      );
      expectObservable(result).toBe("----#", undefined, new Error("boom"));
    });
  });

  it("should pass componentUpdates on", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const x = card(box("b", [text(undefined, "x")]));
      const y = card(box("b", [text(undefined, "y")]));
      const source = cold("-x-y-|", { x, y });
      expectObservable(source.pipe(diffWidgets({ componentUpdates: true }))).toBe("---Y-|", {
        Y: [
          {
            type: "widget.component.updated",
            component_id: "b",
            component: box("b", [text(undefined, "y")]),
          },
        ],
      });
    });
  });
});

describe("diffWidgetStates", () => {
  const rootUpdate = (widget: WidgetRoot): WidgetUpdate[] => [{ type: "widget.root.updated", widget }];

  it("returns [] for the same object or equal trees", () => {
    const a = card(text("t", "x"));
    expect(diffWidgetStates(a, a)).toEqual([]);
    expect(diffWidgetStates(a, card(text("t", "x")))).toEqual([]);
  });

  it("treats an undefined prop as absent", () => {
    expect(diffWidgetStates(card(text("t", "x", { color: undefined })), card(text("t", "x")))).toEqual([]);
  });

  it("sends growth of a Text or Markdown with an id as a delta", () => {
    const prev = card(text("t", "Hel", { streaming: true }), { type: "Markdown", id: "m", value: "# " });
    const next = card(text("t", "Hello", { streaming: true }), { type: "Markdown", id: "m", value: "# Hi" });
    expect(diffWidgetStates(prev, next)).toEqual([
      { type: "widget.streaming_text.value_delta", component_id: "t", delta: "lo", done: false },
      { type: "widget.streaming_text.value_delta", component_id: "m", delta: "Hi", done: true },
    ]);
  });

  it.each([
    ["without growth", "Hi"],
    ["with growth", "Hi!"],
  ])(
    "sends the end of streaming %s as a root update, which a client that only appends deltas follows",
    (_, value) => {
      const prev = card(text("t", "Hi", { streaming: true }));
      const next = card(text("t", value, { streaming: false }));
      expect(diffWidgetStates(prev, next)).toEqual(rootUpdate(next));
      expect(rebuildAppendOnly(prev, diffWidgetStates(prev, next))).toEqual(next);
    },
  );

  it("sends the end of streaming as a component update when componentUpdates is on", () => {
    const prev = card(text("t", "Hi", { streaming: true }), text("u", "x"));
    const next = card(text("t", "Hi!", { streaming: false }), text("u", "x"));
    const updates = diffWidgetStates(prev, next, { componentUpdates: true });
    expect(updates).toEqual([
      {
        type: "widget.component.updated",
        component_id: "t",
        component: text("t", "Hi!", { streaming: false }),
      },
    ]);
    expect(rebuildAppendOnly(prev, updates)).toEqual(next);
  });

  it.each([
    [true, false],
    [false, true],
    [undefined, true],
  ])(
    "computes done as the reference does, not streaming of the new state (streaming %p: done %p)",
    (streaming, done) => {
      const extra = streaming === undefined ? {} : { streaming };
      const prev = card(text("t", "Hi", extra));
      const next = card(text("t", "Hi!", extra));
      expect(diffWidgetStates(prev, next)).toEqual([
        { type: "widget.streaming_text.value_delta", component_id: "t", delta: "!", done },
      ]);
      expect(rebuildAppendOnly(prev, diffWidgetStates(prev, next))).toEqual(next);
    },
  );

  it.each([
    ["without growth", "Hi", ""],
    ["with growth", "Hi!", "!"],
  ])("with doneDeltaEndsStreaming, sends the end of streaming %s as a done delta", (_, value, sent) => {
    const prev = card(text("t", "Hi", { streaming: true }));
    const next = card(text("t", value, { streaming: false }));
    const updates = diffWidgetStates(prev, next, { doneDeltaEndsStreaming: true });
    expect(updates).toEqual([
      { type: "widget.streaming_text.value_delta", component_id: "t", delta: sent, done: true },
    ]);
    expect(rebuild(prev, updates)).toEqual(next);
  });

  it.each([{}, { doneDeltaEndsStreaming: true }])(
    "does not send a delta when streaming is removed or switched on (the reducer could not rebuild it), %p",
    (config) => {
      const removed = card(text("t", "Hi!"));
      expect(diffWidgetStates(card(text("t", "Hi", { streaming: true })), removed, config)).toEqual(
        rootUpdate(removed),
      );
      const on = card(text("t", "Hi!", { streaming: true }));
      expect(diffWidgetStates(card(text("t", "Hi")), on, config)).toEqual(rootUpdate(on));
    },
  );

  it.each([
    ["shrunk text", card(text("t", "Hello")), card(text("t", "Hell"))],
    ["rewritten text", card(text("t", "Hello")), card(text("t", "Jello"))],
    ["text without id", card(text(undefined, "He")), card(text(undefined, "Hello"))],
    ["changed type", card(text("t", "He")), card({ type: "Markdown", id: "t", value: "Hello" })],
    ["vanished id", card(text("t", "He")), card(text(undefined, "Hello"))],
    ["changed id", card(text("t", "He")), card(text("u", "Hello"))],
    ["moved id", card(text("t", "He"), text("u", "x")), card(text("u", "x"), text("t", "Hello"))],
    ["added child", card(text("t", "He")), card(text("t", "He"), text("u", "x"))],
    ["duplicate ids", card(text("t", "He"), text("t", "a")), card(text("t", "Hello"), text("t", "a"))],
    ["duplicated id", card(text("t", "He"), text("u", "a")), card(text("t", "Hello"), text("t", "a"))],
    ["changed root prop", card(text("t", "He")), sized(card(text("t", "He")))],
    ["other prop of a text", card(text("t", "He")), card(text("t", "Hello", { color: "red" }))],
    [
      "Title growth",
      card({ type: "Title", id: "t", value: "A" }),
      card({ type: "Title", id: "t", value: "AB" }),
    ],
    [
      "non-string value",
      card({ type: "Text", id: "t", value: 1 }),
      card({ type: "Text", id: "t", value: 12 }),
    ],
    [
      "root type",
      card(text("t", "He")),
      { type: "Basic", children: [text("t", "He")] } as unknown as WidgetRoot,
    ],
    [
      "single child",
      card({ type: "Transition", children: text("t", "a") }),
      card({ type: "Transition", children: text("u", "a") }),
    ],
  ])("replaces the root for a %s, and never throws", (_name, prev, next) => {
    expect(diffWidgetStates(prev, next)).toEqual(rootUpdate(next));
    expect(rebuild(prev, diffWidgetStates(prev, next, { componentUpdates: true }))).toEqual(next);
  });

  it.each([
    ["changed type", card(text("t", "He")), card({ type: "Markdown", id: "t", value: "Hello" })],
    ["moved id", card(text("t", "He"), text("u", "x")), card(text("u", "x"), text("t", "Hello"))],
    ["duplicate ids", card(text("t", "He"), text("t", "a")), card(text("t", "Hello"), text("t", "a"))],
    ["root prop", card(text("t", "He")), sized(card(text("t", "He")))],
  ])("replaces the root for a %s even with componentUpdates", (_name, prev, next) => {
    expect(diffWidgetStates(prev, next, { componentUpdates: true })).toEqual(rootUpdate(next));
  });

  it("sends a component update for a shrunk text with componentUpdates", () => {
    const next = card(text("t", "Hell"));
    expect(diffWidgetStates(card(text("t", "Hello")), next, { componentUpdates: true })).toEqual([
      { type: "widget.component.updated", component_id: "t", component: text("t", "Hell") },
    ]);
  });

  it("sends a component update for the smallest enclosing component with an id", () => {
    const prev = card(box("outer", [box("inner", [text(undefined, "a", { color: "red" })]), text("t", "x")]));
    const next = card(
      box("outer", [box("inner", [text(undefined, "a", { color: "blue" })]), text("t", "xy")]),
    );
    const updates = diffWidgetStates(prev, next, { componentUpdates: true });
    expect(updates).toEqual([
      {
        type: "widget.component.updated",
        component_id: "inner",
        component: box("inner", [text(undefined, "a", { color: "blue" })]),
      },
      { type: "widget.streaming_text.value_delta", component_id: "t", delta: "y", done: true },
    ]);
    expect(rebuild(prev, updates)).toEqual(next);
    expect(diffWidgetStates(prev, next)).toEqual(rootUpdate(next));
  });

  it("updates a text component itself when its other props change", () => {
    const prev = card(text("t", "He", { color: "red" }));
    const next = card(text("t", "Hello", { color: "blue" }));
    expect(diffWidgetStates(prev, next, { componentUpdates: true })).toEqual([
      {
        type: "widget.component.updated",
        component_id: "t",
        component: text("t", "Hello", { color: "blue" }),
      },
    ]);
  });

  it("drops deltas inside a component that is replaced as a whole", () => {
    const prev = card(box("b", [text("t", "He")], { gap: 1 }));
    const next = card(box("b", [text("t", "Hello")], { gap: 2 }));
    expect(diffWidgetStates(prev, next, { componentUpdates: true })).toEqual([
      {
        type: "widget.component.updated",
        component_id: "b",
        component: box("b", [text("t", "Hello")], { gap: 2 }),
      },
    ]);
  });

  it("escalates a changed child list to the enclosing component", () => {
    const prev = card(box("b", [text(undefined, "a")]));
    const next = card(box("b", [text(undefined, "a"), text(undefined, "b")]));
    const updates = diffWidgetStates(prev, next, { componentUpdates: true });
    expect(updates).toEqual([
      { type: "widget.component.updated", component_id: "b", component: next.children[0] },
    ]);
    expect(rebuild(prev, updates)).toEqual(next);
  });

  it("does not target a component whose id is not unique", () => {
    const prev = card(box("b", [text(undefined, "a")]), box("b", []));
    const next = card(box("b", [text(undefined, "z")]), box("b", []));
    expect(diffWidgetStates(prev, next, { componentUpdates: true })).toEqual(rootUpdate(next));
  });

  it("streams a Text nested in Transitions and ListViewItems", () => {
    const list = (value: string): WidgetRoot =>
      ({
        type: "ListView",
        children: [
          {
            type: "ListViewItem",
            id: "i",
            children: [{ type: "Transition", children: text("t", value, { streaming: true }) }],
          },
        ],
      }) as unknown as WidgetRoot;
    expect(diffWidgetStates(list("a"), list("ab"))).toEqual([
      { type: "widget.streaming_text.value_delta", component_id: "t", delta: "b", done: false },
    ]);
  });

  it("keeps unknown components and props, comparing them as JSON", () => {
    const prev = card({ type: "Fancy", id: "f", knobs: { a: [1, 2] }, children: [text("t", "x")] });
    const next = card({ type: "Fancy", id: "f", knobs: { a: [1, 3] }, children: [text("t", "x")] });
    expect(diffWidgetStates(prev, next, { componentUpdates: true })).toEqual([
      { type: "widget.component.updated", component_id: "f", component: next.children[0] },
    ]);
    const grown = card({ type: "Fancy", id: "f", knobs: { a: [1, 2] }, children: [text("t", "xy")] });
    expect(diffWidgetStates(prev, grown)).toEqual([
      { type: "widget.streaming_text.value_delta", component_id: "t", delta: "y", done: true },
    ]);
  });

  it("skips subtrees shared between states without walking them", () => {
    const shared = box(undefined, [text("s", "same")]);
    let reads = 0;
    const spy = new Proxy(shared, {
      get(target, key, receiver) {
        reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const prev = card(spy, text("t", "a"));
    const next = produce(prev, (draft) => {
      (draft.children[1] as { value: string }).value = "ab";
    });
    diffWidgetStates(prev, next);
    // The id index reads the shared subtree once and caches it per object; the diff never walks it.
    const third = produce(next, (draft) => {
      (draft.children[1] as { value: string }).value = "abc";
    });
    reads = 0;
    expect(diffWidgetStates(next, third)).toEqual([
      { type: "widget.streaming_text.value_delta", component_id: "t", delta: "c", done: true },
    ]);
    expect(reads).toBe(0);
  });

  it("compares long texts by length and one startsWith", () => {
    const long = "x".repeat(1_000_000);
    const prev = card(text("t", long, { streaming: true }));
    const next = card(text("t", long + "y", { streaming: true }));
    const start = performance.now();
    for (let i = 0; i < 100; i++) diffWidgetStates(prev, next);
    expect(performance.now() - start).toBeLessThan(2_000);
  });

  it("takes the delta of a text accumulateText is emitting without reading the text", () => {
    // V8 holds `text + token` as a rope; reading it (`slice`, `startsWith`) copies the whole text.
    const first = "x".repeat(100_000);
    const tokens = [first, ...Array.from({ length: 50 }, (_, i) => ` t${i}`)];
    const slice = jest.spyOn(String.prototype, "slice");
    const startsWith = jest.spyOn(String.prototype, "startsWith");
    const updates: WidgetUpdate[][] = [];
    try {
      from(tokens)
        .pipe(
          accumulateText(),
          map((value) => card(text("t", value, { streaming: true }))),
          diffWidgets(),
        )
        .subscribe((each) => updates.push(each));
      const longReads = [...slice.mock.contexts, ...startsWith.mock.contexts].filter(
        (self) => String(self).length >= first.length,
      );
      expect(longReads).toHaveLength(0);
    } finally {
      slice.mockRestore();
      startsWith.mockRestore();
    }
    expect(updates).toEqual(
      tokens
        .slice(1)
        .map((token) => [
          { type: "widget.streaming_text.value_delta", component_id: "t", delta: token, done: false },
        ]),
    );
  });

  it("compares the texts when the widget's text is not the one accumulateText emits", () => {
    // Values: "AB", "ABC", "abX" (not the text), "abcd" (the text, but grown from "abc", not "abX").
    const states: WidgetRoot[] = [];
    const diffs: WidgetUpdate[][] = [];
    from(["ab", "c", "", "d"])
      .pipe(
        accumulateText(),
        map((value, index) => card(text("t", index < 2 ? value.toUpperCase() : index === 2 ? "abX" : value))),
        map((state) => (states.push(state), state)),
        diffWidgets(),
      )
      .subscribe((updates) => diffs.push(updates));
    expect(diffs).toEqual([
      [{ type: "widget.streaming_text.value_delta", component_id: "t", delta: "C", done: true }],
      [{ type: "widget.root.updated", widget: states[2] }],
      [{ type: "widget.root.updated", widget: states[3] }],
    ]);
  });
});
