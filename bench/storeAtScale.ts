import { performance } from "node:perf_hooks";

import { PostgresStore } from "../lib/stores/postgres/PostgresStore";
import type { SqlDriver } from "../lib/stores/postgres/SqlDriver";
import { tablesIn } from "../lib/stores/postgres/tables";
import { latencyResult, timeCalls, type BenchResult } from "./harness";

/**
 * W6 at scale: what a page costs when the tables are big, which the
 * per-call cases (a thread of 2 100 items) cannot show. One thread of
 * 100 000 items (a quarter hidden) and 1 000 000 threads over 10 000 users
 * (100 each) are written with bulk SQL (`generate_series`, one statement
 * each: going through the store API would take hours), then we time pages:
 * 20 visible items of the big thread, and 20 of one user's threads, each
 * from the start or after a cursor somewhere inside.
 */

export const BIG_THREAD_ITEMS = 100_000;
export const THREADS = 1_000_000;
const USERS = 10_000;
const PAGES = 300;

interface User {
  readonly userId: string;
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

/** The bulk inserts: the big thread and its items, then the million threads (owners `user_<g mod 10 000>`). */
function bulkInserts(schema: string): string[] {
  const t = tablesIn(schema, "storeAtScale");
  const iso = (ts: string) => `to_char(${ts} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  return [
    `INSERT INTO ${t.threads} (id, owner, created_at, data) VALUES ('thr_big', 'user_big', '2025-01-01T00:00:00Z',
      '{"id":"thr_big","created_at":"2025-01-01T00:00:00.000Z","status":{"type":"active"}}'::jsonb)`,
    `INSERT INTO ${t.items} (id, thread_id, type, data)
     SELECT 'itm_' || lpad(g::text, 6, '0'), 'thr_big', kind,
       CASE WHEN kind = 'hidden_context_item' THEN jsonb_build_object(
         'type', kind, 'id', 'itm_' || lpad(g::text, 6, '0'), 'thread_id', 'thr_big',
         'created_at', '2025-01-01T00:00:00.000Z', 'content', 'note ' || g)
       ELSE jsonb_build_object(
         'type', kind, 'id', 'itm_' || lpad(g::text, 6, '0'), 'thread_id', 'thr_big',
         'created_at', '2025-01-01T00:00:00.000Z',
         'content', jsonb_build_array(jsonb_build_object(
           'type', 'output_text', 'text', repeat('lorem ipsum dolor sit amet ', 10) || g, 'annotations', '[]'::jsonb)))
       END
     FROM (SELECT g, CASE WHEN g % 4 = 0 THEN 'hidden_context_item' ELSE 'assistant_message' END AS kind
           FROM generate_series(1, ${BIG_THREAD_ITEMS}) g) s
     ORDER BY g`,
    `INSERT INTO ${t.threads} (id, owner, created_at, data)
     SELECT 'thr_' || lpad(g::text, 7, '0'), 'user_' || (g % ${USERS}), ts, jsonb_build_object(
       'id', 'thr_' || lpad(g::text, 7, '0'), 'created_at', ${iso("ts")},
       'status', jsonb_build_object('type', 'active'), 'title', 'Thread ' || g)
     FROM (SELECT g, timestamptz '2026-01-01T00:00:00Z' + g * interval '1 second' AS ts
           FROM generate_series(1, ${THREADS}) g) s
     ORDER BY g`,
    `ANALYZE ${t.threads}`,
    `ANALYZE ${t.items}`,
  ];
}

function result(engine: string, operation: string, latencies: number[], buildSeconds: number): BenchResult {
  const timed = latencyResult("store", `${engine}: ${operation}`, latencies);
  return {
    ...timed,
    note: `${timed.note}; data built in ${buildSeconds.toFixed(1)} s`,
    metrics: { ...timed.metrics, buildSeconds },
  };
}

/**
 * Builds the big tables in `schema` through `driver` and times the two pages. Every page is checked
 * (20 rows, the right owner or thread), so a query that returned nothing fast would not pass for a fast one.
 */
export async function measureAtScale(
  engine: string,
  driver: SqlDriver,
  schema: string,
): Promise<BenchResult[]> {
  const store = new PostgresStore<User>({ driver, schema, owner: (user) => user.userId });
  await store.migrate();
  const started = performance.now();
  for (const sql of bulkInserts(schema)) await driver.query(sql, []);
  const buildSeconds = (performance.now() - started) / 1000;

  const bigOwner: User = { userId: "user_big" };
  const itemPages = await timeCalls(PAGES, async (i) => {
    const after = i % 2 === 0 ? undefined : `itm_${pad(100 + ((i * 7919) % (BIG_THREAD_ITEMS - 100)), 6)}`;
    const page = await store.loadThreadItems(
      "thr_big",
      { limit: 20, order: "desc", visibleOnly: true, ...(after === undefined ? {} : { after }) },
      bigOwner,
    );
    if (page.data.length !== 20 || page.data.some((item) => item.type === "hidden_context_item"))
      throw new Error(`storeAtScale: a bad page of items after ${String(after)}`);
  });
  const threadPages = await timeCalls(PAGES, async (i) => {
    const user = (i * 37) % USERS;
    // user u owns threads u + 10 000 k; the cursor is one of them with at least 20 older, k in 21..98.
    const after = i % 2 === 0 ? undefined : `thr_${pad(user + USERS * (21 + ((i * 13) % 78)), 7)}`;
    const page = await store.loadThreads(
      { limit: 20, order: "desc", ...(after === undefined ? {} : { after }) },
      { userId: `user_${user}` },
    );
    if (page.data.length !== 20)
      throw new Error(`storeAtScale: ${page.data.length} threads for user_${user}`);
  });
  return [
    result(engine, `page of 20 visible items, thread of ${BIG_THREAD_ITEMS} items`, itemPages, buildSeconds),
    result(engine, `page of 20 of a user's threads, ${THREADS} threads`, threadPages, buildSeconds),
  ];
}
