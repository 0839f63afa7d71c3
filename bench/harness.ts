import { basename, dirname, join } from "node:path";
import { performance } from "node:perf_hooks";

/**
 * A small benchmark harness: each case runs a few warm-up rounds, then
 * several timed runs; we report the median (and min/max) time per operation.
 * Machines here are small and noisy, so compare ratios between cases of one
 * run, never absolute numbers between runs.
 */
/**
 * A path inside the repository, wherever this file runs from: bench/ under
 * tsx, or dist-bench/bench/ once compiled (`npm run bench` times the code
 * tsc emits, as users run it: tsx turns every imported name into a getter
 * call, which made our own code about 2x slower).
 */
export function repoPath(...segments: string[]): string {
  const root =
    basename(dirname(__dirname)) === "dist-bench" ? join(__dirname, "../..") : join(__dirname, "..");
  return join(root, ...segments);
}

interface BenchCaseBase {
  readonly name: string;
  /** Operations done by one run (e.g. tokens streamed), to report time per operation. */
  readonly operations: number;
  /** What one operation is, for the unit column: `"µs/<operation>"`. Default `"op"`. */
  readonly operation?: string;
  /**
   * Called before every timed run, untimed: makes fresh inputs for cases
   * whose inputs must not be reused (the diff caches results per object,
   * so diffing the same trees twice would time a cache hit).
   */
  readonly prepare?: () => void;
}

/**
 * One case: `run` does `operations` operations and is timed whole, or
 * `runTimed` does them and returns the microseconds it timed itself, for
 * cases where only part of the work is the operation (inputs that must be
 * made right before each operation, say).
 */
export type BenchCase = BenchCaseBase & ({ readonly run: () => void } | { readonly runTimed: () => number });

export interface BenchResult {
  readonly workload: string;
  readonly name: string;
  readonly unit: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
  /** Free text for the table's last column (sizes, ratios, what was checked). */
  readonly note?: string;
  /** Numbers that belong with the timing in results.json (e.g. bytes sent), by name. */
  readonly metrics?: Readonly<Record<string, number>>;
}

export interface MeasureConfig {
  readonly warmupRuns?: number;
  readonly runs?: number;
  /** Minimum wall time of one run in ms: fast cases are repeated inside a run until they take this long. */
  readonly minRunMs?: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Calls `bench.prepare` (untimed), then runs the case; returns the time it took (or timed itself) in microseconds. */
export function timedRun(bench: BenchCase): number {
  bench.prepare?.();
  if ("runTimed" in bench) return bench.runTimed();
  const start = process.hrtime.bigint();
  bench.run();
  return Number(process.hrtime.bigint() - start) / 1e3;
}

/**
 * Times several cases, taking their timed runs in
 * turns (run 1 of every case, then run 2, ...), so a burst of load from
 * other processes hits every case alike and ratios between cases stay
 * meaningful on a noisy machine.
 */
export function measureInterleaved(
  workload: string,
  benches: readonly BenchCase[],
  config: MeasureConfig = {},
): BenchResult[] {
  const { warmupRuns = 3, runs = 7, minRunMs = 50 } = config;
  const repeats = benches.map((bench) => {
    for (let i = 0; i < warmupRuns; i++) timedRun(bench);
    const singleMs = timedRun(bench) / 1e3;
    return Math.max(1, Math.ceil(minRunMs / Math.max(singleMs, 1e-3)));
  });
  const samples = benches.map((): number[] => []);
  for (let r = 0; r < runs; r++) {
    benches.forEach((bench, index) => {
      const times = repeats[index]!;
      let micros = 0;
      for (let i = 0; i < times; i++) micros += timedRun(bench);
      samples[index]!.push(micros / (times * bench.operations));
    });
  }
  return benches.map((bench, index) => ({
    workload,
    name: bench.name,
    unit: `µs/${bench.operation ?? "op"}`,
    median: median(samples[index]!),
    min: Math.min(...samples[index]!),
    max: Math.max(...samples[index]!),
    runs,
  }));
}

/** The results as an aligned text table; the `note` column appears when some result has a note. */
export function formatTable(results: readonly BenchResult[]): string {
  const withNotes = results.some((r) => r.note !== undefined);
  const rows = results.map((r) => [
    r.workload,
    r.name,
    r.median.toFixed(2),
    r.min.toFixed(2),
    r.max.toFixed(2),
    r.unit,
    ...(withNotes ? [r.note ?? ""] : []),
  ]);
  const header = ["workload", "case", "median", "min", "max", "unit", ...(withNotes ? ["note"] : [])];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** The latency of each of `count` awaited calls, in µs, one after another (for I/O such as a store). */
export async function timeCalls(count: number, call: (index: number) => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await call(i);
    latencies.push((performance.now() - start) * 1000);
  }
  return latencies;
}

/** The result of timed calls: median, min and max, with calls per second and the p99 (µs) beside them. */
export function latencyResult(workload: string, name: string, latencies: readonly number[]): BenchResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const opsPerSecond = latencies.length / (latencies.reduce((sum, us) => sum + us, 0) / 1e6);
  return {
    workload,
    name,
    unit: "µs/call",
    median: at(0.5),
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
    runs: latencies.length,
    note: `${Math.round(opsPerSecond)} calls/s, p99 ${Math.round(at(0.99))} µs`,
    metrics: { opsPerSecond, p99: at(0.99) },
  };
}
