/**
 * persistEvents' store round trips: what waits behind a save (merged text,
 * not an event per token), what a failing store or a leaving client leaves
 * in the store, and updates that do not apply. The invariant throughout: a
 * reload shows what the client was sent.
 */
import fc from "fast-check";
import { Observable, of, Subject } from "rxjs";

import type { ThreadItemUpdatedEvent, ThreadStreamEvent } from "../../../lib/events/threadEvents";
import type { ThreadItem, WidgetItem } from "../../../lib/events/threadItems";
import { applyThreadEvent } from "../../../lib/reducer/applyThreadEvent";
import { ChatKitServer } from "../../../lib/server/ChatKitServer";
import { MemoryStore } from "../../../lib/server/MemoryStore";
import type { WidgetRoot } from "../../../widgets/components";
import {
  added,
  collect,
  done,
  ERROR_EVENT,
  flushMicrotasks,
  setText,
  setup,
  textDelta,
  THREAD,
  widget,
} from "./persistEventsHarness";

/** A widget with two streaming texts, `t` and `u`. */
const twoTexts = (id: string, t = "", u = ""): WidgetItem => ({
  type: "widget",
  id,
  thread_id: THREAD.id,
  created_at: "x",
  widget: {
    type: "Card",
    children: [
      { type: "Text", id: "t", value: t, streaming: true },
      { type: "Markdown", id: "u", value: u, streaming: true },
    ],
  },
});
const lastDelta = (id: string, delta: string, componentId = "t"): ThreadStreamEvent => ({
  type: "thread.item.updated",
  item_id: id,
  update: { type: "widget.streaming_text.value_delta", component_id: componentId, delta, done: true },
});

/** The items a client shows after `events`, starting from `items`; updates it cannot apply are skipped, as it does. */
function replay(
  events: readonly ThreadStreamEvent[],
  items: readonly ThreadItem[] = [],
): readonly ThreadItem[] {
  return events.reduce<readonly ThreadItem[]>((state, event) => {
    try {
      return applyThreadEvent(state, event);
    } catch {
      return state;
    }
  }, items);
}

const count = (log: readonly string[], entry: string): number => log.filter((line) => line === entry).length;
const isUpdate = (event: ThreadStreamEvent): event is ThreadItemUpdatedEvent =>
  event.type === "thread.item.updated";

describe("persistEvents: text deltas to a saved widget", () => {
  it("merges them while a round trip runs: 200 deltas cost two loads and two saves, not 200", async () => {
    const { log, store, operator, stored } = await setup();
    await store.addThreadItem(THREAD.id, twoTexts("w"), undefined);
    log.length = 0;
    const deltas = Array.from({ length: 200 }, (_, i) =>
      i === 199 ? lastDelta("w", "x") : textDelta("w", "x"),
    );
    const { events, result } = collect(of(...deltas).pipe(operator), log);
    expect(await result).toBe("complete");
    // The first delta starts a round trip; the 199 that come meanwhile are applied by one more.
    expect(log).toEqual([
      "loadItem w",
      "saveItem w",
      "emit thread.item.updated w",
      "loadItem w",
      "saveItem w",
      "emit thread.item.updated w",
    ]);
    // Nothing is lost or reordered: the client and a reload show the same widget, all 200 characters.
    expect(await stored()).toEqual([
      {
        ...twoTexts("w"),
        widget: {
          type: "Card",
          children: [
            { type: "Text", id: "t", value: "x".repeat(200), streaming: false },
            { type: "Markdown", id: "u", value: "", streaming: true },
          ],
        },
      },
    ]);
    expect(replay(events, [twoTexts("w")])).toEqual(await stored());
  });

  it("flushes at most once per save in flight as deltas keep coming", async () => {
    const { log, store, operator, stored } = await setup();
    await store.addThreadItem(THREAD.id, twoTexts("w"), undefined);
    log.length = 0;
    const source = new Subject<ThreadStreamEvent>();
    const { events, result } = collect(source.pipe(operator), log);
    let text = "";
    for (let round = 0; round < 5; round++) {
      const release = store.hold();
      for (let i = 0; i < 30; i++) {
        const delta = `${round}${i % 10}`;
        text += delta;
        source.next(textDelta("w", delta, i % 2 === 0 ? "t" : "u"));
      }
      await flushMicrotasks();
      release();
      await flushMicrotasks();
    }
    source.complete();
    expect(await result).toBe("complete");
    // Each round: the first delta, then one round trip for the other 29, merged per component.
    expect(count(log, "loadItem w")).toBe(10);
    expect(count(log, "saveItem w")).toBe(count(log, "loadItem w"));
    expect(replay(events, [twoTexts("w")])).toEqual(await stored());
    const shown = replay(events, [twoTexts("w")])[0] as WidgetItem;
    const values = (shown.widget.children as { value: string }[]).map((child) => child.value);
    expect(values.join("").length).toBe(text.length);
    // Each event was sent only once the save that covers it settled.
    expect(log.at(-1)).toBe("emit thread.item.updated w");
  });
});

