/**
 * How late the W4 model's tokens left it, counted in a fixed number of
 * buckets: the bench reports only a percentile of these lags, and keeping
 * every one (500 000 numbers at S = 1000) would grow the very heap and RSS
 * the bench measures in the server process.
 *
 * The buckets are log-linear (as HdrHistogram's): 0.1 ms wide up to 25.6 ms,
 * then 128 to each doubling (at most 0.8% of the value wide), up to about
 * 59 hours; beyond that one overflow count. 3200 counters in all, whatever
 * the number of tokens. A percentile is the upper edge of the bucket that
 * holds the exact nearest-rank value (capped at the largest lag recorded),
 * so it is never below the exact value and never above it by more than
 * that bucket's width.
 */

const RESOLUTION_MS = 0.1;
/** Buckets per doubling above the linear range; the linear range is twice as many buckets. */
const PER_DOUBLING = 128;
const LOG2_PER_DOUBLING = 7;
const LINEAR = 2 * PER_DOUBLING;
/** Lags from 2^31 resolutions on (about 59 hours) are counted in `overflow`. */
const LIMIT_UNITS = 2 ** 31;
const BUCKETS = PER_DOUBLING * (31 - LOG2_PER_DOUBLING) + PER_DOUBLING;

/** A histogram as plain data (non-empty buckets only), to send between processes. */
export interface LagHistogramData {
  /** `[bucket index, count]` of every non-empty bucket. */
  readonly buckets: readonly (readonly [number, number])[];
  readonly overflow: number;
  readonly maxMs: number;
}

/** The bucket holding `units` resolutions (an integer in [0, LIMIT_UNITS)). */
function bucketOf(units: number): number {
  if (units < LINEAR) return units;
  const shift = 31 - Math.clz32(units) - LOG2_PER_DOUBLING;
  return PER_DOUBLING * shift + (units >>> shift);
}

/** The upper edge of bucket `index`, in ms. */
function upperEdgeMs(index: number): number {
  if (index < LINEAR) return (index + 1) * RESOLUTION_MS;
  const shift = Math.floor(index / PER_DOUBLING) - 1;
  const top = index - PER_DOUBLING * shift;
  return (top + 1) * 2 ** shift * RESOLUTION_MS;
}

export class LagHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private overflow = 0;
  private total = 0;
  private maxMs = 0;

  /** Counts one lag of `ms` (a lag a hair below 0, from float rounding, counts as 0). */
  record(ms: number): void {
    if (Number.isNaN(ms)) throw new TypeError(`LagHistogram.record: ms must be a number, got ${ms}`);
    const lag = Math.max(0, ms);
    const units = Math.floor(lag / RESOLUTION_MS);
    if (units >= LIMIT_UNITS) this.overflow++;
    else this.counts[bucketOf(units)]!++;
    this.total++;
    this.maxMs = Math.max(this.maxMs, lag);
  }

  /** How many lags were recorded. */
  get count(): number {
    return this.total;
  }

  /**
   * The `p`-th percentile (0..100), nearest rank as `percentile` in
   * ./loopback.ts, to within a bucket (see above); `NaN` when empty.
   */
  percentile(p: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.min(this.total - 1, Math.max(0, Math.ceil((p / 100) * this.total) - 1));
    let below = 0;
    for (let index = 0; index < BUCKETS; index++) {
      below += this.counts[index]!;
      if (below > rank) return Math.min(upperEdgeMs(index), this.maxMs);
    }
    return this.maxMs;
  }

  /** Forgets every lag (the warm-up's). */
  reset(): void {
    this.counts.fill(0);
    this.overflow = 0;
    this.total = 0;
    this.maxMs = 0;
  }

  toData(): LagHistogramData {
    const buckets: [number, number][] = [];
    this.counts.forEach((count, index) => {
      if (count > 0) buckets.push([index, count]);
    });
    return { buckets, overflow: this.overflow, maxMs: this.maxMs };
  }

  /** Adds another histogram's lags (a cluster worker's, as {@link toData} gave them). */
  add(data: LagHistogramData): this {
    for (const [index, count] of data.buckets) {
      if (!Number.isInteger(index) || index < 0 || index >= BUCKETS)
        throw new TypeError(`LagHistogram.add: no bucket ${index} (there are ${BUCKETS})`);
      this.counts[index]! += count;
      this.total += count;
    }
    this.overflow += data.overflow;
    this.total += data.overflow;
    this.maxMs = Math.max(this.maxMs, data.maxMs);
    return this;
  }
}
