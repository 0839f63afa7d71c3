import type { SchedulerAction, SchedulerLike, Subscription } from "rxjs";

/** Records the virtual time of every scheduled action that runs, to prove timers are released. */
export class SpyScheduler implements SchedulerLike {
  readonly fired: number[] = [];

  constructor(private readonly inner: SchedulerLike) {}

  now(): number {
    return this.inner.now();
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
    const { fired, inner } = this;
    return inner.schedule<T>(
      function (this: SchedulerAction<T>, s?: T) {
        fired.push(inner.now());
        work.call(this, s);
      },
      delay,
      state,
    );
  }
}
