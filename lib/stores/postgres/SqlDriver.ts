/**
 * The little a {@link PostgresStore} needs from a PostgreSQL client: one
 * statement with `$1`-style parameters, and a transaction. Both engines
 * satisfy it through a few lines of glue ({@link fromPGlite},
 * {@link fromPgPool}), so the store's SQL is written once.
 */
export interface SqlQueryable {
  /** Runs one statement; resolves with its rows (jsonb parsed, timestamptz as `Date`). */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** A {@link SqlQueryable} that can also run several statements as one transaction. */
export interface SqlDriver extends SqlQueryable {
  /**
   * Runs `body` inside `BEGIN`/`COMMIT` on one connection; a rejection
   * rolls back and rejects with the same error.
   */
  transaction<T>(body: (tx: SqlQueryable) => Promise<T>): Promise<T>;

  /** True when other processes can reach the same database (a server), false for an embedded one. */
  readonly sharedAcrossProcesses?: boolean | undefined;
}
