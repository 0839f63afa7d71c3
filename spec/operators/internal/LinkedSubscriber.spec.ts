import {
  asyncScheduler,
  Observable,
  queueScheduler,
  Subject,
  take,
  type SchedulerAction,
  type SchedulerLike,
  type Subscription,
} from "rxjs";
import { TestScheduler } from "rxjs/testing";

import { LinkedSubscriber } from "../../../operators/internal/LinkedSubscriber";
import { SyncSource } from "../../helpers/SyncSource";

/** An operator-shaped pass-through built on LinkedSubscriber, with `handlers` overriding its forwarding. */
function through<T>(
  source: Observable<T>,
  handlers: Partial<{ next(value: T): void; error(err: unknown): void; complete(): void }> = {},
  onLinked: (linked: LinkedSubscriber<T>) => void = () => {},
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const linked = new LinkedSubscriber<T>(subscriber, {
      next: handlers.next ?? ((value) => subscriber.next(value)),
      error: handlers.error ?? ((err: unknown) => subscriber.error(err)),
      complete: handlers.complete ?? (() => subscriber.complete()),
    });
    onLinked(linked);
    source.subscribe(linked);
  });
}

/** Wraps a scheduler to keep every action it hands out, so a spec can see which were released. */
class ActionSpy implements SchedulerLike {
  readonly actions: Subscription[] = [];
  constructor(private readonly inner: SchedulerLike) {}
  now(): number {
    return this.inner.now();
  }
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
    const action = this.inner.schedule<T>(work, delay, state);
    this.actions.push(action);
    return action;
  }
}

