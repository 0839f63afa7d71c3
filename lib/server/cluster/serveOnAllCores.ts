import cluster from "node:cluster";

import { resolveClusterConfig, type ServeOnAllCoresConfig } from "./clusterConfig";
import { serveWorker, type ServedWorker } from "./serveWorker";
import { superviseWorkers, type ServedPrimary } from "./superviseWorkers";

/** What {@link serveOnAllCores} resolves with: the primary's handle in the primary, the worker's in a worker. */
export type ServedCluster = ServedPrimary | ServedWorker;

/**
 * Serves ChatKit on several processes, one port: node's `cluster` module
 * forks `workers` processes (default: one per core); each runs `start()`,
 * which makes its own store, `ChatKitServer` and handler, and listens on the
 * shared port, and the primary hands them connections in turn. One Node
 * process uses one core for JavaScript; this is how a server uses them all.
 *
 * The processes share nothing but the database, so the store must be
 * shared: `PostgresStore` on a PostgreSQL server (`fromPgPool`), whose
 * `threadLocks` (leases in the database) make a thread answer one request
 * at a time across processes. A store that lives in one process
 * (`MemoryStore`, `PostgresStore` on PGlite) is refused with a `TypeError`:
 * each worker would hold threads of its own, and a thread created through
 * one worker would be a 404 on the next. A worker that crashes is replaced
 * (with backoff if it keeps crashing); SIGTERM or SIGINT stops every worker
 * gracefully (requests in flight finish, up to `gracefulStopMs`, then
 * `close()` runs), and then the primary exits.
 *
 * Call it at the top level of the entry script: the same script runs in
 * the primary and in every worker.
 *
 * @example
 * ```ts
 * void serveOnAllCores({
 *   port: 8000,
 *   start: () => {
 *     const pool = new Pool({ connectionString: process.env.DATABASE_URL });
 *     const store = new PostgresStore({ driver: fromPgPool(pool), owner: (c) => c.userId });
 *     const server = new ChatKitServer({ store, respond });
 *     return { server, handler: toNodeHandler(server, getContext), close: () => pool.end() };
 *   },
 * });
 * ```
 *
 * @param config Where to listen, how many workers, and `start`.
 * @return In the primary, resolves once every worker listens (rejects if one refuses its store); in a
 * worker, once it listens.
 */
export function serveOnAllCores(config: ServeOnAllCoresConfig): Promise<ServedCluster> {
  const resolved = resolveClusterConfig(config);
  return cluster.isPrimary ? superviseWorkers(resolved) : serveWorker(resolved);
}
