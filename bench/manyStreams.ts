/**
 * Workload W4 (issues #6, #11, #13), many streams: S concurrent ChatKit
 * responses, each a Studio card whose message streams 500 tokens at 100
 * tokens/s, served by `ChatKitServer` + `toNodeHandler` on 127.0.0.1 and read
 * by real HTTP clients in a child process. Every stream's answer is saved
 * in the server's store as it streams (thread, user message, widget).
 *
 * The cases: one card for every stream ("shared") or each stream its own
 * user and channel ("distinct", the normal case); the store in the server's
 * memory, in an embedded PGlite, or on the PostgreSQL server at
 * DATABASE_URL; the server in one process or on 2 workers
 * (`serveOnAllCores`). Reports the delay from a token being due to the
 * chunk carrying it arriving at the client (p50/p99), the server's CPU per
 * token and per stream, its peak RSS and RSS growth per stream, characters
 * lost (each client rebuilds its widget with `applyThreadEvent` and
 * compares it with the expected final widget), and the client process's
 * CPU (to show the clients kept up). Plus one fast stream sending a frame
 * per token: the server's CPU per token over HTTP. Beside both, their
 * floors: Node alone writing the same frames (./manyStreamsFloor.ts).
 *
 * Run alone: `npx tsx bench/manyStreams.ts [S ...] [--cards=distinct] [--store=pglite] [--workers=2] ...`.
 */
import type { BenchResult } from "./harness";
import { epochMs, forkBenchScript, percentile, runClient, tokenDelays } from "./loopback";
import type { CardData } from "./manyStreamsCard";
import type { ManyStreamsReply, ManyStreamsRequest } from "./manyStreamsClient";
import { FAST_WARM_UPS, runFloor, runManyFloor } from "./manyStreamsFloor";
import { serveInProcess, serveOnCluster } from "./manyStreamsServe";
import { medianRun } from "./medianRun";
import type { ManyStreamsConfig, StoreKind } from "./manyStreamsServer";
import { loremTokens } from "./streaming";

export type { ManyStreamsConfig } from "./manyStreamsServer";

/**
 * Why these: a token waits at most `frameMs` for the render that carries
 * it; the throttle's window is shorter than a frame, so it passes each
 * frame's delta at once and only merges deltas that come closer together
 * (several widgets in one response, or frames bunched up by a late event
 * loop). Every frame costs a render, a diff and a socket write, so the
 * frame length is the lever: 50 ms is 20 frames per stream per second
 * instead of 100, and leaves about 50 ms of the 100 ms budget for the
 * ticker (10 ms) and event-loop lag.
 */
export const DEFAULT_CONFIG: Omit<ManyStreamsConfig, "streams"> = {
  tokens: 500,
  tokensPerSecond: 100,
  pace: "timed",
  framePerToken: false,
  frameMs: 50,
  windowMs: 25,
  staggerMs: 1000,
  ticker: "shared",
  cards: "shared",
  store: "memory",
  workers: 1,
};

/**
 * One fast stream, a frame per token: 20 000 tokens at 10 000 tokens/s
 * (each 1 ms tick sends the tokens due, as a model's network reads bring
 * several), and the same tokens flat out, each in a turn of its own (so
 * each frame is its own write: the worst case for the write path).
 */
const FAST_STREAMS: readonly Partial<ManyStreamsConfig>[] = [
  { streams: 1, tokens: 20_000, tokensPerSecond: 10_000, framePerToken: true, staggerMs: 0 },
  { streams: 1, tokens: 20_000, pace: "flat-out", framePerToken: true, staggerMs: 0 },
];

const STORE_NAMES: Readonly<Record<StoreKind, string>> = {
  memory: "MemoryStore",
  pglite: "PGlite",
  pg: "pg",
};

