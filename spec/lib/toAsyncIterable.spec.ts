import { interval, Observable, of, Subject, concat, throwError, finalize } from "rxjs";

import { toAsyncIterable } from "../../lib/toAsyncIterable";

describe("toAsyncIterable", () => {
  it("delivers every value, then ends", async () => {
    const seen: number[] = [];
    for await (const value of toAsyncIterable(of(1, 2, 3))) seen.push(value);
    expect(seen).toEqual([1, 2, 3]);
  });

  it("buffers values emitted faster than the loop consumes them", async () => {
    const subject = new Subject<number>();
    const iterator = toAsyncIterable(subject)[Symbol.asyncIterator]();
    const first = iterator.next();
    subject.next(1);
    subject.next(2);
    subject.next(3);
    subject.complete();
    expect(await first).toEqual({ done: false, value: 1 });
    expect(await iterator.next()).toEqual({ done: false, value: 2 });
    expect(await iterator.next()).toEqual({ done: false, value: 3 });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it("delivers buffered values before throwing the error", async () => {
    const seen: number[] = [];
    const source = concat(
      of(1, 2),
      throwError(() => new Error("boom")),
    );
    await expect(
      (async () => {
        for await (const value of toAsyncIterable(source)) seen.push(value);
      })(),
    ).rejects.toThrow("boom");
    expect(seen).toEqual([1, 2]);
  });

  it("rejects a waiting next() when the source errors later", async () => {
    const subject = new Subject<number>();
    const iterator = toAsyncIterable(subject)[Symbol.asyncIterator]();
    const pending = iterator.next();
    subject.error(new Error("late"));
    await expect(pending).rejects.toThrow("late");
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it("subscribes lazily, once per iterator, and unsubscribes when the loop breaks", async () => {
    let subscriptions = 0;
    let teardowns = 0;
    const source = new Observable<number>((subscriber) => {
      subscriptions++;
      const sub = interval(1).subscribe(subscriber);
      return () => {
        teardowns++;
        sub.unsubscribe();
      };
    });
    const iterable = toAsyncIterable(source);
    expect(subscriptions).toBe(0);
    const seen: number[] = [];
    for await (const value of iterable) {
      seen.push(value);
      if (value === 2) break;
    }
    expect(seen).toEqual([0, 1, 2]);
    expect(subscriptions).toBe(1);
    expect(teardowns).toBe(1);
    for await (const value of iterable) if (value === 0) break;
    expect(subscriptions).toBe(2);
    expect(teardowns).toBe(2);
  });

  it("unsubscribes when the loop body throws", async () => {
    let finalized = false;
    const source = interval(1).pipe(finalize(() => (finalized = true)));
    await expect(
      (async () => {
        for await (const value of toAsyncIterable(source)) if (value === 1) throw new Error("consumer");
      })(),
    ).rejects.toThrow("consumer");
    expect(finalized).toBe(true);
  });

  it("resolves a pending next() with done when return() is called", async () => {
    const iterator = toAsyncIterable(new Subject<number>())[Symbol.asyncIterator]();
    const pending = iterator.next();
    await iterator.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
  });
});
