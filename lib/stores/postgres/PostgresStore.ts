import type { AttachmentRecord } from "../../attachments/AttachmentRecord";
import type { Page, ThreadItem, ThreadMetadata } from "../../events/threadItems";
import { defaultGenerateId, type IdGenerator, type IdItemType } from "../../ids";
import { StoreConflictError, StoreNotFoundError } from "../../errors";
import type { OwnerOf, PageRequest, Store } from "../../server/Store";
import type { ThreadLocks } from "../../server/ThreadLocks";
import { ownerOf } from "../ownerOf";
import { attachmentIdOf, checkItem, HIDDEN_ITEM_TYPES, threadRecord } from "../storedRecords";
import { MigratedDatabase } from "./MigratedDatabase";
import { PostgresThreadLocks, type LeaseConfig } from "./PostgresThreadLocks";
import type { SqlDriver } from "./SqlDriver";
import type { Tables } from "./tables";

/** Options of {@link PostgresStore}. */
export interface PostgresStoreConfig<TContext = unknown> {
  /** The database: `fromPGlite(db)` (embedded) or `fromPgPool(pool)` (a server). */
  readonly driver: SqlDriver;
  /**
   * Whose threads a request sees, e.g. `(context) => context.userId`.
   * Without it every caller shares one space (a single-user app only).
   */
  readonly owner?: OwnerOf<TContext> | undefined;
  /** The PostgreSQL schema holding the store's tables, created if missing. Default `public`. */
  readonly schema?: string | undefined;
  /** Makes thread and item ids. Default {@link defaultGenerateId}. */
  readonly generateId?: IdGenerator | undefined;
  /** Timing of the thread leases behind {@link PostgresStore.threadLocks}. */
  readonly leases?: LeaseConfig | undefined;
}

const HIDDEN_TYPES_SQL = HIDDEN_ITEM_TYPES.map((type) => `'${type}'`).join(", ");
/** PostgreSQL's foreign_key_violation: the thread was deleted between our check and our insert. */
const FOREIGN_KEY_VIOLATION = "23503";

/**
 * A {@link Store} in PostgreSQL, with one schema and one set of queries for
 * both engines: embedded PGlite (the default for a single process; in
 * memory or a data directory) and a PostgreSQL server through `pg` (for
 * production and several app instances on one database).
 *
 * Threads and items are `jsonb` rows; each carries a `bigserial` so pages
 * are keyset queries in a stable order (threads: `created_at` then
 * insertion; items: insertion), and hidden items are skipped in SQL before
 * the limit. The tables are created and migrated on first use (or by
 * {@link PostgresStore.migrate}), under an advisory lock, so several
 * processes may start at once. `threadLocks` serialises each thread's
 * requests across processes with leases in the database.
 */
export class PostgresStore<TContext = unknown> implements Store<TContext> {
  readonly threadLocks: ThreadLocks;
  readonly #database: MigratedDatabase;
  readonly #tables: Tables;
  readonly #owner: OwnerOf<TContext> | undefined;
  readonly #generateId: IdGenerator;

  constructor(config: PostgresStoreConfig<TContext>) {
    this.#database = new MigratedDatabase(config?.driver, config?.schema, "PostgresStore");
    this.#tables = this.#database.tables;
    this.#owner = config.owner;
    this.#generateId = config.generateId ?? defaultGenerateId;
    this.threadLocks = new PostgresThreadLocks(
      { query: (sql, params) => this.#db().then((db) => db.query(sql, params)) },
      this.#tables,
      config.leases,
    );
  }

  /** True on a PostgreSQL server (`fromPgPool`), false on an embedded PGlite (one process only). */
  get sharedAcrossProcesses(): boolean {
    return this.#database.sharedAcrossProcesses;
  }

  /**
   * Creates or upgrades the tables now (every other method does it on first
   * use); resolves with the schema version. A failure is not cached: the
   * next call tries again.
   */
  migrate(): Promise<number> {
    return this.#database.migrate();
  }

  #db(): Promise<SqlDriver> {
    return this.#database.ready();
  }

  #ownerOf(context: TContext): string {
    return ownerOf(this.#owner, context, "PostgresStore");
  }

  generateThreadId(_context: TContext): string {
    return this.#generateId("thread");
  }

  generateItemId(itemType: IdItemType, _thread: ThreadMetadata, _context: TContext): string {
    return this.#generateId(itemType);
  }

