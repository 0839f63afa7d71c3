import * as fc from "fast-check";
import { BehaviorSubject, Subject, VirtualTimeScheduler } from "rxjs";

import type { ThreadStreamEvent } from "../../lib/events/threadEvents";
import { mergeTextDeltasWhilePaused } from "../../operators/mergeTextDeltasWhilePaused";
import { throttleTextDeltas } from "../../operators/throttleTextDeltas";
import { ownString } from "../../operators/internal/ownString";
import { collectGarbage } from "../helpers/collectGarbage";
import { d } from "../helpers/textDeltaEvents";

const DELTAS = 200;
const TEXT_LENGTH = 20_000;
const deltaAt = (step: number): string => String(step).padStart(40, "*");

const filler = "lorem ipsum dolor sit amet ".repeat(TEXT_LENGTH / 27);

/**
 * Sends `send` the deltas of a streaming text as the diff cuts them: each
 * the last 40 characters of the whole text at its step (each step's text a
 * distinct string of 20 kB, as `accumulateText` makes them).
 */
function sendDeltasCutFromTheText(send: (event: ThreadStreamEvent) => void): void {
  for (let step = 0; step < DELTAS; step++) {
    const text = `${filler}${deltaAt(step)}`;
    send(d("t", text.slice(text.length - 40)));
  }
}

/** How much the heap grows while `hold` keeps what it was given (it returns a function that lets go). */
function heapHeldBy(hold: () => () => void): { heldBytes: number; release: () => void } {
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const release = hold();
  collectGarbage();
  return { heldBytes: process.memoryUsage().heapUsed - before, release };
}

describe("text held back costs the text, not a copy of the whole text per delta", () => {
  it("mergeTextDeltasWhilePaused: a paused stream holds its unsent deltas, not the texts they were cut from", () => {
    const source = new Subject<ThreadStreamEvent>();
    const paused = new BehaviorSubject(true);
    const out: ThreadStreamEvent[] = [];
    const { heldBytes, release } = heapHeldBy(() => {
      const subscription = source
        .pipe(mergeTextDeltasWhilePaused(paused))
        .subscribe((event) => out.push(event));
      sendDeltasCutFromTheText((event) => source.next(event));
      return () => subscription.unsubscribe();
    });
    // 200 texts of 20 kB would be 4 MB; the deltas themselves are 8 kB.
    expect(heldBytes).toBeLessThan(1 << 20);
    expect(out).toEqual([]);
    paused.next(false);
    expect(out).toEqual([d("t", Array.from({ length: DELTAS }, (_, step) => deltaAt(step)).join(""))]);
    release();
  });

  it("throttleTextDeltas: a window's held deltas do not keep their texts either", () => {
    const source = new Subject<ThreadStreamEvent>();
    const scheduler = new VirtualTimeScheduler();
    const out: ThreadStreamEvent[] = [];
    const { heldBytes, release } = heapHeldBy(() => {
      const subscription = source
        .pipe(throttleTextDeltas({ windowMs: 1000, scheduler }))
        .subscribe((event) => out.push(event));
      sendDeltasCutFromTheText((event) => {
        scheduler.frame += 1; // a delta a millisecond, all within the first window
        source.next(event);
      });
      return () => subscription.unsubscribe();
    });
    expect(heldBytes).toBeLessThan(1 << 20);
    expect(out).toEqual([d("t", deltaAt(0))]); // the first goes out at once; the rest wait for the window
    scheduler.flush();
    expect(out).toEqual([
      d("t", deltaAt(0)),
      d("t", Array.from({ length: DELTAS - 1 }, (_, step) => deltaAt(step + 1)).join("")),
    ]);
    release();
  });

  it("ownString returns an equal string, whatever the string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), fc.nat(), (text, cut) => {
        const slice = text.slice(cut % (text.length + 1));
        expect(ownString(slice)).toBe(slice);
        expect(ownString(text)).toBe(text);
      }),
    );
  });
});
