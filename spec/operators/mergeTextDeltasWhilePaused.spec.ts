import * as fc from "fast-check";
import { BehaviorSubject, concat, map, NEVER, of, range, Subject, take, tap, type Observable } from "rxjs";
import { TestScheduler } from "rxjs/testing";

import type { ThreadStreamEvent } from "../../lib/events/threadEvents";
import type { ThreadItem } from "../../lib/events/threadItems";
import { applyThreadEvent } from "../../lib/reducer/applyThreadEvent";
import { mergeTextDeltasWhilePaused } from "../../operators/mergeTextDeltasWhilePaused";
import type { WidgetRoot } from "../../widgets/components";
import { SyncSource } from "../helpers/SyncSource";
import { receivedWithPushBack } from "../helpers/pushedBack";
import { d, m } from "../helpers/textDeltaEvents";

const rootUpdated = (widget: WidgetRoot, itemId = "w1"): ThreadStreamEvent => ({
  type: "thread.item.updated",
  item_id: itemId,
  update: { type: "widget.root.updated", widget },
});

const bool = { t: true, f: false };

describe("mergeTextDeltasWhilePaused", () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it("merges the text that arrives while paused and sends it on resume", () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-b-c---d-|", {
        a: d("t", "Hel"),
        b: d("t", "lo"),
        c: d("t", " world"),
        d: d("t", "!", true),
      });
      const paused = hot("--t---f------", bool);
      const subs = "       ^----------!";
      const expected = "   -a----x--d-|";

      expectObservable(source.pipe(mergeTextDeltasWhilePaused(paused))).toBe(expected, {
        a: d("t", "Hel"),
        x: d("t", "lo world"),
        d: d("t", "!", true),
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
      expectSubscriptions(paused.subscriptions).toBe(subs);
    });
  });

  it("mirrors never", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<ThreadStreamEvent>("-");
      expectObservable(source.pipe(mergeTextDeltasWhilePaused(cold<boolean>("-")))).toBe("-");
      expectSubscriptions(source.subscriptions).toBe("^");
    });
  });

  it("mirrors empty", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<ThreadStreamEvent>("|");
      const paused = cold<boolean>("-");
      expectObservable(source.pipe(mergeTextDeltasWhilePaused(paused))).toBe("|");
      expectSubscriptions(source.subscriptions).toBe("(^!)");
      expectSubscriptions(paused.subscriptions).toBe("(^!)");
    });
  });

  it("passes one event through unchanged while not paused", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = d("t", "Hello");
      const source = cold("-a|", { a });
      expectObservable(source.pipe(mergeTextDeltasWhilePaused(cold<boolean>("-")))).toBe("-a|", { a });
      expectSubscriptions(source.subscriptions).toBe("^-!");
    });
  });

  it("passes many events through unchanged while not paused", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const values = { a: d("t", "a"), b: d("t", "b"), r: rootUpdated({ type: "Card", children: [] }) };
      const source = cold("-abrab|", values);
      expectObservable(source.pipe(mergeTextDeltasWhilePaused(cold("f-f-f", bool)))).toBe("-abrab|", values);
    });
  });

  it("holds even the first event when paused starts as true, and merges per target", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-abcdefg----------|", {
        a: d("x", "0"),
        b: d("x", "1"),
        c: d("x", "A", false, "w2"),
        d: m(0, "Hi"),
        e: m(1, "!"),
        f: d("x", "2"),
        g: m(0, " there"),
      });
      const paused = new BehaviorSubject(true);
      const resumeAt = cold("----------f", bool);
      resumeAt.subscribe(paused);
      expectObservable(source.pipe(mergeTextDeltasWhilePaused(paused))).toBe("----------(pqrs)--|", {
        p: d("x", "012"),
        q: d("x", "A", false, "w2"),
        r: m(0, "Hi there"),
        s: m(1, "!"),
      });
    });
  });

  it("keeps other events in order behind the text that preceded them, and never merges across done", () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      const r = rootUpdated({ type: "Card", children: [] });
      const progress: ThreadStreamEvent = { type: "progress_update", text: "Searching" };
      const source = cold("-abcrdepfg---|", {
        a: d("t", "1"),
        b: d("t", "2"),
        c: d("u", "x"),
        r,
        d: d("t", "3", true),
        e: d("t", "4"),
        p: progress,
        f: d("t", "5"),
        g: d("u", "y"),
      });
      const paused = hot("t------------f", bool);
      expectObservable(source.pipe(mergeTextDeltasWhilePaused(paused))).toBe("-------------(abrdepfg|)", {
        a: d("t", "12"),
        b: d("u", "x"),
        r,
        d: d("t", "3", true),
        e: d("t", "4"),
        p: progress,
        f: d("t", "5"),
        g: d("u", "y"),
      });
    });
  });

  it("stops sending as soon as the subscriber pauses from inside next, and merges behind what is held", () => {
    const r = rootUpdated({ type: "Card", children: [] });
    const source = new Subject<ThreadStreamEvent>();
    const paused = new Subject<boolean>();
    const received: ThreadStreamEvent[] = [];
    source.pipe(mergeTextDeltasWhilePaused(paused)).subscribe((event) => {
      received.push(event);
      paused.next(true); // a sink that is full after every event
    });
    source.next(d("t", "a"));
    source.next(d("t", "b"));
    source.next(r);
    source.next(d("t", "c"));
    source.next(d("t", "d"));
    expect(received).toEqual([d("t", "a")]);
    paused.next(false);
    expect(received).toEqual([d("t", "a"), d("t", "b")]);
    source.next(d("t", "e"));
    paused.next(false);
    expect(received).toEqual([d("t", "a"), d("t", "b"), r]);
    paused.next(false);
    expect(received).toEqual([d("t", "a"), d("t", "b"), r, d("t", "cde")]);
  });

  it("merges a long pause into one delta per target, character for character", () => {
    const source = new Subject<ThreadStreamEvent>();
    const paused = new BehaviorSubject(true);
    const received: ThreadStreamEvent[] = [];
    source.pipe(mergeTextDeltasWhilePaused(paused)).subscribe((event) => received.push(event));
    const tokens = Array.from({ length: 1000 }, (_, n) => `${n},`);
    tokens.forEach((token, n) => source.next(d("t", token, n === tokens.length - 1)));
    paused.next(false);
    expect(received).toEqual([d("t", tokens.join(""), true)]);
  });

  it("sends events pushed back from inside next after everything already due", () => {
    const source = new Subject<ThreadStreamEvent>();
    const paused = new BehaviorSubject(true);
    const received: ThreadStreamEvent[] = [];
    source.pipe(mergeTextDeltasWhilePaused(paused)).subscribe((event) => {
      received.push(event);
      if (received.length === 1) source.next(d("t", "!"));
    });
    source.next(d("t", "a"));
    source.next({ type: "progress_update", text: "p" });
    source.next(d("t", "b"));
    paused.next(false);
    expect(received).toEqual([d("t", "a"), { type: "progress_update", text: "p" }, d("t", "b!")]);
  });

  it("sends an event pushed back from inside next once that next returned, when nothing is held", () => {
    expect(receivedWithPushBack(mergeTextDeltasWhilePaused(new BehaviorSubject(false)))).toEqual([
      "first",
      "pushed back",
    ]);
  });

  it("completes only after the held events are sent", () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = cold("-ab|", { a: d("t", "a"), b: d("t", "b") });
      const paused = hot("t-----f-", bool);
      expectObservable(source.pipe(mergeTextDeltasWhilePaused(paused))).toBe("------(x|)", {
        x: d("t", "ab"),
      });
      expectSubscriptions(source.subscriptions).toBe("^--!");
      expectSubscriptions(paused.subscriptions).toBe("^-----!");
    });
  });

  it("sends the held events, then the source error", () => {
    testScheduler.run(({ cold, hot, expectObservable }) => {
      const source = cold("-ab#", { a: d("t", "a"), b: d("t", "b") }, new Error("boom"));
      const paused = hot("t----f-", bool);
      expectObservable(source.pipe(mergeTextDeltasWhilePaused(paused))).toBe(
        "-----(x#)",
        { x: d("t", "ab") },
        new Error("boom"),
      );
    });
  });

  it("errors on a malformed event after the held events, instead of going on", () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = cold("-an-b|", {
        a: d("t", "a"),
        n: null as unknown as ThreadStreamEvent,
        b: d("t", "b"),
      });
      const paused = hot("t----f-", bool);
      expectObservable(source.pipe(mergeTextDeltasWhilePaused(paused))).toBe(
        "-----(x#)",
        { x: d("t", "a") },
        new TypeError("Cannot read properties of null (reading 'type')"),
      );
      expectSubscriptions(source.subscriptions).toBe("^----!");
    });
  });

  it("errors when paused errors", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a---b|", { a: d("t", "a"), b: d("t", "b") });
      const paused = cold<boolean>("--#", undefined, new Error("socket"));
      expectObservable(source.pipe(mergeTextDeltasWhilePaused(paused))).toBe(
        "-a#",
        { a: d("t", "a") },
        new Error("socket"),
      );
      expectSubscriptions(source.subscriptions).toBe("^-!");
    });
  });

  it("resumes for good when paused completes", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-ab--c|", { a: d("t", "a"), b: d("t", "b"), c: d("t", "c") });
      const paused = cold("t---|", bool);
      expectObservable(source.pipe(mergeTextDeltasWhilePaused(paused))).toBe("----xc|", {
        x: d("t", "ab"),
        c: d("t", "c"),
      });
    });
  });

  it("drops what is held when unsubscribed early, and unsubscribes from both inputs", () => {
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-b-c-|", { a: d("t", "a"), b: d("t", "b"), c: d("t", "c") });
      const paused = hot("--t---f--", bool);
      const unsub = "     ----!";
      expectObservable(source.pipe(mergeTextDeltasWhilePaused(paused)), unsub).toBe("-a--", {
        a: d("t", "a"),
      });
      expectSubscriptions(source.subscriptions).toBe("^---!");
      expectSubscriptions(paused.subscriptions).toBe("^---!");
    });
  });

  describe("early unsubscribe with a synchronous source", () => {
    it("stops the source as soon as downstream has what it takes, and unsubscribes from paused", () => {
      const source = new SyncSource((i) => d("t", String(i)));
      const paused = new Subject<boolean>();
      const results: ThreadStreamEvent[] = [];
      source.observable
        .pipe(mergeTextDeltasWhilePaused(paused), take(3))
        .subscribe((event) => results.push(event));
      expect(results).toEqual([d("t", "0"), d("t", "1"), d("t", "2")]);
      expect(source.produced).toBe(3);
      expect(paused.observed).toBe(false);
    });

    it("stops range() after one event", () => {
      let produced = 0;
      const results: ThreadStreamEvent[] = [];
      range(0, 100_000)
        .pipe(
          tap(() => produced++),
          map((i) => d("t", String(i))),
          mergeTextDeltasWhilePaused(NEVER),
          take(1),
        )
        .subscribe((event) => results.push(event));
      expect(results).toEqual([d("t", "0")]);
      expect(produced).toBe(1);
    });

    it("never subscribes what follows a synchronous prefix once downstream has enough", () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const rest = cold("-b|", { b: d("t", "b") });
        const source = concat(of(d("t", "a")), rest);
        const paused = hot<boolean>("--f--");
        expectObservable(source.pipe(mergeTextDeltasWhilePaused(paused), take(1))).toBe("(a|)", {
          a: d("t", "a"),
        });
        expectSubscriptions(rest.subscriptions).toBe([]);
        expectSubscriptions(paused.subscriptions).toBe("(^!)");
      });
    });

    it("unsubscribes from both inputs within the frame that gives downstream enough", () => {
      testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions }) => {
        const source = cold("-a-x--(bcd)-e|", {
          a: d("t", "a"),
          x: d("t", "x"),
          b: d("u", "b"),
          c: d("t", "c"),
        });
        const paused = hot("--t-f---------", bool);
        // x is held from 3 to 4; b, c and d arrive while not paused and pass one by one.
        expectObservable(source.pipe(mergeTextDeltasWhilePaused(paused), take(4))).toBe("-a--x-(bc|)", {
          a: d("t", "a"),
          x: d("t", "x"),
          b: d("u", "b"),
          c: d("t", "c"),
        });
        expectSubscriptions(source.subscriptions).toBe("^-----!");
        expectSubscriptions(paused.subscriptions).toBe("^-----!");
      });
    });
  });

  it("refuses a paused signal that is not an Observable", () => {
    expect(() => mergeTextDeltasWhilePaused(true as unknown as Observable<boolean>)).toThrow(
      new TypeError("mergeTextDeltasWhilePaused: paused must be an Observable<boolean>, got true"),
    );
  });

  describe("property: applying the output in order rebuilds what the input does, under any pause pattern", () => {
    const card: WidgetRoot = {
      type: "Card",
      children: [
        { type: "Markdown", id: "a", value: "", streaming: true },
        { type: "Text", id: "b", value: "", streaming: true },
      ],
    };
    const added = (itemId: string): ThreadStreamEvent => ({
      type: "thread.item.added",
      item: {
        type: "widget",
        id: itemId,
        thread_id: "thr_1",
        created_at: "1970-01-01T00:00:00.000Z",
        widget: card,
      },
    });
    const items = ["w1", "w2"] as const;

    /** One step of the timeline: a source event, or the sink saying it is full or ready. */
    type Step =
      { readonly kind: "event"; readonly event: ThreadStreamEvent } | { readonly kind: "pause" | "resume" };

    const stepArb: fc.Arbitrary<Step> = fc.oneof(
      {
        weight: 8,
        arbitrary: fc
          .record({
            item: fc.constantFrom(...items),
            id: fc.constantFrom("a", "b"),
            delta: fc.string({ maxLength: 4 }),
            done: fc.boolean(),
          })
          .map(({ item, id, delta, done }): Step => ({ kind: "event", event: d(id, delta, done, item) })),
      },
      {
        weight: 1,
        arbitrary: fc.record({ item: fc.constantFrom(...items), n: fc.nat(9) }).map(({ item, n }): Step => ({
          kind: "event",
          event: rootUpdated(
            {
              ...card,
              children: [
                { type: "Markdown", id: "a", value: `root ${n}`, streaming: true },
                card.children[1]!,
              ],
            },
            item,
          ),
        })),
      },
      {
        weight: 1,
        arbitrary: fc.constant<Step>({ kind: "event", event: { type: "progress_update", text: "p" } }),
      },
      { weight: 2, arbitrary: fc.constant<Step>({ kind: "pause" }) },
      { weight: 2, arbitrary: fc.constant<Step>({ kind: "resume" }) },
    );

    const rebuild = (events: readonly ThreadStreamEvent[]): readonly ThreadItem[] =>
      events.reduce(applyThreadEvent, [] as readonly ThreadItem[]);

    /**
     * Text per target from the deltas alone, where each `done: true` falls
     * (as a set: deltas of different targets commute) and the text at each
     * other event (which must keep its place).
     */
    function summary(events: readonly ThreadStreamEvent[]) {
      const text: Record<string, string> = {};
      const doneAt: string[] = [];
      const barriers: string[] = [];
      for (const event of events) {
        if (
          event.type === "thread.item.updated" &&
          event.update.type === "widget.streaming_text.value_delta"
        ) {
          const target = `${event.item_id}/${event.update.component_id}`;
          text[target] = (text[target] ?? "") + event.update.delta;
          if (event.update.done) doneAt.push(`${target}@${text[target]?.length ?? 0}`);
        } else {
          barriers.push(`${JSON.stringify(event)} after ${JSON.stringify(Object.entries(text).sort())}`);
        }
      }
      return { doneAt: doneAt.sort(), barriers };
    }

    it("holds the same items at the end, done at the same characters, other events in place, nothing sent while paused", () => {
      fc.assert(
        fc.property(fc.array(stepArb, { maxLength: 60 }), fc.boolean(), (steps, pauseInsideNext) => {
          const source = new Subject<ThreadStreamEvent>();
          const paused = new Subject<boolean>();
          const sent: ThreadStreamEvent[] = items.map(added);
          const received: ThreadStreamEvent[] = [];
          let isPaused = false;
          let completed = false;
          source.pipe(mergeTextDeltasWhilePaused(paused)).subscribe({
            next: (event) => {
              expect(isPaused).toBe(false);
              received.push(event);
              // A sink that fills up after some writes, as a socket does.
              if (pauseInsideNext && received.length % 3 === 0) {
                isPaused = true;
                paused.next(true);
              }
            },
            complete: () => (completed = true),
          });
          items.forEach((item) => source.next(added(item)));
          for (const step of steps) {
            if (step.kind === "event") {
              sent.push(step.event);
              source.next(step.event);
            } else {
              isPaused = step.kind === "pause";
              paused.next(isPaused);
            }
          }
          source.complete();
          // Whatever the pattern, the sink eventually drains.
          for (let i = 0; i <= sent.length && !completed; i++) {
            isPaused = false;
            paused.next(false);
          }
          expect(completed).toBe(true);
          expect(received.length).toBeLessThanOrEqual(sent.length);
          expect(rebuild(received)).toEqual(rebuild(sent));
          const before = summary(sent);
          const after = summary(received);
          expect(after.doneAt).toEqual(before.doneAt);
          expect(after.barriers).toEqual(before.barriers);
        }),
        { numRuns: 300 },
      );
    });
  });
});
