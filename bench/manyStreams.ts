/**
 * Workload W4 (issue #6), many streams: S concurrent ChatKit responses,
 * each a Studio widget whose message streams 500 tokens at 100 tokens/s,
 * served by `toNodeHandler` on 127.0.0.1 and read by real HTTP clients in
 * a child process. Reports the delay from a token being produced to the
 * chunk carrying it arriving at the client (p50/p99), the server's CPU per
 * stream, its peak RSS, characters lost (each client rebuilds its widget
 * with `applyThreadEvent` and compares it with the expected final widget),
 * and the client process's CPU (to show the clients kept up).
 *
 * Run alone: `npx tsx bench/manyStreams.ts [S ...]`.
 */
import { asyncScheduler, interval, Observable, share } from "rxjs";

import { ChatKitServer } from "../lib/server/ChatKitServer";
import { accumulateText } from "../operators/accumulateText";
import { renderTemplate } from "../operators/renderTemplate";
import { throttleTextDeltas } from "../operators/throttleTextDeltas";
import { toThreadEvents } from "../operators/toThreadEvents";
import type { BenchResult } from "./harness";
import {
  close,
  epochMs,
  listen,
  percentile,
  runClient,
  sampleMemory,
  tokenDelays,
  userText,
} from "./loopback";
import type { ManyStreamsReply, ManyStreamsRequest } from "./manyStreamsClient";
import { channelMessage, loadChannelMessage, loremTokens } from "./streaming";

export interface ManyStreamsConfig {
  readonly streams: number;
  readonly tokens: number;
  readonly tokensPerSecond: number;
  /** `renderTemplate`'s frame: the template renders at most once per frame per stream. */
  readonly frameMs: number;
  /** `throttleTextDeltas`'s window. */
  readonly windowMs: number;
  /** Stream starts are spread evenly over this. */
  readonly staggerMs: number;
  /** One timer drives every stream's tokens, or one timer per stream. */
  readonly ticker: "shared" | "per-stream";
}

/**
 * Why these: a token waits at most `frameMs` for the render that carries
 * it; the throttle's window is shorter than a frame, so it passes each
 * frame's delta at once and only merges deltas that come closer together
 * (several widgets in one response, or frames bunched up by a late event
 * loop). Every frame costs a render, a diff, a save and a socket write
 * (`writev` alone is about a quarter of the server's CPU), so the frame
 * length is the lever: 50 ms is 20 frames per stream per second instead of
 * 100, and leaves about 50 ms of the 100 ms budget for the ticker (10 ms)
 * and event-loop lag.
 */
export const DEFAULT_CONFIG: Omit<ManyStreamsConfig, "streams"> = {
  tokens: 500,
  tokensPerSecond: 100,
  frameMs: 50,
  windowMs: 25,
  staggerMs: 1000,
  ticker: "shared",
};

const STREAM_COUNTS: readonly number[] = [100, 1000];

/** What the server made for one stream: each token, and when it was produced. */
interface Produced {
  readonly tokens: readonly string[];
  readonly producedAt: Float64Array;
}

