import * as fc from "fast-check";
import { concat, map, of, range, Subject, take, tap } from "rxjs";
import { TestScheduler } from "rxjs/testing";

import type { ThreadStreamEvent } from "../../lib/events/threadEvents";
import { throttleTextDeltas } from "../../operators/throttleTextDeltas";
import type { WidgetRoot } from "../../widgets/components";
import { SpyScheduler } from "../helpers/SpyScheduler";
import { SyncSource } from "../helpers/SyncSource";
import { receivedWithPushBack } from "../helpers/pushedBack";
import { d, m } from "../helpers/textDeltaEvents";

const card = (id: string): WidgetRoot => ({ type: "Card", id, children: [] });

const rootUpdated = (id: string, itemId = "w1"): ThreadStreamEvent => ({
  type: "thread.item.updated",
  item_id: itemId,
  update: { type: "widget.root.updated", widget: card(id) },
});

const added = (itemId: string): ThreadStreamEvent => ({
  type: "thread.item.added",
  item: {
    type: "widget",
    id: itemId,
    thread_id: "thr_1",
    created_at: "1970-01-01T00:00:00.000Z",
    widget: card("c"),
  },
});

describe("throttleTextDeltas", () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it("sends the first delta at once and merges the rest of the window", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-b-c----|", {
        a: d("t", "Hel"),
        b: d("t", "lo"),
        c: d("t", " world"),
      });
      const subs = "       ^---------!";
      const expected = "   -a----x---|";

      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe(expected, {
        a: d("t", "Hel"),
        x: d("t", "lo world"),
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it("mirrors never", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<ThreadStreamEvent>("-");
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe("-");
      expectSubscriptions(source.subscriptions).toBe("^");
    });
  });

  it("mirrors empty", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<ThreadStreamEvent>("|");
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe("|");
      expectSubscriptions(source.subscriptions).toBe("(^!)");
    });
  });

  it("passes one event through unchanged", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = d("t", "Hello");
      const source = cold("-a|", { a });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe("-a|", { a });
      expectSubscriptions(source.subscriptions).toBe("^-!");
    });
  });

  it("sends text at most once per window over many values", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-abcdefg|", {
        a: d("t", "a"),
        b: d("t", "b"),
        c: d("t", "c"),
        d: d("t", "d"),
        e: d("t", "e"),
        f: d("t", "f"),
        g: d("t", "g"),
      });
      // The value arriving on the frame a window ends is part of that window.
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 3 }))).toBe("-a--x--y|", {
        a: d("t", "a"),
        x: d("t", "bcd"),
        y: d("t", "efg"),
      });
      expectSubscriptions(source.subscriptions).toBe("^-------!");
    });
  });

  it("merges per item and component, and per message content part, in order of first appearance", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // Several widgets streamed by parallel tools, plus an assistant message.
      const source = cold("-abcdefgh-----|", {
        a: d("x", "0"),
        b: d("x", "1"),
        c: d("x", "A", false, "w2"),
        d: m(0, "Hi"),
        e: m(1, "!"),
        f: d("x", "2"),
        g: d("x", "B", true, "w2"),
        h: m(0, " there"),
      });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 7 }))).toBe("-a------(pqrs)|", {
        a: d("x", "0"),
        p: d("x", "12"),
        q: d("x", "AB", true, "w2"),
        r: m(0, "Hi there"),
        s: m(1, "!"),
      });
    });
  });

  it("sends the rest of an instant with what that instant sent, so a client never rests on half a state", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      // At 1 the leading delta takes the rest of its instant along; at 7 the
      // root update flushes "lo!" and takes the "z" behind it along.
      const source = cold("-(ab)c-(frg)-----|", {
        a: d("t", "Hel"),
        b: d("u", "x"),
        c: d("t", "lo"),
        f: d("t", "!"),
        r: rootUpdated("r", "w2"),
        g: d("u", "z"),
      });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 8 }))).toBe("-(ab)--(xrg)-----|", {
        a: d("t", "Hel"),
        b: d("u", "x"),
        x: d("t", "lo!"),
        r: rootUpdated("r", "w2"),
        g: d("u", "z"),
      });
    });
  });

  it("flushes pending text before a non-delta event and sends both at once", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-a-b-r----|", {
        a: d("t", "Hel"),
        b: d("t", "lo"),
        r: rootUpdated("r"),
      });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe("-a---(yr)-|", {
        a: d("t", "Hel"),
        y: d("t", "lo"),
        r: rootUpdated("r"),
      });
    });
  });

  it("flushes the text of every item before an event of another item or of none", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const progress: ThreadStreamEvent = { type: "progress_update", text: "Searching" };
      const source = cold("-a-b-c-n-----p-|", {
        a: d("t", "1"),
        b: m(0, "Hi"),
        c: d("t", "2"),
        n: added("w2"),
        p: progress,
      });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 20 }))).toBe("-a-----(bcn)-p-|", {
        a: d("t", "1"),
        b: m(0, "Hi"),
        c: d("t", "2"),
        n: added("w2"),
        p: progress,
      });
    });
  });

  it("passes non-delta events through at once when no window is open", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const r = rootUpdated("1");
      const s: ThreadStreamEvent = {
        type: "thread.item.updated",
        item_id: "w1",
        update: { type: "widget.component.updated", component_id: "c", component: { type: "Divider" } },
      };
      const e: ThreadStreamEvent = {
        type: "thread.item.updated",
        item_id: "m1",
        update: {
          type: "assistant_message.content_part.done",
          content_index: 0,
          content: { type: "output_text", text: "Hi", annotations: [] },
        },
      };
      const source = cold("-r-s-e|", { r, s, e });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe("-r-s-e|", { r, s, e });
    });
  });

  it("takes the last done flag and never merges text into a done delta", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-abcdef-------|", {
        a: d("t", "x"),
        b: d("t", "y"),
        c: d("u", "1"),
        d: d("t", "z", true),
        e: d("u", "2", true),
        f: d("t", "again"),
      });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 8 }))).toBe("-a-------(xyz)|", {
        a: d("t", "x"),
        x: d("t", "yz", true),
        y: d("u", "12", true),
        z: d("t", "again"),
      });
    });
  });

  it("keeps the widget text of an item and the text of a message with the same ids apart", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-abcd-------|", {
        a: d("0", "w", false, "x"),
        b: m(0, "m", "x"),
        c: d("0", "W", false, "x"),
        d: m(0, "M", "x"),
      });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 4 }))).toBe("-a---(bc)---|", {
        a: d("0", "w", false, "x"),
        b: m(0, "mM", "x"),
        c: d("0", "W", false, "x"),
      });
    });
  });

  it("sends pending text before completing", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-b|", { a: d("t", "a"), b: d("t", "b", true) });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe("-a--(b|)", {
        a: d("t", "a"),
        b: d("t", "b", true),
      });
      expectSubscriptions(source.subscriptions).toBe("^---!");
    });
  });

  it("sends pending text before forwarding a source error", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = new Error("upstream failed");
      const source = cold("-a-b-c#", { a: d("t", "a"), b: d("t", "b"), c: d("t", "c") }, error);
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 9 }))).toBe(
        "-a----(x#)",
        { a: d("t", "a"), x: d("t", "bc") },
        error,
      );
      expectSubscriptions(source.subscriptions).toBe("^-----!");
    });
  });

  it("times a window only when text waits in it (no timer per send for text spaced wider than the window)", () => {
    const spy = new SpyScheduler(testScheduler);
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-----b-----c|", { a: d("t", "a"), b: d("t", "b"), c: d("t", "c") });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 3, scheduler: spy }))).toBe(
        "-a-----b-----c|",
        { a: d("t", "a"), b: d("t", "b"), c: d("t", "c") },
      );
      expectSubscriptions(source.subscriptions).toBe("^-------------!");
    });
    expect(spy.fired).toEqual([]);
  });

  it("arms the window's timer when text comes to wait in it, for the window's end, and not the next window's", () => {
    const spy = new SpyScheduler(testScheduler);
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-ab---------|", { a: d("t", "a"), b: d("t", "b") });
      // The window opened at 1 ends at 4 whenever b comes to wait in it.
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 3, scheduler: spy }))).toBe(
        "-a--b-------|",
        { a: d("t", "a"), b: d("t", "b") },
      );
      expectSubscriptions(source.subscriptions).toBe("^-----------!");
    });
    // The window opened at 4 by b's send sees no text: it needs no timer.
    expect(spy.fired).toEqual([4]);
  });

  it("releases the window timer and the source on early unsubscribe", () => {
    const spy = new SpyScheduler(testScheduler);
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-b-c-d-|", { a: d("t", "a"), b: d("t", "b"), c: d("t", "c"), d: d("t", "d") });
      const unsub = "      ----!";
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5, scheduler: spy })), unsub).toBe("-a--", {
        a: d("t", "a"),
      });
      expectSubscriptions(source.subscriptions).toBe("^---!");
    });
    // The window opened at 1 would have ended at 6.
    expect(spy.fired).toEqual([]);
  });

  it("releases the next window and drops the rest of a flush when unsubscribed from inside next", () => {
    const spy = new SpyScheduler(testScheduler);
    const results: ThreadStreamEvent[] = [];
    testScheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold("-a-b-c----|", { a: d("t", "a"), b: d("t", "b"), c: d("u", "c") });
      // Unsubscribes while the end of the first window is emitting, after
      // the next window was opened and before the flush is through.
      const sub = source.pipe(throttleTextDeltas({ windowMs: 5, scheduler: spy })).subscribe((event) => {
        results.push(event);
        if (results.length === 2) sub.unsubscribe();
      });
      expectSubscriptions(source.subscriptions).toBe("^-----!");
    });
    expect(results).toEqual([d("t", "a"), d("t", "b")]);
    expect(spy.fired).toEqual([6]);
  });

  describe("early unsubscribe with a synchronous source", () => {
    it("stops the source as soon as downstream has what it takes, and releases the window timer", () => {
      const spy = new SpyScheduler(testScheduler);
      const source = new SyncSource((i) => d("t", String(i)));
      const results: ThreadStreamEvent[] = [];
      // In one instant of virtual time every delta goes out with the first one's send.
      source.observable
        .pipe(throttleTextDeltas({ windowMs: 5, scheduler: spy }), take(3))
        .subscribe((event) => results.push(event));
      expect(results).toEqual([d("t", "0"), d("t", "1"), d("t", "2")]);
      expect(source.produced).toBe(3);
      testScheduler.flush();
      expect(spy.fired).toEqual([]);
    });

    it("stops range() after one event", () => {
      let produced = 0;
      const results: ThreadStreamEvent[] = [];
      range(0, 100_000)
        .pipe(
          tap(() => produced++),
          // Not text, so it goes out at once.
          map((i) => rootUpdated(String(i))),
          throttleTextDeltas({ windowMs: 5, scheduler: testScheduler }),
          take(1),
        )
        .subscribe((event) => results.push(event));
      expect(results).toEqual([rootUpdated("0")]);
      expect(produced).toBe(1);
    });

    it("never subscribes what follows a synchronous prefix once downstream has enough", () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const rest = cold("-b|", { b: d("t", "b") });
        const source = concat(of(d("t", "a")), rest);
        expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }), take(1))).toBe("(a|)", {
          a: d("t", "a"),
        });
        expectSubscriptions(rest.subscriptions).toBe([]);
      });
    });

    it("unsubscribes within the frame that gives downstream enough", () => {
      testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold("-(abc)-d|", { a: rootUpdated("a"), b: rootUpdated("b"), c: rootUpdated("c") });
        expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }), take(2))).toBe("-(ab|)", {
          a: rootUpdated("a"),
          b: rootUpdated("b"),
        });
        expectSubscriptions(source.subscriptions).toBe("^!");
      });
    });

    it("leaves no timer behind on asyncScheduler", () => {
      jest.useFakeTimers();
      try {
        const source = new SyncSource((i) => d("t", String(i)));
        source.observable.pipe(throttleTextDeltas({ windowMs: 50 }), take(1)).subscribe();
        expect(source.produced).toBe(1);
        expect(jest.getTimerCount()).toBe(0);
      } finally {
        jest.useRealTimers();
      }
    });
  });

  it("holds a re-entrant push of text from downstream for the next window", () => {
    const results: [number, ThreadStreamEvent][] = [];
    let completedAt = -1;
    testScheduler.run(() => {
      const source = new Subject<ThreadStreamEvent>();
      source.pipe(throttleTextDeltas({ windowMs: 4 })).subscribe({
        next: (event) => {
          results.push([testScheduler.now(), event]);
          if (results.length === 1) source.next(d("t", "echo"));
        },
        complete: () => (completedAt = testScheduler.now()),
      });
      testScheduler.schedule(() => source.next(d("t", "first")), 1);
      testScheduler.schedule(() => source.complete(), 8);
    });
    expect(results).toEqual([
      [1, d("t", "first")],
      [5, d("t", "echo")],
    ]);
    expect(completedAt).toBe(8);
  });

  it("sends a re-entrant event after the rest of the flush it interrupted", () => {
    const results: [number, ThreadStreamEvent][] = [];
    testScheduler.run(() => {
      const source = new Subject<ThreadStreamEvent>();
      source.pipe(throttleTextDeltas({ windowMs: 4 })).subscribe((event) => {
        results.push([testScheduler.now(), event]);
        if (results.length === 2) source.next(rootUpdated("r"));
      });
      testScheduler.schedule(() => source.next(d("t", "a")), 1);
      testScheduler.schedule(() => source.next(d("t", "b")), 2);
      testScheduler.schedule(() => source.next(d("u", "c")), 3);
    });
    expect(results).toEqual([
      [1, d("t", "a")],
      [5, d("t", "b")],
      [5, d("u", "c")],
      [5, rootUpdated("r")],
    ]);
  });

  it("sends an event pushed back from inside next once that next returned, when nothing waits", () => {
    expect(receivedWithPushBack(throttleTextDeltas({ windowMs: 4 }))).toEqual(["first", "pushed back"]);
  });

  it("completes only after the flush a re-entrant completion interrupted", () => {
    const results: ThreadStreamEvent[] = [];
    let completed = false;
    testScheduler.run(() => {
      const source = new Subject<ThreadStreamEvent>();
      source.pipe(throttleTextDeltas({ windowMs: 4 })).subscribe({
        next: (event) => {
          results.push(event);
          if (results.length === 2) source.complete();
          // Nothing may arrive after completion.
          expect(completed).toBe(false);
        },
        complete: () => (completed = true),
      });
      testScheduler.schedule(() => source.next(d("t", "a")), 1);
      testScheduler.schedule(() => source.next(d("t", "b")), 2);
      testScheduler.schedule(() => source.next(d("u", "c")), 3);
    });
    expect(results).toEqual([d("t", "a"), d("t", "b"), d("u", "c")]);
    expect(completed).toBe(true);
  });

  it("keeps the first ending when a malformed event and a completion both re-enter during a flush", () => {
    const results: ThreadStreamEvent[] = [];
    let ended: unknown = null;
    testScheduler.run(() => {
      const source = new Subject<ThreadStreamEvent>();
      source.pipe(throttleTextDeltas({ windowMs: 4 })).subscribe({
        next: (event) => {
          results.push(event);
          if (results.length === 2) {
            source.next(null as unknown as ThreadStreamEvent);
            source.complete();
          }
        },
        error: (err: unknown) => (ended = err),
        complete: () => (ended = "complete"),
      });
      testScheduler.schedule(() => source.next(d("t", "a")), 1);
      testScheduler.schedule(() => source.next(d("t", "b")), 2);
      testScheduler.schedule(() => source.next(d("u", "c")), 3);
    });
    expect(results).toEqual([d("t", "a"), d("t", "b"), d("u", "c")]);
    expect(ended).toBeInstanceOf(TypeError);
  });

  it.each([
    ["null", null],
    ["an update that is null", { type: "thread.item.updated", item_id: "w1", update: null }],
    [
      "a delta without item_id",
      { type: "thread.item.updated", update: { type: "widget.streaming_text.value_delta" } },
    ],
  ])("sends pending text, then errors, on %s instead of reporting it as unhandled", (_name, bad) => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-b-n-c|", {
        a: d("t", "a"),
        b: d("t", "b"),
        n: bad as unknown as ThreadStreamEvent,
        c: d("t", "c"),
      });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe(
        "-a---(b#)",
        { a: d("t", "a"), b: d("t", "b") },
        expect.any(TypeError),
      );
      expectSubscriptions(source.subscriptions).toBe("^----!");
    });
  });

  it("routes a throw from reading an event to the subscriber, unchanged", () => {
    const error = new Error("getter failed");
    const throwing = Object.defineProperty({}, "type", {
      get: () => {
        throw error;
      },
    }) as ThreadStreamEvent;
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-n|", { a: d("t", "a"), n: throwing });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe(
        "-a-#",
        { a: d("t", "a") },
        error,
      );
      expectSubscriptions(source.subscriptions).toBe("^--!");
    });
  });

  it("throws a TypeError at call time for a bad windowMs", () => {
    for (const windowMs of [-1, Number.NaN, Number.POSITIVE_INFINITY, undefined, "5"]) {
      expect(() => throttleTextDeltas({ windowMs } as unknown as { windowMs: number })).toThrow(
        /throttleTextDeltas: config\.windowMs must be a finite number >= 0, got /,
      );
    }
  });

  describe("property: nothing lost, nothing reordered, never half an instant", () => {
    const widgetItems = ["w1", "w2"] as const;
    const componentIds = ["a", "b", "c"] as const;
    const contentIndexes = [0, 1] as const;
    const targets = [
      ...widgetItems.flatMap((item) => componentIds.map((id) => `${item}/${id}`)),
      ...contentIndexes.map((index) => `m1/${index}`),
    ];

    const eventArb: fc.Arbitrary<ThreadStreamEvent> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .record({
            item: fc.constantFrom(...widgetItems),
            id: fc.constantFrom(...componentIds),
            delta: fc.string({ maxLength: 4 }),
            done: fc.boolean(),
          })
          .map(({ item, id, delta, done }) => d(id, delta, done, item)),
      },
      {
        weight: 3,
        arbitrary: fc
          .record({ index: fc.constantFrom(...contentIndexes), delta: fc.string({ maxLength: 4 }) })
          .map(({ index, delta }) => m(index, delta)),
      },
      {
        weight: 1,
        arbitrary: fc
          .record({ n: fc.nat(99), item: fc.constantFrom(...widgetItems) })
          .map(({ n, item }) => rootUpdated(`r${n}`, item)),
      },
      {
        weight: 1,
        arbitrary: fc
          .record({ id: fc.constantFrom(...componentIds), item: fc.constantFrom(...widgetItems) })
          .map(({ id, item }): ThreadStreamEvent => ({
            type: "thread.item.updated",
            item_id: item,
            update: { type: "widget.component.updated", component_id: id, component: { type: "Divider" } },
          })),
      },
      { weight: 1, arbitrary: fc.constantFrom(...widgetItems).map(added) },
      {
        weight: 1,
        arbitrary: fc.nat(9).map((n): ThreadStreamEvent => ({ type: "progress_update", text: `step ${n}` })),
      },
    );

    /** What a client holds after applying events: text per target, the text length at each done, the last done, and the other events seen with the text at that point. */
    function apply(events: readonly ThreadStreamEvent[]) {
      const text: Record<string, string> = Object.fromEntries(targets.map((target) => [target, ""]));
      const doneAt: string[] = [];
      const last: Record<string, boolean> = {};
      const barriers: string[] = [];
      for (const event of events) {
        if (
          event.type === "thread.item.updated" &&
          event.update.type === "widget.streaming_text.value_delta"
        ) {
          const target = `${event.item_id}/${event.update.component_id}`;
          text[target] += event.update.delta;
          last[target] = event.update.done;
          if (event.update.done) doneAt.push(`${target}@${text[target]?.length ?? 0}`);
        } else if (
          event.type === "thread.item.updated" &&
          event.update.type === "assistant_message.content_part.text_delta"
        ) {
          text[`${event.item_id}/${event.update.content_index}`] += event.update.delta;
        } else {
          barriers.push(`${JSON.stringify(event)} after ${JSON.stringify(text)}`);
        }
      }
      // Deltas of different targets may be reordered (they commute), so compare done positions as a set.
      return { text, doneAt: doneAt.sort(), last, barriers };
    }

    it("delivers the same text, done flags and event order, whole instants only, each character within windowMs, text on its own windowMs apart", () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              gap: fc.integer({ min: 0, max: 6 }),
              burst: fc.array(eventArb, { maxLength: 5 }),
            }),
            { maxLength: 30 },
          ),
          fc.integer({ min: 0, max: 8 }),
          fc.boolean(),
          (timeline, windowMs, endWithError) => {
            const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
            // Each burst arrives at its own instant, synchronously (as the updates of one widget state do).
            const input: { time: number; burst: ThreadStreamEvent[] }[] = [];
            const output: { time: number; event: ThreadStreamEvent }[] = [];
            let ended: "complete" | "error" | null = null;
            let time = 0;
            for (const { gap, burst } of timeline) {
              time += gap + 1;
              input.push({ time, burst });
            }
            scheduler.run(() => {
              const source = new Subject<ThreadStreamEvent>();
              source.pipe(throttleTextDeltas({ windowMs, scheduler })).subscribe({
                next: (event) => output.push({ time: scheduler.now(), event }),
                error: () => (ended = "error"),
                complete: () => (ended = "complete"),
              });
              for (const x of input)
                scheduler.schedule(() => x.burst.forEach((event) => source.next(event)), x.time);
              scheduler.schedule(
                () => (endWithError ? source.error(new Error("boom")) : source.complete()),
                time + 1,
              );
            });

            expect(ended).toBe(endWithError ? "error" : "complete");
            const sent = input.flatMap(({ burst }) => burst);
            const received = output.map(({ event }) => event);
            const before = apply(sent);
            const after = apply(received);
            expect(after.text).toEqual(before.text);
            expect(after.doneAt).toEqual(before.doneAt);
            expect(after.last).toEqual(before.last);
            expect(after.barriers).toEqual(before.barriers);
            expect(received.length).toBeLessThanOrEqual(sent.length);

            // Whole instants: at the end of every instant that sent something,
            // the client holds what some prefix of the input bursts makes,
            // and these prefixes never go back.
            const prefixes = input.map((_, k) => apply(input.slice(0, k + 1).flatMap((x) => x.burst)));
            prefixes.unshift(apply([]));
            const instants = [...new Set(output.map((x) => x.time))];
            let k = 0;
            for (const at of instants) {
              const held = apply(output.filter((x) => x.time <= at).map((x) => x.event));
              while (
                k < prefixes.length &&
                !(
                  JSON.stringify(prefixes[k]?.text) === JSON.stringify(held.text) &&
                  prefixes[k]?.barriers.length === held.barriers.length
                )
              ) {
                k++;
              }
              expect(k).toBeLessThan(prefixes.length);
            }

            // Latency: every character is delivered at most windowMs after it arrived.
            for (const { time: arrived } of input) {
              const due = apply(input.filter((x) => x.time <= arrived).flatMap((x) => x.burst)).text;
              const got = apply(output.filter((x) => x.time <= arrived + windowMs).map((x) => x.event)).text;
              for (const target of targets) expect(got[target]?.startsWith(due[target] ?? "")).toBe(true);
            }

            // Rate: instants that send text and nothing else are at least
            // windowMs apart, except the flush that completion or an error forces out.
            const textOnly = instants.filter(
              (at) =>
                at < time + 1 &&
                output
                  .filter((x) => x.time === at)
                  .every(
                    ({ event }) =>
                      event.type === "thread.item.updated" &&
                      (event.update.type === "widget.streaming_text.value_delta" ||
                        event.update.type === "assistant_message.content_part.text_delta"),
                  ),
            );
            for (let i = 1; i < textOnly.length; i++) {
              expect((textOnly[i] ?? 0) - (textOnly[i - 1] ?? 0)).toBeGreaterThanOrEqual(windowMs);
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
