import type { Store } from "./Store";
import {
  check,
  equal,
  ids,
  message,
  note,
  rejectsConflict,
  rejectsNotFound,
  rejectsTypeError,
  thread,
} from "./storeContractChecks";
import { runStoreAttachmentContract } from "./storeAttachmentContract";
import { runStoreIsolationContract } from "./storeIsolationContract";

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
  /**
   * Another user's context. With it the isolation cases run too: the store
   * must keep `context`'s threads invisible to it. Leave it out only for a
   * store configured as one shared space.
   */
  readonly otherContext?: TContext | undefined;
}

const T0 = "2025-01-01T00:00:00.000Z";

/**
 * The behaviour every {@link Store} must have for `ChatKitServer` to work
 * (see the contract in `Store`'s doc comment), as a test suite any
 * implementation can run: a database-backed store runs the same cases as
 * `MemoryStore`.
 *
 * @example
 * ```ts
 * runStoreContract(
 *   "PostgresStore",
 *   { makeStore: () => makeStore(), context: { userId: "alice" }, otherContext: { userId: "bob" } },
 *   { describe, it },
 * );
 * ```
 *
 * @param name Names the `describe` block.
 * @param config Makes fresh stores; the contexts to use.
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
      const t = thread("thr_a", T0);
      const made = new Set<string>();
      for (let i = 0; i < 50; i++) made.add(store.generateItemId("message", t, context));
      equal(made.size, 50, "50 message ids");
      check(store.generateThreadId(context).startsWith("thr_"), "thread ids start with thr_");
      check(store.generateItemId("message", t, context).startsWith("msg_"), "message ids start with msg_");
    });

    it("creates, loads and replaces thread metadata; saveThread of a free id creates it", async () => {
      const store = await config.makeStore();
      await store.createThread(thread("thr_a", T0), context);
      equal(await store.loadThread("thr_a", context), thread("thr_a", T0), "loaded thread");
      await store.saveThread({ ...thread("thr_a", T0), title: "Renamed" }, context);
      equal((await store.loadThread("thr_a", context)).title, "Renamed", "title after a save");
      await store.saveThread(thread("thr_b", T0), context);
      equal(await store.loadThread("thr_b", context), thread("thr_b", T0), "thread made by saveThread");
    });

    it("keeps only the metadata of a Thread passed with its items", async () => {
      const store = await config.makeStore();
      const withItems = { ...thread("thr_a", T0), items: { data: [], has_more: false } };
      await store.createThread(withItems, context);
      equal(await store.loadThread("thr_a", context), thread("thr_a", T0), "loaded thread");
    });

    it("refuses to create a thread whose id exists, and changes nothing", async () => {
      const store = await config.makeStore();
      await store.createThread({ ...thread("thr_a", T0), title: "First" }, context);
      await rejectsConflict(
        store.createThread({ ...thread("thr_a", T0), title: "Second" }, context),
        "createThread of an existing id",
      );
      equal((await store.loadThread("thr_a", context)).title, "First", "title after the conflict");
    });

    it("rejects a thread whose created_at is not a date with a TypeError", async () => {
      const store = await config.makeStore();
      await rejectsTypeError(store.createThread(thread("thr_a", "yesterday"), context), "createThread");
      await rejectsNotFound(store.loadThread("thr_a", context), "the refused thread");
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
      await rejectsNotFound(store.saveItem("thr_missing", note("thr_missing", "hcx_1"), context), "saveItem");
      await store.createThread(thread("thr_a", T0), context);
      await rejectsNotFound(store.loadItem("thr_a", "msg_missing", context), "loadItem");
      await rejectsNotFound(
        store.loadThreadItems("thr_a", { limit: 10, order: "asc", after: "msg_missing" }, context),
        "an unknown item cursor",
      );
      await rejectsNotFound(
        store.loadThreads({ limit: 10, order: "asc", after: "thr_missing" }, context),
        "an unknown thread cursor",
      );
    });

    it("keeps items in insertion order and paginates both ways", async () => {
      const store = await config.makeStore();
      await store.createThread(thread("thr_a", T0), context);
      for (const id of ["i1", "i2", "i3", "i4", "i5"])
        await store.addThreadItem("thr_a", note("thr_a", id), context);
      const first = await store.loadThreadItems("thr_a", { limit: 2, order: "asc" }, context);
      equal(ids(first), ["i1", "i2"], "first asc page");
      equal([first.has_more, first.after], [true, "i2"], "has_more/after of the first page");
      const second = await store.loadThreadItems("thr_a", { limit: 2, order: "asc", after: "i2" }, context);
      equal(ids(second), ["i3", "i4"], "second asc page");
      const last = await store.loadThreadItems("thr_a", { limit: 2, order: "asc", after: "i4" }, context);
      equal([ids(last), last.has_more, last.after], [["i5"], false, undefined], "last asc page");
      const desc = await store.loadThreadItems("thr_a", { limit: 3, order: "desc" }, context);
      equal(ids(desc), ["i5", "i4", "i3"], "first desc page");
      const descRest = await store.loadThreadItems(
        "thr_a",
        { limit: 3, order: "desc", after: "i3" },
        context,
      );
      equal([ids(descRest), descRest.has_more], [["i2", "i1"], false], "second desc page");
    });

    it("leaves hidden items out before the limit when asked for visible items only", async () => {
      const store = await config.makeStore();
      await store.createThread(thread("thr_a", T0), context);
      const items = [
        message("thr_a", "m1"),
        note("thr_a", "h1"),
        note("thr_a", "h2"),
        message("thr_a", "m2"),
        note("thr_a", "h3"),
        message("thr_a", "m3"),
        note("thr_a", "h4"),
      ];
      for (const item of items) await store.addThreadItem("thr_a", item, context);
      const visible = { limit: 2, order: "asc", visibleOnly: true } as const;
      const first = await store.loadThreadItems("thr_a", visible, context);
      equal([ids(first), first.has_more, first.after], [["m1", "m2"], true, "m2"], "first visible page");
      const rest = await store.loadThreadItems("thr_a", { ...visible, after: "m2" }, context);
      equal(
        [ids(rest), rest.has_more],
        [["m3"], false],
        "a trailing hidden item does not make has_more true",
      );
      const fromHidden = await store.loadThreadItems("thr_a", { ...visible, after: "h1" }, context);
      equal(ids(fromHidden), ["m2", "m3"], "a hidden item as cursor");
      const desc = await store.loadThreadItems(
        "thr_a",
        { limit: 2, order: "desc", visibleOnly: true },
        context,
      );
      equal([ids(desc), desc.has_more], [["m3", "m2"], true], "first visible desc page");
      const all = await store.loadThreadItems("thr_a", { limit: 3, order: "asc" }, context);
      equal(ids(all), ["m1", "h1", "h2"], "without visibleOnly hidden items count");
    });

    it("replaces an item in place on a second add or save, appends a new one on save", async () => {
      const store = await config.makeStore();
      await store.createThread(thread("thr_a", T0), context);
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

    it("refuses an item id that another thread holds, and changes neither thread", async () => {
      const store = await config.makeStore();
      await store.createThread(thread("thr_a", T0), context);
      await store.createThread(thread("thr_b", T0), context);
      await store.addThreadItem("thr_a", note("thr_a", "i1", "in a"), context);
      await rejectsConflict(
        store.addThreadItem("thr_b", note("thr_b", "i1", "in b"), context),
        "addThreadItem",
      );
      await rejectsConflict(store.saveItem("thr_b", note("thr_b", "i1", "in b"), context), "saveItem");
      equal(
        await store.loadItem("thr_a", "i1", context),
        note("thr_a", "i1", "in a"),
        "the first thread's item",
      );
      equal(
        ids(await store.loadThreadItems("thr_b", { limit: 10, order: "asc" }, context)),
        [],
        "thr_b's items",
      );
      await store.deleteThreadItem("thr_b", "i1", context);
      equal(
        await store.loadItem("thr_a", "i1", context),
        note("thr_a", "i1", "in a"),
        "after a delete via thr_b",
      );
      await store.deleteThread("thr_a", context);
      await store.addThreadItem("thr_b", note("thr_b", "i1", "in b"), context);
      equal(await store.loadItem("thr_b", "i1", context), note("thr_b", "i1", "in b"), "the id once freed");
    });

    it("lists threads by created_at, newest first for desc", async () => {
      const store = await config.makeStore();
      await store.createThread(thread("thr_b", "2025-01-02T00:00:00.000Z"), context);
      await store.createThread(thread("thr_a", "2025-01-01T00:00:00.000Z"), context);
      await store.createThread(thread("thr_c", "2025-01-03T00:00:00.000Z"), context);
      const desc = await store.loadThreads({ limit: 2, order: "desc" }, context);
      equal(ids(desc), ["thr_c", "thr_b"], "desc page");
      equal([desc.has_more, desc.after], [true, "thr_b"], "has_more/after");
      const rest = await store.loadThreads({ limit: 2, order: "desc", after: "thr_b" }, context);
      equal([ids(rest), rest.has_more], [["thr_a"], false], "next desc page");
      const asc = await store.loadThreads({ limit: 5, order: "asc" }, context);
      equal(ids(asc), ["thr_a", "thr_b", "thr_c"], "asc");
    });

    it("breaks created_at ties by insertion order, not by id, across pages", async () => {
      const store = await config.makeStore();
      for (const id of ["thr_z", "thr_m", "thr_a", "thr_q"])
        await store.createThread(thread(id, T0), context);
      await store.saveThread({ ...thread("thr_z", T0), title: "renamed: keeps its place" }, context);
      const seen: string[] = [];
      let after: string | undefined;
      for (let guard = 0; guard < 10; guard++) {
        const page = await store.loadThreads({ limit: 1, order: "asc", after }, context);
        seen.push(...ids(page));
        if (!page.has_more) break;
        after = page.after;
      }
      equal(seen, ["thr_z", "thr_m", "thr_a", "thr_q"], "asc, one per page");
      const desc = await store.loadThreads({ limit: 2, order: "desc", after: "thr_a" }, context);
      equal(ids(desc), ["thr_m", "thr_z"], "desc after a tie");
    });

    it("deletes items and threads (with their items); deleting what is absent is a no-op", async () => {
      const store = await config.makeStore();
      await store.createThread(thread("thr_a", T0), context);
      await store.addThreadItem("thr_a", note("thr_a", "i1"), context);
      await store.addThreadItem("thr_a", note("thr_a", "i2"), context);
      await store.deleteThreadItem("thr_a", "i1", context);
      await store.deleteThreadItem("thr_a", "i_absent", context);
      await store.deleteThreadItem("thr_absent", "i2", context);
      equal(
        ids(await store.loadThreadItems("thr_a", { limit: 10, order: "asc" }, context)),
        ["i2"],
        "after deleting i1",
      );
      await store.deleteThread("thr_a", context);
      await store.deleteThread("thr_absent", context);
      await rejectsNotFound(store.loadThread("thr_a", context), "a deleted thread");
      await store.createThread(thread("thr_a", T0), context);
      equal(
        (await store.loadThreadItems("thr_a", { limit: 10, order: "asc" }, context)).data,
        [],
        "items of a re-created thread",
      );
    });

    it("hands out copies: mutating what was saved or loaded does not change the store", async () => {
      const store = await config.makeStore();
      const t = thread("thr_a", T0);
      await store.createThread(t, context);
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

    runStoreAttachmentContract(config.makeStore, context, runner);

    if (config.otherContext !== undefined) {
      runStoreIsolationContract(config.makeStore, context, config.otherContext, runner);
    }
  });
}