  async #owns(threadId: string, owner: string): Promise<boolean> {
    const { threads } = this.#tables;
    const db = await this.#db();
    const rows = await db.query(`SELECT 1 FROM ${threads} WHERE id = $1 AND owner = $2`, [threadId, owner]);
    return rows.length > 0;
  }

  async loadThread(threadId: string, context: TContext): Promise<ThreadMetadata> {
    const owner = this.#ownerOf(context);
    const db = await this.#db();
    const [row] = await db.query<{ data: ThreadMetadata }>(
      `SELECT data FROM ${this.#tables.threads} WHERE id = $1 AND owner = $2`,
      [threadId, owner],
    );
    if (row === undefined) throw new StoreNotFoundError("thread", threadId);
    return row.data;
  }

  async createThread(thread: ThreadMetadata, context: TContext): Promise<void> {
    const { metadata, createdAtMs } = threadRecord(thread, "PostgresStore.createThread");
    const owner = this.#ownerOf(context);
    const db = await this.#db();
    const rows = await db.query(
      `INSERT INTO ${this.#tables.threads} (id, owner, created_at, data)
       VALUES ($1, $2, to_timestamp($3::double precision / 1000), $4::jsonb)
       ON CONFLICT (id) DO NOTHING RETURNING 1`,
      [metadata.id, owner, createdAtMs, JSON.stringify(metadata)],
    );
    if (rows.length === 0) throw new StoreConflictError("thread", metadata.id);
  }

  async saveThread(thread: ThreadMetadata, context: TContext): Promise<void> {
    const { metadata, createdAtMs } = threadRecord(thread, "PostgresStore.saveThread");
    const owner = this.#ownerOf(context);
    const { threads } = this.#tables;
    const db = await this.#db();
    // Insert a free id, update the caller's own thread, touch nobody else's.
    const rows = await db.query(
      `INSERT INTO ${threads} (id, owner, created_at, data)
       VALUES ($1, $2, to_timestamp($3::double precision / 1000), $4::jsonb)
       ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, data = excluded.data
       WHERE ${threads}.owner = excluded.owner
       RETURNING 1`,
      [metadata.id, owner, createdAtMs, JSON.stringify(metadata)],
    );
    if (rows.length === 0) throw new StoreNotFoundError("thread", metadata.id);
  }

  async loadThreads(page: PageRequest, context: TContext): Promise<Page<ThreadMetadata>> {
    const owner = this.#ownerOf(context);
    const { threads } = this.#tables;
    const db = await this.#db();
    const params: unknown[] = [owner, page.limit + 1];
    let where = "owner = $1";
    if (page.after !== undefined) {
      const cursor = await db.query(`SELECT 1 FROM ${threads} WHERE id = $1 AND owner = $2`, [
        page.after,
        owner,
      ]);
      if (cursor.length === 0) throw new StoreNotFoundError("cursor", page.after);
      params.push(page.after);
      where += ` AND (created_at, seq) ${page.order === "desc" ? "<" : ">"}
        (SELECT created_at, seq FROM ${threads} WHERE id = $3 AND owner = $1)`;
    }
    const direction = page.order === "desc" ? "DESC" : "ASC";
    const rows = await db.query<{ id: string; data: ThreadMetadata }>(
      `SELECT id, data FROM ${threads} WHERE ${where}
       ORDER BY created_at ${direction}, seq ${direction} LIMIT $2`,
      params,
    );
    return toPage(rows, page.limit);
  }

  async deleteThread(threadId: string, context: TContext): Promise<void> {
    const owner = this.#ownerOf(context);
    const db = await this.#db();
    await db.query(`DELETE FROM ${this.#tables.threads} WHERE id = $1 AND owner = $2`, [threadId, owner]);
  }

  async loadThreadItems(threadId: string, page: PageRequest, context: TContext): Promise<Page<ThreadItem>> {
    const owner = this.#ownerOf(context);
    const { threads, items } = this.#tables;
    const db = await this.#db();
    const [found] = await db.query<{ thread: boolean; cursor: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${threads} WHERE id = $1 AND owner = $2) AS thread,
              EXISTS (SELECT 1 FROM ${items} WHERE thread_id = $1 AND id = $3) AS cursor`,
      [threadId, owner, page.after ?? null],
    );
    if (found?.thread !== true) throw new StoreNotFoundError("thread", threadId);
    const params: unknown[] = [threadId, page.limit + 1];
    let where = "thread_id = $1";
    if (page.after !== undefined) {
      if (!found.cursor) throw new StoreNotFoundError("cursor", page.after, threadId);
      params.push(page.after);
      where += ` AND seq ${page.order === "desc" ? "<" : ">"}
        (SELECT seq FROM ${items} WHERE thread_id = $1 AND id = $3)`;
    }
    if (page.visibleOnly === true) where += ` AND type NOT IN (${HIDDEN_TYPES_SQL})`;
    const rows = await db.query<{ id: string; data: ThreadItem }>(
      `SELECT id, data FROM ${items} WHERE ${where}
       ORDER BY seq ${page.order === "desc" ? "DESC" : "ASC"} LIMIT $2`,
      params,
    );
    return toPage(rows, page.limit);
  }

  addThreadItem(threadId: string, item: ThreadItem, context: TContext): Promise<void> {
    return this.#put(threadId, item, context, "PostgresStore.addThreadItem");
  }

  saveItem(threadId: string, item: ThreadItem, context: TContext): Promise<void> {
    return this.#put(threadId, item, context, "PostgresStore.saveItem");
  }

  /** Appends `item`, or replaces it in place when the thread already holds its id; never touches another thread's item. */
  async #put(threadId: string, item: ThreadItem, context: TContext, where: string): Promise<void> {
    checkItem(item, where);
    const owner = this.#ownerOf(context);
    const { threads, items } = this.#tables;
    const db = await this.#db();
    let rows: unknown[];
    try {
      rows = await db.query(
        `INSERT INTO ${items} (id, thread_id, type, data)
         SELECT $1, t.id, $3, $4::jsonb FROM ${threads} t WHERE t.id = $2 AND t.owner = $5
         ON CONFLICT (id) DO UPDATE SET type = excluded.type, data = excluded.data
         WHERE ${items}.thread_id = excluded.thread_id
         RETURNING 1`,
        [item.id, threadId, item.type, JSON.stringify(item), owner],
      );
    } catch (error) {
      if ((error as { code?: unknown }).code === FOREIGN_KEY_VIOLATION) {
        throw new StoreNotFoundError("thread", threadId);
      }
      throw error;
    }
    if (rows.length > 0) return;
    // Nothing written: either the thread is not the caller's, or the id belongs to another thread.
    if (!(await this.#owns(threadId, owner))) throw new StoreNotFoundError("thread", threadId);
    throw new StoreConflictError("item", item.id);
  }

  async loadItem(threadId: string, itemId: string, context: TContext): Promise<ThreadItem> {
    const owner = this.#ownerOf(context);
    const { threads, items } = this.#tables;
    const db = await this.#db();
    const [row] = await db.query<{ data: ThreadItem }>(
      `SELECT i.data FROM ${items} i JOIN ${threads} t ON t.id = i.thread_id
       WHERE i.thread_id = $1 AND i.id = $2 AND t.owner = $3`,
      [threadId, itemId, owner],
    );
    if (row !== undefined) return row.data;
    if (!(await this.#owns(threadId, owner))) throw new StoreNotFoundError("thread", threadId);
    throw new StoreNotFoundError("item", itemId, threadId);
  }

  async deleteThreadItem(threadId: string, itemId: string, context: TContext): Promise<void> {
    const owner = this.#ownerOf(context);
    const { threads, items } = this.#tables;
    const db = await this.#db();
    await db.query(
      `DELETE FROM ${items} i USING ${threads} t
       WHERE i.thread_id = $1 AND i.id = $2 AND t.id = i.thread_id AND t.owner = $3`,
      [threadId, itemId, owner],
    );
  }

  async saveAttachment(record: AttachmentRecord, context: TContext): Promise<void> {
    const id = attachmentIdOf(record, "PostgresStore.saveAttachment");
    const owner = this.#ownerOf(context);
    const { attachments } = this.#tables;
    const db = await this.#db();
    const rows = await db.query(
      `INSERT INTO ${attachments} (id, owner, data) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (id) DO UPDATE SET data = excluded.data WHERE ${attachments}.owner = excluded.owner
       RETURNING 1`,
      [id, owner, JSON.stringify(record)],
    );
    if (rows.length === 0) throw new StoreNotFoundError("attachment", id);
  }

  async loadAttachment(attachmentId: string, context: TContext): Promise<AttachmentRecord> {
    const owner = this.#ownerOf(context);
    const db = await this.#db();
    const [row] = await db.query<{ data: AttachmentRecord }>(
      `SELECT data FROM ${this.#tables.attachments} WHERE id = $1 AND owner = $2`,
      [attachmentId, owner],
    );
    if (row === undefined) throw new StoreNotFoundError("attachment", attachmentId);
    return row.data;
  }

  async deleteAttachment(attachmentId: string, context: TContext): Promise<void> {
    const owner = this.#ownerOf(context);
    const db = await this.#db();
    await db.query(`DELETE FROM ${this.#tables.attachments} WHERE id = $1 AND owner = $2`, [
      attachmentId,
      owner,
    ]);
  }
}

/** A page from `limit + 1` rows: the extra row only says there is more. */
function toPage<T>(rows: readonly { id: string; data: T }[], limit: number): Page<T> {
  const hasMore = rows.length > limit;
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return {
    data: data.map((row) => row.data),
    has_more: hasMore,
    ...(hasMore && last !== undefined ? { after: last.id } : {}),
  };
}
