import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { checkSharedAcrossProcesses } from "./checkSharedAcrossProcesses";
import type { ClusterWorkerApp, ResolvedClusterConfig } from "./clusterConfig";
import { isClusterMessage, type ClusterMessage } from "./clusterMessages";

/** What `serveOnAllCores` resolves with in a worker. */
export interface ServedWorker {
  readonly role: "worker";
  /** Where this worker (and every other) listens, e.g. `http://127.0.0.1:8000`. */
  readonly url: string;
  /** Stops taking requests, lets those in flight finish (up to `gracefulStopMs`), closes the app, exits. */
  stop(): Promise<void>;
}

function checkApp(app: ClusterWorkerApp): void {
  if (typeof app !== "object" || app === null) {
    throw new TypeError(`serveOnAllCores: start() must return { server, handler }, got ${String(app)}`);
  }
  if (typeof app.handler !== "function") {
    throw new TypeError(
      `serveOnAllCores: start() returned a handler that is not a function: ${typeof app.handler}`,
    );
  }
  if (typeof app.server !== "object" || app.server === null) {
    throw new TypeError(`serveOnAllCores: start() returned no server (the ChatKitServer behind the handler)`);
  }
  checkSharedAcrossProcesses(app.server, "serveOnAllCores");
}

function listen(http: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.once("error", reject);
    // A deep backlog: the primary hands connections over in bursts when many clients connect at once.
    http.listen({ port, host, backlog: 4096 }, () => {
      http.off("error", reject);
      const { port: bound } = http.address() as AddressInfo;
      resolve(`http://${host.includes(":") ? `[${host}]` : host}:${bound}`);
    });
  });
}

/** Tells the primary `message`, then exits with `code` (once the message has left). */
function tellAndExit(message: ClusterMessage | undefined, code: number): void {
  if (message === undefined || process.send === undefined || !process.connected) process.exit(code);
  else process.send(message, () => process.exit(code));
}

/**
 * The worker's part of `serveOnAllCores`: makes the app with `start()`,
 * refuses a store that one process owns, listens on the shared port (the
 * primary hands it connections) and stops gracefully when the primary says
 * so, on SIGTERM or SIGINT (a terminal's Ctrl-C reaches every process of
 * the group), or when the primary goes away.
 *
 * A `start()` that throws exits the worker with code 1: a `TypeError`
 * (misuse: a `MemoryStore`, say) is reported to the primary, which stops
 * instead of restarting; any other error (the database is down) is a crash
 * the primary restarts with backoff.
 */
export async function serveWorker(config: ResolvedClusterConfig): Promise<ServedWorker> {
  const name = `serveOnAllCores: worker ${process.pid}`;
  let app: ClusterWorkerApp;
  let http: Server;
  let url: string;
  // Told to stop while still starting (the primary is stopping): stop as soon as it listens.
  let stopAsked = false;
  let onStop = (): void => void (stopAsked = true);
  process.on("message", (message: unknown) => {
    if (isClusterMessage(message) && message.chatkitRxCluster === "stop") onStop();
  });
  try {
    app = await config.start();
    checkApp(app);
    http = createServer(app.handler);
    url = await listen(http, config.port, config.host);
  } catch (error) {
    config.log(
      `${name} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    const refused =
      error instanceof TypeError ? { chatkitRxCluster: "refused", message: error.message } : undefined;
    tellAndExit(refused as ClusterMessage | undefined, 1);
    return new Promise<never>(() => undefined); // the process is exiting
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      // Node closes idle keep-alive connections at once; streams in flight get until the deadline.
      const deadline = config.scheduler.schedule(() => http.closeAllConnections(), config.gracefulStopMs);
      await closed;
      deadline.unsubscribe();
      try {
        await app.server.idle?.();
        await app.close?.();
      } catch (error) {
        config.log(`${name}: closing failed: ${String(error)}`);
        process.exitCode = 1;
      }
      tellAndExit(undefined, typeof process.exitCode === "number" ? process.exitCode : 0);
    })());

  const onSignal = (): void => void stop();
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  onStop = onSignal;
  // The primary is gone (killed outright): nobody would restart or stop this worker.
  process.once("disconnect", onSignal);
  process.send?.({ chatkitRxCluster: "listening", url } satisfies ClusterMessage);
  if (stopAsked) onSignal();
  return { role: "worker", url, stop };
}
