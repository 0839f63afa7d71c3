/**
 * `serveOnAllCores` given a store that lives in one process (`STORE=memory`:
 * a `MemoryStore`; `STORE=pglite`: a `PostgresStore` on an in-memory PGlite
 * driver that is never opened), to show the refusal from outside: every
 * worker refuses, the primary stops them all and exits with code 1, and
 * nothing is restarted. Started by spec/lib/server/cluster/refusal.spec.ts.
 */
import {
  ChatKitServer,
  fromPGlite,
  MemoryStore,
  PostgresStore,
  serveOnAllCores,
  toNodeHandler,
} from "chatkit-rx";
import { EMPTY } from "rxjs";

function storeOf(kind: string | undefined) {
  if (kind === "memory") return new MemoryStore();
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
  start: () => {
    const server = new ChatKitServer({ store: storeOf(process.env["STORE"]), respond: () => EMPTY });
    return { server, handler: toNodeHandler(server) };
  },
}).then(
  () => console.log(`served ${process.pid}`),
  (error: unknown) => {
    console.error(`refused: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
