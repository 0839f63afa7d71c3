import * as fc from "fast-check";
import { Subject } from "rxjs";
import type { SchedulerAction, SchedulerLike, Subscription } from "rxjs";
import { TestScheduler } from "rxjs/testing";

import type { WidgetUpdate } from "../../lib/events/widgetUpdates";
import { throttleTextDeltas } from "../../operators/throttleTextDeltas";
import type { WidgetRoot } from "../../widgets/components";

type TextDelta = Extract<WidgetUpdate, { type: "widget.streaming_text.value_delta" }>;

const d = (componentId: string, delta: string, done = false): TextDelta => ({
  type: "widget.streaming_text.value_delta",
  component_id: componentId,
  delta,
  done,
});

const card = (id: string): WidgetRoot => ({ type: "Card", id, children: [] });

const rootUpdated = (id: string): WidgetUpdate => ({ type: "widget.root.updated", widget: card(id) });

/** Records the virtual time of every scheduled action that runs, to prove timers are released. */
class SpyScheduler implements SchedulerLike {
  readonly fired: number[] = [];

  constructor(private readonly inner: SchedulerLike) {}

  now(): number {
    return this.inner.now();
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
    const { fired, inner } = this;
    return inner.schedule<T>(
      function (this: SchedulerAction<T>, s?: T) {
        fired.push(inner.now());
        work.call(this, s);
      },
      delay,
      state,
    );
  }
}

