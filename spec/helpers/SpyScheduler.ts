import type { SchedulerAction, SchedulerLike, Subscription } from "rxjs";

/** Records the virtual time of every scheduled action that runs, to prove timers are released. */
export class SpyScheduler implements SchedulerLike {
  readonly fired: number[] = [];
  /** The virtual time of every `schedule` call: each made a new timer (an action rescheduling itself is not one). */
  readonly scheduled: number[] = [];

  constructor(private readonly inner: SchedulerLike) {}

  now(): number {
    return this.inner.now();
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
    const { fired, inner } = this;
    this.scheduled.push(inner.now());
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
