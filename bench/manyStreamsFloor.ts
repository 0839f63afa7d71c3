/**
 * The floor under W4: what Node and the kernel cost on this machine for
 * W4's writes alone, when a server does nothing but write ready SSE
 * text-delta frames, paced as W4 is, to clients in another process that
 * read them. No ChatKitServer, no pipeline: the server's CPU per token here
 * is what any server pays for the same writes, so W4's figure minus this is
 * what our code costs. Two shapes:
 *
 * - the fast stream ({@link runFloor}): one response, a frame per token (a
 *   1 ms tick writing the tokens due in one `res.write`, or one `res.write`
 *   per turn of the event loop);
 * - many streams ({@link runManyFloor}): S responses, each on a connection
 *   of its own, their requests spread over `staggerMs` as W4's client
 *   spreads them; each gets a frame every `frameMs` carrying the tokens due
 *   (500 tokens at 100/s in 50 ms frames: 5 tokens a frame, about 100
 *   frames), then its end.
 *
 * Run alone: `node dist-bench/bench/manyStreamsFloor.js` (after `npm run bench`'s compile).
 */
import { once } from "node:events";
import { Agent, createServer, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";

import type { BenchResult } from "./harness";
import { forkBenchScript, runClient, serveClient } from "./loopback";

/** A text-delta frame as W4 sends it, carrying `delta`. */
function textDeltaFrame(delta: string): string {
  const event = {
    type: "thread.item.updated",
    item_id: "msg_0123456789abcdef01234567",
    update: { type: "widget.streaming_text.value_delta", component_id: "message", delta, done: false },
  };
  return `data: ${JSON.stringify(event)}\n\n`;
}

/** How many unreported runs come before the measured one, as W4's fast stream has. */
export const FAST_WARM_UPS = 6;

/** One text-delta frame as the fast stream sends it (a token of about 6 characters). */
const FRAME = textDeltaFrame(" lorem");

export interface FloorConfig {
  readonly tokens: number;
  /** `"timed"`: at `tokensPerSecond`, each tick writing the frames due in one write; `"flat-out"`: a write per turn. */
  readonly pace: "timed" | "flat-out";
  readonly tokensPerSecond: number;
}

/** Writes `config.tokens` frames on `res`, paced; resolves with the server's CPU in ms. */
function writeFrames(config: FloorConfig, write: (chunk: string) => void): Promise<number> {
  const start = process.cpuUsage();
  const cpuMs = (): number => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e3;
  };
  return new Promise((resolve) => {
    let sent = 0;
    if (config.pace === "flat-out") {
      const next = (): void => {
        if (sent === config.tokens) return resolve(cpuMs());
        write(FRAME);
        sent++;
        setImmediate(next);
      };
      setImmediate(next);
      return;
    }
    const periodMs = 1000 / config.tokensPerSecond;
    const startMs = performance.now();
    const timer = setInterval(() => {
      const due = Math.min(config.tokens, Math.floor((performance.now() - startMs) / periodMs));
      if (due > sent) write(FRAME.repeat(due - sent));
      sent = due;
      if (sent === config.tokens) {
        clearInterval(timer);
        resolve(cpuMs());
      }
    }, periodMs);
  });
}

function caseName(config: FloorConfig): string {
  const pace = config.pace === "flat-out" ? "flat out, a turn each" : `${config.tokensPerSecond}/s`;
  return `floor: Node writing a ready frame per token, ${config.tokens} tokens ${pace}`;
}

export async function runFloor(config: FloorConfig): Promise<BenchResult> {
  let cpu: Promise<number> | undefined;
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.flushHeaders();
    cpu = writeFrames(config, (chunk) => res.write(chunk));
    void cpu.then(() => res.end());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  /** One response read to its end by a client process; resolves with the server's CPU in ms. */
  const oneRun = async (): Promise<number> => {
    cpu = undefined;
    const client = forkBenchScript("manyStreamsFloor.ts", process.env, ["--client", String(port)]);
    const [bytes] = (await once(client, "message")) as [number];
    await once(client, "exit");
    const cpuMs = await (cpu ?? Promise.reject(new Error("many streams floor: no request came")));
    if (bytes !== FRAME.length * config.tokens)
      throw new Error(
        `many streams floor: the client read ${bytes} bytes, not ${FRAME.length * config.tokens}`,
      );
    return cpuMs;
  };
  let cpuMs: number;
  try {
    // Warmed up as W4's fast stream is (see `warmUpRequests` in ./manyStreams.ts), so both are steady states.
    for (let warmUp = 0; warmUp < FAST_WARM_UPS; warmUp++) await oneRun();
    cpuMs = await oneRun();
  } finally {
    server.close();
  }
  const perToken = (cpuMs * 1e3) / config.tokens;
  return {
    workload: "many streams",
    name: caseName(config),
    unit: "µs CPU/token",
    median: perToken,
    min: perToken,
    max: perToken,
    runs: 1,
    note: "what Node and the kernel cost for these writes alone: the fast stream's figure beside it, minus this, is the library's",
    metrics: { serverCpuUsPerToken: perToken },
  };
}

