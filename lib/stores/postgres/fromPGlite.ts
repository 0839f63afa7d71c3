import type { SqlDriver, SqlQueryable } from "./SqlDriver";

/** What {@link fromPGlite} uses of a PGlite instance (typed structurally, so the library never loads PGlite itself). */
export interface PGliteLike extends PGliteQueryable {
  transaction<T>(callback: (tx: PGliteQueryable) => Promise<T>): Promise<T>;
}

/** A PGlite connection or transaction. */
export interface PGliteQueryable {
  query<Row>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

function queryable(db: PGliteQueryable): SqlQueryable {
  return {
    query: async <Row>(sql: string, params: readonly unknown[] = []) =>
      (await db.query<Row>(sql, [...params])).rows,
  };
}

/**
 * Runs a {@link PostgresStore} on `@electric-sql/pglite`: PostgreSQL compiled
 * to WebAssembly, in this process, in memory (`new PGlite()`) or in a data
 * directory (`new PGlite("./data/chatkit")`). One PGlite instance is one
 * connection; several stores may share it.
 *
 * @example
 * ```ts
 * import { PGlite } from "@electric-sql/pglite";
 * const store = new PostgresStore({ driver: fromPGlite(new PGlite("./data/chatkit")), owner: (c) => c.userId });
 * ```
 */
export function fromPGlite(db: PGliteLike): SqlDriver {
  if (typeof db?.query !== "function" || typeof db.transaction !== "function") {
    throw new TypeError(`fromPGlite: expected a PGlite instance, got ${typeof db}`);
  }
  return {
    // PGlite lives in this process's memory (its data directory takes one process at a time).
    sharedAcrossProcesses: false,
    ...queryable(db),
    transaction: (body) => db.transaction((tx) => body(queryable(tx))),
  };
}
