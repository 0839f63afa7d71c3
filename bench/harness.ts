/**
 * A small benchmark harness: each case runs a few warm-up rounds, then
 * several timed runs; we report the median (and min/max) time per operation.
 * Machines here are small and noisy, so compare ratios between cases of one
 * run, never absolute numbers between runs.
 */
export interface BenchCase {
  readonly name: string;
  /** Operations done by one call of `run` (e.g. tokens streamed), to report time per operation. */
  readonly operations: number;
  readonly run: () => void;
}

export interface BenchResult {
  readonly workload: string;
  readonly name: string;
  readonly unit: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
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

/** Times `bench.run`; the result is in microseconds per operation. */
export function measure(workload: string, bench: BenchCase, config: MeasureConfig = {}): BenchResult {
  const { warmupRuns = 3, runs = 7, minRunMs = 50 } = config;
  for (let i = 0; i < warmupRuns; i++) bench.run();
  const start = process.hrtime.bigint();
  bench.run();
  const singleMs = Number(process.hrtime.bigint() - start) / 1e6;
  const repeats = Math.max(1, Math.ceil(minRunMs / Math.max(singleMs, 1e-3)));
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < repeats; i++) bench.run();
    const micros = Number(process.hrtime.bigint() - t0) / 1e3;
    samples.push(micros / (repeats * bench.operations));
  }
  return {
    workload,
    name: bench.name,
    unit: "µs/op",
    median: median(samples),
    min: Math.min(...samples),
    max: Math.max(...samples),
    runs,
  };
}

export function formatTable(results: readonly BenchResult[]): string {
  const rows = results.map((r) => [
    r.workload,
    r.name,
    r.median.toFixed(2),
    r.min.toFixed(2),
    r.max.toFixed(2),
    r.unit,
  ]);
  const header = ["workload", "case", "median", "min", "max", "unit"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
