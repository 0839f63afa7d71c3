import { concat, defer, from, lastValueFrom, NEVER, Observable, of, take, toArray } from "rxjs";

import { ThreadBusyError } from "../../../lib/errors";
import { holdingThread, type ThreadTurn } from "../../../lib/server/holdingThread";
import { LocalThreadLocks } from "../../../lib/server/LocalThreadLocks";

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup(waitMs = 1000) {
  const locks = new LocalThreadLocks();
  const released: Promise<void>[] = [];
  const hold = <T>(work: (turn: ThreadTurn) => Observable<T>) =>
    holdingThread({ locks, threadId: "thr", waitMs, onReleased: (done) => released.push(done) }, work);
  return { locks, released, hold };
}

describe("holdingThread", () => {
  it("runs the second request's work only after the first one ended", async () => {
    const { hold, locks, released } = setup();
    const log: string[] = [];
    const first = hold(() =>
      concat(
        of("1a"),
        defer(() => new Promise<string>((resolve) => setTimeout(() => resolve("1b"), 20))),
      ),
    );
    const second = hold(() => defer(() => (log.push("second starts"), of("2a"))));
    const results = Promise.all([
      lastValueFrom(first.pipe(toArray())).then((values) => (log.push("first ends"), values)),
      lastValueFrom(second.pipe(toArray())),
    ]);
    expect(await results).toEqual([["1a", "1b"], ["2a"]]);
    expect(log).toEqual(["first ends", "second starts"]);
    await Promise.all(released);
    expect(locks.held).toBe(0);
  });

  it("leaving early aborts the turn's signal and releases only after the registered clean-up", async () => {
    const { hold, locks, released } = setup();
    const log: string[] = [];
    let signal: AbortSignal | undefined;
    const subscription = hold((turn) => {
      signal = turn.signal;
      return new Observable<never>(() => () => {
        log.push("work torn down");
        turn.finishBeforeRelease(
          new Promise<void>((resolve) => setTimeout(() => (log.push("clean-up done"), resolve()), 20)),
        );
      });
    }).subscribe();
    await settle();
    const next = hold(() => defer(() => (log.push("next starts"), of(1))));
    const nextDone = lastValueFrom(next);
    subscription.unsubscribe();
    expect(signal?.aborted).toBe(true);
    await nextDone;
    expect(log).toEqual(["work torn down", "clean-up done", "next starts"]);
    await Promise.all(released);
    expect(locks.held).toBe(0);
  });

  it("a turn that ends normally does not abort its signal", async () => {
    const { hold } = setup();
    let signal: AbortSignal | undefined;
    await lastValueFrom(hold((turn) => ((signal = turn.signal), of(1))));
    expect(signal?.aborted).toBe(false);
  });

  it("stops a synchronous source as soon as downstream has enough", async () => {
    const { hold } = setup();
    let produced = 0;
    const counting = new Observable<number>((subscriber) => {
      for (let index = 0; index < 100_000 && !subscriber.closed; index++) {
        produced++;
        subscriber.next(index);
      }
      subscriber.complete();
    });
    expect(await lastValueFrom(hold(() => counting).pipe(take(1)))).toBe(0);
    expect(produced).toBe(1);
  });

  it("errors with ThreadBusyError when the thread stays held past waitMs, and never runs the work", async () => {
    const { hold } = setup(10);
    const holder = hold(() => NEVER).subscribe();
    await settle();
    let ran = false;
    await expect(lastValueFrom(hold(() => ((ran = true), of(1))))).rejects.toBeInstanceOf(ThreadBusyError);
    expect(ran).toBe(false);
    holder.unsubscribe();
  });

  it("a work factory that throws errors the stream and gives the thread back", async () => {
    const { hold, locks, released } = setup();
    await expect(
      lastValueFrom(
        hold(() => {
          throw new Error("boom");
        }),
      ),
    ).rejects.toThrow("boom");
    await Promise.all(released);
    expect(locks.held).toBe(0);
  });

  it("leaving while still waiting never runs the work and leaves no queue behind", async () => {
    const { hold, locks, released } = setup();
    const holder = hold(() => NEVER).subscribe();
    await settle();
    let ran = false;
    const waiting = hold(() => ((ran = true), from([1]))).subscribe();
    waiting.unsubscribe();
    holder.unsubscribe();
    await settle();
    await Promise.all(released);
    expect(ran).toBe(false);
    expect(locks.held).toBe(0);
  });
});
