import fc from "fast-check";

import type { ThreadItemUpdatedEvent, ThreadStreamEvent } from "../../../lib/events/threadEvents";
import type { AssistantMessageItem, ThreadItem, WidgetItem } from "../../../lib/events/threadItems";
import { applyThreadEvent } from "../../../lib/reducer/applyThreadEvent";
import { OpenItems } from "../../../lib/reducer/OpenItems";
import { WidgetUpdateError } from "../../../lib/errors";
import { d, m } from "../../helpers/textDeltaEvents";

const widget = (id: string, a: string, b = ""): WidgetItem => ({
  type: "widget",
  id,
  thread_id: "thr",
  created_at: "x",
  widget: {
    type: "Card",
    children: [
      { type: "Text", id: "a", value: a, streaming: true },
      { type: "Markdown", id: "b", value: b },
    ],
  },
});
const message = (id: string, text: string): AssistantMessageItem => ({
  type: "assistant_message",
  id,
  thread_id: "thr",
  created_at: "x",
  content: [{ type: "output_text", text, annotations: [] }],
});
const added = (item: ThreadItem): ThreadStreamEvent => ({ type: "thread.item.added", item });
const done = (item: ThreadItem): ThreadStreamEvent => ({ type: "thread.item.done", item });
const replaced = (item: ThreadItem): ThreadStreamEvent => ({ type: "thread.item.replaced", item });
const setA = (id: string, value: string): ThreadStreamEvent => ({
  type: "thread.item.updated",
  item_id: id,
  update: {
    type: "widget.component.updated",
    component_id: "a",
    component: { type: "Text", id: "a", value, streaming: true },
  },
});

/** The widget of `widget(id, a)`, put in whole with a root update. */
const setRoot = (id: string, a: string): ThreadStreamEvent => ({
  type: "thread.item.updated",
  item_id: id,
  update: { type: "widget.root.updated", widget: widget(id, a).widget },
});

/** An OpenItems that records what it dropped. */
function tracker() {
  const dropped: { error: unknown; event: ThreadItemUpdatedEvent }[] = [];
  const items = new OpenItems((error, event) => dropped.push({ error, event }));
  return { items, dropped };
}