/** The fast stream's client: reads the whole response and tells the bench how many bytes came. */
function readAll(port: number): void {
  const req = request({ port, host: "127.0.0.1", method: "GET" }, (res) => {
    let bytes = 0;
    res.on("data", (chunk: Buffer) => (bytes += chunk.length));
    res.on("end", () => {
      process.send?.(bytes);
      process.disconnect?.();
    });
  });
  req.end();
}

export interface ManyFloorConfig {
  readonly streams: number;
  readonly tokens: number;
  readonly tokensPerSecond: number;
  /** Each stream gets a frame per `frameMs` (while tokens are due), as W4's renders come. */
  readonly frameMs: number;
  /** Requests are spread evenly over this. */
  readonly staggerMs: number;
}

/** What the client process is asked: `streams` requests of `tokens` tokens each (the path says how many). */
interface ManyFloorRequest {
  readonly port: number;
  readonly streams: number;
  readonly tokens: number;
  readonly staggerMs: number;
}

interface ManyFloorReply {
  /** Body bytes read, over every response. */
  readonly bytes: number;
  /** Responses read to their end. */
  readonly responses: number;
  readonly errors: readonly string[];
  readonly cpuMs: number;
  readonly wallMs: number;
}

/** The frame carrying `count` tokens, made once per count: the server writes ready frames. */
const deltaFrames = new Map<number, string>();
function deltaFrame(count: number): string {
  let frame = deltaFrames.get(count);
  if (frame === undefined) deltaFrames.set(count, (frame = textDeltaFrame(" lorem".repeat(count))));
  return frame;
}

/** What the server wrote: frames and body bytes, and how many responses it ended. */
interface Written {
  frames: number;
  bytes: number;
  responses: number;
}

/**
 * Streams `tokens` tokens on `res`: every `frameMs`, one `res.write` of the
 * frame carrying the tokens due by then (token k is due `k / tokensPerSecond`
 * after the request came), then the end.
 */
function streamFrames(config: ManyFloorConfig, tokens: number, res: ServerResponse, written: Written): void {
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.flushHeaders();
  const periodMs = 1000 / config.tokensPerSecond;
  const startMs = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.min(tokens, Math.floor((performance.now() - startMs) / periodMs));
    if (due > sent) {
      const frame = deltaFrame(due - sent);
      res.write(frame);
      written.frames++;
      written.bytes += frame.length;
      sent = due;
    }
    if (sent === tokens) {
      clearInterval(timer);
      res.end();
      written.responses++;
    }
  }, config.frameMs);
}

function manyCaseName(config: ManyFloorConfig): string {
  return `floor: Node writing a ready frame per ${config.frameMs} ms, S=${config.streams} streams`;
}

/**
 * The many-streams floor: a bare `node:http` server streaming `streams`
 * responses (see {@link streamFrames}) to a client process that opens them
 * as W4's does. After a warm-up as W4's (up to 100 streams of the case's
 * tokens, so the measured run does not pay for compiling Node's HTTP
 * path), reports the server's CPU per token (user + system)
 * over the run, its kernel part and its share of a core; throws unless the
 * client read every byte the server wrote.
 */
