import cluster, { type Worker } from "node:cluster";
import type { Subscription } from "rxjs";

import type { ResolvedClusterConfig } from "./clusterConfig";
import { isClusterMessage, type ClusterMessage } from "./clusterMessages";
import { RestartBackoff } from "./RestartBackoff";

/** What `serveOnAllCores` resolves with in the primary, once every worker listens. */
export interface ServedPrimary {
  readonly role: "primary";
  /** Where the workers listen, e.g. `http://127.0.0.1:8000`. */
  readonly url: string;
  /** The process ids of the workers alive now. */
  workerPids(): number[];
  /** Stops every worker gracefully (no more restarts); resolves once all have exited. */
  stop(): Promise<void>;
}

/** How long past `gracefulStopMs` a worker may take to exit before it is killed. */
const EXIT_MARGIN_MS = 5_000;

interface Slot {
  readonly index: number;
  readonly backoff: RestartBackoff;
}

interface Running {
  readonly slot: Slot;
  readonly startedAt: number;
  listening: boolean;
}

/**
 * The primary's part of `serveOnAllCores`: forks `workers` processes (each
 * runs `start()` and listens on the shared port; the primary hands them
 * connections in turn), replaces a worker that dies with backoff
 * ({@link RestartBackoff}), and on SIGTERM or SIGINT stops them gracefully:
 * each finishes its requests in flight, then exits, and then so does the
 * primary. A worker that refuses its configuration (a store one process
 * owns) stops them all: the promise rejects with its `TypeError`.
 *
 * A second SIGINT or SIGTERM during a stop kills the workers at once.
 */
export function superviseWorkers(config: ResolvedClusterConfig): Promise<ServedPrimary> {
  const { scheduler, log } = config;
  const running = new Map<Worker, Running>();
  const restarts = new Set<Subscription>();
  let stopping: Promise<void> | undefined;
  let url: string | undefined;
  /** Why the workers were stopped before they all listened: a worker's refusal. */
  let refusal: TypeError | undefined;

  return new Promise<ServedPrimary>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      outcome();
    };
    const handle: ServedPrimary = {
      role: "primary",
      get url() {
        return url ?? "";
      },
      workerPids: () => [...running.keys()].flatMap((worker) => worker.process.pid ?? []),
      stop: () => stop(),
    };

    const fork = (slot: Slot): void => {
      const worker = cluster.fork();
      const entry: Running = { slot, startedAt: scheduler.now(), listening: false };
      running.set(worker, entry);
      worker.on("message", (message: unknown) => {
        if (!isClusterMessage(message)) return;
        if (message.chatkitRxCluster === "listening") {
          entry.listening = true;
          url ??= message.url;
          const all = [...running.values()].filter((other) => other.listening).length === config.workers;
          if (all) settle(() => resolve(handle));
        } else if (message.chatkitRxCluster === "refused") {
          log(`serveOnAllCores: a worker refused to start; stopping every worker`);
          refusal ??= new TypeError(message.message);
          void stop();
        }
      });
      worker.on("exit", (code, signal) => {
        running.delete(worker);
        if (stopping !== undefined) return;
        const waitMs = slot.backoff.crashed(scheduler.now() - entry.startedAt);
        log(
          `serveOnAllCores: worker ${String(worker.process.pid)} exited (${signal ?? `code ${String(code)}`}); ` +
            `a new one starts in ${waitMs} ms`,
        );
        const restart: Subscription = scheduler.schedule(() => {
          restarts.delete(restart);
          if (stopping === undefined) fork(slot);
        }, waitMs);
        restarts.add(restart);
      });
    };

    const killAll = (): void => {
      for (const worker of running.keys()) worker.process.kill("SIGKILL");
    };

    const stop = (): Promise<void> =>
      (stopping ??= new Promise<void>((stopped) => {
        for (const restart of restarts) restart.unsubscribe();
        restarts.clear();
        const workers = [...running.keys()];
        let left = workers.length;
        const finish = (): void => {
          process.off("SIGTERM", onSignal);
          process.off("SIGINT", onSignal);
          settle(() =>
            reject(refusal ?? new Error("serveOnAllCores: stopped before every worker was listening")),
          );
          stopped();
        };
        if (left === 0) return finish();
        for (const worker of workers) {
          const kill = scheduler.schedule(
            () => worker.process.kill("SIGKILL"),
            config.gracefulStopMs + EXIT_MARGIN_MS,
          );
          worker.once("exit", () => {
            kill.unsubscribe();
            if (--left === 0) finish();
          });
          if (worker.isConnected()) {
            // A worker exiting on its own (it refused too) may close its channel as this goes out:
            // the send then fails with EPIPE, which is harmless, since its exit is what we wait for.
            worker.send({ chatkitRxCluster: "stop" } satisfies ClusterMessage, (error: Error | null) => {
              if (error !== null && !worker.isDead()) worker.process.kill("SIGTERM");
            });
          } else worker.process.kill("SIGTERM");
        }
      }));

    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping !== undefined) {
        log(`serveOnAllCores: ${signal} again: killing the workers`);
        return killAll();
      }
      log(`serveOnAllCores: ${signal}: stopping ${running.size} workers`);
      void stop();
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);

    const slots = Array.from({ length: config.workers }, (_, index) => ({
      index,
      backoff: new RestartBackoff(config.restart),
    }));
    for (const slot of slots) fork(slot);
  });
}
