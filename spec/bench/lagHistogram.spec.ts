import fc from "fast-check";

import { LagHistogram } from "../../bench/LagHistogram";
import { percentile } from "../../bench/loopback";

/** Lags as the W4 model sees them: sub-ms to seconds, some exactly on a 0.1 ms edge, a few huge. */
const lagArb = fc.oneof(
  fc.double({ min: 0, max: 50, noNaN: true }),
  fc.double({ min: 0, max: 20_000, noNaN: true }),
  fc.integer({ min: 0, max: 100_000 }).map((k) => k * 0.1),
  fc.double({ min: 0, max: 1e12, noNaN: true }),
);

const histogramOf = (lags: readonly number[]): LagHistogram => {
  const histogram = new LagHistogram();
  for (const lag of lags) histogram.record(lag);
  return histogram;
};

describe("LagHistogram", () => {
  it("gives every percentile to within a bucket of the exact one, never below it", () => {
    fc.assert(
      fc.property(
        fc.array(lagArb, { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (lags, p) => {
          const exact = percentile(Float64Array.from(lags).sort(), p);
          const approx = histogramOf(lags).percentile(p);
          // A bucket is 0.1 ms wide up to 25.6 ms, then at most 1/128 of its lower edge.
          const width = Math.max(0.1, exact / 128);
          expect(approx).toBeGreaterThanOrEqual(exact);
          expect(approx).toBeLessThanOrEqual(exact + width * (1 + 1e-9));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("is exact at the top: the 100th percentile is the largest lag", () => {
    expect(histogramOf([3.27, 40.01, 12.5]).percentile(100)).toBe(40.01);
    expect(histogramOf([1, 2, 1e15]).percentile(100)).toBe(1e15);
  });

  it("reads p99 of a known spread within its bucket", () => {
    // 1000 lags 0.05, 0.15, ..., 99.95 ms: nearest rank 990 is 98.95 ms, in the 0.4 ms bucket [98.8, 99.2).
    const lags = Array.from({ length: 1000 }, (_, k) => k * 0.1 + 0.05);
    expect(histogramOf(lags).percentile(99)).toBeCloseTo(99.2, 9);
    expect(histogramOf(lags).percentile(50)).toBeCloseTo(50, 9);
    expect(histogramOf(lags).percentile(1)).toBeCloseTo(1, 9);
  });

  it("counts a lag a hair below 0 (float rounding) as 0", () => {
    const histogram = histogramOf([-1e-13]);
    expect(histogram.count).toBe(1);
    expect(histogram.percentile(50)).toBe(0);
  });

  it("merges histograms sent as data into the histogram of all their lags", () => {
    fc.assert(
      fc.property(
        fc.array(lagArb, { maxLength: 100 }),
        fc.array(lagArb, { maxLength: 100 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (first, second, p) => {
          const whole = histogramOf([...first, ...second]);
          const merged = new LagHistogram()
            .add(JSON.parse(JSON.stringify(histogramOf(first).toData())))
            .add(histogramOf(second).toData());
          expect(merged.count).toBe(whole.count);
          expect(merged.toData()).toEqual(whole.toData());
          expect(merged.percentile(p)).toBe(whole.percentile(p));
        },
      ),
    );
  });

  it("forgets every lag on reset", () => {
    const histogram = histogramOf([1, 2, 3]);
    histogram.reset();
    expect(histogram.count).toBe(0);
    expect(histogram.percentile(99)).toBeNaN();
    expect(histogram.toData()).toEqual({ buckets: [], overflow: 0, maxMs: 0 });
  });

  it("throws a TypeError naming the method for a lag that is no number and for a bucket it lacks", () => {
    expect(() => new LagHistogram().record(Number.NaN)).toThrow(
      new TypeError("LagHistogram.record: ms must be a number, got NaN"),
    );
    expect(() => new LagHistogram().add({ buckets: [[3200, 1]], overflow: 0, maxMs: 1 })).toThrow(
      new TypeError("LagHistogram.add: no bucket 3200 (there are 3200)"),
    );
  });
});
