import type { AttachmentStore } from "../../attachments/AttachmentStore";
import { StoreNotFoundError } from "../../errors";
import { MigratedDatabase } from "./MigratedDatabase";
import type { SqlDriver } from "./SqlDriver";

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
  readonly #database: MigratedDatabase;

  constructor(config: PostgresAttachmentStoreConfig) {
    this.#database = new MigratedDatabase(config?.driver, config?.schema, "PostgresAttachmentStore");
  }

  /** True on a PostgreSQL server (`fromPgPool`), false on an embedded PGlite. */
  get sharedAcrossProcesses(): boolean {
    return this.#database.sharedAcrossProcesses;
  }

  async write(attachmentId: string, bytes: Uint8Array): Promise<void> {
    const db = await this.#database.ready();
    await db.query(
      `INSERT INTO ${this.#database.tables.attachmentBytes} (id, bytes) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET bytes = excluded.bytes`,
      [attachmentId, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
    );
  }

  async read(attachmentId: string): Promise<Uint8Array> {
    const db = await this.#database.ready();
    const [row] = await db.query<{ bytes: Uint8Array }>(
      `SELECT bytes FROM ${this.#database.tables.attachmentBytes} WHERE id = $1`,
      [attachmentId],
    );
    if (row === undefined) throw new StoreNotFoundError("attachment", attachmentId);
    return new Uint8Array(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength);
  }

  async delete(attachmentId: string): Promise<void> {
    const db = await this.#database.ready();
    await db.query(`DELETE FROM ${this.#database.tables.attachmentBytes} WHERE id = $1`, [attachmentId]);
  }
}
