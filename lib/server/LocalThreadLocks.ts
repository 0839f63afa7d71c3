import { asyncScheduler, Subscription, type SchedulerLike } from "rxjs";

import { ThreadBusyError } from "../errors";
import type { AcquireThreadOptions, ReleaseThread, ThreadLocks } from "./ThreadLocks";

/** Options of {@link LocalThreadLocks}. */
export interface LocalThreadLocksConfig {
  /** Times the waits. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike | undefined;
}

interface Waiter {
  /** Hands the thread to this waiter. */
  readonly grant: () => void;
}

/**
 * {@link ThreadLocks} for one process: a first-come, first-served queue per
 * thread. A thread's queue exists only while someone holds or waits for it,
 * so memory follows the requests in flight, not the number of threads.
 * Several processes on one store need the store's own locks instead.
 */
export class LocalThreadLocks implements ThreadLocks {
  /** The holder first, then the waiters in arrival order. */
  readonly #queues = new Map<string, Waiter[]>();
  readonly #scheduler: SchedulerLike;

  constructor(config: LocalThreadLocksConfig = {}) {
    this.#scheduler = config.scheduler ?? asyncScheduler;
  }

  /** How many threads are held right now (for tests and metrics). */
  get held(): number {
    return this.#queues.size;
  }

  acquire(threadId: string, options: AcquireThreadOptions): Promise<ReleaseThread> {
    const { waitMs, signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<ReleaseThread>((resolve, reject) => {
      let queue = this.#queues.get(threadId);
      if (queue === undefined) this.#queues.set(threadId, (queue = []));
      /** The wait's time-out, once one is scheduled. */
      const timer = new Subscription();
      const stopWaiting = (): void => {
        timer.unsubscribe();
        signal?.removeEventListener("abort", onAbort);
      };
      const leave = (): void => {
        const current = this.#queues.get(threadId);
        const index = current?.indexOf(waiter) ?? -1;
        if (current === undefined || index === -1) return;
        current.splice(index, 1);
        if (current.length === 0) this.#queues.delete(threadId);
        else if (index === 0) current[0]!.grant();
      };
      const waiter: Waiter = {
        grant: () => {
          stopWaiting();
          let released = false;
          resolve(() => {
            if (!released) {
              released = true;
              leave();
            }
            return Promise.resolve();
          });
        },
      };
      const onAbort = (): void => {
        stopWaiting();
        leave();
        reject(signal!.reason as Error);
      };
      queue.push(waiter);
      if (queue.length === 1) {
        waiter.grant();
        return;
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      timer.add(
        this.#scheduler.schedule(() => {
          stopWaiting();
          leave();
          reject(new ThreadBusyError(threadId, waitMs));
        }, waitMs),
      );
    });
  }
}