describe("persistEvents: what waits behind a slow save", () => {
  it("holds the tokens of another widget as merged text: a few events after the save, no character lost", async () => {
    const { log, store, operator } = await setup();
    const source = new Subject<ThreadStreamEvent>();
    const { events, result } = collect(source.pipe(operator), log);
    const release = store.hold();
    source.next(added(widget("A", "a")));
    source.next(done(widget("A", "a")));
    source.next(added(twoTexts("B")));
    const tokens = 20_000;
    for (let i = 0; i < tokens; i++) source.next(textDelta("B", String(i % 10), i % 2 === 0 ? "t" : "u"));
    await flushMicrotasks();
    // A's save is in flight: only what came before it was sent.
    expect(events).toEqual([added(widget("A", "a"))]);
    release();
    await flushMicrotasks();
    source.next(lastDelta("B", "!"));
    source.next(done(twoTexts("B", "final")));
    source.complete();
    expect(await result).toBe("complete");
    const deltasSent = events.filter(isUpdate);
    // One merged delta per component, then the one that came after the save: O(components), not O(tokens).
    expect(deltasSent.length).toBeLessThanOrEqual(3);
    const sentText = deltasSent.map((event) => (event.update as { delta: string }).delta).join("");
    expect(sentText.length).toBe(tokens + 1);
    const shown = replay(events.slice(0, -1))[1] as WidgetItem;
    const [t, u] = (shown.widget.children as { value: string }[]).map((child) => child.value);
    expect(t).toBe(Array.from({ length: tokens / 2 }, (_, k) => String((2 * k) % 10)).join("") + "!");
    expect(u).toBe(Array.from({ length: tokens / 2 }, (_, k) => String((2 * k + 1) % 10)).join(""));
  });
});

describe("persistEvents: a failing store", () => {
  it("ends with an error event, and every item saved before or while closing is sent done", async () => {
    const { log, store, operator, stored, errors } = await setup();
    const disk = new Error("disk full");
    store.failWith = (method, id) => (method === "addThreadItem" && id === "bad" ? disk : undefined);
    const source = new Subject<ThreadStreamEvent>();
    const { events, result } = collect(source.pipe(operator), log);
    source.next(added(widget("open1", "o")));
    source.next(textDelta("open1", "ne"));
    source.next(added(widget("open2", "t")));
    source.next(done(widget("ok", "saved")));
    source.next(done(widget("bad", "b")));
    source.next(textDelta("open2", "wo"));
    await flushMicrotasks();
    source.complete();
    expect(await result).toBe("complete");
    expect(errors).toEqual([disk]);
    expect(events.at(-1)).toEqual(ERROR_EVENT);
    // The item whose save failed is never sent done; the others are, each in its last state.
    expect(events.filter((event) => event.type === "thread.item.done")).toEqual([
      done(widget("ok", "saved")),
      done(widget("open1", "one")),
      done(widget("open2", "two")),
    ]);
    // A reload shows exactly the items the client saw done, in those states.
    expect(await stored()).toEqual([widget("ok", "saved"), widget("open1", "one"), widget("open2", "two")]);
  });

  it("a write that fails mid-stream into a saved widget keeps what was saved and shows nothing unsaved", async () => {
    const { log, store, operator, stored, errors } = await setup();
    await store.addThreadItem(THREAD.id, twoTexts("s", "kept"), undefined);
    log.length = 0;
    const crash = new Error("connection reset");
    let saves = 0;
    store.failWith = (method, id) =>
      method === "saveItem" && id === "s" && ++saves === 2 ? crash : undefined;
    const source = new Subject<ThreadStreamEvent>();
    const { events, result } = collect(source.pipe(operator), log);
    source.next(textDelta("s", " one"));
    source.next(textDelta("s", " two"));
    await flushMicrotasks();
    source.next(textDelta("s", " three"));
    await flushMicrotasks();
    expect(await result).toBe("complete");
    expect(errors).toEqual([crash]);
    expect(events).toEqual([textDelta("s", " one"), ERROR_EVENT]);
    expect(await stored()).toEqual([twoTexts("s", "kept one")]);
    expect(source.observed).toBe(false);
  });
});

