import type { BenchResult } from "../../bench/harness";
import { medianRun } from "../../bench/medianRun";

const run = (p99DelayMs: number, cpu: number): BenchResult => ({
  workload: "many streams",
  name: "S=1000, distinct cards, MemoryStore",
  unit: "ms token→client",
  median: 40,
  min: 0.3,
  max: p99DelayMs + 20,
  runs: 1,
  note: `p99 ${p99DelayMs} ms`,
  metrics: { p99DelayMs, serverCpuUsPerToken: cpu },
});

describe("medianRun", () => {
  it("reports the run whose p99 is the median, all its figures from that run, and every run's p99 in the note", () => {
    const result = medianRun([run(152, 14.1), run(88, 12.4), run(104, 13.0)]);
    expect(result.metrics).toEqual({ p99DelayMs: 104, serverCpuUsPerToken: 13.0 });
    expect(result.runs).toBe(3);
    expect(result.note).toBe("median of 3 runs by p99 (p99s 152, 88, 104 ms): p99 104 ms");
  });

  it("takes the lower middle run of an even number, and a single run as it is", () => {
    expect(medianRun([run(120, 1), run(90, 2), run(100, 3), run(130, 4)]).metrics?.["p99DelayMs"]).toBe(100);
    const single = run(95, 1);
    expect(medianRun([single])).toBe(single);
  });

  it("chooses fast-stream runs by the figure they report, CPU per token", () => {
    const fast = (cpu: number): BenchResult => ({
      ...run(Number.NaN, cpu),
      unit: "µs CPU/token",
      median: cpu,
    });
    const result = medianRun([fast(10.9), fast(9.6), fast(10.0)], "figure");
    expect(result.median).toBe(10.0);
    expect(result.note).toBe("median of 3 runs by µs CPU/token (10.9, 9.6, 10.0): p99 NaN ms");
  });

  it("refuses no runs", () => {
    expect(() => medianRun([])).toThrow("medianRun: no runs");
  });
});
