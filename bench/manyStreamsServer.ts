/**
 * The server side of W4, shared by the one-process runs and each worker of
 * the cluster runs: a `ChatKitServer` over the chosen store whose `respond`
 * streams stream `index`'s card, its message growing 500 tokens at 100
 * tokens/s through the Rx pipeline (accumulateText → renderTemplate →
 * toThreadEvents → throttleTextDeltas). It records when each stream's model
 * started, which fixes when each of its tokens was due.
 */
import { createHistogram, type RecordableHistogram } from "node:perf_hooks";
import { asyncScheduler, interval, Observable, share } from "rxjs";

import { ChatKitServer } from "../lib/server/ChatKitServer";
import type { Store } from "../lib/server/Store";
import { MemoryStore } from "../lib/stores/MemoryStore";
import { fromPGlite } from "../lib/stores/postgres/fromPGlite";
import { fromPgPool } from "../lib/stores/postgres/fromPgPool";
import { PostgresStore } from "../lib/stores/postgres/PostgresStore";
import { accumulateText } from "../operators/accumulateText";
import { renderTemplate } from "../operators/renderTemplate";
import { throttleTextDeltas } from "../operators/throttleTextDeltas";
import { toThreadEvents } from "../operators/toThreadEvents";
import { epochMs, userText } from "./loopback";
import { parseStreamMessage, streamCard, type CardData } from "./manyStreamsCard";
import { loadChannelMessage, loremTokens } from "./streaming";

/** Where the server keeps threads: in its memory, an embedded PGlite, or the PostgreSQL server at DATABASE_URL. */
export type StoreKind = "memory" | "pglite" | "pg";

export interface ManyStreamsConfig {
  readonly streams: number;
  readonly tokens: number;
  readonly tokensPerSecond: number;
  /**
   * `"timed"`: tokens at `tokensPerSecond` (each tick of the ticker sends
   * the tokens due). `"flat-out"`: each token in a turn of the event loop
   * of its own, as fast as the server takes them.
   */
  readonly pace: "timed" | "flat-out";
  /**
   * One render and one SSE frame per token (no frames, no throttle): what
   * the server's path costs per frame. Otherwise frames of `frameMs` and
   * the throttle's window.
   */
  readonly framePerToken: boolean;
  /** `renderTemplate`'s frame: the template renders at most once per frame per stream. */
  readonly frameMs: number;
  /** `throttleTextDeltas`'s window. */
  readonly windowMs: number;
  /** Stream starts are spread evenly over this. */
  readonly staggerMs: number;
  /** One timer drives every stream's tokens, or one timer per stream. */
  readonly ticker: "shared" | "per-stream";
  /** One card for every stream, or each stream its own user and channel. */
  readonly cards: CardData;
  readonly store: StoreKind;
  /** Server processes: 1 serves in the bench process, more through `serveOnAllCores` (needs `store: "pg"`). */
  readonly workers: number;
}

/** When each stream's model started (its token k was due `(k + 1) / tokensPerSecond` later), by thread id. */
export interface StreamStart {
  readonly index: number;
  readonly tokens: number;
  readonly startMs: number;
}

export interface ManyStreamsServer {
  readonly server: ChatKitServer<undefined>;
  readonly starts: Map<string, StreamStart>;
  /**
   * How late each token left the model (tick granularity plus event-loop
   * lag), in whole microseconds (at least 1), in Node's HDR histogram: the
   * bench reports a percentile, and keeping every lag (500 000 at S = 1000)
   * would grow the heap and RSS it measures.
   */
  readonly lags: RecordableHistogram;
}

/**
 * The PostgreSQL drivers, loaded only by the runs that use them: a
 * `MemoryStore` server does not load them (they are about 6 MB of RSS, which
 * would count in its peak), as an application on `MemoryStore` would not.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- see above */
const loadPGlite = (): typeof import("@electric-sql/pglite").PGlite =>
  (require("@electric-sql/pglite") as typeof import("@electric-sql/pglite")).PGlite;
const loadPool = (): typeof import("pg").Pool => (require("pg") as typeof import("pg")).Pool;
/* eslint-enable @typescript-eslint/no-require-imports */

