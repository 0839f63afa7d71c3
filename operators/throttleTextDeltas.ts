import { asyncScheduler, Observable } from "rxjs";
import type { MonoTypeOperatorFunction, SchedulerLike, Subscription } from "rxjs";

import { LinkedSubscriber } from "./internal/LinkedSubscriber";
import { Outbox } from "./internal/Outbox";
import { isTextDelta, PendingDeltas, type TextDeltaEvent } from "./internal/PendingDeltas";
import type { ThreadStreamEvent } from "../lib/events/threadEvents";

/** Options of {@link throttleTextDeltas}. */
export interface ThrottleTextDeltasConfig {
  /**
   * Length of a window in milliseconds (finite, >= 0): text that arrives
   * while a window is open waits for the window's end, so downstream gets
   * text on its own at most once per window.
   */
  readonly windowMs: number;
  /** Where the windows are timed. Defaults to `asyncScheduler`. */
  readonly scheduler?: SchedulerLike | undefined;
}

/**
 * Merges the text deltas of a thread event stream so that a fast token
 * stream reaches its subscriber at most once per time window, however many
 * widgets and messages stream at the same time.
 *
 * It's like `throttleTime(windowMs, scheduler, { leading: true, trailing: true })`,
 * but nothing is dropped: the text deltas held back during a window
 * (`widget.streaming_text.value_delta` per item and component,
 * `assistant_message.content_part.text_delta` per item and content part)
 * are concatenated per target and sent when the window ends, and every
 * other event goes out at once, after the text that preceded it.
 *
 * ```
 * source:  -a-b-c----|     a, b, c: deltas of component "t"
 *          throttleTextDeltas({ windowMs: 5 })
 * result:  -a----x---|     x: b and c merged ("lo" + " world")
 * ```
 *
 * - The first text after a quiet period is sent at once (no added latency
 *   to the first token) and opens a window; text arriving during the window
 *   waits for its end, and a window that ends with text to send opens the
 *   next one. So every character is delivered at most `windowMs` after it
 *   arrived, and downstream gets text on its own at most once per window.
 * - Whatever arrives at the same instant (`scheduler.now()`) as a send goes
 *   out with it: the updates of one widget state arrive together, and a
 *   client must not rest on half of them until the window ends. So at the
 *   end of every instant a client holds a state the server meant (see
 *   `spec/properties/rebuild.spec.ts`). The flip side: text arriving in
 *   the same instant as a send (the same millisecond, with
 *   `asyncScheduler`) is not merged, nor is a synchronous source.
 * - A slow subscriber: RxJS pushes, so this operator's only demand signal
 *   is time. Whatever arrives while a window is open is sent at the
 *   window's end as one event per target, and the next window is armed
 *   before that, so a subscriber that blocks for longer than `windowMs`
 *   gets everything that arrived meanwhile at once. For a subscriber that
 *   does not block but cannot take more (a socket whose buffer is full),
 *   follow this with {@link mergeTextDeltasWhilePaused}, which merges the
 *   same way until the subscriber says it is ready; the HTTP adapters do.
 * - Any other event, for any item or none, sends the pending text of every
 *   item first, so applying the output in order yields the same items as
 *   applying the input in order. Only deltas of different targets may
 *   trade places, and they commute.
 * - `done` is the last one seen; a `done: true` delta is never merged with
 *   text that follows it, so the flag falls at the same character.
 * - Memory: the pending text itself, in one entry per target (plus one per
 *   `done: true` that more text follows), never one per source event.
 * - Timers: a window is timed only once text waits in it, so text spaced
 *   wider than `windowMs` (a server's frames) costs no timer at all.
 * - Completion, source errors and malformed events (`null`, say) first
 *   send the pending text (nothing is lost), then complete or error.
 *   Unsubscribing drops it and stops the source at once, even a
 *   synchronous one that is still inside its `subscribe`.
 * - Re-entrancy: an event pushed from inside the subscriber's `next` is
 *   sent after everything already due, and text pushed that way waits for
 *   the next window (a feedback loop is paced, not spun).
 *
 * ## Example
 *
 * ```ts
 * tokens$
 *   .pipe(
 *     accumulateText(),
 *     renderTemplate(card, (text) => ({ text })),
 *     toThreadEvents(thread),
 *     throttleTextDeltas({ windowMs: 50 }),
 *     toServerSentEvents(),
 *   )
 *   .subscribe((frame) => response.write(frame));
 * ```
 *
 * @param config The window length and the scheduler that times it.
 * @return A function that returns an Observable of the same events, with
 * text deltas of a target merged within each window.
 */
