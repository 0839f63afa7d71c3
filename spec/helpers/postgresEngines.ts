import { PGlite } from "@electric-sql/pglite";
import { Pool } from "pg";

import { fromPGlite } from "../../lib/stores/postgres/fromPGlite";
import { fromPgPool } from "../../lib/stores/postgres/fromPgPool";
import type { SqlDriver } from "../../lib/stores/postgres/SqlDriver";

/**
 * A database for store specs: one per spec file (PGlite takes seconds to
 * start), with a fresh schema per store so each test starts empty.
 */
export interface TestDatabase {
  readonly name: string;
  /** A connection to the database; each call on a server is a new pool, like another process would have. */
  driver(): SqlDriver;
  /** A schema name nobody has used yet. */
  freshSchema(): string;
  close(): Promise<void>;
}

let schemas = 0;
const freshSchema = (): string => `spec_${process.pid}_${Date.now().toString(36)}_${++schemas}`;

/** An in-memory PGlite; every driver shares the one instance (one connection). */
export async function pgliteDatabase(): Promise<TestDatabase> {
  const db = await PGlite.create();
  return {
    name: "PGlite (in memory)",
    driver: () => fromPGlite(db),
    freshSchema,
    close: () => db.close(),
  };
}

/** The PostgreSQL server at `url`; dropping the schemas this file made on close. */
export function serverDatabase(url: string): TestDatabase {
  const pools: Pool[] = [];
  const made: string[] = [];
  return {
    name: "PostgreSQL server (DATABASE_URL)",
    driver: () => {
      const pool = new Pool({ connectionString: url, max: 4 });
      pools.push(pool);
      return fromPgPool(pool);
    },
    freshSchema: () => {
      const schema = freshSchema();
      made.push(schema);
      return schema;
    },
    async close() {
      const pool = new Pool({ connectionString: url, max: 1 });
      try {
        for (const schema of made) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await pool.end();
        await Promise.all(pools.map((p) => p.end()));
      }
    },
  };
}

/**
 * Opens a database before the tests of the suite it is called in and
 * closes it after them; the function it returns gives the open database
 * (and throws, naming why, if it did not open).
 */
export function databaseForSuite(open: () => Promise<TestDatabase> | TestDatabase): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(() => database?.close());
  return () => {
    if (database === undefined) throw new Error("the database did not open");
    return database;
  };
}

/**
 * Runs `specs(url)` when `DATABASE_URL` names a PostgreSQL server; else says
 * in the test output that `what` did not run (and `why` no PGlite stands
 * in, if given), rather than hiding it as a passing test.
 */
export function onPostgresServer(what: string, specs: (url: string) => void, why?: string): void {
  const url = process.env["DATABASE_URL"];
  if (url === undefined || url === "") {
    console.warn(
      `${what}: NOT RUN (DATABASE_URL is not set; ${why === undefined ? "" : `${why}; `}.ci/run starts a server and sets it)`,
    );
  } else {
    specs(url);
  }
}

/** Runs `specs` on an in-memory PGlite, and on the PostgreSQL server when `DATABASE_URL` names one. */
export function onEachEngine(
  what: string,
  specs: (name: string, open: () => Promise<TestDatabase> | TestDatabase) => void,
): void {
  specs("PGlite", pgliteDatabase);
  onPostgresServer(`${what} on a PostgreSQL server`, (url) =>
    specs("a PostgreSQL server", () => serverDatabase(url)),
  );
}
