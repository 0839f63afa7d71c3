import type { RequestListener } from "node:http";
import { availableParallelism } from "node:os";
import { asyncScheduler, type SchedulerLike } from "rxjs";

import type { SharedStateOf } from "./checkSharedAcrossProcesses";
import type { RestartBackoffConfig } from "./RestartBackoff";

/** What `start` makes in each worker. */
export interface ClusterWorkerApp {
  /** The `ChatKitServer` behind `handler`: its store must be shared by the processes (checked). */
  readonly server: SharedStateOf;
  /** The request listener: `toNodeHandler(server, getContext)`, or your router around it. */
  readonly handler: RequestListener;
  /** Runs once the worker has stopped taking requests and finished the ones in flight: end your pool here. */
  readonly close?: (() => Promise<void> | void) | undefined;
}

/** Options of `serveOnAllCores`. */
export interface ServeOnAllCoresConfig {
  /** How many worker processes. Default `os.availableParallelism()`. */
  readonly workers?: number | undefined;
  /** The port every worker listens on (0: one free port, the same for all). */
  readonly port: number;
  /** Default `127.0.0.1`; `0.0.0.0` (or `::`) to take requests from other machines. */
  readonly host?: string | undefined;
  /** Runs in each worker (never in the primary): makes the store, the server and the handler. */
  readonly start: () => ClusterWorkerApp | Promise<ClusterWorkerApp>;
  /**
   * On stop, how long a worker lets the requests in flight (streams
   * included) finish before it closes their connections. Default 10 000 ms.
   */
  readonly gracefulStopMs?: number | undefined;
  /** How soon a crashed worker is replaced. */
  readonly restart?: RestartBackoffConfig | undefined;
  /** Where the primary and the workers report starts, crashes and stops. Default `console.error`. */
  readonly log?: ((line: string) => void) | undefined;
  /** Times the restarts and the stop deadline. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike | undefined;
}

/** {@link ServeOnAllCoresConfig} checked, with its defaults. */
export interface ResolvedClusterConfig {
  readonly workers: number;
  readonly port: number;
  readonly host: string;
  readonly start: ServeOnAllCoresConfig["start"];
  readonly gracefulStopMs: number;
  readonly restart: RestartBackoffConfig;
  readonly log: (line: string) => void;
  readonly scheduler: SchedulerLike;
}

/** Checks `config` (a `TypeError` naming the field) and fills in the defaults. */
export function resolveClusterConfig(config: ServeOnAllCoresConfig): ResolvedClusterConfig {
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new TypeError(`serveOnAllCores: ${field} must be ${expected}, got ${String(value)}`);
  };
  if (typeof config !== "object" || config === null) return fail("config", "an object", config);
  const workers = config.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) fail("workers", "an integer >= 1", config.workers);
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
    fail("port", "an integer from 0 to 65535", config.port);
  }
  const host = config.host ?? "127.0.0.1";
  if (typeof host !== "string" || host === "") fail("host", "a host name or address", config.host);
  if (typeof config.start !== "function") fail("start", "a function", config.start);
  const gracefulStopMs = config.gracefulStopMs ?? 10_000;
  if (!Number.isFinite(gracefulStopMs) || gracefulStopMs < 0) {
    fail("gracefulStopMs", "a number of milliseconds >= 0", config.gracefulStopMs);
  }
  return {
    workers,
    port: config.port,
    host,
    start: config.start,
    gracefulStopMs,
    restart: config.restart ?? {},
    log: config.log ?? ((line) => console.error(line)),
    scheduler: config.scheduler ?? asyncScheduler,
  };
}
