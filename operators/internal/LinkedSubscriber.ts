import { Subscriber } from "rxjs";
import type { Observer, SchedulerAction, SchedulerLike, Subscription } from "rxjs";

/**
 * The subscriber a hand-written operator subscribes to its inputs with:
 * linked to the downstream subscriber from the moment it exists, so that
 * downstream unsubscribing stops the input at once, even a synchronous one
 * still inside its `subscribe`.
 *
 * Why not `source.subscribe({ next, error, complete })`: RxJS wraps such an
 * observer in a subscriber of its own and hands it back only when
 * `subscribe` returns. A synchronous source (`range`, `from(array)`, a
 * `new Observable` loop) runs inside that call, so when downstream stops
 * early (`take(1)`) nothing tells the source, which goes on producing all
 * it has. RxJS's own operators link their inner subscriber to downstream
 * first (`operate` and `createOperatorSubscriber`, which are internal); this
 * is the same with public API: a `Subscriber` constructed with downstream
 * is added to it. (RxJS 7's typings mark that constructor deprecated, to be
 * made internal in v8, where `operate` becomes public; only this file
 * relies on it.)
 *
 * - Downstream unsubscribing unsubscribes this, so `closed` is true for the
 *   source at once and its teardown runs; later notifications are dropped.
 * - `handlers` replace the forwarding: nothing reaches downstream unless a
 *   handler sends it, so an operator may hold an ending back. After the
 *   `error` or `complete` handler this unsubscribes (the input is done),
 *   which releases the input and the timers scheduled through {@link schedule}.
 * - A throw from a handler goes to downstream's `error` instead of being
 *   reported as unhandled.
 */
export class LinkedSubscriber<T> extends Subscriber<T> {
  constructor(
    private readonly downstream: Subscriber<unknown>,
    private readonly handlers: Observer<T>,
  ) {
    super(downstream);
  }

  /**
   * Runs `work` once, `delay` ms from now by `scheduler`, unless this
   * unsubscribes first. The timer belongs to this subscription only while
   * it is pending, so a long stream does not pile up finished ones.
   *
   * `work` may call `again()` (while it runs) to run once more, `delay` ms
   * later, on the same timer: a period that repeats (a frame, while values
   * keep coming) reuses its scheduler action, which `asyncScheduler` keeps
   * on one `setInterval`, instead of making an action and a timer each time
   * (with 1000 streams and 20 frames a second, 20 000 of each a second).
   * Call it before emitting: what downstream schedules meanwhile then comes
   * after it, as a timer scheduled anew would.
   *
   * @return The timer: unsubscribe it to cancel `work` and any repeat.
   */
  schedule(scheduler: SchedulerLike, delay: number, work: (again: () => void) => void): Subscription {
    // The state rides on the action, so a timer costs one small object and one closure (`again`).
    const timer: Timer = {
      owner: this,
      work,
      delay,
      action: null,
      running: null,
      pending: true,
      again: () => {
        if (timer.running === null || timer.pending) return;
        timer.pending = true;
        timer.running.schedule(timer, timer.delay);
      },
    };
    const action = scheduler.schedule(fire, delay, timer);
    // A scheduler that ran `work` already (queueScheduler, delay 0) leaves nothing pending.
    if (timer.pending) {
      timer.action = action;
      this.add(action);
    }
    return action;
  }

  protected override _next(value: T): void {
    try {
      this.handlers.next(value);
    } catch (err: unknown) {
      this.downstream.error(err);
    }
  }

  protected override _error(err: unknown): void {
    try {
      this.handlers.error(err);
    } catch (thrown: unknown) {
      this.downstream.error(thrown);
    }
    this.unsubscribe();
  }

  protected override _complete(): void {
    try {
      this.handlers.complete();
    } catch (thrown: unknown) {
      this.downstream.error(thrown);
    }
    this.unsubscribe();
  }
}

/** A pending timer of {@link LinkedSubscriber.schedule}, passed to its action as the state. */
interface Timer {
  readonly owner: Subscription;
  readonly work: (again: () => void) => void;
  readonly delay: number;
  /** The scheduled action, once `schedule` returned it (not when the scheduler ran it at once). */
  action: Subscription | null;
  /** The action running `work` now (`again` reschedules it), `null` between runs. */
  running: SchedulerAction<Timer> | null;
  /** Whether a run is scheduled and has not started. */
  pending: boolean;
  readonly again: () => void;
}

/** Runs a timer's work; once it ends without `again()`, detaches the finished action from its owner. */
function fire(this: SchedulerAction<Timer>, timer: Timer): void {
  timer.pending = false;
  timer.running = this;
  try {
    timer.work(timer.again);
  } finally {
    timer.running = null;
    if (!timer.pending && timer.action !== null) timer.owner.remove(timer.action);
  }
}
