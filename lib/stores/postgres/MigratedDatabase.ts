import { migrate } from "./migrations";
import type { SqlDriver } from "./SqlDriver";
import { tablesIn, type Tables } from "./tables";

/**
 * A database as this package's PostgreSQL stores use it: the driver, the
 * tables in the configured schema, and the migrations run once, on first
 * use, before any query. `PostgresStore` and `PostgresAttachmentStore`
 * each hold one, so they check their driver and migrate the same way.
 */
export class MigratedDatabase {
  readonly tables: Tables;
  readonly #driver: SqlDriver;
  #ready: Promise<number> | undefined;

  /**
   * @param caller Names the store in a `TypeError` when `driver` is not a
   *   {@link SqlDriver} or `schema` is not a valid name.
   */
  constructor(driver: SqlDriver, schema: string | undefined, caller: string) {
    if (typeof driver?.query !== "function" || typeof driver.transaction !== "function") {
      throw new TypeError(
        `${caller}: config.driver must be a SqlDriver (fromPGlite(db) or fromPgPool(pool)), ` +
          `got ${typeof driver}`,
      );
    }
    this.#driver = driver;
    this.tables = tablesIn(schema ?? "public", caller);
  }

  /** True on a PostgreSQL server (`fromPgPool`), false on an embedded PGlite (one process only). */
  get sharedAcrossProcesses(): boolean {
    return this.#driver.sharedAcrossProcesses === true;
  }

  /**
   * Creates or upgrades the tables (once; later calls share the first);
   * resolves with the schema version. A failure is not kept: the next call
   * tries again.
   */
  migrate(): Promise<number> {
    this.#ready ??= migrate(this.#driver, this.tables).catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  /** The driver, once the tables are there. */
  async ready(): Promise<SqlDriver> {
    await this.migrate();
    return this.#driver;
  }
}