describe("LinkedSubscriber", () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it("stops a synchronous source as soon as downstream unsubscribes, while it is inside subscribe", () => {
    const source = new SyncSource((i) => i);
    const got: number[] = [];
    through(source.observable)
      .pipe(take(3))
      .subscribe((value) => got.push(value));
    expect(got).toEqual([0, 1, 2]);
    expect(source.produced).toBe(3);
  });

  it("unsubscribes from a hot source when downstream unsubscribes, and drops what comes after", () => {
    const source = new Subject<number>();
    const got: number[] = [];
    const subscription = through(source).subscribe((value) => got.push(value));
    source.next(1);
    subscription.unsubscribe();
    expect(source.observed).toBe(false);
    source.next(2);
    expect(got).toEqual([1]);
  });

  it("forwards an ending only through its handler, and releases the source after it", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a|");
      // The complete handler keeps downstream open: an operator holding events back does this.
      expectObservable(through(source, { complete: () => {} })).toBe("-a-");
      expectSubscriptions(source.subscriptions).toBe("^-!");
    });
  });

  it.each([
    ["next", cold$("-a|")],
    ["error", cold$("-#")],
    ["complete", cold$("-|")],
  ] as const)("routes a throw from the %s handler to downstream's error", (name, make) => {
    testScheduler.run((helpers) => {
      const thrown = new Error(`${name} failed`);
      const source = make(helpers);
      const handlers = {
        [name]: () => {
          throw thrown;
        },
      };
      helpers.expectObservable(through(source, handlers)).toBe("-#", undefined, thrown);
      helpers.expectSubscriptions(source.subscriptions).toBe("^!");
    });
  });

  describe("schedule", () => {
    it("runs the work once after the delay, then lets go of the finished timer", () => {
      const spy = new ActionSpy(testScheduler);
      const ranAt: number[] = [];
      testScheduler.run(({ cold }) => {
        through(cold("-a-----|"), {}, (linked) => {
          linked.schedule(spy, 3, () => ranAt.push(testScheduler.now()));
        }).subscribe();
      });
      expect(ranAt).toEqual([3]);
      // The stream ended at 7 and did not unsubscribe the timer: it had let go of it
      // when it ran, so a long stream does not hold one finished timer per window.
      expect(spy.actions.map((action) => action.closed)).toEqual([false]);
    });

    it("cancels a pending timer when downstream unsubscribes", () => {
      const ranAt: number[] = [];
      let timer: Subscription | undefined;
      testScheduler.run(({ cold }) => {
        const subscription = through(cold("-a-----|"), {}, (linked) => {
          timer = linked.schedule(testScheduler, 3, () => ranAt.push(testScheduler.now()));
        }).subscribe();
        testScheduler.schedule(() => subscription.unsubscribe(), 2);
      });
      expect(ranAt).toEqual([]);
      expect(timer?.closed).toBe(true);
    });

    it("cancels a pending timer when the source ends", () => {
      const ranAt: number[] = [];
      testScheduler.run(({ cold }) => {
        through(cold("-|"), { complete: () => {} }, (linked) => {
          linked.schedule(testScheduler, 3, () => ranAt.push(testScheduler.now()));
        }).subscribe();
      });
      expect(ranAt).toEqual([]);
    });

    it("cancels one timer without touching the others", () => {
      const ran: string[] = [];
      testScheduler.run(({ cold }) => {
        through(cold("-----|"), {}, (linked) => {
          const first = linked.schedule(testScheduler, 2, () => ran.push("first"));
          linked.schedule(testScheduler, 3, () => ran.push("second"));
          first.unsubscribe();
        }).subscribe();
      });
      expect(ran).toEqual(["second"]);
    });

    it("runs the work again after the delay each time it calls again(), on the one action the scheduler handed out", () => {
      const spy = new ActionSpy(testScheduler);
      const ranAt: number[] = [];
      testScheduler.run(({ cold }) => {
        through(cold("-a---------|"), {}, (linked) => {
          linked.schedule(spy, 3, (again) => {
            ranAt.push(testScheduler.now());
            if (ranAt.length < 3) again();
          });
        }).subscribe();
      });
      expect(ranAt).toEqual([3, 6, 9]);
      expect(spy.actions).toHaveLength(1);
      // Let go of when the work stopped repeating, as a timer that ran once is.
      expect(spy.actions.map((action) => action.closed)).toEqual([false]);
    });

    it("cancels the repeat when the timer it returned is unsubscribed, or downstream unsubscribes", () => {
      const ranAt: number[] = [];
      const cancelledAt: number[] = [];
      testScheduler.run(({ cold }) => {
        through(cold("-a---------|"), {}, (linked) => {
          const timer = linked.schedule(testScheduler, 2, (again) => {
            ranAt.push(testScheduler.now());
            again();
          });
          testScheduler.schedule(() => {
            cancelledAt.push(testScheduler.now());
            timer.unsubscribe();
          }, 5);
        }).subscribe();
        const subscription = through(cold("-a---------|"), {}, (linked) => {
          linked.schedule(testScheduler, 2, (again) => {
            ranAt.push(100 + testScheduler.now());
            again();
          });
        }).subscribe();
        testScheduler.schedule(() => subscription.unsubscribe(), 7);
      });
      expect(cancelledAt).toEqual([5]);
      expect(ranAt).toEqual([2, 102, 4, 104, 106]);
    });

    it("keeps one setInterval on asyncScheduler while the work repeats", async () => {
      const setIntervalSpy = jest.spyOn(global, "setInterval");
      try {
        const ran = await new Promise<number>((resolve) => {
          const source = new Subject<never>();
          let runs = 0;
          through(source, {}, (linked) => {
            linked.schedule(asyncScheduler, 2, (again) => {
              if (++runs < 5) again();
              else resolve(runs);
            });
          }).subscribe();
        });
        expect(ran).toBe(5);
        expect(setIntervalSpy).toHaveBeenCalledTimes(1);
      } finally {
        setIntervalSpy.mockRestore();
      }
    });

    it("copes with a scheduler that runs the work synchronously, and keeps nothing of it", () => {
      const spy = new ActionSpy(queueScheduler);
      const ran: string[] = [];
      const source = new Subject<never>();
      through(source, {}, (linked) => {
        linked.schedule(spy, 0, () => ran.push("work"));
      }).subscribe();
      expect(ran).toEqual(["work"]);
      source.complete();
      expect(spy.actions.map((action) => action.closed)).toEqual([false]);
    });
  });
});

/** A cold observable made by `TestScheduler.run`'s helpers, for `it.each`. */
function cold$(marbles: string) {
  return ({ cold }: { cold: TestScheduler["createColdObservable"] }) => cold<string>(marbles);
}
