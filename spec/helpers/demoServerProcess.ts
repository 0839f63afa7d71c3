/**
 * The demo server as a process of its own on the PostgreSQL server at
 * `DATABASE_URL`, so a spec can run several and check that they share
 * threads and serialise each thread's requests across processes (which
 * only a database can do: two processes cannot share a PGlite).
 *
 * Listens on 127.0.0.1, port 0, and prints one line: `listening <url>`.
 * `TOKEN_DELAY_MS` and `THREAD_BUSY_WAIT_MS` set the demo's options.
 * Started by spec/lib/stores/postgres/twoServerProcesses.spec.ts with tsx.
 */
import { Pool } from "pg";
import { fromPgPool } from "../../lib/stores/postgres/fromPgPool";
import { PostgresStore } from "../../lib/stores/postgres/PostgresStore";
import { ownerOfDemoContext, startDemoServer, type DemoContext } from "../../examples/server/demoServer";

function numberFromEnv(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`${name} must be a number >= 0, got ${text}`);
  return value;
}

async function main(): Promise<void> {
  const databaseUrl = process.env["DATABASE_URL"];
  if (!databaseUrl) throw new TypeError("demoServerProcess: DATABASE_URL must be set");
  const pool = new Pool({ connectionString: databaseUrl });
  const store = new PostgresStore<DemoContext>({ driver: fromPgPool(pool), owner: ownerOfDemoContext });
  await store.migrate();
  const tokenDelayMs = numberFromEnv("TOKEN_DELAY_MS");
  const threadBusyWaitMs = numberFromEnv("THREAD_BUSY_WAIT_MS");
  const { url } = await startDemoServer({
    port: 0,
    store,
    ...(tokenDelayMs === undefined ? {} : { tokenDelayMs }),
    ...(threadBusyWaitMs === undefined ? {} : { threadBusyWaitMs }),
  });
  console.log(`listening ${url}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
