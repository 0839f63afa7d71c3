import {
  asyncScheduler,
  isObservable,
  Observable,
  type MonoTypeOperatorFunction,
  type SchedulerAction,
  type SchedulerLike,
} from "rxjs";

/** An SSE comment: clients ignore it, proxies see bytes and keep the connection. */
export const HEARTBEAT_FRAME = ": keep-alive\n\n";

export interface HeartbeatConfig {
  /** Milliseconds of silence before a heartbeat, and between heartbeats while the silence lasts. */
  readonly intervalMs: number;
  /** The adapter's demand signal: no heartbeat is sent while `true` (the reader is behind; bytes are in flight anyway). */
  readonly paused: Observable<boolean>;
  readonly scheduler?: SchedulerLike | undefined;
}

/**
 * Adds {@link HEARTBEAT_FRAME} to a stream of SSE frames after every
 * `intervalMs` without a frame, so a proxy's idle timeout does not cut a
 * stream that is waiting on a slow tool call.
 *
 * It's like `merge(frames, interval(ms).pipe(map(() => comment)))`, but
 * the clock restarts at every frame, ticks are skipped while `paused`
 * says the reader is behind, and the ticking ends with the frames.
 *
 * ```
 * frames:  a-b---------c--|       intervalMs: 3 frames
 * paused:  ---------t--f---       t: true, f: false
 * result:  a-b--h--h---c--|       h: heartbeat; none at 11 (paused)
 * ```
 *
 * Completion, errors and unsubscription of `frames` pass straight through
 * and stop the clock.
 */
export function heartbeat(config: HeartbeatConfig): MonoTypeOperatorFunction<string> {
  const { intervalMs, paused, scheduler = asyncScheduler } = config;
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
    throw new TypeError(`heartbeat: intervalMs must be a positive number, got ${String(intervalMs)}`);
  }
  if (!isObservable(paused)) {
    throw new TypeError(`heartbeat: paused must be an Observable<boolean>, got ${String(paused)}`);
  }
  // One timer per stream, not one per frame: a frame only moves the time the next beat is due, and the
  // timer, when it fires early (a frame came since it was set), waits for the rest. Restarting an
  // interval at every frame (`switchMap(() => interval(...))`) cost a timer and a subscription per frame.
  return (frames) =>
    new Observable<string>((subscriber) => {
      let isPaused = false;
      // When the next beat is due, kept in a typed array: a number stored in a closure variable
      // is boxed anew at every store, here every frame (32 bytes each).
      const dueAt = new Float64Array([scheduler.now() + intervalMs]);
      const pausedSubscription = paused.subscribe({
        next: (value) => (isPaused = value),
        error: (error: unknown) => subscriber.error(error),
      });
      const beats = scheduler.schedule(function beat(this: SchedulerAction<undefined>) {
        const now = scheduler.now();
        if (now >= dueAt[0]!) {
          if (!isPaused) subscriber.next(HEARTBEAT_FRAME);
          dueAt[0] = dueAt[0]! + intervalMs;
        }
        this.schedule(undefined, Math.max(0, dueAt[0]! - now));
      }, intervalMs);
      const framesSubscription = frames.subscribe({
        next: (frame) => {
          dueAt[0] = scheduler.now() + intervalMs;
          subscriber.next(frame);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        framesSubscription.unsubscribe();
        beats.unsubscribe();
        pausedSubscription.unsubscribe();
      };
    });
}
