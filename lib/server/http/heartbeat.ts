import {
  asyncScheduler,
  connect,
  endWith,
  filter,
  ignoreElements,
  interval,
  isObservable,
  map,
  merge,
  startWith,
  switchMap,
  takeUntil,
  withLatestFrom,
  type MonoTypeOperatorFunction,
  type Observable,
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
  return connect((frames) => {
    const ended = frames.pipe(ignoreElements(), endWith(true));
    const beats = frames.pipe(
      startWith(""),
      switchMap(() => interval(intervalMs, scheduler)),
      withLatestFrom(paused.pipe(startWith(false))),
      filter(([, isPaused]) => !isPaused),
      map(() => HEARTBEAT_FRAME),
      takeUntil(ended),
    );
    return merge(frames, beats);
  });
}
