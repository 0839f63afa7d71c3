import { VirtualTimeScheduler } from "rxjs";

import { ThreadBusyError } from "../../../lib/errors";
import { LocalThreadLocks } from "../../../lib/server/LocalThreadLocks";

/** Lets every settled promise's callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("LocalThreadLocks", () => {
  it("hands a thread to one request at a time, first come first served", async () => {
    const locks = new LocalThreadLocks();
    const order: string[] = [];
    const first = await locks.acquire("thr", { waitMs: 1000 });
    const second = locks.acquire("thr", { waitMs: 1000 }).then((release) => (order.push("second"), release));
    const third = locks.acquire("thr", { waitMs: 1000 }).then((release) => (order.push("third"), release));
    await settle();
    expect(order).toEqual([]);
    await first();
    const releaseSecond = await second;
    await settle();
    expect(order).toEqual(["second"]);
    await releaseSecond();
    await (
      await third
    )();
    expect(order).toEqual(["second", "third"]);
    expect(locks.held).toBe(0);
  });

  it("does not make other threads wait", async () => {
    const locks = new LocalThreadLocks();
    await locks.acquire("a", { waitMs: 0 });
    await expect(locks.acquire("b", { waitMs: 0 })).resolves.toEqual(expect.any(Function));
  });

  it("gives up with ThreadBusyError after waitMs, and the queue goes on without the one that left", async () => {
    const scheduler = new VirtualTimeScheduler();
    const locks = new LocalThreadLocks({ scheduler });
    const holder = await locks.acquire("thr", { waitMs: 50 });
    const impatient = locks.acquire("thr", { waitMs: 50 });
    const patient = locks.acquire("thr", { waitMs: 500 });
    scheduler.maxFrames = 100;
    scheduler.flush();
    await expect(impatient).rejects.toBeInstanceOf(ThreadBusyError);
    await expect(impatient).rejects.toMatchObject({ threadId: "thr" });
    await holder();
    await (
      await patient
    )();
    expect(locks.held).toBe(0);
  });

  it("stops waiting when the signal aborts, and at once when it already has", async () => {
    const locks = new LocalThreadLocks();
    const holder = await locks.acquire("thr", { waitMs: 1000 });
    const controller = new AbortController();
    const waiting = locks.acquire("thr", { waitMs: 10_000, signal: controller.signal });
    controller.abort(new Error("client left"));
    await expect(waiting).rejects.toThrow("client left");
    await expect(locks.acquire("thr", { waitMs: 10, signal: controller.signal })).rejects.toThrow(
      "client left",
    );
    await holder();
    expect(locks.held).toBe(0);
  });

  it("releasing twice gives the thread back once (the next holder keeps it)", async () => {
    const locks = new LocalThreadLocks();
    const first = await locks.acquire("thr", { waitMs: 1000 });
    const second = locks.acquire("thr", { waitMs: 1000 });
    await first();
    const releaseSecond = await second;
    await first();
    const third = locks.acquire("thr", { waitMs: 0 });
    await expect(third).rejects.toBeInstanceOf(ThreadBusyError);
    await releaseSecond();
    expect(locks.held).toBe(0);
  });
});