describe("throttleTextDeltas", () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it("sends the first delta at once and merges the rest of the window", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-b-c----|", {
        a: [d("t", "Hel")],
        b: [d("t", "lo")],
        c: [d("t", " world")],
      });
      const subs = "       ^---------!";
      const expected = "   -a----x---|";

      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe(expected, {
        a: [d("t", "Hel")],
        x: [d("t", "lo world")],
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it("mirrors never", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<WidgetUpdate[]>("-");
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe("-");
      expectSubscriptions(source.subscriptions).toBe("^");
    });
  });

  it("mirrors empty", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<WidgetUpdate[]>("|");
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe("|");
      expectSubscriptions(source.subscriptions).toBe("(^!)");
    });
  });

  it("passes one batch through unchanged", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = [d("t", "Hello")];
      const source = cold("-a|", { a });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe("-a|", { a });
      expectSubscriptions(source.subscriptions).toBe("^-!");
    });
  });

  it("sends at most one text-only batch per window over many values", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-abcdefg|", {
        a: [d("t", "a")],
        b: [d("t", "b")],
        c: [d("t", "c")],
        d: [d("t", "d")],
        e: [d("t", "e")],
        f: [d("t", "f")],
        g: [d("t", "g")],
      });
      // The value arriving on the frame a window ends is part of that window.
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 3 }))).toBe("-a--x--y|", {
        a: [d("t", "a")],
        x: [d("t", "bcd")],
        y: [d("t", "efg")],
      });
      expectSubscriptions(source.subscriptions).toBe("^-------!");
    });
  });

  it("sends everything that piled up for a slow subscriber as one delta per component", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-abcdef--|", {
        a: [d("x", "0")],
        b: [d("x", "1"), d("y", "A")],
        c: [d("z", "!")],
        d: [d("y", "B"), d("x", "2")],
        e: [d("y", "C", true)],
        f: [d("x", "3"), d("z", "?")],
      });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 7 }))).toBe("-a------p|", {
        a: [d("x", "0")],
        p: [d("x", "123"), d("y", "ABC", true), d("z", "!?")],
      });
    });
  });

  it("merges the deltas inside one batch, in order of first appearance", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-a|", { a: [d("p", "1"), d("q", "x"), d("p", "2"), d("q", "y")] });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe("-a|", {
        a: [d("p", "12"), d("q", "xy")],
      });
    });
  });

  it("flushes pending text before a non-delta update and sends both at once", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-a-b-r----|", {
        a: [d("t", "Hel")],
        b: [d("t", "lo")],
        r: [rootUpdated("r")],
      });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe("-a---y----|", {
        a: [d("t", "Hel")],
        y: [d("t", "lo"), rootUpdated("r")],
      });
    });
  });

  it("keeps text after a non-delta update behind it", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-a-b-r----|", {
        a: [d("t", "Hel")],
        b: [d("t", "lo")],
        r: [d("t", ","), rootUpdated("r"), d("t", "!")],
      });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe("-a---yz---|", {
        a: [d("t", "Hel")],
        y: [d("t", "lo,"), rootUpdated("r")],
        z: [d("t", "!")],
      });
    });
  });

  it("passes non-delta updates through at once when no window is open", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const r = [rootUpdated("1")];
      const s: WidgetUpdate[] = [
        rootUpdated("2"),
        { type: "widget.component.updated", component_id: "c", component: { type: "Divider" } },
      ];
      const source = cold("-r-s|", { r, s });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe("-r-s|", { r, s });
    });
  });

  it("takes the last done flag and never merges text into a done delta", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-a-b-c-e----|", {
        a: [d("t", "x")],
        b: [d("t", "y"), d("u", "1")],
        c: [d("t", "z", true), d("u", "2", true)],
        e: [d("t", "again")],
      });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 8 }))).toBe("-a-------x--|", {
        a: [d("t", "x")],
        x: [d("t", "yz", true), d("u", "12", true), d("t", "again")],
      });
    });
  });

  it("does not forward empty batches", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-e-a-e|", { e: [], a: [d("t", "x")] });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 2 }))).toBe("---a--|", {
        a: [d("t", "x")],
      });
    });
  });

  it("sends pending text before completing", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-b|", { a: [d("t", "a")], b: [d("t", "b", true)] });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5 }))).toBe("-a--(b|)", {
        a: [d("t", "a")],
        b: [d("t", "b", true)],
      });
      expectSubscriptions(source.subscriptions).toBe("^---!");
    });
  });

  it("sends pending text before forwarding a source error", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = new Error("upstream failed");
      const source = cold("-a-b-c#", { a: [d("t", "a")], b: [d("t", "b")], c: [d("t", "c")] }, error);
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 9 }))).toBe(
        "-a----(x#)",
        { a: [d("t", "a")], x: [d("t", "bc")] },
        error,
      );
      expectSubscriptions(source.subscriptions).toBe("^-----!");
    });
  });

  it("releases the window timer and the source on early unsubscribe", () => {
    const spy = new SpyScheduler(testScheduler);
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-b-c-d-|", {
        a: [d("t", "a")],
        b: [d("t", "b")],
        c: [d("t", "c")],
        d: [d("t", "d")],
      });
      const unsub = "      ----!";
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 5, scheduler: spy })), unsub).toBe("-a--", {
        a: [d("t", "a")],
      });
      expectSubscriptions(source.subscriptions).toBe("^---!");
    });
    // The window opened at 1 would have ended at 6.
    expect(spy.fired).toEqual([]);
  });

  it("releases the next window when unsubscribed from inside next", () => {
    const spy = new SpyScheduler(testScheduler);
    const results: WidgetUpdate[][] = [];
    testScheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold("-a-b-c----|", { a: [d("t", "a")], b: [d("t", "b")], c: [d("t", "c")] });
      // Unsubscribes while the end of the first window is emitting, after
      // the next window was opened.
      const sub = source.pipe(throttleTextDeltas({ windowMs: 3, scheduler: spy })).subscribe((batch) => {
        results.push(batch);
        if (results.length === 2) sub.unsubscribe();
      });
      expectSubscriptions(source.subscriptions).toBe("^---!");
    });
    expect(results).toEqual([[d("t", "a")], [d("t", "b")]]);
    expect(spy.fired).toEqual([4]);
  });

  it("holds a re-entrant push from downstream for the next window", () => {
    const results: [number, WidgetUpdate[]][] = [];
    let completedAt = -1;
    testScheduler.run(() => {
      const source = new Subject<WidgetUpdate[]>();
      source.pipe(throttleTextDeltas({ windowMs: 4 })).subscribe({
        next: (batch) => {
          results.push([testScheduler.now(), batch]);
          if (results.length === 1) source.next([d("t", "echo")]);
        },
        complete: () => (completedAt = testScheduler.now()),
      });
      testScheduler.schedule(() => source.next([d("t", "first")]), 1);
      testScheduler.schedule(() => source.complete(), 8);
    });
    expect(results).toEqual([
      [1, [d("t", "first")]],
      [5, [d("t", "echo")]],
    ]);
    expect(completedAt).toBe(8);
  });

  it("errors on a malformed batch instead of reporting it as unhandled", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-n-b|", {
        a: [d("t", "a")],
        n: [null] as unknown as WidgetUpdate[],
        b: [d("t", "b")],
      });
      expectObservable(source.pipe(throttleTextDeltas({ windowMs: 1 }))).toBe(
        "-a-#",
        { a: [d("t", "a")] },
        expect.any(TypeError),
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

  describe("property: nothing lost, nothing reordered", () => {
    const componentIds = ["a", "b", "c"] as const;

    const updateArb: fc.Arbitrary<WidgetUpdate> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .record({
            id: fc.constantFrom(...componentIds),
            delta: fc.string({ maxLength: 4 }),
            done: fc.boolean(),
          })
          .map(({ id, delta, done }) => d(id, delta, done)),
      },
      { weight: 1, arbitrary: fc.nat(99).map((n) => rootUpdated(`r${n}`)) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(...componentIds).map((id): WidgetUpdate => ({
          type: "widget.component.updated",
          component_id: id,
          component: { type: "Divider" },
        })),
      },
    );

    /** What a client holds after applying updates: text per component, the text length at each done, and the non-deltas seen with the text at that point. */
    function apply(updates: readonly WidgetUpdate[]) {
      const text: Record<string, string> = { a: "", b: "", c: "" };
      const doneAt: string[] = [];
      const last: Record<string, boolean> = {};
      const barriers: string[] = [];
      for (const update of updates) {
        if (update.type === "widget.streaming_text.value_delta") {
          text[update.component_id] += update.delta;
          last[update.component_id] = update.done;
          if (update.done) doneAt.push(`${update.component_id}@${text[update.component_id]?.length ?? 0}`);
        } else {
          barriers.push(`${JSON.stringify(update)} after ${JSON.stringify(text)}`);
        }
      }
      // Deltas of different components may be reordered (they commute), so compare done positions as a set.
      return { text, doneAt: doneAt.sort(), last, barriers };
    }

    it("delivers the same text, done flags and non-delta order, each character within windowMs, text-only batches windowMs apart", () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({ gap: fc.integer({ min: 0, max: 6 }), batch: fc.array(updateArb, { maxLength: 5 }) }),
            { maxLength: 30 },
          ),
          fc.integer({ min: 0, max: 8 }),
          fc.boolean(),
          (timeline, windowMs, endWithError) => {
            const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
            const input: { time: number; batch: WidgetUpdate[] }[] = [];
            const output: { time: number; batch: WidgetUpdate[] }[] = [];
            let ended: "complete" | "error" | null = null;
            let time = 0;
            for (const { gap, batch } of timeline) {
              time += gap + 1;
              input.push({ time, batch });
            }
            // A Subject driven on the virtual clock carries one value per frame without marble letters.
            scheduler.run(() => {
              const source = new Subject<WidgetUpdate[]>();
              source.pipe(throttleTextDeltas({ windowMs })).subscribe({
                next: (batch) => output.push({ time: scheduler.now(), batch }),
                error: () => (ended = "error"),
                complete: () => (ended = "complete"),
              });
              for (const x of input) scheduler.schedule(() => source.next(x.batch), x.time);
              scheduler.schedule(
                () => (endWithError ? source.error(new Error("boom")) : source.complete()),
                time + 1,
              );
            });

            expect(ended).toBe(endWithError ? "error" : "complete");
            const sent = input.flatMap(({ batch }) => batch);
            const received = output.flatMap(({ batch }) => batch);
            const before = apply(sent);
            const after = apply(received);
            expect(after.text).toEqual(before.text);
            expect(after.doneAt).toEqual(before.doneAt);
            expect(after.last).toEqual(before.last);
            expect(after.barriers).toEqual(before.barriers);
            expect(output.every(({ batch }) => batch.length > 0)).toBe(true);
            expect(received.length).toBeLessThanOrEqual(sent.length);

            // Latency: every character is delivered at most windowMs after it arrived.
            for (const { time } of input) {
              const due = apply(input.filter((x) => x.time <= time).flatMap((x) => x.batch)).text;
              const got = apply(output.filter((x) => x.time <= time + windowMs).flatMap((x) => x.batch)).text;
              for (const id of componentIds) expect(got[id]?.startsWith(due[id] ?? "")).toBe(true);
            }

            // Rate: batches of text only are at least windowMs apart, except
            // the flush that completion or an error forces out.
            const textOnly = output.filter(
              ({ time: at, batch }) =>
                at < time + 1 && batch.every((update) => update.type === "widget.streaming_text.value_delta"),
            );
            for (let i = 1; i < textOnly.length; i++) {
              expect((textOnly[i]?.time ?? 0) - (textOnly[i - 1]?.time ?? 0)).toBeGreaterThanOrEqual(
                windowMs,
              );
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