describe("persistEvents: a client that leaves", () => {
  it("hands onCancel each open item exactly as the client holds it, text deltas still held", async () => {
    const { log, operator, cancelled } = await setup();
    const source = new Subject<ThreadStreamEvent>();
    const { events, unsubscribe } = collect(source.pipe(operator), log);
    source.next(added(twoTexts("w", "", "# ")));
    for (let i = 0; i < 300; i++) source.next(textDelta("w", `${i} `, i % 3 === 0 ? "u" : "t"));
    source.next(textDelta("w", "?", "nowhere"));
    source.next(setText("w", "reset"));
    for (let i = 0; i < 50; i++) source.next(textDelta("w", "z", "u"));
    await flushMicrotasks();
    unsubscribe();
    expect(cancelled).toEqual([replay(events)]);
    expect(events).toHaveLength(1 + 300 + 1 + 1 + 50);
  });

  it("through ChatKitServer: the widget a reload shows equals the client's last state", async () => {
    const store = new MemoryStore<undefined>();
    const tokens = new Subject<string>();
    const server = new ChatKitServer<undefined>({
      store,
      onError: () => undefined,
      respond: (thread): Observable<ThreadStreamEvent> =>
        new Observable<ThreadStreamEvent>((subscriber) => {
          const item: WidgetItem = { ...twoTexts("w_live"), thread_id: thread.id };
          subscriber.next(added(item));
          return tokens.subscribe((token) =>
            subscriber.next(textDelta("w_live", token, token.startsWith("u") ? "u" : "t")),
          );
        }),
    });
    const result = await server.process(
      JSON.stringify({
        type: "threads.create",
        params: {
          input: { content: [{ type: "input_text", text: "hi" }], attachments: [], inference_options: {} },
        },
      }),
      undefined,
    );
    if (result.kind !== "stream") throw new Error(`expected a stream, got ${result.kind}`);
    const seen: ThreadStreamEvent[] = [];
    const subscription = result.events.subscribe((event) => seen.push(event));
    await flushMicrotasks();
    for (let i = 0; i < 200; i++) tokens.next(i % 4 === 0 ? `u${i}` : `${i},`);
    await flushMicrotasks();
    subscription.unsubscribe();
    await server.idle();
    const created = seen.find((event) => event.type === "thread.created");
    if (created?.type !== "thread.created") throw new Error("no thread.created");
    const reloaded = (await store.loadThreadItems(created.thread.id, { limit: 10, order: "asc" }, undefined))
      .data;
    const clientWidget = replay(seen).find((item) => item.id === "w_live");
    expect(clientWidget).toBeDefined();
    expect(reloaded.find((item) => item.id === "w_live")).toEqual(clientWidget);
    expect(
      ((clientWidget as WidgetItem).widget as WidgetRoot & { children: { value: string }[] }).children[0]
        ?.value,
    ).toContain("199,");
  });
});

