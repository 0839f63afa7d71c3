import { lastValueFrom, Observable, of, toArray } from "rxjs";
import { TestScheduler } from "rxjs/testing";

import type { ThreadStreamEvent } from "../../lib/events/threadEvents";
import { streamWidget } from "../../lib/streamWidget";
import type { WidgetRoot } from "../../widgets/components";

const card = (value: string): WidgetRoot =>
  ({ type: "Card", children: [{ type: "Text", id: "t", value }] }) as unknown as WidgetRoot;
const thread = { id: "thr_1", created_at: "2025-01-01T00:00:00Z", status: { type: "active" } as const };
const options = { generateId: () => "msg_1", now: () => 0 };
const item = (widget: WidgetRoot) => ({
  type: "widget",
  id: "msg_1",
  thread_id: "thr_1",
  created_at: "1970-01-01T00:00:00.000Z",
  widget,
});

const collect = (events: Observable<ThreadStreamEvent>) => lastValueFrom(events.pipe(toArray()));

describe("streamWidget", () => {
  it("sends one finished widget as one thread.item.done", async () => {
    const events = await collect(streamWidget(thread, card("Hi"), { ...options, copyText: (w) => w.type }));
    expect(events).toEqual([{ type: "thread.item.done", item: { ...item(card("Hi")), copy_text: "Card" } }]);
  });

  it("streams an async generator of states, pulling one state at a time", async () => {
    const pulled: string[] = [];
    async function* states(): AsyncGenerator<WidgetRoot> {
      for (const value of ["a", "ab", "abc"]) {
        pulled.push(value);
        yield card(value);
        await Promise.resolve();
      }
    }
    const events = await collect(streamWidget(thread, states(), options));
    expect(events.map((event) => event.type)).toEqual([
      "thread.item.added",
      "thread.item.updated",
      "thread.item.updated",
      "thread.item.done",
    ]);
    expect(events[3]).toEqual({ type: "thread.item.done", item: item(card("abc")) });
    expect(pulled).toEqual(["a", "ab", "abc"]);
  });

  it("streams an Observable or an array of states", async () => {
    const expected = [
      { type: "thread.item.added", item: item(card("a")) },
      {
        type: "thread.item.updated",
        item_id: "msg_1",
        update: { type: "widget.streaming_text.value_delta", component_id: "t", delta: "b", done: true },
      },
      { type: "thread.item.done", item: item(card("ab")) },
    ];
    expect(await collect(streamWidget(thread, of(card("a"), card("ab")), options))).toEqual(expected);
    expect(await collect(streamWidget(thread, [card("a"), card("ab")], options))).toEqual(expected);
  });

  it("stops the generator when the subscriber unsubscribes", async () => {
    let finished = false;
    async function* states(): AsyncGenerator<WidgetRoot> {
      try {
        for (let i = 0; ; i++) {
          yield card("x".repeat(i));
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      } finally {
        finished = true;
      }
    }
    const seen: ThreadStreamEvent[] = [];
    const subscription = streamWidget(thread, states(), options).subscribe((event) => seen.push(event));
    await new Promise((resolve) => setTimeout(resolve, 20));
    subscription.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(finished).toBe(true);
    expect(seen[0]?.type).toBe("thread.item.added");
    expect(seen.some((event) => event.type === "thread.item.done")).toBe(false);
  });

  it("is cold: nothing runs before subscription, and each subscription is a new item", () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ expectObservable }) => {
      let n = 0;
      const generateId = (): string => `msg_${++n}`;
      const events = streamWidget(thread, card("a"), { generateId, now: () => 0 });
      expect(n).toBe(0);
      const done = (id: string) => ({ type: "thread.item.done", item: { ...item(card("a")), id } });
      expectObservable(events).toBe("(a|)", { a: done("msg_1") });
      expectObservable(events).toBe("(a|)", { a: done("msg_2") });
    });
  });

  it("errors the Observable when copyText throws", async () => {
    const copyText = (): string => {
      throw new Error("nope");
    };
    await expect(collect(streamWidget(thread, card("a"), { ...options, copyText }))).rejects.toThrow("nope");
  });

  it("closes the item and then errors when the generator throws", async () => {
    async function* states(): AsyncGenerator<WidgetRoot> {
      yield card("a");
      await Promise.resolve();
      throw new Error("model failed");
    }
    const seen: ThreadStreamEvent[] = [];
    await expect(
      new Promise((resolve, reject) =>
        streamWidget(thread, states(), options).subscribe({
          next: (e) => seen.push(e),
          error: reject,
          complete: () => resolve(undefined),
        }),
      ),
    ).rejects.toThrow("model failed");
    expect(seen.map((e) => e.type)).toEqual(["thread.item.added", "thread.item.done"]);
  });

  it("throws a TypeError at call time for what is not a widget", () => {
    expect(() => streamWidget(thread, null as unknown as WidgetRoot)).toThrow(/streamWidget: widget must be/);
    expect(() => streamWidget(thread, { value: 1 } as unknown as WidgetRoot)).toThrow(TypeError);
    expect(() => streamWidget({} as typeof thread, card("a"))).toThrow(TypeError);
  });
});
