/**
 * The demo's ChatKit server on every core: `serveOnAllCores` forks one
 * worker per core (or `WORKERS`), each with its own `ChatKitServer` over one
 * PostgreSQL server, all listening on one port. A thread created through
 * one worker is read and continued through any other, and the store's
 * leases make a thread answer one request at a time across the workers.
 * Each answer says which worker served it (`x-served-by: <pid>`).
 *
 * Run: `DATABASE_URL=postgres://... npx tsx examples/server/clusterServer.ts`
 * (or `.ci/with-postgres npx tsx examples/server/clusterServer.ts` for a
 * throwaway server). `PORT` (default 8000; 0 picks a free one), `HOST`
 * (default 127.0.0.1), `WORKERS` (default one per core), `TOKEN_DELAY_MS`
 * (the scripted model's pause per token, default 40). Ctrl-C (or SIGTERM)
 * lets the streams in flight finish, then stops every process.
 *
 * It needs a PostgreSQL server: a `MemoryStore` or an embedded PGlite lives
 * in one process, so each worker would hold threads of its own, and
 * `serveOnAllCores` refuses them.
 */
import { availableParallelism } from "node:os";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Pool } from "pg";
import { createPageHandler, fromPgPool, PostgresStore, serveOnAllCores, toNodeHandler } from "chatkit-rx";
import { createDemoServer, demoContextOf, ownerOfDemoContext, type DemoContext } from "./demoServer";

function numberFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new TypeError(`${name} must be an integer >= 0, got ${text}`);
  return value;
}

/** One worker's app: a pool of its own on the shared database, the demo's ChatKit server, the page. */
async function startWorker(databaseUrl: string, tokenDelayMs: number) {
  const pool = new Pool({ connectionString: databaseUrl });
  const store = new PostgresStore<DemoContext>({ driver: fromPgPool(pool), owner: ownerOfDemoContext });
  await store.migrate(); // under an advisory lock: the workers may all start at once
  const server = createDemoServer({ store, tokenDelayMs });
  const chatkit = toNodeHandler(server, demoContextOf);
  const page = createPageHandler();
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader("x-served-by", String(process.pid));
    if (page(req, res)) return;
    if ((req.url ?? "/").split("?")[0] === "/chatkit") return chatkit(req, res);
    res.writeHead(404, { "content-type": "application/json" });
    res.end('{"error":{"code":"not_found","message":"POST /chatkit"}}');
  };
  return { server, handler, close: () => pool.end() };
}

const databaseUrl = process.env["DATABASE_URL"];
if (!databaseUrl) {
  console.error("clusterServer: DATABASE_URL must be set (a PostgreSQL server the workers share)");
  process.exit(1);
}
serveOnAllCores({
  workers: numberFromEnv("WORKERS", availableParallelism()),
  port: numberFromEnv("PORT", 8000),
  host: process.env["HOST"] || "127.0.0.1",
  start: () => startWorker(databaseUrl, numberFromEnv("TOKEN_DELAY_MS", 40)),
}).then(
  (served) =>
    console.log(
      served.role === "primary"
        ? `primary ${process.pid}: ${served.workerPids().length} workers on ${served.url}/chatkit`
        : `worker ${process.pid} listening ${served.url}/chatkit`,
    ),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