/** The most streams whose tokens were due at the same time, from each stream's first and last due time. */
function peakConcurrency(spans: readonly (readonly [number, number])[]): number {
  const edges = spans.flatMap(([first, last]) => [
    { at: first, step: 1 },
    { at: last, step: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let now = 0;
  let peak = 0;
  for (const { step } of edges) peak = Math.max(peak, (now += step));
  return peak;
}

function caseName(config: ManyStreamsConfig): string {
  if (config.framePerToken) {
    const pace = config.pace === "flat-out" ? "flat out, a turn each" : `${config.tokensPerSecond}/s`;
    return `one fast stream, ${config.tokens} tokens ${pace}, a frame per token (${STORE_NAMES[config.store]})`;
  }
  const where = config.workers > 1 ? `, ${config.workers} workers` : "";
  return `S=${config.streams}, ${config.cards} cards, ${STORE_NAMES[config.store]}${where}`;
}

/**
 * The warm-up: unreported runs against the same server processes, so the
 * measured run is the server's steady state, as in a server that has been
 * up for a while, not its first minutes of compiling the template and
 * tiering up the JIT. For S streams, one run of up to 100 streams of the
 * case's tokens over its stagger (a whole S = 100 run); for the fast
 * stream, {@link FAST_WARM_UPS} runs of it one after another: its cost per
 * token falls over the first few streams a server serves, not with the
 * tokens of one (after one stream of 2000 or 20 000 tokens: 28.9 µs per
 * token; after 4 streams 15.3, after 8 13.5).
 */
function warmUpRequests(config: ManyStreamsConfig, port: number): ManyStreamsRequest[] {
  if (config.framePerToken) {
    const stream = { port, streams: 1, tokens: config.tokens, staggerMs: 0, cards: config.cards };
    return Array.from({ length: FAST_WARM_UPS }, () => stream);
  }
  return [
    {
      port,
      streams: Math.min(100, config.streams),
      tokens: config.tokens,
      staggerMs: config.staggerMs,
      cards: config.cards,
    },
  ];
}

export async function runManyStreams(config: ManyStreamsConfig): Promise<BenchResult> {
  const served = config.workers > 1 ? await serveOnCluster(config) : await serveInProcess(config);
  let start = 0;
  let server;
  let reply: ManyStreamsReply;
  try {
    for (const warmUp of warmUpRequests(config, served.port)) {
      await runClient<ManyStreamsRequest, ManyStreamsReply>("manyStreamsClient.ts", warmUp, () => undefined);
    }
    reply = await runClient<ManyStreamsRequest, ManyStreamsReply>(
      "manyStreamsClient.ts",
      {
        port: served.port,
        streams: config.streams,
        tokens: config.tokens,
        staggerMs: config.staggerMs,
        cards: config.cards,
      },
      () => {
        served.begin();
        start = epochMs();
      },
    );
    server = await served.finish();
  } finally {
    await served.close();
  }
  const wallMs = epochMs() - start;

  const periodMs = 1000 / config.tokensPerSecond;
  const timed = config.pace === "timed";
  const delays: number[] = [];
  const spans: [number, number][] = [];
  let lost = 0;
  let inexact = 0;
  let frames = 0;
  let bytes = 0;
  let lastStart = 0;
  let lastSent = 0;
  let lastArrival = 0;
  for (const report of reply.reports) {
    const made = server.starts.get(report.threadId);
    if (made === undefined) throw new Error(`many streams: no stream produced for thread ${report.threadId}`);
    if (timed) {
      const tokens = loremTokens(config.tokens, made.index + 1);
      const producedAt = tokens.map((_, k) => made.startMs + (k + 1) * periodMs);
      let end = 0;
      const ends = tokens.map((token) => (end += token.length));
      delays.push(...tokenDelays(ends, producedAt, report.lengths, report.times));
      spans.push([producedAt[0] ?? 0, producedAt[producedAt.length - 1] ?? 0]);
    }
    lost += report.lostChars;
    if (!report.exact) inexact++;
    frames += report.frames;
    bytes += report.bytes;
    lastStart = Math.max(lastStart, made.startMs - start);
    lastSent = Math.max(lastSent, report.sentAt - start);
    lastArrival = Math.max(lastArrival, (report.times[report.times.length - 1] ?? 0) - start);
  }
  const missing = config.streams - reply.reports.length;
  if (reply.errors.length > 0) console.error(reply.errors.slice(0, 5).join("\n"));
  const received = Float64Array.from(delays.filter((delay) => !Number.isNaN(delay))).sort();
  const p50 = percentile(received, 50);
  const p99 = percentile(received, 99);
  const tokensTotal = config.streams * config.tokens;
  const mb = (n: number): string => (n / 2 ** 20).toFixed(0);
  const metrics = {
    streams: config.streams,
    workers: config.workers,
    frameMs: config.frameMs,
    windowMs: config.windowMs,
    p50DelayMs: p50,
    p99DelayMs: p99,
    maxDelayMs: received[received.length - 1] ?? Number.NaN,
    serverCpuMsPerStream: server.cpuMs / config.streams,
    serverCpuUsPerToken: (server.cpuMs * 1e3) / tokensTotal,
    /** The kernel's part of it (socket writes, mostly). */
    serverSystemCpuUsPerToken: (server.systemCpuMs * 1e3) / tokensTotal,
    serverCpuShare: server.cpuMs / wallMs,
    clientCpuShare: reply.cpuMs / reply.wallMs,
    peakRssBytes: server.peakRssBytes,
    peakHeapUsedBytes: server.peakHeapUsedBytes,
    rssGrowthBytesPerStream: server.rssGrowthBytes / config.streams,
    lostChars: lost + (delays.length - received.length),
    inexactWidgets: inexact,
    failedStreams: missing,
    framesPerStream: frames / Math.max(1, reply.reports.length),
    bytesPerToken: bytes / tokensTotal,
    wallMs,
    /** When the last stream started producing, and when the last text arrived, after the clients started. */
    lastStreamStartMs: lastStart,
    /** When the client sent the last request: if far behind `staggerMs`, the client fell behind too. */
    lastRequestSentMs: lastSent,
    lastArrivalMs: lastArrival,
    /** The most streams producing tokens at the same time: S only if setting streams up kept pace. */
    peakConcurrentStreams: peakConcurrency(spans),
    /**
     * How late tokens left the model (ticks + event-loop lag): the part of the delay before the pipeline.
     * With workers, the worst worker's.
     */
    p99ModelLagMs: server.p99ModelLagMs,
  };
  const correct = metrics.lostChars === 0 && inexact === 0 && missing === 0;
  const cpu =
    `server CPU ${metrics.serverCpuUsPerToken.toFixed(1)} µs/token (kernel ${metrics.serverSystemCpuUsPerToken.toFixed(1)}), ` +
    `${metrics.serverCpuMsPerStream.toFixed(1)} ms/stream, ` +
    `${(metrics.serverCpuShare * 100).toFixed(0)}% of a core`;
  const memory = `peak RSS ${mb(server.peakRssBytes)} MB (+${(metrics.rssGrowthBytesPerStream / 1024).toFixed(0)} kB/stream)`;
  const integrity = `lost ${metrics.lostChars} chars, ${inexact} inexact, ${missing} failed`;
  if (config.framePerToken) {
    return {
      workload: "many streams",
      name: caseName(config),
      unit: "µs CPU/token",
      median: metrics.serverCpuUsPerToken,
      min: metrics.serverCpuUsPerToken,
      max: metrics.serverCpuUsPerToken,
      runs: 1,
      note:
        `target <= 10 µs/token (${metrics.serverCpuUsPerToken <= 10 && correct ? "ok" : "MISSED"}); ${cpu}; ` +
        `${(metrics.framesPerStream / config.tokens).toFixed(2)} frames/token, ${(tokensTotal / (wallMs / 1e3)).toFixed(0)} tokens/s; ` +
        `${memory}; ${integrity}; client CPU ${(metrics.clientCpuShare * 100).toFixed(0)}% of a core`,
      metrics,
    };
  }
  const verdict = p99 <= 100 && correct ? "ok" : "MISSED";
  return {
    workload: "many streams",
    name: caseName(config),
    unit: "ms token→client",
    median: p50,
    min: received[0] ?? Number.NaN,
    max: metrics.maxDelayMs,
    runs: 1,
    note:
      `p99 ${p99.toFixed(1)} ms (target <= 100, ${verdict}); ${cpu}; ${memory}; ${integrity}; ` +
      `${metrics.framesPerStream.toFixed(0)} frames/stream; client CPU ${(metrics.clientCpuShare * 100).toFixed(0)}% of a core; ` +
      `p99 model lag ${metrics.p99ModelLagMs.toFixed(1)} ms; at most ${metrics.peakConcurrentStreams} streams at once; ` +
      `last request sent at ${(lastSent / 1e3).toFixed(1)} s, last stream started at ${(lastStart / 1e3).toFixed(1)} s, ` +
      `last text arrived at ${(lastArrival / 1e3).toFixed(1)} s, ` +
      `run took ${(wallMs / 1e3).toFixed(1)} s`,
    metrics,
  };
}

/**
 * Runs `config` in a process of its own (this file with `--case <json>`),
 * so one case's memory (PGlite's, say) and garbage do not count in the next.
 */
function inOwnProcess(config: ManyStreamsConfig): Promise<BenchResult> {
  return new Promise((resolve, reject) => {
    const child = forkBenchScript("manyStreams.ts", process.env, ["--case", JSON.stringify(config)]);
    let result: BenchResult | undefined;
    child.on("message", (message) => (result = message as BenchResult));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (result !== undefined) resolve(result);
      else
        reject(
          new Error(`many streams: the case ${caseName(config)} exited (${String(code)}) without a result`),
        );
    });
  });
}

/**
 * Runs `cases` one after another, each in its own process (shared and
 * distinct side by side, so a burst of load hits both alike), `runs` times
 * in turns; each case is reported as its median run ({@link medianRun}).
 */
async function runCases(cases: readonly Partial<ManyStreamsConfig>[], runs = 1): Promise<BenchResult[]> {
  const configs = cases.map((overrides): ManyStreamsConfig => ({
    ...DEFAULT_CONFIG,
    streams: 100,
    ...overrides,
  }));
  const byCase: BenchResult[][] = cases.map(() => []);
  for (let run = 0; run < runs; run++) {
    for (const [index, config] of configs.entries()) {
      const result = await inOwnProcess(config);
      console.error(`  W4 ${result.name}: ${result.note ?? ""}`);
      byCase[index]!.push(result);
    }
  }
  return byCase.map((results, index) => medianRun(results, configs[index]!.framePerToken ? "figure" : "p99"));
}

/**
 * Runs of each case at S = 1000 in `many-streams`, and of every case of
 * `many-streams-cluster`: the p99 targets are medians, and a single run's
 * p99 moves by tens of milliseconds (see {@link medianRun}).
 */
const RUNS_AT_1000 = 3;

/** Runs of each fast stream: its target is a median too, and single runs spread by ±10%. */
const FAST_RUNS = 3;

const bothCards = (streams: number, store: StoreKind = "memory"): Partial<ManyStreamsConfig>[] =>
  (["shared", "distinct"] as const satisfies readonly CardData[]).map((cards) => ({ streams, cards, store }));

const hasServer = (): boolean => Boolean(process.env["DATABASE_URL"]);

/**
 * `many-streams`: shared and distinct cards at S = 100 and 1000 with
 * `MemoryStore`, each S followed by its floor (Node writing ready frames
 * to S streams at W4's pace: ./manyStreamsFloor.ts); distinct cards with
 * the durable store in the loop (PGlite; and pg when DATABASE_URL is set);
 * the one fast stream, each pace beside its floor. Each S = 1000 case runs
 * {@link RUNS_AT_1000} times, in turns with its neighbours, and is reported
 * as its median run by p99; each fast stream {@link FAST_RUNS} times,
 * reported as its median run by CPU per token.
 */
export async function manyStreamsWorkload(): Promise<BenchResult[]> {
  const durable: StoreKind[] = hasServer() ? ["pglite", "pg"] : ["pglite"];
  const printed = (floor: BenchResult): BenchResult => {
    console.error(`  W4 ${floor.name}: ${floor.median.toFixed(1)} ${floor.unit}; ${floor.note ?? ""}`);
    return floor;
  };
  const results: BenchResult[] = [];
  const runsAt = (streams: number): number => (streams === 1000 ? RUNS_AT_1000 : 1);
  for (const streams of [100, 1000]) {
    results.push(...(await runCases(bothCards(streams), runsAt(streams))));
    results.push(printed(await runManyFloor({ ...DEFAULT_CONFIG, streams })));
  }
  for (const streams of [100, 1000]) {
    const cases = durable.map((store) => ({ streams, cards: "distinct" as const, store }));
    results.push(...(await runCases(cases, runsAt(streams))));
  }
  for (const fast of FAST_STREAMS) {
    const [stream] = await runCases([fast], FAST_RUNS);
    const config = { ...DEFAULT_CONFIG, ...fast };
    results.push(stream!, printed(await runFloor(config)));
  }
  return results;
}

/** `many-streams-2000` (opt-in, about a minute): shared and distinct cards at S = 2000 in one process. */
export async function manyStreams2000Workload(): Promise<BenchResult[]> {
  return runCases(bothCards(2000));
}

/**
 * `many-streams-cluster` (opt-in, needs DATABASE_URL:
 * `.ci/with-postgres npm run bench -- many-streams-cluster`): distinct cards
 * on the pg store at S = 1000 and 2000, one process beside 2 workers, each
 * case {@link RUNS_AT_1000} times in turns, reported as its median run by p99.
 */
export async function manyStreamsClusterWorkload(): Promise<BenchResult[]> {
  if (!hasServer()) {
    throw new TypeError(
      "bench many-streams-cluster: needs DATABASE_URL (workers share a PostgreSQL server): " +
        ".ci/with-postgres npm run bench -- many-streams-cluster",
    );
  }
  const results = await runCases(
    [1000, 2000].flatMap((streams) =>
      [1, 2].map((workers) => ({ streams, cards: "distinct" as const, store: "pg" as const, workers })),
    ),
    RUNS_AT_1000,
  );
  // Named apart from `many-streams`' one-process pg case, which a partial run would otherwise replace
  // in bench/results.json with this run's.
  return results.map((result) =>
    result.metrics?.["workers"] === 1 ? { ...result, name: `${result.name}, one process` } : result,
  );
}

/** `npx tsx bench/manyStreams.ts [S ...] [--cards=distinct] [--store=pglite|pg] [--workers=2] [--frameMs=N] [--pace=flat-out] ...` */
function parseArgs(args: readonly string[]): Partial<ManyStreamsConfig>[] {
  const counts: number[] = [];
  const overrides: Record<string, number | string | boolean> = {};
  const words = new Set(["ticker", "cards", "store", "pace"]);
  for (const arg of args) {
    const option = /^--(\w+)=(.*)$/.exec(arg);
    if (option === null) counts.push(Number(arg));
    else if (option[2] === "true" || option[2] === "false") overrides[option[1] ?? ""] = option[2] === "true";
    else overrides[option[1] ?? ""] = words.has(option[1] ?? "") ? (option[2] ?? "") : Number(option[2]);
  }
  return (counts.length > 0 ? counts : [100, 1000]).map((streams) => ({ ...overrides, streams }));
}

if (require.main === module) {
  const [first, json] = process.argv.slice(2);
  if (first === "--case" && json !== undefined) {
    void runManyStreams(JSON.parse(json) as ManyStreamsConfig).then((result) => {
      if (process.send === undefined) console.log(`${result.name}: ${result.note ?? ""}`);
      process.send?.(result);
      process.disconnect?.();
    });
  } else {
    void runCases(parseArgs(process.argv.slice(2))).then((results) => {
      for (const result of results)
        console.log(`${result.name}: ${result.median.toFixed(1)} ${result.unit}; ${result.note ?? ""}`);
    });
  }
}
