import type { Observable, Subscription } from "rxjs";

/**
 * Consumes an Observable with `for await`, for callers that do not use RxJS.
 *
 * Each iterator subscribes on its first `next()` and buffers what the
 * Observable emits faster than the loop consumes (an Observable cannot be
 * slowed down, so the buffer is unbounded). Values emitted before an error
 * or completion are all delivered first; then the loop ends, or throws the
 * error. Leaving the loop early (`break`, `return`, a throw) unsubscribes at
 * once and drops the buffer.
 *
 * @example
 * ```ts
 * for await (const event of toAsyncIterable(streamWidget(thread, states()))) {
 *   response.write(`data: ${serializeEvent(event)}\n\n`);
 * }
 * ```
 *
 * @param observable The source; it is subscribed once per iterator.
 * @return An async iterable over its values.
 */
export function toAsyncIterable<T>(observable: Observable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: () => subscribeIterator(observable),
  };
}

type Settled = { readonly kind: "complete" } | { readonly kind: "error"; readonly error: unknown };

interface Waiter<T> {
  resolve(result: IteratorResult<T, undefined>): void;
  reject(error: unknown): void;
}

function subscribeIterator<T>(observable: Observable<T>): AsyncIterableIterator<T, undefined, undefined> {
  const buffer: T[] = [];
  let head = 0;
  const waiters: Waiter<T>[] = [];
  let settled: Settled | undefined;
  let subscription: Subscription | undefined;
  let finished = false;

  const doneResult = (): IteratorResult<T, undefined> => ({ done: true, value: undefined });

  const flushSettled = (): void => {
    if (settled === undefined) return;
    while (waiters.length > 0) {
      const waiter = waiters.shift() as Waiter<T>;
      if (settled.kind === "error" && !finished) {
        finished = true;
        waiter.reject(settled.error);
      } else {
        finished = true;
        waiter.resolve(doneResult());
      }
    }
  };

  const start = (): void => {
    if (subscription !== undefined || finished) return;
    subscription = observable.subscribe({
      next: (value) => {
        const waiter = waiters.shift();
        if (waiter !== undefined) waiter.resolve({ done: false, value });
        else buffer.push(value);
      },
      error: (error: unknown) => {
        settled = { kind: "error", error };
        flushSettled();
      },
      complete: () => {
        settled = { kind: "complete" };
        flushSettled();
      },
    });
  };

  const iterator: AsyncIterableIterator<T, undefined, undefined> = {
    next: () => {
      if (head < buffer.length) {
        const value = buffer[head] as T;
        head++;
        if (head === buffer.length) {
          buffer.length = 0;
          head = 0;
        } else if (head > 1024 && head * 2 > buffer.length) {
          buffer.splice(0, head);
          head = 0;
        }
        return Promise.resolve({ done: false, value });
      }
      if (finished) return Promise.resolve(doneResult());
      if (settled !== undefined) {
        finished = true;
        // The Observable's error, whatever it is, is what the loop throws.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return settled.kind === "error" ? Promise.reject(settled.error) : Promise.resolve(doneResult());
      }
      return new Promise<IteratorResult<T, undefined>>((resolve, reject) => {
        waiters.push({ resolve, reject });
        start();
      });
    },
    return: () => {
      finished = true;
      buffer.length = 0;
      head = 0;
      subscription?.unsubscribe();
      while (waiters.length > 0) (waiters.shift() as Waiter<T>).resolve(doneResult());
      return Promise.resolve(doneResult());
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