describe("persistEvents: an update that does not apply", () => {
  it("to an open item: sent, reported, the item keeps its last good state, the stream goes on", async () => {
    const dropped: unknown[] = [];
    const { log, operator, stored, errors } = await setup({
      onDroppedUpdate: (error, event) => dropped.push({ error, event }),
    });
    const bad: ThreadStreamEvent = {
      type: "thread.item.updated",
      item_id: "w",
      update: {
        type: "widget.component.updated",
        component_id: "nowhere",
        component: { type: "Text", value: "?" },
      },
    };
    const source = new Subject<ThreadStreamEvent>();
    const { events, unsubscribe } = collect(source.pipe(operator), log);
    source.next(added(widget("w", "a")));
    source.next(bad);
    source.next(setText("w", "ab"));
    source.next(done(widget("w", "abc")));
    source.next(added(widget("w2", "x")));
    await flushMicrotasks();
    expect(events).toEqual([
      added(widget("w", "a")),
      bad,
      setText("w", "ab"),
      done(widget("w", "abc")),
      added(widget("w2", "x")),
    ]);
    unsubscribe();
    expect(errors).toEqual([]);
    expect(dropped).toEqual([
      {
        error: expect.objectContaining({ name: "WidgetUpdateError", itemId: "w", componentId: "nowhere" }),
        event: bad,
      },
    ]);
    expect(await stored()).toEqual([widget("w", "abc")]);
  });

  it("to a saved widget: sent and reported, the stored copy is kept, the stream goes on", async () => {
    const dropped: unknown[] = [];
    const { log, store, operator, stored, errors } = await setup({
      onDroppedUpdate: (error, event) => dropped.push({ error, event }),
    });
    await store.addThreadItem(THREAD.id, widget("s", "kept"), undefined);
    log.length = 0;
    const bad = textDelta("s", "!", "nowhere");
    const { events, result } = collect(of(bad, setText("s", "changed")).pipe(operator), log);
    expect(await result).toBe("complete");
    expect(errors).toEqual([]);
    expect(events).toEqual([bad, setText("s", "changed")]);
    expect(dropped).toEqual([
      { error: expect.objectContaining({ name: "WidgetUpdateError", componentId: "nowhere" }), event: bad },
    ]);
    expect(await stored()).toEqual([widget("s", "changed")]);
  });
});

describe("persistEvents: an onDroppedUpdate that throws", () => {
  it("ends the stream as a failing store does: open items closed, then the error event", async () => {
    const policy = new Error("report failed");
    const { log, operator, errors, stored } = await setup({
      onDroppedUpdate: () => {
        throw policy;
      },
    });
    const source = new Subject<ThreadStreamEvent>();
    const { events, result } = collect(source.pipe(operator), log);
    source.next(added(twoTexts("w", "a")));
    source.next(textDelta("w", "b"));
    source.next({
      type: "thread.item.updated",
      item_id: "w",
      update: {
        type: "widget.component.updated",
        component_id: "nowhere",
        component: { type: "Text", value: "?" },
      },
    });
    expect(await result).toBe("complete");
    expect(errors).toEqual([policy]);
    expect(events.at(-1)).toEqual(ERROR_EVENT);
    expect(source.observed).toBe(false);
    expect(await stored()).toEqual([twoTexts("w", "ab")]);
  });
});

describe("persistEvents: order and ending around merged round trips", () => {
  it("sends what came between a saved widget's deltas in its place, and ends after the last round trip", async () => {
    const { log, store, operator, stored } = await setup();
    await store.addThreadItem(THREAD.id, twoTexts("w"), undefined);
    log.length = 0;
    const notice: ThreadStreamEvent = { type: "notice", level: "info", message: "between" };
    const source = new Subject<ThreadStreamEvent>();
    const { events, result } = collect(source.pipe(operator), log);
    const release = store.hold();
    source.next(textDelta("w", "a"));
    source.next(textDelta("w", "b"));
    source.next(textDelta("w", "c", "u"));
    source.next(notice);
    source.next(textDelta("w", "d"));
    source.next(done(widget("x", "other")));
    source.next(textDelta("w", "e"));
    source.next(textDelta("w", "f", "u"));
    source.complete();
    await flushMicrotasks();
    expect(events).toEqual([]);
    release();
    expect(await result).toBe("complete");
    expect(
      events.map((event) => (isUpdate(event) ? (event.update as { delta: string }).delta : event.type)),
    ).toEqual(["a", "b", "c", "notice", "d", "thread.item.done", "e", "f"]);
    // a; then b and c in one round trip; d; the done; then e and f in one more.
    expect(log.filter((line) => !line.startsWith("emit"))).toEqual([
      "loadItem w",
      "saveItem w",
      "loadItem w",
      "saveItem w",
      "loadItem w",
      "saveItem w",
      "addThreadItem x",
      "loadItem w",
      "saveItem w",
    ]);
    expect((await stored()).find((item) => item.id === "w")).toEqual(twoTexts("w", "abde", "cf"));
  });

  it("a source error behind a merged round trip: the round trip settles first, then the error event", async () => {
    const { log, store, operator, stored, errors } = await setup();
    await store.addThreadItem(THREAD.id, twoTexts("w"), undefined);
    log.length = 0;
    const boom = new Error("model down");
    const source = new Subject<ThreadStreamEvent>();
    const { events, result } = collect(source.pipe(operator), log);
    const release = store.hold();
    source.next(textDelta("w", "a"));
    source.next(textDelta("w", "b"));
    source.next(textDelta("w", "c"));
    source.error(boom);
    await flushMicrotasks();
    release();
    expect(await result).toBe("complete");
    expect(events).toEqual([textDelta("w", "a"), textDelta("w", "bc"), ERROR_EVENT]);
    expect(errors).toEqual([boom]);
    expect(await stored()).toEqual([twoTexts("w", "abc")]);
  });

  it("unsubscribing while a merged round trip runs sends nothing more and hands nothing saved to onCancel", async () => {
    const { log, store, operator, cancelled } = await setup();
    await store.addThreadItem(THREAD.id, twoTexts("w"), undefined);
    log.length = 0;
    const source = new Subject<ThreadStreamEvent>();
    const { events, unsubscribe } = collect(source.pipe(operator), log);
    const release = store.hold();
    source.next(textDelta("w", "a"));
    source.next(textDelta("w", "b"));
    await flushMicrotasks();
    unsubscribe();
    expect(source.observed).toBe(false);
    release();
    await flushMicrotasks();
    expect(events).toEqual([]);
    expect(cancelled).toEqual([[]]);
  });
});

