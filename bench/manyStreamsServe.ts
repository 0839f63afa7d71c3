/**
 * Where W4's server runs: in the bench process ({@link serveInProcess}), or
 * on several processes with `serveOnAllCores` ({@link serveOnCluster},
 * ./manyStreamsCluster.ts). Either way the bench gets a port, starts the
 * count when the clients start, and afterwards learns what the server
 * processes used (CPU, memory) and when each stream started.
 */
import { once } from "node:events";

import { close, forkBenchScript, listen, sampleMemory } from "./loopback";
import type { ClusterReport, ProcessReport } from "./manyStreamsCluster";
import {
  dropSchema,
  manyStreamsServer,
  openStore,
  type ManyStreamsConfig,
  type StreamStart,
} from "./manyStreamsServer";

/** What the server processes used during a run. */
export interface ServerFigures {
  /** CPU of every server process (the cluster's primary included). */
  readonly cpuMs: number;
  /** The part of `cpuMs` spent in the kernel (socket writes, mostly). */
  readonly systemCpuMs: number;
  /** The largest RSS any one server process reached. */
  readonly peakRssBytes: number;
  /** The most heap any one server process used. */
  readonly peakHeapUsedBytes: number;
  /** How much the server processes' RSS grew from the start of the run to their peaks, summed. */
  readonly rssGrowthBytes: number;
  readonly starts: ReadonlyMap<string, StreamStart>;
  /** The p99 of how late the model's tokens left it, in ms; with workers, the worst worker's. */
  readonly p99ModelLagMs: number;
}

export interface ServedRun {
  readonly port: number;
  /** The clients start now: count from here. */
  begin(): void;
  /** The clients are done: what the server used. */
  finish(): Promise<ServerFigures>;
  close(): Promise<void>;
}

let schemas = 0;
const freshSchema = (): string => `bench_w4_${process.pid}_${++schemas}`;

export async function serveInProcess(config: ManyStreamsConfig): Promise<ServedRun> {
  const schema = freshSchema();
  const { store, close: closeStore } = await openStore(config.store, schema);
  const { server, starts, lags } = manyStreamsServer(config, store);
  const { http, port } = await listen(server);
  let cpu = process.cpuUsage();
  let rssBefore = 0;
  let stopSampling = (): { rss: number; heapUsed: number } => ({ rss: 0, heapUsed: 0 });
  return {
    port,
    begin: () => {
      lags.reset(); // the warm-up's
      rssBefore = process.memoryUsage().rss;
      cpu = process.cpuUsage();
      stopSampling = sampleMemory();
    },
    finish: () => {
      const used = process.cpuUsage(cpu);
      const peak = stopSampling();
      return Promise.resolve({
        cpuMs: (used.user + used.system) / 1e3,
        systemCpuMs: used.system / 1e3,
        peakRssBytes: peak.rss,
        peakHeapUsedBytes: peak.heapUsed,
        rssGrowthBytes: peak.rss - rssBefore,
        starts,
        p99ModelLagMs: lags.percentile(99) / 1e3,
      });
    },
    close: async () => {
      await close(http);
      await server.idle();
      await closeStore();
      if (config.store === "pg") await dropSchema(schema);
    },
  };
}

/** The next message from `child` that `accept` takes. */
function nextMessage<T>(
  child: ReturnType<typeof forkBenchScript>,
  accept: (message: unknown) => boolean,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      if (!accept(message)) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null): void =>
      reject(new Error(`many streams: the cluster exited (${String(code)}) before answering`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

export async function serveOnCluster(config: ManyStreamsConfig): Promise<ServedRun> {
  if (config.store !== "pg") {
    throw new TypeError(
      `many streams: ${config.workers} workers need the pg store (DATABASE_URL), got ${config.store}`,
    );
  }
  const schema = freshSchema();
  const child = forkBenchScript("manyStreamsCluster.ts", {
    ...process.env,
    W4_CONFIG: JSON.stringify(config),
    W4_SCHEMA: schema,
  });
  const { url } = await nextMessage<{ url: string }>(
    child,
    (message) => typeof message === "object" && message !== null && "url" in message,
  );
  return {
    port: Number(new URL(url).port),
    begin: () => void child.send("measure"),
    finish: async () => {
      const reply = nextMessage<ClusterReport>(
        child,
        (message) => typeof message === "object" && message !== null && "workers" in message,
      );
      child.send("report");
      const { primary, workers } = await reply;
      const all: ProcessReport[] = [primary, ...workers];
      const starts = new Map<string, StreamStart>();
      for (const worker of workers)
        for (const [threadId, index, tokens, startMs] of worker.starts)
          starts.set(threadId, { index, tokens, startMs });
      return {
        cpuMs: all.reduce((sum, each) => sum + each.cpuMs, 0),
        systemCpuMs: all.reduce((sum, each) => sum + each.systemCpuMs, 0),
        peakRssBytes: Math.max(...all.map((each) => each.peakRssBytes)),
        peakHeapUsedBytes: Math.max(...all.map((each) => each.peakHeapUsedBytes)),
        rssGrowthBytes: workers.reduce((sum, each) => sum + each.peakRssBytes - each.rssBeforeBytes, 0),
        starts,
        p99ModelLagMs: Math.max(...workers.map((each) => each.p99ModelLagMs)),
      };
    },
    close: async () => {
      const exited = once(child, "exit");
      child.send("stop");
      await exited;
      await dropSchema(schema);
    },
  };
}