export async function runManyFloor(config: ManyFloorConfig): Promise<BenchResult> {
  const written: Written = { frames: 0, bytes: 0, responses: 0 };
  const server = createServer((req, res) => {
    const tokens = Number(req.url?.slice(1));
    if (!Number.isInteger(tokens) || tokens <= 0) res.writeHead(400).end(`no token count in ${req.url}`);
    else streamFrames(config, tokens, res, written);
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, resolve));
  const { port } = server.address() as AddressInfo;
  const ask = (request: ManyFloorRequest, onStart: () => void): Promise<ManyFloorReply> =>
    runClient<ManyFloorRequest, ManyFloorReply>("manyStreamsFloor.ts", request, onStart, ["--many-client"]);
  let cpu = process.cpuUsage();
  let startMs = 0;
  let reply: ManyFloorReply;
  try {
    // Warmed up as W4's cases are (see `warmUpRequests` in ./manyStreams.ts).
    await ask(
      { port, streams: Math.min(100, config.streams), tokens: config.tokens, staggerMs: config.staggerMs },
      () => undefined,
    );
    reply = await ask(
      { port, streams: config.streams, tokens: config.tokens, staggerMs: config.staggerMs },
      () => {
        Object.assign(written, { frames: 0, bytes: 0, responses: 0 });
        cpu = process.cpuUsage();
        startMs = performance.now();
      },
    );
  } finally {
    server.close();
  }
  const used = process.cpuUsage(cpu);
  const wallMs = performance.now() - startMs;
  if (reply.errors.length > 0)
    throw new Error(
      `many streams floor: ${reply.errors.length} streams failed: ${reply.errors.slice(0, 3).join("; ")}`,
    );
  if (
    reply.responses !== config.streams ||
    written.responses !== config.streams ||
    reply.bytes !== written.bytes
  )
    throw new Error(
      `many streams floor: the client read ${reply.bytes} bytes in ${reply.responses} responses, ` +
        `the server wrote ${written.bytes} bytes in ${written.responses}, of ${config.streams}`,
    );
  const tokensTotal = config.streams * config.tokens;
  const cpuMs = (used.user + used.system) / 1e3;
  const metrics = {
    streams: config.streams,
    frameMs: config.frameMs,
    serverCpuUsPerToken: (cpuMs * 1e3) / tokensTotal,
    /** The kernel's part of it (socket writes, accepts, mostly). */
    serverSystemCpuUsPerToken: used.system / tokensTotal,
    serverCpuShare: cpuMs / wallMs,
    clientCpuShare: reply.cpuMs / reply.wallMs,
    framesPerStream: written.frames / config.streams,
    bytesPerToken: written.bytes / tokensTotal,
    wallMs,
  };
  const perToken = metrics.serverCpuUsPerToken;
  return {
    workload: "many streams",
    name: manyCaseName(config),
    unit: "µs CPU/token",
    median: perToken,
    min: perToken,
    max: perToken,
    runs: 1,
    note:
      `kernel ${metrics.serverSystemCpuUsPerToken.toFixed(1)} µs/token, ${(metrics.serverCpuShare * 100).toFixed(0)}% of a core, ` +
      `${metrics.framesPerStream.toFixed(0)} frames/stream, client CPU ${(metrics.clientCpuShare * 100).toFixed(0)}% of a core: ` +
      `what Node and the kernel cost for these writes alone: the S=${config.streams} cases beside it, minus this, are the library's`,
    metrics,
  };
}

/** The many-streams client: opens the streams, one connection each, spread over `staggerMs`; reads every byte. */
async function readStreams({ port, streams, tokens, staggerMs }: ManyFloorRequest): Promise<ManyFloorReply> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const cpu = process.cpuUsage();
  const startMs = performance.now();
  const errors: string[] = [];
  let bytes = 0;
  let responses = 0;
  const readOne = (index: number): Promise<void> =>
    new Promise((resolve) => {
      const fail = (error: unknown): void => {
        errors.push(`stream ${index}: ${String(error)}`);
        resolve();
      };
      const req = request({ host: "127.0.0.1", port, path: `/${tokens}`, agent }, (res) => {
        res.on("data", (chunk: Buffer) => (bytes += chunk.length));
        res.on("error", fail);
        res.on("end", () => {
          if (res.statusCode === 200) responses++;
          else errors.push(`stream ${index}: status ${res.statusCode}`);
          resolve();
        });
      });
      req.on("error", fail);
      req.end();
    });
  await Promise.all(
    Array.from(
      { length: streams },
      (_, index) =>
        new Promise<void>((resolve) =>
          setTimeout(() => void readOne(index).then(resolve), (index * staggerMs) / streams),
        ),
    ),
  );
  const used = process.cpuUsage(cpu);
  return {
    bytes,
    responses,
    errors,
    cpuMs: (used.user + used.system) / 1e3,
    wallMs: performance.now() - startMs,
  };
}

/** W4's streams (its DEFAULT_CONFIG), for running the floor alone. */
const W4_STREAMS = { tokens: 500, tokensPerSecond: 100, frameMs: 50, staggerMs: 1000 } as const;

if (require.main === module) {
  const [first, second] = process.argv.slice(2);
  if (first === "--client") readAll(Number(second));
  else if (first === "--many-client") serveClient(readStreams);
  else {
    void (async () => {
      for (const pace of ["timed", "flat-out"] as const) {
        const result = await runFloor({ tokens: 20_000, pace, tokensPerSecond: 10_000 });
        console.log(`${result.name}: ${result.median.toFixed(1)} ${result.unit}`);
      }
      for (const streams of [100, 1000]) {
        const result = await runManyFloor({ ...W4_STREAMS, streams });
        console.log(`${result.name}: ${result.median.toFixed(1)} ${result.unit}; ${result.note ?? ""}`);
      }
    })();
  }
}
