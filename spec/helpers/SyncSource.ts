import { Observable } from "rxjs";

/**
 * A synchronous source of `limit` values (`make(i)`) that counts what it
 * produced and stops when its subscriber closes, as `range` does: how an
 * operator's spec proves that unsubscribing downstream stops the source at
 * once, while it is still inside its `subscribe`, not after.
 */
export class SyncSource<T> {
  produced = 0;
  readonly observable: Observable<T>;

  constructor(make: (index: number) => T, limit = 100_000) {
    this.observable = new Observable<T>((subscriber) => {
      for (let i = 0; i < limit && !subscriber.closed; i++) {
        this.produced++;
        subscriber.next(make(i));
      }
      subscriber.complete();
    });
  }
}
