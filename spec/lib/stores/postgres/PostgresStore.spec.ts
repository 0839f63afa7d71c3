import { runStoreContract } from "../../../../lib/server/storeContract";
import { PostgresStore } from "../../../../lib/stores/postgres/PostgresStore";
import { onEachEngine, type TestDatabase } from "../../../helpers/postgresEngines";

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

onEachEngine("PostgresStore", contractOn);
