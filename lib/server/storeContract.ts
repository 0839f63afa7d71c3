import { isDeepStrictEqual } from "node:util";

import type { ThreadItem, ThreadMetadata } from "../events/threadItems";
import { StoreNotFoundError } from "../errors";
import type { Store } from "./Store";

/**
 * The test functions the contract needs, so it runs under Jest, Vitest or
 * `node:test` alike (pass their `describe` and `it`/`test`).
 */
export interface ContractRunner {
  readonly describe: (name: string, body: () => void) => void;
  readonly it: (name: string, body: () => Promise<void>) => void;
}

/** Options of {@link runStoreContract}. */
export interface StoreContractConfig<TContext> {
  /** A fresh, empty store per test. */
  readonly makeStore: () => Store<TContext> | Promise<Store<TContext>>;
  /** The context passed to every call. */
  readonly context: TContext;
}

class ContractViolation extends Error {
  override readonly name = "ContractViolation";
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new ContractViolation(message);
}

function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function equal(actual: unknown, expected: unknown, what: string): void {
  check(
    // Through JSON: stores may return objects of another realm (structuredClone under a test VM) or class instances.
    isDeepStrictEqual(plain(actual), plain(expected)),
    `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
  );
}

async function rejectsNotFound(promise: Promise<unknown>, what: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    check(
      error instanceof StoreNotFoundError,
      `${what}: expected a StoreNotFoundError, got ${String(error)}`,
    );
    return;
  }
  throw new ContractViolation(`${what}: expected a StoreNotFoundError, but it resolved`);
}

function thread(id: string, createdAt: string): ThreadMetadata {
  return { id, created_at: createdAt, status: { type: "active" } };
}

function note(threadId: string, id: string, content = id): ThreadItem {
  return {
    type: "hidden_context_item",
    id,
    thread_id: threadId,
    created_at: "2025-01-01T00:00:00.000Z",
    content,
  };
}

/**
 * The behaviour every {@link Store} must have for `ChatKitServer` to work
 * (see the contract in `Store`'s doc comment), as a test suite any
 * implementation can run: a database-backed store runs the same cases as
 * `MemoryStore`.
 *
 * @example
 * ```ts
 * runStoreContract("PostgresStore", { makeStore: () => new PostgresStore(pool), context: {} }, { describe, it });
 * ```
 *
 * @param name Names the `describe` block.
 * @param config Makes fresh stores; the context to use.
 * @param runner The test framework's `describe` and `it`.
 */
export function runStoreContract<TContext>(
  name: string,
  config: StoreContractConfig<TContext>,
  runner: ContractRunner,
): void {
  const { context } = config;
  const { describe, it } = runner;

  describe(`Store contract: ${name}`, () => {
    it("generates distinct, prefixed ids", async () => {
      const store = await config.makeStore();
      const t = thread("thr_a", "2025-01-01T00:00:00.000Z");
      const ids = new Set<string>();
      for (let i = 0; i < 50; i++) ids.add(store.generateItemId("message", t, context));
      equal(ids.size, 50, "50 message ids");
      check(store.generateThreadId(context).startsWith("thr_"), "thread ids start with thr_");
      check(store.generateItemId("message", t, context).startsWith("msg_"), "message ids start with msg_");
    });

    it("saves, loads and replaces thread metadata", async () => {
      const store = await config.makeStore();
      await store.saveThread(thread("thr_a", "2025-01-01T00:00:00.000Z"), context);
      equal(
        await store.loadThread("thr_a", context),
        thread("thr_a", "2025-01-01T00:00:00.000Z"),
        "loaded thread",
      );
      await store.saveThread({ ...thread("thr_a", "2025-01-01T00:00:00.000Z"), title: "Renamed" }, context);
      equal((await store.loadThread("thr_a", context)).title, "Renamed", "title after a second save");
    });

    it("rejects unknown threads and items with StoreNotFoundError", async () => {
      const store = await config.makeStore();
      await rejectsNotFound(store.loadThread("thr_missing", context), "loadThread");
      await rejectsNotFound(
        store.loadThreadItems("thr_missing", { limit: 10, order: "asc" }, context),
        "loadThreadItems",
      );
      await rejectsNotFound(
        store.addThreadItem("thr_missing", note("thr_missing", "hcx_1"), context),
        "addThreadItem",
      );
      await store.saveThread(thread("thr_a", "2025-01-01T00:00:00.000Z"), context);
      await rejectsNotFound(store.loadItem("thr_a", "msg_missing", context), "loadItem");
      await rejectsNotFound(
        store.loadThreadItems("thr_a", { limit: 10, order: "asc", after: "msg_missing" }, context),
        "an unknown cursor",
      );
    });

    it("keeps items in insertion order and paginates both ways", async () => {
      const store = await config.makeStore();
      await store.saveThread(thread("thr_a", "2025-01-01T00:00:00.000Z"), context);
      for (const id of ["i1", "i2", "i3", "i4", "i5"])
        await store.addThreadItem("thr_a", note("thr_a", id), context);
      const first = await store.loadThreadItems("thr_a", { limit: 2, order: "asc" }, context);
      equal(
        first.data.map((item) => item.id),
        ["i1", "i2"],
        "first asc page",
      );
      equal([first.has_more, first.after], [true, "i2"], "has_more/after of the first page");
      const second = await store.loadThreadItems("thr_a", { limit: 2, order: "asc", after: "i2" }, context);
      equal(
        second.data.map((item) => item.id),
        ["i3", "i4"],
        "second asc page",
      );
      const last = await store.loadThreadItems("thr_a", { limit: 2, order: "asc", after: "i4" }, context);
      equal([last.data.map((item) => item.id), last.has_more], [["i5"], false], "last asc page");
      const desc = await store.loadThreadItems("thr_a", { limit: 3, order: "desc" }, context);
      equal(
        desc.data.map((item) => item.id),
        ["i5", "i4", "i3"],
        "first desc page",
      );
    });

    it("replaces an item in place on a second add or save, appends a new one on save", async () => {
      const store = await config.makeStore();
      await store.saveThread(thread("thr_a", "2025-01-01T00:00:00.000Z"), context);
      await store.addThreadItem("thr_a", note("thr_a", "i1"), context);
      await store.addThreadItem("thr_a", note("thr_a", "i2"), context);
      await store.addThreadItem("thr_a", note("thr_a", "i1", "again"), context);
      await store.saveItem("thr_a", note("thr_a", "i2", "saved"), context);
      await store.saveItem("thr_a", note("thr_a", "i3"), context);
      const page = await store.loadThreadItems("thr_a", { limit: 10, order: "asc" }, context);
      equal(
        page.data.map((item) => [item.id, (item as { content?: unknown }).content]),
        [
          ["i1", "again"],
          ["i2", "saved"],
          ["i3", "i3"],
        ],
        "items after replacing",
      );
      equal(await store.loadItem("thr_a", "i2", context), note("thr_a", "i2", "saved"), "loadItem");
    });

    it("lists threads by created_at, newest first for desc", async () => {
      const store = await config.makeStore();
      await store.saveThread(thread("thr_b", "2025-01-02T00:00:00.000Z"), context);
      await store.saveThread(thread("thr_a", "2025-01-01T00:00:00.000Z"), context);
      await store.saveThread(thread("thr_c", "2025-01-03T00:00:00.000Z"), context);
      const desc = await store.loadThreads({ limit: 2, order: "desc" }, context);
      equal(
        desc.data.map((t) => t.id),
        ["thr_c", "thr_b"],
        "desc page",
      );
      equal(desc.has_more, true, "has_more");
      const rest = await store.loadThreads({ limit: 2, order: "desc", after: "thr_b" }, context);
      equal(
        rest.data.map((t) => t.id),
        ["thr_a"],
        "next desc page",
      );
      const asc = await store.loadThreads({ limit: 5, order: "asc" }, context);
      equal(
        asc.data.map((t) => t.id),
        ["thr_a", "thr_b", "thr_c"],
        "asc",
      );
    });

    it("deletes items and threads (with their items); deleting what is absent is a no-op", async () => {
      const store = await config.makeStore();
      await store.saveThread(thread("thr_a", "2025-01-01T00:00:00.000Z"), context);
      await store.addThreadItem("thr_a", note("thr_a", "i1"), context);
      await store.addThreadItem("thr_a", note("thr_a", "i2"), context);
      await store.deleteThreadItem("thr_a", "i1", context);
      await store.deleteThreadItem("thr_a", "i_absent", context);
      equal(
        (await store.loadThreadItems("thr_a", { limit: 10, order: "asc" }, context)).data.map((i) => i.id),
        ["i2"],
        "after deleting i1",
      );
      await store.deleteThread("thr_a", context);
      await store.deleteThread("thr_absent", context);
      await rejectsNotFound(store.loadThread("thr_a", context), "a deleted thread");
      await store.saveThread(thread("thr_a", "2025-01-01T00:00:00.000Z"), context);
      equal(
        (await store.loadThreadItems("thr_a", { limit: 10, order: "asc" }, context)).data,
        [],
        "items of a re-created thread",
      );
    });

    it("hands out copies: mutating what was saved or loaded does not change the store", async () => {
      const store = await config.makeStore();
      const t = thread("thr_a", "2025-01-01T00:00:00.000Z");
      await store.saveThread(t, context);
      t.title = "mutated after save";
      (await store.loadThread("thr_a", context)).title = "mutated after load";
      equal((await store.loadThread("thr_a", context)).title, undefined, "title");
      const item = note("thr_a", "i1", "original");
      await store.addThreadItem("thr_a", item, context);
      (item as { content: unknown }).content = "mutated";
      const loaded = await store.loadItem("thr_a", "i1", context);
      (loaded as { content: unknown }).content = "mutated too";
      equal(await store.loadItem("thr_a", "i1", context), note("thr_a", "i1", "original"), "item");
    });
  });
}