export function throttleTextDeltas(
  config: ThrottleTextDeltasConfig,
): MonoTypeOperatorFunction<ThreadStreamEvent> {
  const { windowMs } = config;
  if (typeof windowMs !== "number" || !Number.isFinite(windowMs) || windowMs < 0) {
    throw new TypeError(
      `throttleTextDeltas: config.windowMs must be a finite number >= 0, got ${String(windowMs)}`,
    );
  }
  const scheduler = config.scheduler ?? asyncScheduler;

  return (source) =>
    new Observable<ThreadStreamEvent>((subscriber) => {
      const pending = new PendingDeltas();
      /**
       * When the open window ends (`-Infinity`: none is open). A window is
       * timed only once text waits in it: the usual window, which sees no
       * more text after the one that opened it, costs no timer (with many
       * streams, that was one timer per stream per frame).
       */
      let windowEndsAt = Number.NEGATIVE_INFINITY;
      /** The timer that ends the window: armed while text waits in it (or, with `windowMs` 0, always). */
      let window: Subscription | null = null;
      /** When something was last sent; text arriving at that instant is sent too. */
      let sentAt: number | null = null;
      /** Events due, in order; a re-entrant push appends behind them. */
      const outbox = new Outbox(subscriber);

      const closeWindow = (): void => {
        window?.unsubscribe();
        window = null;
      };

      /** Sends what is pending, then `after` if given, now. */
      const flush = (after?: ThreadStreamEvent): void => {
        pending.drainInto(outbox.queue);
        sentAt = scheduler.now();
        if (after !== undefined) outbox.sendAfterDue(after);
        else outbox.send();
      };

      /**
       * Opens a window now. Its timer is armed when text comes to wait in it
       * ({@link holdInWindow}); with `windowMs` 0 at once, as the window then
       * lasts until that timer runs, not until a later instant.
       */
      const openWindow = (): void => {
        windowEndsAt = scheduler.now() + windowMs;
        if (windowMs === 0) window = upstream.schedule(scheduler, 0, endOfWindow);
      };

      /** Text waits in the open window: make sure the window's end is timed. */
      const holdInWindow = (): void => {
        if (window !== null) return;
        window = upstream.schedule(scheduler, Math.max(0, windowEndsAt - scheduler.now()), endOfWindow);
      };

      /** Whether a window is open now: its timer is armed, or it has not ended yet. */
      const windowIsOpen = (): boolean => window !== null || scheduler.now() < windowEndsAt;

      const endOfWindow = (): void => {
        window = null;
        windowEndsAt = Number.NEGATIVE_INFINITY;
        if (pending.isEmpty) return;
        // Open the next window before emitting: text that downstream pushes
        // back while it handles this lands in `pending`, not in this send.
        openWindow();
        flush();
      };

      /** Sends what is pending, then lets `end` complete or error; the first ending wins. */
      const flushAndEnd = (end: () => void): void => {
        if (outbox.isEnding) return;
        closeWindow();
        pending.drainInto(outbox.queue);
        outbox.end(end);
        outbox.send();
      };

      // Linked to `subscriber` before the source runs, so unsubscribing
      // stops even a synchronous source, and takes the window timer with it.
      const upstream = new LinkedSubscriber<ThreadStreamEvent>(subscriber, {
        next: (event) => {
          if (outbox.isEnding) return;
          let isText: boolean;
          try {
            isText = isTextDelta(event);
          } catch (err: unknown) {
            // A malformed event: fail loudly instead of letting RxJS report
            // it as unhandled and go on.
            flushAndEnd(() => subscriber.error(err));
            return;
          }
          if (!isText) {
            flush(event);
            return;
          }
          let sendNow: boolean;
          if (!windowIsOpen()) {
            // Leading edge: no text was sent recently, so send now.
            openWindow();
            sendNow = true;
          } else {
            // The rest of an instant that already sent something goes with it.
            sendNow = !outbox.isSending && scheduler.now() === sentAt;
          }
          // Sent now with nothing pending, the delta goes as it is: nothing to merge it with.
          if (sendNow && pending.isEmpty) return flush(event);
          pending.add(event as TextDeltaEvent);
          if (sendNow) flush();
          else holdInWindow();
        },
        error: (err: unknown) => flushAndEnd(() => subscriber.error(err)),
        complete: () => flushAndEnd(() => subscriber.complete()),
      });
      source.subscribe(upstream);
    });
}
