import fc from "fast-check";
import { from, lastValueFrom, map, toArray } from "rxjs";
import { TestScheduler } from "rxjs/testing";

import { serializeEvent } from "../../lib/events/serializeEvent";
import type { ThreadStreamEvent } from "../../lib/events/threadEvents";
import { toServerSentEvents } from "../../operators/toServerSentEvents";

const progress: ThreadStreamEvent = { type: "progress_update", text: "Working\non it" };
const removed: ThreadStreamEvent = { type: "thread.item.removed", item_id: "msg_1" };

describe("toServerSentEvents", () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it("should frame each event as one data line and a blank line", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a--b--|", { a: progress, b: removed });
      expectObservable(source.pipe(toServerSentEvents())).toBe("-A--B--|", {
        A: 'data: {"type":"progress_update","text":"Working\\non it"}\n\n',
        B: 'data: {"type":"thread.item.removed","item_id":"msg_1"}\n\n',
      });
      expectSubscriptions(source.subscriptions).toBe("^------!");
    });
  });

  it("should pass empty, never and errors through", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<ThreadStreamEvent>("|").pipe(toServerSentEvents())).toBe("|");
      expectObservable(cold<ThreadStreamEvent>("-").pipe(toServerSentEvents())).toBe("-");
      expectObservable(cold("-a-#", { a: removed }).pipe(toServerSentEvents())).toBe("-A-#", {
        A: 'data: {"type":"thread.item.removed","item_id":"msg_1"}\n\n',
      });
    });
  });

  it("should unsubscribe from the source early", () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot("-a--a--|", { a: removed });
      expectObservable(source.pipe(toServerSentEvents()), "--!").toBe("-A-", {
        A: 'data: {"type":"thread.item.removed","item_id":"msg_1"}\n\n',
      });
      expectSubscriptions(source.subscriptions).toBe("^-!");
    });
  });

  it("should route a throw while serialising to error", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const cyclic: Record<string, unknown> = { type: "client_effect", name: "x" };
      cyclic["data"] = { self: cyclic };
      const source = cold("-a-|", { a: cyclic as unknown as ThreadStreamEvent });
      expectObservable(source.pipe(toServerSentEvents())).toBe("-#", undefined, expect.any(TypeError));
    });
  });

  it("should leave out null fields and never put a raw newline in a frame", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const event = {
        type: "notice",
        level: "info",
        message: "a\r\nb\u2028",
        title: null,
      } as unknown as ThreadStreamEvent;
      const frames = cold("a|", { a: event }).pipe(
        toServerSentEvents(),
        map((frame) => frame.slice(0, -2).includes("\n") || frame.includes("null")),
      );
      expectObservable(frames).toBe("a|", { a: false });
    });
  });

  it("should frame a text delta as its JSON text, escapes included", async () => {
    const text = fc.oneof(fc.string({ unit: "binary" }), fc.constantFrom("", ' "a"\n', "\ud800", "😀"));
    const delta = fc.record({
      type: fc.constant("thread.item.updated" as const),
      item_id: text,
      update: fc.record({
        type: fc.constant("widget.streaming_text.value_delta" as const),
        component_id: text,
        delta: text,
        done: fc.boolean(),
      }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(delta, { maxLength: 5 }), async (events) => {
        const frames = await lastValueFrom(from(events).pipe(toServerSentEvents(), toArray()));
        expect(frames).toEqual(events.map((event) => `data: ${JSON.stringify(event)}\n\n`));
        expect(frames).toEqual(events.map((event) => `data: ${serializeEvent(event)}\n\n`));
      }),
    );
  });
});
