/**
 * `serveOnAllCores` given a store that lives in one process (`STORE=memory`:
 * a `MemoryStore`; `STORE=pglite`: a `PostgresStore` on an in-memory PGlite
 * driver that is never opened), to show the refusal from outside: every
 * worker refuses, the primary stops them all and exits with code 1, and
 * nothing is restarted. `STORE=memory-then-slow`: the first worker refuses
 * at once while the second is still starting (for 2 s, with a store that
 * claims to be shared), so the stop reaches it mid-start. Started by
 * spec/lib/server/cluster/refusal.spec.ts.
 */
import cluster from "node:cluster";
import {
  ChatKitServer,
  fromPGlite,
  LocalThreadLocks,
  MemoryStore,
  PostgresStore,
  serveOnAllCores,
  toNodeHandler,
} from "chatkit-rx";
import { EMPTY } from "rxjs";

/** A stand-in that claims what a database store would: only to test a worker told to stop while starting. */
class ClaimsToBeShared extends MemoryStore {
  readonly sharedAcrossProcesses = true;
  readonly threadLocks = new LocalThreadLocks();
}

async function storeOf(kind: string | undefined) {
  if (kind === "memory") return new MemoryStore();
  if (kind === "memory-then-slow") {
    if (cluster.worker?.id === 1) return new MemoryStore();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    return new ClaimsToBeShared();
  }
  // A driver that is never queried: the refusal comes before any SQL.
  const unopened = {
    query: () => Promise.reject(new Error("unused")),
    transaction: () => Promise.reject(new Error("unused")),
  };
  if (kind === "pglite") return new PostgresStore({ driver: fromPGlite(unopened) });
  throw new TypeError(`clusterOfMemoryStores: STORE must be memory or pglite, got ${String(kind)}`);
}

serveOnAllCores({
  workers: 2,
  port: 0,
  start: async () => {
    const server = new ChatKitServer({ store: await storeOf(process.env["STORE"]), respond: () => EMPTY });
    return { server, handler: toNodeHandler(server) };
  },
}).then(
  () => console.log(`served ${process.pid}`),
  (error: unknown) => {
    console.error(`refused: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
