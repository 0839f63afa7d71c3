import { MemoryStore } from "../../../lib/server/MemoryStore";
import { runStoreContract } from "../../../lib/server/storeContract";

runStoreContract("MemoryStore", { makeStore: () => new MemoryStore(), context: undefined }, { describe, it });

describe("MemoryStore", () => {
  it("uses the id generator it is given", () => {
    let n = 0;
    const store = new MemoryStore({ generateId: (type) => `${type}-${++n}` });
    expect(store.generateThreadId(undefined)).toBe("thread-1");
    expect(
      store.generateItemId("message", { id: "t", created_at: "", status: { type: "active" } }, undefined),
    ).toBe("message-2");
  });

  it("keeps only the metadata of a Thread passed to saveThread", async () => {
    const store = new MemoryStore();
    const thread = {
      id: "thr_1",
      created_at: "2025-01-01T00:00:00.000Z",
      status: { type: "active" as const },
    };
    await store.saveThread({ ...thread, items: { data: [], has_more: false } } as typeof thread, undefined);
    expect(await store.loadThread("thr_1", undefined)).toEqual(thread);
  });
});
