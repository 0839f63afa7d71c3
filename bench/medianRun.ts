/**
 * Several runs of one W4 case, reported as the run whose p99 delay is their
 * median. The targets are medians on this machine, and at S = 1000 one
 * process runs at the edge of a core, where the p99 of single runs spread
 * from 84 to 166 ms on one quiet afternoon: one run cannot say on which
 * side of 100 ms a case is. The median run's other figures are reported
 * with it, so they all come from the same run; the note lists every run's p99.
 */
import type { BenchResult } from "./harness";

export function medianRun(runs: readonly BenchResult[]): BenchResult {
  const p99 = (result: BenchResult): number => result.metrics?.["p99DelayMs"] ?? Number.NaN;
  if (runs.length === 0) throw new TypeError("medianRun: no runs");
  if (runs.length === 1) return runs[0]!;
  const byP99 = [...runs].sort((a, b) => p99(a) - p99(b));
  const median = byP99[(byP99.length - 1) >> 1]!;
  const all = runs.map((run) => p99(run).toFixed(0)).join(", ");
  return {
    ...median,
    runs: runs.length,
    note: `median of ${runs.length} runs by p99 (p99s ${all} ms): ${median.note ?? ""}`,
  };
}