/** A store of `kind`, empty; `schema` (pg) names the PostgreSQL schema to use. `close` ends its connections. */
export async function openStore(
  kind: StoreKind,
  schema: string,
): Promise<{ store: Store<undefined>; close: () => Promise<void> }> {
  if (kind === "memory") return { store: new MemoryStore(), close: () => Promise.resolve() };
  if (kind === "pglite") {
    const db = await loadPGlite().create();
    const store = new PostgresStore<undefined>({ driver: fromPGlite(db) });
    await store.migrate();
    return { store, close: () => db.close() };
  }
  const url = process.env["DATABASE_URL"];
  if (!url) throw new TypeError("many streams: the pg store needs DATABASE_URL");
  const Pool = loadPool();
  const pool = new Pool({ connectionString: url, max: 10 });
  const store = new PostgresStore<undefined>({ driver: fromPgPool(pool), schema });
  await store.migrate();
  return { store, close: () => pool.end() };
}

/** Drops the bench's PostgreSQL `schema` (pg runs), so runs do not pile up. */
export async function dropSchema(schema: string): Promise<void> {
  const Pool = loadPool();
  const pool = new Pool({ connectionString: process.env["DATABASE_URL"], max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await pool.end();
  }
}

export function manyStreamsServer(config: ManyStreamsConfig, store: Store<undefined>): ManyStreamsServer {
  const template = loadChannelMessage();
  const starts = new Map<string, StreamStart>();
  const lags = createHistogram();
  const periodMs = 1000 / config.tokensPerSecond;
  const sharedTicker = interval(periodMs).pipe(share());
  const ticks = (): Observable<number> => (config.ticker === "shared" ? sharedTicker : interval(periodMs));

  /**
   * The model: token k is due `(k + 1) * periodMs` after the stream starts
   * and is sent on the first tick at or after that, so a late tick sends
   * every token due by then (the model does not slow down when the server
   * does). Its delay is counted from when it was due.
   */
  const model = (tokens: readonly string[], started: (startMs: number) => void): Observable<string> =>
    new Observable<string>((subscriber) => {
      const start = epochMs();
      started(start);
      let sent = 0;
      return ticks().subscribe(() => {
        const now = epochMs();
        const due = Math.min(tokens.length, Math.floor((now - start) / periodMs));
        while (sent < due && !subscriber.closed) {
          lags.record(Math.max(1, Math.round((now - (start + (sent + 1) * periodMs)) * 1e3)));
          subscriber.next(tokens[sent++] ?? "");
        }
        if (sent === tokens.length) subscriber.complete();
      });
    });

  /** Each token in its own macrotask (a model whose tokens come one per network read, as fast as it can). */
  const flatOut = (tokens: readonly string[], started: (startMs: number) => void): Observable<string> =>
    new Observable<string>((subscriber) => {
      started(epochMs());
      let sent = 0;
      let timer: NodeJS.Immediate | undefined;
      const next = (): void => {
        if (subscriber.closed) return;
        if (sent === tokens.length) return subscriber.complete();
        subscriber.next(tokens[sent++] ?? "");
        timer = setImmediate(next);
      };
      timer = setImmediate(next);
      return () => clearImmediate(timer);
    });

  const server = new ChatKitServer<undefined>({
    store,
    respond: (thread, message) => {
      const { index, tokens: count } = parseStreamMessage(userText(message));
      const tokens = loremTokens(count, index + 1);
      const last = tokens.length - 1;
      const started = (startMs: number): void =>
        void starts.set(thread.id, { index, tokens: count, startMs });
      const source = config.pace === "flat-out" ? flatOut(tokens, started) : model(tokens, started);
      if (config.framePerToken) {
        return source.pipe(
          accumulateText(),
          renderTemplate(template, (text: string, k) => streamCard(config.cards, index, text, k < last)),
          toThreadEvents(thread),
        );
      }
      return source.pipe(
        accumulateText(),
        renderTemplate(template, (text: string, k) => streamCard(config.cards, index, text, k < last), {
          scheduler: asyncScheduler,
          frameMs: config.frameMs,
        }),
        toThreadEvents(thread),
        throttleTextDeltas({ windowMs: config.windowMs }),
      );
    },
  });
  return { server, starts, lags };
}
