import { randomUUID } from "node:crypto";

import { asyncScheduler, type SchedulerAction, type SchedulerLike } from "rxjs";

import { ThreadBusyError } from "../../errors";
import type { AcquireThreadOptions, ReleaseThread, ThreadLocks } from "../../server/ThreadLocks";
import type { SqlQueryable } from "./SqlDriver";
import type { Tables } from "./tables";

/** Timing of {@link PostgresThreadLocks}' leases. */
export interface LeaseConfig {
  /**
   * How long a lease lasts without renewal: how long a crashed process
   * keeps its threads. Default 30 000 ms.
   */
  readonly ttlMs?: number | undefined;
  /** The first wait between attempts to take a busy thread; doubles up to `maxPollMs`. Default 20 ms. */
  readonly pollMs?: number | undefined;
  /** Default 500 ms. */
  readonly maxPollMs?: number | undefined;
  /** Schedules the waits and renewals. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike | undefined;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new TypeError(
      `PostgresStore: leases.${name} must be a positive number of milliseconds, got ${value}`,
    );
  }
  return value;
}

/** Resolves after `ms` on `scheduler`; rejects with the signal's reason if it aborts first. */
function sleep(ms: number, scheduler: SchedulerLike, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      timer.unsubscribe();
      reject(signal?.reason instanceof Error ? signal.reason : new Error(String(signal?.reason)));
    };
    const timer = scheduler.schedule(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * {@link ThreadLocks} shared by every process on one database: holding a
 * thread is a row in the leases table (thread, holder, expiry), renewed
 * every third of its lifetime while held and deleted on release. A process
 * that dies stops renewing, so its lease expires and the next caller takes
 * it over. Waiters poll with a doubling back-off; there is no queue across
 * processes, so the order in which waiters get a busy thread is not FIFO.
 * Expiry is judged by the database's clock, never by the processes'.
 */
export class PostgresThreadLocks implements ThreadLocks {
  readonly #db: SqlQueryable;
  readonly #tables: Tables;
  readonly #ttlMs: number;
  readonly #pollMs: number;
  readonly #maxPollMs: number;
  readonly #scheduler: SchedulerLike;

  constructor(db: SqlQueryable, tables: Tables, config: LeaseConfig = {}) {
    this.#db = db;
    this.#tables = tables;
    this.#ttlMs = positive(config.ttlMs, 30_000, "ttlMs");
    this.#pollMs = positive(config.pollMs, 20, "pollMs");
    this.#maxPollMs = positive(config.maxPollMs, 500, "maxPollMs");
    this.#scheduler = config.scheduler ?? asyncScheduler;
  }

  async acquire(threadId: string, options: AcquireThreadOptions): Promise<ReleaseThread> {
    if (typeof threadId !== "string") {
      throw new TypeError(`PostgresThreadLocks.acquire: threadId must be a string, got ${typeof threadId}`);
    }
    const { waitMs, signal } = options;
    if (typeof waitMs !== "number" || !(waitMs >= 0)) {
      throw new TypeError(`PostgresThreadLocks.acquire: waitMs must be a number >= 0, got ${waitMs}`);
    }
    const holder = randomUUID();
    const start = this.#scheduler.now();
    let delay = this.#pollMs;
    for (;;) {
      signal?.throwIfAborted();
      if (await this.#take(threadId, holder)) {
        const release = this.#hold(threadId, holder);
        if (signal?.aborted === true) {
          await release();
          signal.throwIfAborted();
        }
        return release;
      }
      const waited = this.#scheduler.now() - start;
      if (waited >= waitMs) throw new ThreadBusyError(threadId, waited);
      await sleep(Math.min(delay, waitMs - waited), this.#scheduler, signal);
      delay = Math.min(delay * 2, this.#maxPollMs);
    }
  }

  /** Takes the lease if nobody holds it or its holder let it expire. */
  async #take(threadId: string, holder: string): Promise<boolean> {
    const { leases } = this.#tables;
    const rows = await this.#db.query(
      `INSERT INTO ${leases} (thread_id, holder, expires_at)
       VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (thread_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE ${leases}.expires_at < clock_timestamp()
       RETURNING 1`,
      [threadId, holder, this.#ttlMs],
    );
    return rows.length > 0;
  }

  /** Keeps the lease alive until the returned function releases it. */
  #hold(threadId: string, holder: string): ReleaseThread {
    const { leases } = this.#tables;
    const every = this.#ttlMs / 3;
    const db = this.#db;
    const ttlMs = this.#ttlMs;
    const renewal = this.#scheduler.schedule(function (this: SchedulerAction<unknown>) {
      // A failed renewal is retried at the next tick; if the lease expires meanwhile, another
      // process may take the thread over, which is what a lease is for.
      db.query(
        `UPDATE ${leases} SET expires_at = clock_timestamp() + $3 * interval '1 millisecond'
         WHERE thread_id = $1 AND holder = $2`,
        [threadId, holder, ttlMs],
      ).catch(() => undefined);
      this.schedule(undefined, every);
    }, every);
    let released: Promise<void> | undefined;
    return () => {
      released ??= (async () => {
        renewal.unsubscribe();
        await db.query(`DELETE FROM ${leases} WHERE thread_id = $1 AND holder = $2`, [threadId, holder]);
      })();
      return released;
    };
  }
}
