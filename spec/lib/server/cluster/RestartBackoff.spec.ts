import { RestartBackoff } from "../../../../lib/server/cluster/RestartBackoff";

describe("RestartBackoff", () => {
  it("restarts a worker that ran stably after firstMs", () => {
    const backoff = new RestartBackoff({ firstMs: 100, stableMs: 10_000 });
    expect(backoff.crashed(60_000)).toBe(100);
    expect(backoff.crashed(10_000)).toBe(100);
  });

  it("doubles the wait for each crash in a row of a worker that had not run stably, up to maxMs", () => {
    const backoff = new RestartBackoff({ firstMs: 100, maxMs: 1000, stableMs: 10_000 });
    expect([50, 50, 50, 50, 50, 50].map((lived) => backoff.crashed(lived))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it("starts again from firstMs once a worker has run stably", () => {
    const backoff = new RestartBackoff({ firstMs: 100, stableMs: 1000 });
    backoff.crashed(10);
    backoff.crashed(10);
    expect(backoff.crashed(10)).toBe(400);
    expect(backoff.crashed(5000)).toBe(100);
    expect(backoff.crashed(10)).toBe(100);
    expect(backoff.crashed(10)).toBe(200);
  });

  it("has defaults of 100 ms, 30 s and 10 s", () => {
    const backoff = new RestartBackoff();
    expect(backoff.crashed(9_999)).toBe(100);
    const waits = Array.from({ length: 12 }, () => backoff.crashed(0));
    expect(waits[waits.length - 1]).toBe(30_000);
    expect(backoff.crashed(10_000)).toBe(100);
  });

  it("refuses bad timings with a TypeError naming the field", () => {
    expect(() => new RestartBackoff({ firstMs: -1 })).toThrow(
      new TypeError("RestartBackoff: firstMs must be a number of milliseconds >= 0, got -1"),
    );
    expect(() => new RestartBackoff({ stableMs: Number.NaN })).toThrow("RestartBackoff: stableMs");
    expect(() => new RestartBackoff({ firstMs: 500, maxMs: 100 })).toThrow(
      new TypeError("RestartBackoff: maxMs (100) must be at least firstMs (500)"),
    );
  });
});
