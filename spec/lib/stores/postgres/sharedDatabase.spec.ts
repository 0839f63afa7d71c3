import { ThreadBusyError } from "../../../../lib/errors";
import { PostgresStore } from "../../../../lib/stores/postgres/PostgresStore";
import type { AcquireThreadOptions, ReleaseThread } from "../../../../lib/server/ThreadLocks";
import type { LeaseConfig } from "../../../../lib/stores/postgres/PostgresThreadLocks";
import { databaseForSuite, onEachEngine, type TestDatabase } from "../../../helpers/postgresEngines";

const T0 = "2025-01-01T00:00:00.000Z";
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Several store instances on one database, as several app processes would have: on `name`. */
function sharedDatabaseOn(name: string, open: () => Promise<TestDatabase> | TestDatabase): void {
  describe(`several PostgresStores on one database: ${name}`, () => {
    const db = databaseForSuite(open);
    /** `count` stores on one fresh schema, each with its own connection (pool) where the engine has several. */
    function processes(
      count: number,
      leases: LeaseConfig = {},
      schema = db().freshSchema(),
    ): PostgresStore[] {
      return Array.from(
        { length: count },
        () => new PostgresStore({ driver: db().driver(), schema, leases }),
      );
    }

    it("migrate once when they start at once, and share threads", async () => {
      const stores = processes(4);
      expect(await Promise.all(stores.map((store) => store.migrate()))).toEqual([2, 2, 2, 2]);
      const [one, two] = stores as [PostgresStore, PostgresStore];
      await one.createThread({ id: "thr_1", created_at: T0, status: { type: "active" } }, undefined);
      expect((await two.loadThreads({ limit: 5, order: "asc" }, undefined)).data.map((t) => t.id)).toEqual([
        "thr_1",
      ]);
    });

    describe("threadLocks", () => {
      /** Every lease a test took, released after it even when it fails (a held lease renews on a timer, which would keep Jest running). */
      const held: ReleaseThread[] = [];
      afterEach(async () => {
        await Promise.all(held.splice(0).map((release) => release()));
      });
      async function acquire(
        store: PostgresStore,
        threadId: string,
        options: AcquireThreadOptions,
      ): Promise<ReleaseThread> {
        const release = await store.threadLocks.acquire(threadId, options);
        held.push(release);
        return release;
      }

      it("let one store hold a thread at a time; another gets ThreadBusyError after waitMs", async () => {
        const [one, two] = processes(2) as [PostgresStore, PostgresStore];
        const release = await acquire(one, "thr_1", { waitMs: 0 });
        const started = Date.now();
        const busy = acquire(two, "thr_1", { waitMs: 150 });
        await expect(busy).rejects.toBeInstanceOf(ThreadBusyError);
        await expect(busy).rejects.toMatchObject({ threadId: "thr_1" });
        expect(Date.now() - started).toBeGreaterThanOrEqual(140);
        const other = await acquire(two, "thr_2", { waitMs: 0 });
        await release();
        await release(); // safe twice
        const next = await acquire(two, "thr_1", { waitMs: 0 });
        await next();
        await other();
      });

      it("hand the thread to a waiter once the holder releases it", async () => {
        const [one, two] = processes(2) as [PostgresStore, PostgresStore];
        const release = await acquire(one, "thr_1", { waitMs: 0 });
        let acquired = false;
        const waiting = acquire(two, "thr_1", { waitMs: 10_000 }).then((releaseTwo) => {
          acquired = true;
          return releaseTwo;
        });
        await delay(150);
        expect(acquired).toBe(false);
        await release();
        const releaseTwo = await waiting;
        await expect(acquire(one, "thr_1", { waitMs: 0 })).rejects.toBeInstanceOf(ThreadBusyError);
        await releaseTwo();
      });

      it("renew a held lease, so it outlives its ttl while the holder lives", async () => {
        const [one, two] = processes(2, { ttlMs: 300 }) as [PostgresStore, PostgresStore];
        const release = await acquire(one, "thr_1", { waitMs: 0 });
        await delay(1_000);
        await expect(acquire(two, "thr_1", { waitMs: 0 })).rejects.toBeInstanceOf(ThreadBusyError);
        await release();
        await (
          await acquire(two, "thr_1", { waitMs: 0 })
        )();
      });

      it("take over a lease its holder stopped renewing (a crashed process); the old holder's release leaves it", async () => {
        const schema = db().freshSchema();
        const [one, two, three] = processes(3, {}, schema) as [PostgresStore, PostgresStore, PostgresStore];
        const releaseOne = await acquire(one, "thr_1", { waitMs: 0 });
        await expect(acquire(two, "thr_1", { waitMs: 50 })).rejects.toBeInstanceOf(ThreadBusyError);
        // What a crash looks like from the database: the lease is no longer renewed and runs out.
        await db()
          .driver()
          .query(
            `UPDATE "${schema}".chatkit_thread_leases SET expires_at = clock_timestamp() - interval '1 second'`,
          );
        const releaseTwo = await acquire(two, "thr_1", { waitMs: 1_000 });
        await releaseOne(); // the old holder comes back: its release must not free the new holder's lease
        await expect(acquire(three, "thr_1", { waitMs: 0 })).rejects.toBeInstanceOf(ThreadBusyError);
        await releaseTwo();
        await (
          await acquire(three, "thr_1", { waitMs: 0 })
        )();
      });

      it("stop waiting when the signal aborts, with its reason, and take nothing", async () => {
        const [one, two] = processes(2) as [PostgresStore, PostgresStore];
        const release = await acquire(one, "thr_1", { waitMs: 0 });
        const controller = new AbortController();
        const waiting = acquire(two, "thr_1", { waitMs: 10_000, signal: controller.signal });
        await delay(60);
        const reason = new Error("client went away");
        controller.abort(reason);
        await expect(waiting).rejects.toBe(reason);
        await release();
        await (
          await acquire(one, "thr_1", { waitMs: 0 })
        )();
      });

      it("throw a TypeError for a waitMs that is not a number >= 0", async () => {
        const [one] = processes(1) as [PostgresStore];
        await expect(acquire(one, "thr_1", { waitMs: -1 })).rejects.toThrow(
          new TypeError("PostgresThreadLocks.acquire: waitMs must be a number >= 0, got -1"),
        );
      });
    });
  });
}

onEachEngine("several PostgresStores", sharedDatabaseOn);
