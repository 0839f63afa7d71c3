import { isObservable, Observable } from "rxjs";
import type { MonoTypeOperatorFunction } from "rxjs";

import { LinkedSubscriber } from "./internal/LinkedSubscriber";
import { Outbox } from "./internal/Outbox";
import { isTextDelta, PendingDeltas } from "./internal/PendingDeltas";
import type { ThreadStreamEvent } from "../lib/events/threadEvents";

/**
 * Holds a thread event stream back while its subscriber says it cannot take
 * more, merging the text deltas that arrive meanwhile, so a slow client
 * costs the server the text it has not read yet, not one frame per token.
 *
 * It's like a pausable buffer (`bufferToggle` on a pause signal), but
 * text deltas are merged per target exactly as {@link throttleTextDeltas}
 * merges them (`widget.streaming_text.value_delta` per item and component,
 * `assistant_message.content_part.text_delta` per item and content part),
 * and while nothing is held every event passes straight through.
 *
 * ```
 * source:  -a-b-c---d-|     a, b, c, d: deltas of component "t"
 * paused:  --t---f------    t: true (full), f: false (ready)
 *          mergeTextDeltasWhilePaused(paused)
 * result:  -a----x--d-|     x: b and c merged ("lo" + " world")
 * ```
 *
 * RxJS pushes, so the demand signal has to come from outside: `paused`
 * emits `true` when the subscriber's sink is full (`res.write` returned
 * false; a Web stream's `desiredSize` fell to 0) and `false` when it is
 * ready again (`'drain'`; `pull`). It is read synchronously, so `true`
 * emitted from inside the subscriber's `next` stops the very next event.
 *
 * - Nothing is lost or reordered: while paused, text deltas are merged per
 *   target; any other event first closes the text held before it, and
 *   on resume everything goes out in the order it arrived. `done` is the
 *   last one seen, and a `done: true` delta is never merged with text that
 *   follows it, so the flag falls at the same character. Only deltas of
 *   different targets may trade places, and they commute.
 * - On resume the held events are sent one by one and sending stops as soon
 *   as `paused` says `true` again; text that arrives meanwhile keeps
 *   merging behind them.
 * - Memory while paused: the unsent text itself, in one entry per target
 *   (plus one per `done: true` that more text follows), never one per
 *   source event. Other events cannot be merged and are held as they are:
 *   a pipeline that sends a `widget.root.updated` per token holds a whole
 *   widget per token for as long as the client is stalled. Stream text
 *   through text deltas (`toThreadEvents` does, for `Text`/`Markdown` with
 *   an `id`) to keep a stalled client cheap.
 * - Completion and source errors (and malformed events, such as `null`)
 *   wait until everything held has been sent, then complete or error.
 *   Unsubscribing drops what is held and stops both inputs at once, even
 *   a synchronous one that is still inside its `subscribe`.
 * - `paused` is subscribed before the source, so a `BehaviorSubject(true)`
 *   holds back even the first event. Repeated values are harmless. When
 *   `paused` completes nothing can resume the stream any more, so it
 *   resumes for good; when it errors, the output errors.
 *
 * ## Example
 *
 * ```ts
 * const paused = new Subject<boolean>();
 * response.on("drain", () => paused.next(false));
 * events$.pipe(mergeTextDeltasWhilePaused(paused), toServerSentEvents()).subscribe((frame) => {
 *   if (!response.write(frame)) paused.next(true);
 * });
 * ```
 *
 * @param paused `true` while the subscriber cannot take more, `false` once it can.
 * @return A function that returns an Observable of the same events, with
 * the text deltas that arrived during a pause merged per target.
 */
export function mergeTextDeltasWhilePaused(
  paused: Observable<boolean>,
): MonoTypeOperatorFunction<ThreadStreamEvent> {
  if (!isObservable(paused)) {
    throw new TypeError(
      `mergeTextDeltasWhilePaused: paused must be an Observable<boolean>, got ${String(paused)}`,
    );
  }

  return (source) =>
    new Observable<ThreadStreamEvent>((subscriber) => {
      const pending = new PendingDeltas();
      let isPaused = false;
      /** Events held, in order, before the pending text, which joins them when they are sent. */
      const held = new Outbox(
        subscriber,
        () => isPaused,
        (queue) => pending.drainInto(queue),
      );

      /** Lets `end` complete or error once everything held is sent; the first ending wins. */
      const endAfterHeld = (end: () => void): void => {
        if (held.end(end)) held.send();
      };

      // Both inputs are linked to `subscriber` before they run, so
      // unsubscribing stops even a synchronous one.
      paused.subscribe(
        new LinkedSubscriber<boolean>(subscriber, {
          next: (value) => {
            isPaused = value;
            if (!value) held.send();
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            isPaused = false;
            held.send();
          },
        }),
      );
      if (subscriber.closed) return;

      source.subscribe(
        new LinkedSubscriber<ThreadStreamEvent>(subscriber, {
          next: (event) => {
            if (held.isEnding) return;
            let merged = false;
            try {
              if (isTextDelta(event) && (isPaused || !pending.isEmpty)) {
                pending.add(event);
                merged = true;
              } else {
                // Not paused and no text pending: nothing to merge with, so it
                // goes behind what is held (usually nothing), as it is.
                pending.drainInto(held.queue);
              }
            } catch (err: unknown) {
              // A malformed event: fail loudly (after what is held) instead of
              // letting RxJS report it as unhandled and go on.
              endAfterHeld(() => subscriber.error(err));
              return;
            }
            if (merged) held.send();
            else held.sendAfterDue(event);
          },
          error: (err: unknown) => endAfterHeld(() => subscriber.error(err)),
          complete: () => endAfterHeld(() => subscriber.complete()),
        }),
      );
    });
}
