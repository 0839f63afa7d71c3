import { Observable, tap } from "rxjs";

import type { ReleaseThread, ThreadLocks } from "./ThreadLocks";

/** What a request's work gets while it holds its thread. */
export interface ThreadTurn {
  /** Aborts when the subscriber leaves before the work ended (the client went away, the server cancelled). */
  readonly signal: AbortSignal;
  /** Work that must finish before the next request of the thread starts (a cancelled stream's clean-up). */
  readonly finishBeforeRelease: (work: Promise<unknown>) => void;
}

/** Options of {@link holdingThread}. */
export interface HoldingThreadConfig {
  readonly locks: ThreadLocks;
  readonly threadId: string;
  /** How long to wait for the thread's earlier requests; then the Observable errors with `ThreadBusyError`. */
  readonly waitMs: number;
  /** Told when the thread is given back (after the work and its clean-up), with the release's failure if any. */
  readonly onReleased?: ((released: Promise<void>) => void) | undefined;
}

/**
 * The events of `work`, run while its thread is held: it's like `defer`,
 * but the subscription first waits for the thread's earlier requests
 * (`locks.acquire`), and the thread is given back only once the work ended
 * *and* the clean-up it registered settled. So the next request of a thread
 * sees every write of the one before, a cancelled stream's included.
 *
 * ```
 * request 1:  -a-b-|                  (holds the thread until its end)
 * request 2:  ------c-d-|             (subscribed at once, waits)
 * ```
 *
 * Leaving early aborts `turn.signal`, unsubscribes the work (whose
 * finalisers may register clean-up), and releases the thread once that
 * clean-up settled. Leaving while still waiting stops the wait.
 *
 * @param config The locks, the thread and how long to wait.
 * @param work Makes the events once the thread is held.
 * @return A cold Observable: each subscription is one request's turn.
 */
export function holdingThread<T>(
  config: HoldingThreadConfig,
  work: (turn: ThreadTurn) => Observable<T>,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const cancel = new AbortController();
    const cleanups: Promise<unknown>[] = [];
    let release: ReleaseThread | undefined;
    let ended = false;

    config.locks.acquire(config.threadId, { waitMs: config.waitMs, signal: cancel.signal }).then(
      (held) => {
        if (subscriber.closed) {
          config.onReleased?.(held());
          return;
        }
        release = held;
        const turn: ThreadTurn = {
          signal: cancel.signal,
          finishBeforeRelease: (cleanup) => void cleanups.push(cleanup),
        };
        let events: Observable<T>;
        try {
          events = work(turn);
        } catch (error) {
          ended = true;
          subscriber.error(error);
          return;
        }
        // Subscribed with the subscriber itself (as `defer` does), so leaving stops even a synchronous source at once.
        events
          .pipe(tap({ complete: () => (ended = true), error: () => (ended = true) }))
          .subscribe(subscriber);
      },
      (error: unknown) => subscriber.error(error),
    );

    return () => {
      if (!ended) cancel.abort();
      const held = release;
      release = undefined;
      if (held === undefined) return;
      // The work's own finalisers run after this one and may register clean-up: collect it a microtask later.
      config.onReleased?.(
        Promise.resolve()
          .then(() => Promise.allSettled(cleanups))
          .then(() => held()),
      );
    };
  });
}
