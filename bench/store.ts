import { PGlite } from "@electric-sql/pglite";
import { Pool } from "pg";

import type { ThreadItem } from "../lib/events/threadItems";
import type { Store } from "../lib/server/Store";
import { MemoryStore } from "../lib/stores/MemoryStore";
import { fromPGlite } from "../lib/stores/postgres/fromPGlite";
import { fromPgPool } from "../lib/stores/postgres/fromPgPool";
import { PostgresStore } from "../lib/stores/postgres/PostgresStore";
import { latencyResult, timeCalls, type BenchResult } from "./harness";
import { measureAtScale } from "./storeAtScale";

/**
 * W6: what one store call costs on each engine, called one after another
 * as one request does (no concurrency): saving an item, loading a page of
 * 20 visible items from a thread of 2 100 (a quarter hidden), loading one
 * item, and creating a thread. Latency per call: p50 (median column), min,
 * max; the note gives calls per second and p99. The same pages on big
 * tables (100k items in a thread, 1M threads) are in ./storeAtScale.ts.
 */

const SAVES = 2_000;
const LOADS = 1_000;
const CREATES = 500;

interface User {
  readonly userId: string;
}
const alice: User = { userId: "alice" };

function message(threadId: string, id: string): ThreadItem {
  return {
    type: "assistant_message",
    id,
    thread_id: threadId,
    created_at: new Date().toISOString(),
    // About 1 kB, a typical reply.
    content: [{ type: "output_text", text: "lorem ipsum dolor sit amet ".repeat(38), annotations: [] }],
  };
}

function note(threadId: string, id: string): ThreadItem {
  return {
    type: "hidden_context_item",
    id,
    thread_id: threadId,
    created_at: new Date().toISOString(),
    content: id,
  };
}

function result(engine: string, operation: string, latencies: number[]): BenchResult {
  return latencyResult("store", `${engine}: ${operation}`, latencies);
}

async function measure(engine: string, store: Store<User>): Promise<BenchResult[]> {
  const created = Date.now();
  await store.createThread(
    { id: "thr_bench", created_at: new Date(created).toISOString(), status: { type: "active" } },
    alice,
  );
  // Warm-up: query plans, JIT.
  for (let i = 0; i < 100; i++)
    await store.addThreadItem("thr_bench", message("thr_bench", `warm_${i}`), alice);
  const saves = await timeCalls(SAVES, (i) =>
    store.addThreadItem(
      "thr_bench",
      i % 4 === 3 ? note("thr_bench", `n_${i}`) : message("thr_bench", `m_${i}`),
      alice,
    ),
  );
  const pages = await timeCalls(LOADS, (i) =>
    store.loadThreadItems(
      "thr_bench",
      {
        limit: 20,
        order: "desc",
        visibleOnly: true,
        ...(i % 2 === 0 ? {} : { after: `m_${((i * 7) % (SAVES / 4)) * 4}` }),
      },
      alice,
    ),
  );
  const loads = await timeCalls(LOADS, (i) => store.loadItem("thr_bench", `m_${(i * 4) % SAVES}`, alice));
  const creates = await timeCalls(CREATES, (i) =>
    store.createThread(
      { id: `thr_${i}`, created_at: new Date(created + i).toISOString(), status: { type: "active" } },
      alice,
    ),
  );
  return [
    result(engine, "save an item (1 kB)", saves),
    result(engine, "load a page of 20 visible items", pages),
    result(engine, "load one item", loads),
    result(engine, "create a thread", creates),
  ];
}

export async function storeWorkload(): Promise<BenchResult[]> {
  const results = await measure("MemoryStore", new MemoryStore<User>({ owner: (user) => user.userId }));
  const pglite = await PGlite.create();
  try {
    results.push(
      ...(await measure(
        "PGlite (memory)",
        new PostgresStore<User>({ driver: fromPGlite(pglite), owner: (u) => u.userId }),
      )),
    );
  } finally {
    await pglite.close();
  }
  // The big tables get a PGlite of their own, so the per-call cases above are not measured against them.
  const bigPglite = await PGlite.create();
  try {
    results.push(...(await measureAtScale("PGlite (memory)", fromPGlite(bigPglite), "public")));
  } finally {
    await bigPglite.close();
  }
  const url = process.env["DATABASE_URL"];
  if (url === undefined || url === "") {
    console.warn(
      "store bench: pg on a PostgreSQL server NOT RUN (DATABASE_URL is not set; try .ci/with-postgres npm run bench -- store)",
    );
    return results;
  }
  const pool = new Pool({ connectionString: url, max: 4 });
  try {
    const store = new PostgresStore<User>({
      driver: fromPgPool(pool),
      schema: `bench_${process.pid}`,
      owner: (u) => u.userId,
    });
    results.push(...(await measure("pg (server, loopback)", store)));
    await pool.query(`DROP SCHEMA "bench_${process.pid}" CASCADE`);
    const scaleSchema = `bench_scale_${process.pid}`;
    results.push(...(await measureAtScale("pg (server, loopback)", fromPgPool(pool), scaleSchema)));
    await pool.query(`DROP SCHEMA "${scaleSchema}" CASCADE`);
  } finally {
    await pool.end();
  }
  return results;
}
