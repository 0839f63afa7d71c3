import type { SqlDriver, SqlQueryable } from "./SqlDriver";

/** A `pg` client checked out of a pool. */
export interface PgClientLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  /** Pass an error to destroy the connection instead of reusing it. */
  release(error?: Error | boolean): void;
}

/** What {@link fromPgPool} uses of a `pg` `Pool` (typed structurally, so the library never loads `pg` itself). */
export interface PgPoolLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  connect(): Promise<PgClientLike>;
}

/**
 * Runs a {@link PostgresStore} on a PostgreSQL server through a `pg` `Pool`:
 * for production, and for several app instances sharing one database.
 *
 * @example
 * ```ts
 * import { Pool } from "pg";
 * const store = new PostgresStore({ driver: fromPgPool(new Pool({ connectionString: process.env.DATABASE_URL })) });
 * ```
 */
export function fromPgPool(pool: PgPoolLike): SqlDriver {
  if (typeof pool?.query !== "function" || typeof pool.connect !== "function") {
    throw new TypeError(`fromPgPool: expected a pg Pool, got ${typeof pool}`);
  }
  const run = async <Row>(client: PgPoolLike | PgClientLike, sql: string, params: readonly unknown[]) =>
    (await client.query(sql, [...params])).rows as Row[];
  return {
    sharedAcrossProcesses: true,
    query: (sql, params = []) => run(pool, sql, params),
    async transaction(body) {
      const client = await pool.connect();
      const tx: SqlQueryable = { query: (sql, params = []) => run(client, sql, params) };
      try {
        await client.query("BEGIN");
        const result = await body(tx);
        await client.query("COMMIT");
        client.release();
        return result;
      } catch (error) {
        try {
          await client.query("ROLLBACK");
          client.release();
        } catch (rollbackError) {
          // The connection is in an unknown state: destroy it rather than hand it to the next caller.
          client.release(rollbackError instanceof Error ? rollbackError : true);
        }
        throw error;
      }
    },
  };
}
