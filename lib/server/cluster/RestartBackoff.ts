/** Options of {@link RestartBackoff}. */
export interface RestartBackoffConfig {
  /** Wait before restarting a worker that crashed after a stable run. Default 100 ms. */
  readonly firstMs?: number | undefined;
  /** The longest wait, however many crashes in a row. Default 30 000 ms. */
  readonly maxMs?: number | undefined;
  /** A worker that lived this long ran stably: its crash starts the count again. Default 10 000 ms. */
  readonly stableMs?: number | undefined;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  const chosen = value ?? fallback;
  if (!Number.isFinite(chosen) || chosen < 0) {
    throw new TypeError(
      `RestartBackoff: ${name} must be a number of milliseconds >= 0, got ${String(value)}`,
    );
  }
  return chosen;
}

/**
 * How long to wait before restarting one worker slot after a crash. A
 * worker that ran stably is back after `firstMs`; one that keeps crashing
 * right after it starts (a database that is down, a bad deploy) waits twice
 * as long each time, up to `maxMs`, so the primary does not fork in a loop.
 *
 * @example
 * ```ts
 * const backoff = new RestartBackoff();
 * backoff.crashed(60_000); // 100: it had run a minute
 * backoff.crashed(50); // 200: crashed again at once
 * backoff.crashed(50); // 400
 * ```
 */
export class RestartBackoff {
  readonly #firstMs: number;
  readonly #maxMs: number;
  readonly #stableMs: number;
  /** Crashes in a row, each of a worker that had not run for `stableMs`. */
  #quickCrashes = 0;

  constructor(config: RestartBackoffConfig = {}) {
    this.#firstMs = nonNegative(config.firstMs, 100, "firstMs");
    this.#maxMs = nonNegative(config.maxMs, 30_000, "maxMs");
    this.#stableMs = nonNegative(config.stableMs, 10_000, "stableMs");
    if (this.#maxMs < this.#firstMs) {
      throw new TypeError(
        `RestartBackoff: maxMs (${this.#maxMs}) must be at least firstMs (${this.#firstMs})`,
      );
    }
  }

  /** Records a crash of a worker that lived `livedMs`; returns how long to wait before restarting it. */
  crashed(livedMs: number): number {
    this.#quickCrashes = livedMs >= this.#stableMs ? 0 : this.#quickCrashes + 1;
    return Math.min(this.#maxMs, this.#firstMs * 2 ** Math.max(0, this.#quickCrashes - 1));
  }
}