describe("OpenItems", () => {
  it("opens on added, follows updates, closes on done and removed, in the client's state", () => {
    const { items } = tracker();
    items.observe(added(widget("w1", "He")));
    items.observe(added(message("m1", "")));
    items.observe(d("a", "llo"));
    items.observe(m(0, "Hi"));
    expect(items.size).toBe(2);
    expect(items.list()).toEqual([widget("w1", "Hello"), message("m1", "Hi")]);
    items.observe(done(message("m1", "Hi!")));
    items.observe({ type: "thread.item.removed", item_id: "nothing" });
    expect(items.close()).toEqual([done(widget("w1", "Hello"))]);
    expect(items.size).toBe(0);
  });

  it("ignores updates and replacements of items it does not track (saved earlier: not this stream's)", () => {
    const { items, dropped } = tracker();
    items.observe(d("a", "x", false, "old"));
    items.observe(replaced(widget("old", "y")));
    expect(items.update(setA("old", "z") as ThreadItemUpdatedEvent)).toBe(false);
    expect(items.size).toBe(0);
    expect(dropped).toEqual([]);
  });

  it("a replaced open item takes the new state and drops the text held for the old one", () => {
    const { items } = tracker();
    items.observe(added(widget("w1", "a")));
    items.observe(d("a", "bc"));
    items.observe(replaced(widget("w1", "new")));
    items.observe(d("a", "!"));
    expect(items.get("w1")).toEqual(widget("w1", "new!"));
  });

  it("holds text deltas without applying them until the state is asked for", () => {
    const { items } = tracker();
    const item = widget("w1", "");
    items.set(item);
    for (let i = 0; i < 1000; i++) items.observe(d("a", "x"));
    // Nothing applied yet: an update that does not apply is not even noticed.
    items.observe(d("nowhere", "!"));
    expect(items.has("w1")).toBe(true);
    const state = items.get("w1") as WidgetItem;
    expect((state.widget.children as { value: string }[])[0]?.value).toBe("x".repeat(1000));
    // Asked twice: the same object, nothing held any more.
    expect(items.get("w1")).toBe(state);
  });

  it("keeps the last good state and reports an update that does not apply, never throwing", () => {
    const { items, dropped } = tracker();
    items.observe(added(widget("w1", "a")));
    const bad = setA("w1", "never");
    const badTarget = {
      ...setA("w1", "x"),
      update: { ...(setA("w1", "x") as ThreadItemUpdatedEvent).update, component_id: "nowhere" },
    } as ThreadItemUpdatedEvent;
    expect(() => items.observe(badTarget)).not.toThrow();
    items.observe(d("a", "b"));
    items.observe(d("nowhere", "!"));
    items.observe(m(0, "wrong item type", "w1"));
    items.observe({
      type: "thread.item.updated",
      item_id: "w1",
      update: null,
    } as unknown as ThreadStreamEvent);
    expect(items.get("w1")).toEqual(widget("w1", "ab"));
    expect(dropped.map(({ event }) => event)).toEqual([
      badTarget,
      // Reported as it comes: it is no text delta, so nothing holds it.
      expect.objectContaining({ update: null }),
      // Held text is reported when it is applied (here by `get`).
      d("nowhere", "!"),
      m(0, "wrong item type", "w1"),
    ]);
    expect(dropped[0]?.error).toBeInstanceOf(WidgetUpdateError);
    expect(dropped[0]?.error).toMatchObject({
      reason: "unknown-component",
      itemId: "w1",
      componentId: "nowhere",
    });
    // Then later updates still apply.
    items.observe(bad);
    expect(items.get("w1")).toEqual(widget("w1", "never"));
  });

  it("drops the text held for a widget when a new root replaces it, never applying (or checking) it", () => {
    const { items, dropped } = tracker();
    items.observe(added(widget("w1", "a")));
    items.observe(d("a", "bc"));
    items.observe(d("nowhere", "!")); // would be reported, were it applied
    items.observe(setRoot("w1", "final"));
    items.observe(d("a", "!"));
    expect(items.get("w1")).toEqual(widget("w1", "final!"));
    expect(dropped).toEqual([]);
  });

  it("applies held text before any other update of the same item", () => {
    const { items } = tracker();
    items.set(widget("w1", ""));
    items.observe(d("a", "one "));
    items.observe(setA("w1", "reset "));
    items.observe(d("a", "two"));
    expect(items.get("w1")).toEqual(widget("w1", "reset two"));
  });

  it("keeps the order items were first tracked in, when one is set again", () => {
    const { items } = tracker();
    items.set(widget("w1", "1"));
    items.set(widget("w2", "2"));
    items.set(widget("w1", "1 again"));
    expect(items.list().map((item) => item.id)).toEqual(["w1", "w2"]);
    expect(items.delete("w1")).toBe(true);
    expect(items.delete("w1")).toBe(false);
  });

  // The invariant both users rely on: whatever mix of deltas (good or not) and other updates,
  // the tracked state is what applying the events one by one gives, skipping those that throw.
  it("tracks exactly what applying each event in turn gives, failures skipped (property)", () => {
    const item = fc.constantFrom("w1", "w2");
    const event: fc.Arbitrary<ThreadStreamEvent> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .tuple(fc.constantFrom("a", "b", "c"), fc.string({ maxLength: 3 }), fc.boolean(), item)
          .map(([c, t, f, i]) => d(c, t, f, i)),
      },
      { weight: 2, arbitrary: fc.tuple(fc.string({ maxLength: 3 }), item).map(([t, i]) => setA(i, t)) },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.nat(2), fc.string({ maxLength: 2 }), item).map(([k, t, i]) => m(k, t, i)),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(item, fc.string({ maxLength: 2 })).map(([i, t]) => replaced(widget(i, t))),
      },
      { weight: 1, arbitrary: fc.tuple(item, fc.string({ maxLength: 2 })).map(([i, t]) => setRoot(i, t)) },
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), fc.integer({ min: 0, max: 40 }), (events, peekAt) => {
        const { items } = tracker();
        let expected: readonly ThreadItem[] = [widget("w1", ""), widget("w2", "", "")];
        for (const start of expected) items.set(start);
        events.forEach((e, index) => {
          if (index === peekAt) items.list(); // asking midway must not change the outcome
          items.observe(e);
          try {
            expected = applyThreadEvent(expected, e);
          } catch {
            // dropped, as the tracker drops it
          }
        });
        expect(items.list()).toEqual(expected);
      }),
    );
  });
});
