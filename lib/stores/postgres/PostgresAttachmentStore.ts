import type { AttachmentStore } from "../../attachments/AttachmentStore";
import { StoreNotFoundError } from "../../errors";
import { migrate } from "./migrations";
import type { SqlDriver } from "./SqlDriver";
import { tablesIn, type Tables } from "./tables";

/** Options of {@link PostgresAttachmentStore}. */
export interface PostgresAttachmentStoreConfig {
  /** The database: `fromPGlite(db)` or `fromPgPool(pool)`, usually the one of your {@link PostgresStore}. */
  readonly driver: SqlDriver;
  /** The schema holding the store's tables (as the `PostgresStore`'s). Default `public`. */
  readonly schema?: string | undefined;
}

/**
 * An {@link AttachmentStore} in PostgreSQL: one `bytea` row per attachment,
 * beside a {@link PostgresStore}'s tables (same migrations). For apps that
 * want one place to back up, or several servers and no shared disk; bytes
 * are read whole, so keep `maxBytes` modest (PostgreSQL caps a value at 1 GB).
 * A row is written in one statement: a half upload never shows.
 */
export class PostgresAttachmentStore implements AttachmentStore {
  readonly #driver: SqlDriver;
  readonly #tables: Tables;
  #ready: Promise<number> | undefined;

  constructor(config: PostgresAttachmentStoreConfig) {
    if (typeof config?.driver?.query !== "function" || typeof config.driver.transaction !== "function") {
      throw new TypeError(
        "PostgresAttachmentStore: config.driver must be a SqlDriver (fromPGlite(db) or fromPgPool(pool)), " +
          `got ${typeof config?.driver}`,
      );
    }
    this.#driver = config.driver;
    this.#tables = tablesIn(config.schema ?? "public", "PostgresAttachmentStore");
  }

  /** True on a PostgreSQL server (`fromPgPool`), false on an embedded PGlite. */
  get sharedAcrossProcesses(): boolean {
    return this.#driver.sharedAcrossProcesses === true;
  }

  async #db(): Promise<SqlDriver> {
    this.#ready ??= migrate(this.#driver, this.#tables).catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    await this.#ready;
    return this.#driver;
  }

  async write(attachmentId: string, bytes: Uint8Array): Promise<void> {
    const db = await this.#db();
    await db.query(
      `INSERT INTO ${this.#tables.attachmentBytes} (id, bytes) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET bytes = excluded.bytes`,
      [attachmentId, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
    );
  }

  async read(attachmentId: string): Promise<Uint8Array> {
    const db = await this.#db();
    const [row] = await db.query<{ bytes: Uint8Array }>(
      `SELECT bytes FROM ${this.#tables.attachmentBytes} WHERE id = $1`,
      [attachmentId],
    );
    if (row === undefined) throw new StoreNotFoundError("attachment", attachmentId);
    return new Uint8Array(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength);
  }

  async delete(attachmentId: string): Promise<void> {
    const db = await this.#db();
    await db.query(`DELETE FROM ${this.#tables.attachmentBytes} WHERE id = $1`, [attachmentId]);
  }
}
