/**
 * W4 on all cores: the W4 server (./manyStreamsServer.ts) on `workers`
 * processes with `serveOnAllCores`, over the PostgreSQL server at
 * DATABASE_URL. Forked by bench/manyStreams.ts with the run's config in
 * `W4_CONFIG` and the schema in `W4_SCHEMA`; tells it the URL, then on
 * `"measure"` has every worker start counting its CPU and memory, on
 * `"report"` gathers what each worker (and the primary, which hands the
 * connections out) used and when each stream started, and on `"stop"`
 * stops the cluster.
 */
import cluster from "node:cluster";

import { serveOnAllCores } from "../lib/server/cluster/serveOnAllCores";
import { toNodeHandler } from "../lib/server/toNodeHandler";
import { sampleMemory } from "./loopback";
import { manyStreamsServer, openStore, type ManyStreamsConfig } from "./manyStreamsServer";

/** One process's share of a run. */
export interface ProcessReport {
  readonly cpuMs: number;
  /** The part of `cpuMs` spent in the kernel (socket writes, mostly). */
  readonly systemCpuMs: number;
  readonly rssBeforeBytes: number;
  readonly peakRssBytes: number;
  readonly peakHeapUsedBytes: number;
  /** `[threadId, index, tokens, startMs]` of every stream the process served. */
  readonly starts: readonly (readonly [string, number, number, number])[];
  /** The p99 of how late the model's tokens left it in this process, in ms. */
  readonly p99ModelLagMs: number;
}

export interface ClusterReport {
  readonly primary: ProcessReport;
  readonly workers: readonly ProcessReport[];
}

type Command = "measure" | "report" | "stop";

const config = JSON.parse(process.env["W4_CONFIG"] ?? "{}") as ManyStreamsConfig;
const schema = process.env["W4_SCHEMA"] ?? "public";

/** Counts this process's CPU and memory from `measure` on; `report` says what it used. */
function meter(): { measure: () => void; report: () => Omit<ProcessReport, "starts" | "p99ModelLagMs"> } {
  let cpu = process.cpuUsage();
  let rssBeforeBytes = process.memoryUsage().rss;
  let stopSampling = sampleMemory();
  return {
    measure: () => {
      cpu = process.cpuUsage();
      rssBeforeBytes = process.memoryUsage().rss;
      stopSampling();
      stopSampling = sampleMemory();
    },
    report: () => {
      const used = process.cpuUsage(cpu);
      const peak = stopSampling();
      return {
        cpuMs: (used.user + used.system) / 1e3,
        systemCpuMs: used.system / 1e3,
        rssBeforeBytes,
        peakRssBytes: peak.rss,
        peakHeapUsedBytes: peak.heapUsed,
      };
    },
  };
}

async function worker(): Promise<void> {
  const own = meter();
  await serveOnAllCores({
    workers: config.workers,
    port: 0,
    log: () => undefined,
    start: async () => {
      const { store, close } = await openStore("pg", schema);
      const { server, starts, lags } = manyStreamsServer(config, store);
      process.on("message", (command: Command) => {
        if (command === "measure") {
          own.measure();
          lags.reset(); // the warm-up's
        }
        if (command === "report") {
          const report: ProcessReport = {
            ...own.report(),
            starts: [...starts].map(
              ([threadId, start]) => [threadId, start.index, start.tokens, start.startMs] as const,
            ),
            p99ModelLagMs: lags.percentile(99) / 1e3,
          };
          process.send?.(report);
        }
      });
      return { server, handler: toNodeHandler(server), close };
    },
  });
}

async function primary(): Promise<void> {
  const own = meter();
  const served = await serveOnAllCores({ workers: config.workers, port: 0, start: () => never() });
  if (served.role !== "primary") return;
  const reports: ProcessReport[] = [];
  cluster.on("message", (_worker, message: ProcessReport) => {
    if (typeof message !== "object" || !("cpuMs" in message)) return;
    reports.push(message);
    if (reports.length === config.workers) {
      process.send?.({
        primary: { ...own.report(), starts: [], p99ModelLagMs: Number.NaN }, // it serves no tokens
        workers: reports,
      } satisfies ClusterReport);
    }
  });
  process.on("message", (command: Command) => {
    if (command === "stop") {
      void served.stop().then(() => process.disconnect());
      return;
    }
    if (command === "measure") own.measure();
    for (const each of Object.values(cluster.workers ?? {})) each?.send(command);
  });
  process.send?.({ url: served.url });
}

/** The primary never runs `start` (only the workers do). */
function never(): never {
  throw new Error("manyStreamsCluster: start ran in the primary");
}

(cluster.isPrimary ? primary() : worker()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
