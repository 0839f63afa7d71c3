import { MemoryStore } from "../../../lib/stores/MemoryStore";
import { runStoreContract } from "../../../lib/server/storeContract";

interface User {
  readonly userId: string;
}

runStoreContract(
  "MemoryStore (owner: userId)",
  {
    makeStore: () => new MemoryStore<User>({ owner: (context) => context.userId }),
    context: { userId: "alice" },
    otherContext: { userId: "bob" },
  },
  { describe, it },
);

runStoreContract(
  "MemoryStore (no owner: one shared space)",
  { makeStore: () => new MemoryStore(), context: undefined },
  { describe, it },
);

describe("MemoryStore", () => {
  it("uses the id generator it is given", () => {
    let n = 0;
    const store = new MemoryStore({ generateId: (type) => `${type}-${++n}` });
    expect(store.generateThreadId(undefined)).toBe("thread-1");
    expect(
      store.generateItemId("message", { id: "t", created_at: "", status: { type: "active" } }, undefined),
    ).toBe("message-2");
  });

  it("without an owner function, every caller shares one space", async () => {
    const store = new MemoryStore<User>();
    await store.createThread(
      { id: "thr_1", created_at: "2025-01-01T00:00:00.000Z", status: { type: "active" } },
      {
        userId: "alice",
      },
    );
    expect((await store.loadThreads({ limit: 10, order: "asc" }, { userId: "bob" })).data).toHaveLength(1);
  });

  it("throws a TypeError naming the store when the owner function returns no string", async () => {
    const store = new MemoryStore<User>({ owner: (context) => context.userId });
    await expect(store.loadThreads({ limit: 10, order: "asc" }, {} as User)).rejects.toThrow(
      new TypeError(
        "MemoryStore: the owner function returned undefined; it must return a non-empty string (the user or tenant the request is for)",
      ),
    );
  });
});
