import { runStoreContract } from "../../../../lib/server/storeContract";
import { PostgresStore } from "../../../../lib/stores/postgres/PostgresStore";
import { pgliteDatabase, serverDatabase, type TestDatabase } from "../../../helpers/postgresEngines";

interface User {
  readonly userId: string;
}

/** The whole store contract, isolation included, on one engine. */
function contractOn(name: string, open: () => Promise<TestDatabase> | TestDatabase): void {
  describe(name, () => {
    let database: TestDatabase | undefined;
    beforeAll(async () => {
      database = await open();
    });
    afterAll(() => database?.close());
    const db = (): TestDatabase => {
      if (database === undefined) throw new Error("the database did not open");
      return database;
    };

    runStoreContract(
      `PostgresStore on ${name}`,
      {
        makeStore: () =>
          new PostgresStore<User>({
            driver: db().driver(),
            schema: db().freshSchema(),
            owner: (context) => context.userId,
          }),
        context: { userId: "alice" },
        otherContext: { userId: "bob" },
      },
      { describe, it },
    );
  });
}

contractOn("PGlite", pgliteDatabase);

const url = process.env["DATABASE_URL"];
if (url === undefined || url === "") {
  // Said in the output, not hidden as a passing test: this run did not check the real server.
  console.warn(
    "PostgresStore on a PostgreSQL server: NOT RUN (DATABASE_URL is not set; .ci/run starts a server and sets it)",
  );
} else {
  contractOn("a PostgreSQL server", () => serverDatabase(url));
}
