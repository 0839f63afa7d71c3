import { StoreSchemaError } from "../../errors";
import type { SqlDriver } from "./SqlDriver";
import type { Tables } from "./tables";

/**
 * The store's schema, as forward migrations: version `n` is reached by
 * running every statement of `MIGRATIONS[n - 1]`. Never edit a released
 * migration; append a new one.
 */
function migrations(t: Tables): readonly (readonly string[])[] {
  return [
    [
      `CREATE TABLE ${t.threads} (
        id text PRIMARY KEY,
        owner text NOT NULL,
        created_at timestamptz NOT NULL,
        seq bigserial NOT NULL UNIQUE,
        data jsonb NOT NULL
      )`,
      // Keyset pagination of one owner's threads: (created_at, seq), both directions.
      `CREATE INDEX ${t.name("chatkit_threads_owner_order")} ON ${t.threads} (owner, created_at, seq)`,
      `CREATE TABLE ${t.items} (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        thread_id text NOT NULL REFERENCES ${t.threads} (id) ON DELETE CASCADE,
        type text NOT NULL,
        data jsonb NOT NULL
      )`,
      `CREATE INDEX ${t.name("chatkit_items_thread_order")} ON ${t.items} (thread_id, seq)`,
      // Pages of visible items skip hidden ones in the index, not after the limit.
      `CREATE INDEX ${t.name("chatkit_items_thread_visible_order")} ON ${t.items} (thread_id, seq)
        WHERE type NOT IN ('hidden_context_item', 'sdk_hidden_context')`,
      `CREATE TABLE ${t.leases} (
        thread_id text PRIMARY KEY,
        holder text NOT NULL,
        expires_at timestamptz NOT NULL
      )`,
    ],
    // 2: attachments. Metadata is owned like a thread; bytes are keyed by the attachment id alone.
    [
      `CREATE TABLE ${t.attachments} (
        id text PRIMARY KEY,
        owner text NOT NULL,
        data jsonb NOT NULL
      )`,
      `CREATE TABLE ${t.attachmentBytes} (
        id text PRIMARY KEY,
        bytes bytea NOT NULL
      )`,
    ],
  ];
}

/** An arbitrary constant: the advisory lock's first key, so ours cannot collide with an application's single-key locks. */
const LOCK_CLASS = 0x63686b74; // "chkt"

/**
 * Brings the schema to the newest version this library knows, in one
 * transaction under an advisory lock keyed by the schema name: several
 * processes starting at once queue on the lock, the first migrates, the
 * others find the work done. Returns the version reached.
 */
export async function migrate(driver: SqlDriver, t: Tables): Promise<number> {
  const steps = migrations(t);
  return driver.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${LOCK_CLASS}, hashtext($1))`, [t.schema]);
    // Only when missing: CREATE SCHEMA needs a privilege an app's role may lack, even with IF NOT EXISTS.
    const schemas = await tx.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [t.schema]);
    if (schemas.length === 0) await tx.query(`CREATE SCHEMA ${t.quotedSchema}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${t.versions} (
        version integer PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const [row] = await tx.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM ${t.versions}`,
    );
    const current = row?.version ?? 0;
    if (current > steps.length) throw new StoreSchemaError(t.schema, current, steps.length);
    for (let version = current + 1; version <= steps.length; version++) {
      for (const statement of steps[version - 1] ?? []) await tx.query(statement);
      await tx.query(`INSERT INTO ${t.versions} (version) VALUES ($1)`, [version]);
    }
    return steps.length;
  });
}
