/**
 * One request at a time per thread. A thread's requests read and write the
 * same items (a widget that two actions update, a cancel note that must land
 * before the next message), so each request that writes holds its thread
 * while it runs, and the next one waits for it. In one process a FIFO queue
 * per thread does it ({@link LocalThreadLocks}); several processes on one
 * database need a lease in that database (a store shared by processes
 * provides one as `Store.threadLocks`).
 */

/** Gives the thread back; safe to call more than once. */
export type ReleaseThread = () => Promise<void>;

/** How long {@link ThreadLocks.acquire} may wait. */
export interface AcquireThreadOptions {
  /** Past this many milliseconds of waiting, give up with a `ThreadBusyError`. */
  readonly waitMs: number;
  /** Aborting stops the wait (the promise rejects with the signal's reason). */
  readonly signal?: AbortSignal | undefined;
}

/** Serialises the requests of each thread. */
export interface ThreadLocks {
  /**
   * Resolves once the caller holds `threadId` (every earlier holder has
   * released it, or its lease expired), with the function that releases it.
   * Rejects with `ThreadBusyError` after `waitMs`.
   */
  acquire(threadId: string, options: AcquireThreadOptions): Promise<ReleaseThread>;

  /** True when these locks hold across processes (leases in a shared database); default false. */
  readonly sharedAcrossProcesses?: boolean | undefined;
}