/** The most streams whose tokens were due at the same time, from each stream's first and last due time. */
function peakConcurrency(streams: readonly Float64Array[]): number {
  const edges = streams.flatMap((due) => [
    { at: due[0] ?? 0, step: 1 },
    { at: due[due.length - 1] ?? 0, step: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let now = 0;
  let peak = 0;
  for (const { step } of edges) peak = Math.max(peak, (now += step));
  return peak;
}

export async function runManyStreams(config: ManyStreamsConfig): Promise<BenchResult> {
  const template = loadChannelMessage();
  const produced = new Map<string, Produced>();
  const periodMs = 1000 / config.tokensPerSecond;
  const sharedTicker = interval(periodMs).pipe(share());
  const ticks = (): Observable<number> => (config.ticker === "shared" ? sharedTicker : interval(periodMs));

  /**
   * The model: token k is due `(k + 1) * periodMs` after the stream starts
   * and is sent on the first tick at or after that, so a late tick sends
   * every token due by then (the model does not slow down when the server
   * does). Its delay is counted from when it was due.
   */
  /** How late each token left the model (tick granularity plus event-loop lag), in ms. */
  const lags: number[] = [];
  const model = (tokens: readonly string[], producedAt: Float64Array): Observable<string> =>
    new Observable<string>((subscriber) => {
      const start = epochMs();
      let sent = 0;
      return ticks().subscribe(() => {
        const now = epochMs();
        const due = Math.min(tokens.length, Math.floor((now - start) / periodMs));
        while (sent < due && !subscriber.closed) {
          producedAt[sent] = start + (sent + 1) * periodMs;
          lags.push(now - (producedAt[sent] ?? now));
          subscriber.next(tokens[sent++] ?? "");
        }
        if (sent === tokens.length) subscriber.complete();
      });
    });

  const server = new ChatKitServer<undefined>({
    respond: (thread, message) => {
      const index = Number(userText(message).replace("stream ", ""));
      const tokens = loremTokens(config.tokens, index + 1);
      const producedAt = new Float64Array(tokens.length);
      produced.set(thread.id, { tokens, producedAt });
      const last = tokens.length - 1;
      return model(tokens, producedAt).pipe(
        accumulateText(),
        renderTemplate(template, (text: string, k) => channelMessage(text, k < last), {
          scheduler: asyncScheduler,
          frameMs: config.frameMs,
        }),
        toThreadEvents(thread),
        throttleTextDeltas({ windowMs: config.windowMs }),
      );
    },
  });
  const { http, port } = await listen(server);

  let cpu = process.cpuUsage();
  let stopSampling = (): { rss: number; heapUsed: number } => ({ rss: 0, heapUsed: 0 });
  let start = 0;
  const reply = await runClient<ManyStreamsRequest, ManyStreamsReply>(
    "manyStreamsClient.ts",
    { port, streams: config.streams, tokens: config.tokens, staggerMs: config.staggerMs },
    () => {
      cpu = process.cpuUsage();
      stopSampling = sampleMemory();
      start = epochMs();
    },
  );
  const wallMs = epochMs() - start;
  const used = process.cpuUsage(cpu);
  const peak = stopSampling();
  await close(http);

  const serverCpuMs = (used.user + used.system) / 1e3;
  const delays: number[] = [];
  let lost = 0;
  let inexact = 0;
  let frames = 0;
  let bytes = 0;
  let lastStart = 0;
  let lastArrival = 0;
  for (const report of reply.reports) {
    const made = produced.get(report.threadId);
    if (made === undefined) throw new Error(`many streams: no stream produced for thread ${report.threadId}`);
    let end = 0;
    const ends = made.tokens.map((token) => (end += token.length));
    delays.push(...tokenDelays(ends, made.producedAt, report.lengths, report.times));
    lost += report.lostChars;
    if (!report.exact) inexact++;
    frames += report.frames;
    bytes += report.bytes;
    lastStart = Math.max(lastStart, (made.producedAt[0] ?? 0) - start);
    lastArrival = Math.max(lastArrival, (report.times[report.times.length - 1] ?? 0) - start);
  }
  const missing = config.streams - reply.reports.length;
  const concurrency = peakConcurrency([...produced.values()].map(({ producedAt }) => producedAt));
  if (reply.errors.length > 0) console.error(reply.errors.slice(0, 5).join("\n"));
  const received = Float64Array.from(delays.filter((delay) => !Number.isNaN(delay))).sort();
  const p50 = percentile(received, 50);
  const p99 = percentile(received, 99);
  const tokensTotal = config.streams * config.tokens;
  const mb = (n: number): string => (n / 2 ** 20).toFixed(0);
  const metrics = {
    streams: config.streams,
    frameMs: config.frameMs,
    windowMs: config.windowMs,
    p50DelayMs: p50,
    p99DelayMs: p99,
    maxDelayMs: received[received.length - 1] ?? Number.NaN,
    serverCpuMsPerStream: serverCpuMs / config.streams,
    serverCpuUsPerToken: (serverCpuMs * 1e3) / tokensTotal,
    serverCpuShare: serverCpuMs / wallMs,
    clientCpuShare: reply.cpuMs / reply.wallMs,
    peakRssBytes: peak.rss,
    peakHeapUsedBytes: peak.heapUsed,
    lostChars: lost + (delays.length - received.length),
    inexactWidgets: inexact,
    failedStreams: missing,
    framesPerStream: frames / Math.max(1, reply.reports.length),
    bytesPerToken: bytes / tokensTotal,
    wallMs,
    /** How late tokens left the model (ticks + event-loop lag): the part of the delay before the pipeline. */
    /** When the last stream started producing, and when the last text arrived, after the clients started. */
    lastStreamStartMs: lastStart,
    /** The most streams producing tokens at the same time: S only if setting streams up kept pace. */
    peakConcurrentStreams: concurrency,
    lastArrivalMs: lastArrival,
    p99ModelLagMs: percentile(Float64Array.from(lags).sort(), 99),
  };
  const verdict = p99 <= 100 && metrics.lostChars === 0 && inexact === 0 && missing === 0 ? "ok" : "MISSED";
  return {
    workload: "many streams",
    name: `S=${config.streams}, ${config.tokens} tokens at ${config.tokensPerSecond}/s each (${config.ticker} ticker)`,
    unit: "ms token→client",
    median: p50,
    min: received[0] ?? Number.NaN,
    max: metrics.maxDelayMs,
    runs: 1,
    note:
      `p99 ${p99.toFixed(1)} ms (target <= 100, ${verdict}); server CPU ${metrics.serverCpuMsPerStream.toFixed(1)} ms/stream ` +
      `(${metrics.serverCpuUsPerToken.toFixed(1)} µs/token, ${(metrics.serverCpuShare * 100).toFixed(0)}% of a core); ` +
      `peak RSS ${mb(peak.rss)} MB; lost ${metrics.lostChars} chars, ${inexact} inexact, ${missing} failed; ` +
      `${metrics.framesPerStream.toFixed(0)} frames/stream; client CPU ${(metrics.clientCpuShare * 100).toFixed(0)}% of a core; ` +
      `frameMs ${config.frameMs}, windowMs ${config.windowMs}; ` +
      `p99 model lag ${metrics.p99ModelLagMs.toFixed(1)} ms; at most ${concurrency} streams at once; last stream started at ${(lastStart / 1e3).toFixed(1)} s, last text arrived at ${(lastArrival / 1e3).toFixed(1)} s, run took ${(wallMs / 1e3).toFixed(1)} s`,
    metrics,
  };
}

/** W4 for S = 100 and S = 1000. */
export async function manyStreamsWorkload(counts: readonly number[] = STREAM_COUNTS): Promise<BenchResult[]> {
  return runAll(counts, {});
}

/**
 * A short unreported run first (50 streams of 100 tokens), so the first
 * measured run does not pay for compiling the template and warming the JIT.
 */
async function runAll(
  counts: readonly number[],
  overrides: Partial<ManyStreamsConfig>,
): Promise<BenchResult[]> {
  await runManyStreams({ ...DEFAULT_CONFIG, ...overrides, streams: 50, tokens: 100 });
  const results: BenchResult[] = [];
  for (const streams of counts)
    results.push(await runManyStreams({ ...DEFAULT_CONFIG, ...overrides, streams }));
  return results;
}

/** `npx tsx bench/manyStreams.ts [S ...] [--frameMs=N] [--windowMs=N] [--ticker=per-stream]` */
function parseArgs(args: readonly string[]): { counts: number[]; overrides: Partial<ManyStreamsConfig> } {
  const counts: number[] = [];
  const overrides: Record<string, number | string> = {};
  for (const arg of args) {
    const option = /^--(\w+)=(.*)$/.exec(arg);
    if (option === null) counts.push(Number(arg));
    else overrides[option[1] ?? ""] = option[1] === "ticker" ? (option[2] ?? "") : Number(option[2]);
  }
  return { counts, overrides: overrides };
}

if (require.main === module) {
  const { counts, overrides } = parseArgs(process.argv.slice(2));
  void runAll(counts.length > 0 ? counts : STREAM_COUNTS, overrides).then((results) => {
    for (const result of results)
      console.log(`${result.name}: p50 ${result.median.toFixed(1)} ms; ${result.note ?? ""}`);
  });
}
