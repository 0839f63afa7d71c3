import { EMPTY } from "rxjs";

import { ChatKitServer } from "../../../../lib/server/ChatKitServer";
import { checkSharedAcrossProcesses } from "../../../../lib/server/cluster/checkSharedAcrossProcesses";
import { LocalThreadLocks } from "../../../../lib/server/LocalThreadLocks";
import type { ThreadLocks } from "../../../../lib/server/ThreadLocks";
import { MemoryStore } from "../../../../lib/stores/MemoryStore";
import { fromPGlite } from "../../../../lib/stores/postgres/fromPGlite";
import { fromPgPool } from "../../../../lib/stores/postgres/fromPgPool";
import { PostgresAttachmentStore } from "../../../../lib/stores/postgres/PostgresAttachmentStore";
import { PostgresStore } from "../../../../lib/stores/postgres/PostgresStore";

/** Clients that are never queried: the check reads what the store says about itself, and runs no SQL. */
const unused = () => Promise.reject(new Error("not queried"));
const pgPool = { query: unused, connect: unused };
const pglite = { query: unused, transaction: unused };

const serverOn = (store: ConstructorParameters<typeof ChatKitServer>[0]) =>
  new ChatKitServer({ respond: () => EMPTY, ...store });

describe("checkSharedAcrossProcesses", () => {
  it("accepts a PostgresStore on a PostgreSQL server (fromPgPool), with its leases as the thread locks", () => {
    const server = serverOn({ store: new PostgresStore({ driver: fromPgPool(pgPool) }) });
    expect(server.threadLocks).toBe(server.store.threadLocks);
    expect(() => checkSharedAcrossProcesses(server, "f")).not.toThrow();
  });

  it("refuses a MemoryStore, naming it, the caller and the store to use instead", () => {
    expect(() =>
      checkSharedAcrossProcesses(serverOn({ store: new MemoryStore() }), "serveOnAllCores"),
    ).toThrow(
      new TypeError(
        "serveOnAllCores: the server's store (MemoryStore) lives in one process: each worker would keep threads " +
          "of its own, and a thread created through one worker would be missing on the others. Use a store the " +
          "processes share: new PostgresStore({ driver: fromPgPool(new Pool({ connectionString: " +
          "process.env.DATABASE_URL })) }), or your own store with sharedAcrossProcesses: true.",
      ),
    );
  });

  it("refuses the default store (a ChatKitServer given none keeps a MemoryStore)", () => {
    expect(() => checkSharedAcrossProcesses(new ChatKitServer({ respond: () => EMPTY }), "f")).toThrow(
      "f: the server's store (MemoryStore) lives in one process",
    );
  });

  it("refuses a PostgresStore on an embedded PGlite", () => {
    const server = serverOn({ store: new PostgresStore({ driver: fromPGlite(pglite) }) });
    expect(() => checkSharedAcrossProcesses(server, "f")).toThrow(
      "f: the server's store (PostgresStore on an embedded PGlite) lives in one process",
    );
  });

  it("refuses in-process thread locks given in place of a shared store's leases", () => {
    const server = serverOn({
      store: new PostgresStore({ driver: fromPgPool(pgPool) }),
      threadLocks: new LocalThreadLocks(),
    });
    expect(() => checkSharedAcrossProcesses(server, "f")).toThrow(
      "f: the server's threadLocks (LocalThreadLocks) hold a thread in one process only",
    );
  });

  it("accepts a store and locks of your own that say they are shared", () => {
    class SharedStore extends MemoryStore {
      readonly sharedAcrossProcesses = true;
    }
    const locks: ThreadLocks = {
      sharedAcrossProcesses: true,
      acquire: () => Promise.resolve(async () => {}),
    };
    expect(() =>
      checkSharedAcrossProcesses(serverOn({ store: new SharedStore(), threadLocks: locks }), "f"),
    ).not.toThrow();
  });

  describe("attachments", () => {
    const secret = "s".repeat(32);
    const sharedStore = () => new PostgresStore({ driver: fromPgPool(pgPool) });

    it("accepts a given secret with bytes in a directory or on a PostgreSQL server", () => {
      for (const bytes of [
        { directory: "/tmp/chatkit-attachments" },
        { store: new PostgresAttachmentStore({ driver: fromPgPool(pgPool) }) },
      ]) {
        const server = serverOn({ store: sharedStore(), attachments: { url: "/chatkit", secret, ...bytes } });
        expect(() => checkSharedAcrossProcesses(server, "f")).not.toThrow();
      }
    });

    it("refuses a secret made at random per process: a URL one worker signs would be refused by the next", () => {
      const server = serverOn({
        store: sharedStore(),
        attachments: { url: "/chatkit", directory: "/tmp/a" },
      });
      expect(() => checkSharedAcrossProcesses(server, "serveOnAllCores")).toThrow(
        "serveOnAllCores: the server's attachments cannot be shared by the workers: its attachments.secret is " +
          "made at random in each process",
      );
    });

    it("refuses bytes kept in an embedded PGlite", () => {
      const server = serverOn({
        store: sharedStore(),
        attachments: {
          url: "/chatkit",
          secret,
          store: new PostgresAttachmentStore({ driver: fromPGlite(pglite) }),
        },
      });
      expect(() => checkSharedAcrossProcesses(server, "f")).toThrow(
        "f: the server's attachments cannot be shared by the workers: its attachment bytes " +
          "(PostgresAttachmentStore) live in one process",
      );
    });
  });
});
