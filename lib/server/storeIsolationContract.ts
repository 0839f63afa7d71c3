import type { ContractRunner } from "./storeContract";
import type { Store } from "./Store";
import { runAttachmentIsolationContract } from "./storeAttachmentContract";
import { equal, ids, message, note, rejectsConflict, rejectsNotFound, thread } from "./storeContractChecks";

const T0 = "2025-01-01T00:00:00.000Z";

/**
 * The per-owner half of the store contract: for a second user, everything
 * the first one owns behaves as if it did not exist, and nothing they try
 * changes it. Registered by `runStoreContract` when given `otherContext`.
 */
export function runStoreIsolationContract<TContext>(
  makeStore: () => Store<TContext> | Promise<Store<TContext>>,
  alice: TContext,
  bob: TContext,
  { describe, it }: ContractRunner,
): void {
  /** A store where alice owns `thr_a` with items `a1` (visible) and `a2` (hidden). */
  async function alicesStore(): Promise<Store<TContext>> {
    const store = await makeStore();
    await store.createThread({ ...thread("thr_a", T0), title: "Alice's" }, alice);
    await store.addThreadItem("thr_a", message("thr_a", "a1"), alice);
    await store.addThreadItem("thr_a", note("thr_a", "a2"), alice);
    return store;
  }

  /** Alice's thread exactly as she left it. */
  async function untouched(store: Store<TContext>): Promise<void> {
    equal(
      await store.loadThread("thr_a", alice),
      { ...thread("thr_a", T0), title: "Alice's" },
      "alice's thread",
    );
    equal(
      (await store.loadThreadItems("thr_a", { limit: 10, order: "asc" }, alice)).data,
      [message("thr_a", "a1"), note("thr_a", "a2")],
      "alice's items",
    );
  }

  describe("isolation between owners", () => {
    it("another owner cannot read the thread or its items", async () => {
      const store = await alicesStore();
      await rejectsNotFound(store.loadThread("thr_a", bob), "loadThread by bob");
      await rejectsNotFound(store.loadItem("thr_a", "a1", bob), "loadItem by bob");
      await rejectsNotFound(
        store.loadThreadItems("thr_a", { limit: 10, order: "asc" }, bob),
        "loadThreadItems by bob",
      );
      await rejectsNotFound(
        store.loadThreadItems("thr_a", { limit: 10, order: "asc", visibleOnly: true }, bob),
        "loadThreadItems (visible only) by bob",
      );
    });

    it("each owner lists only their own threads", async () => {
      const store = await alicesStore();
      equal(ids(await store.loadThreads({ limit: 10, order: "asc" }, bob)), [], "bob's list before");
      await store.createThread(thread("thr_b", T0), bob);
      equal(ids(await store.loadThreads({ limit: 10, order: "desc" }, bob)), ["thr_b"], "bob's list");
      const alices = await store.loadThreads({ limit: 1, order: "asc" }, alice);
      equal([ids(alices), alices.has_more], [["thr_a"], false], "alice's list");
    });

    it("another owner's cursor is not found, in thread and item listings", async () => {
      const store = await alicesStore();
      await store.createThread(thread("thr_b", T0), bob);
      await store.addThreadItem("thr_b", message("thr_b", "b1"), bob);
      await rejectsNotFound(
        store.loadThreads({ limit: 10, order: "asc", after: "thr_a" }, bob),
        "bob listing threads after alice's thread",
      );
      await rejectsNotFound(
        store.loadThreadItems("thr_b", { limit: 10, order: "asc", after: "a1" }, bob),
        "bob listing his items after alice's item",
      );
    });

    it("another owner cannot rename the thread", async () => {
      const store = await alicesStore();
      await rejectsNotFound(
        store.saveThread({ ...thread("thr_a", T0), title: "Bob's now" }, bob),
        "saveThread by bob",
      );
      await untouched(store);
    });

    it("another owner cannot create a thread over the id", async () => {
      const store = await alicesStore();
      await rejectsConflict(store.createThread(thread("thr_a", T0), bob), "createThread by bob");
      await untouched(store);
      equal(ids(await store.loadThreads({ limit: 10, order: "asc" }, bob)), [], "bob's list");
    });

    it("another owner's deletes of the thread or its items change nothing", async () => {
      const store = await alicesStore();
      await store.deleteThread("thr_a", bob);
      await store.deleteThreadItem("thr_a", "a1", bob);
      await untouched(store);
    });

    it("another owner cannot post, add or save items in the thread", async () => {
      const store = await alicesStore();
      await rejectsNotFound(
        store.addThreadItem("thr_a", message("thr_a", "b1"), bob),
        "addThreadItem by bob",
      );
      await rejectsNotFound(
        store.saveItem("thr_a", message("thr_a", "b2"), bob),
        "saveItem of a new id by bob",
      );
      await rejectsNotFound(
        store.saveItem("thr_a", { ...message("thr_a", "a1"), id: "a1" }, bob),
        "saveItem over alice's item by bob",
      );
      await untouched(store);
    });

    it("another owner cannot move an item id into their own thread", async () => {
      const store = await alicesStore();
      await store.createThread(thread("thr_b", T0), bob);
      await rejectsConflict(store.addThreadItem("thr_b", message("thr_b", "a1"), bob), "addThreadItem of a1");
      await rejectsConflict(store.saveItem("thr_b", note("thr_b", "a2"), bob), "saveItem of a2");
      await rejectsNotFound(store.loadItem("thr_b", "a1", bob), "a1 through bob's thread");
      equal(ids(await store.loadThreadItems("thr_b", { limit: 10, order: "asc" }, bob)), [], "bob's items");
      await untouched(store);
    });

    runAttachmentIsolationContract(makeStore, alice, bob, { describe, it });
  });
}
