import { runStoreContract } from "../../../../lib/server/storeContract";
import { PostgresStore } from "../../../../lib/stores/postgres/PostgresStore";
import { databaseForSuite, onEachEngine, type TestDatabase } from "../../../helpers/postgresEngines";

interface User {
  readonly userId: string;
}

/** The whole store contract, isolation included, on one engine. */
function contractOn(name: string, open: () => Promise<TestDatabase> | TestDatabase): void {
  describe(name, () => {
    const db = databaseForSuite(open);

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