describe("persistEvents: a reload shows what the client was sent (property)", () => {
  type Step =
    | { readonly kind: "delta"; readonly component: "t" | "u"; readonly text: string }
    | { readonly kind: "set"; readonly text: string }
    | { readonly kind: "notice" }
    | { readonly kind: "done"; readonly id: string }
    | { readonly kind: "hold" }
    | { readonly kind: "release" };
  const step: fc.Arbitrary<Step> = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant("delta" as const),
        component: fc.constantFrom("t" as const, "u" as const),
        text: fc.string({ minLength: 1, maxLength: 3 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant("set" as const), text: fc.string({ maxLength: 3 }) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("notice" as const) }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant("done" as const), id: fc.constantFrom("x", "y") }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("hold" as const) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("release" as const) }) },
  );
  const setBoth = (text: string): ThreadStreamEvent => ({
    type: "thread.item.updated",
    item_id: "w",
    update: {
      type: "widget.root.updated",
      widget: twoTexts("w", text, text).widget,
    },
  });

  it("for any mix of deltas, other updates and events, held or not by a slow store", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        const { log, store, operator, stored } = await setup();
        await store.addThreadItem(THREAD.id, twoTexts("w"), undefined);
        const source = new Subject<ThreadStreamEvent>();
        const { events, result } = collect(source.pipe(operator), log);
        const sent: ThreadStreamEvent[] = [];
        let release: (() => void) | undefined;
        for (const s of steps) {
          let event: ThreadStreamEvent | undefined;
          if (s.kind === "delta") event = textDelta("w", s.text, s.component);
          else if (s.kind === "set") event = setBoth(s.text);
          else if (s.kind === "notice")
            event = { type: "notice", level: "info", message: String(sent.length) };
          else if (s.kind === "done") event = done(widget(s.id, String(sent.length)));
          else if (s.kind === "hold") release ??= store.hold();
          else {
            release?.();
            release = undefined;
            await flushMicrotasks();
          }
          if (event !== undefined) {
            sent.push(event);
            source.next(event);
          }
        }
        source.complete();
        release?.();
        expect(await result).toBe("complete");
        const start = [twoTexts("w")];
        // The client, and a reload, show what applying every source event gives.
        const expected = replay(sent, start);
        expect(replay(events, start)).toEqual(expected);
        const reloaded = await stored();
        for (const item of expected) expect(reloaded.find((entry) => entry.id === item.id)).toEqual(item);
        // Events that cannot merge keep their order.
        const kinds = (list: readonly ThreadStreamEvent[]) =>
          list.filter(
            (event) => !isUpdate(event) || event.update.type !== "widget.streaming_text.value_delta",
          );
        expect(kinds(events)).toEqual(kinds(sent));
      }),
      { numRuns: 60 },
    );
  });
});
