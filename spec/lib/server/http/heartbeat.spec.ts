import { asyncScheduler, NEVER, Subject, type SchedulerLike } from "rxjs";
import { TestScheduler } from "rxjs/testing";

import { heartbeat, HEARTBEAT_FRAME } from "../../../../lib/server/http/heartbeat";

const h = HEARTBEAT_FRAME;

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe("heartbeat", () => {
  it("fills silences longer than intervalMs, restarts at every frame, skips while paused", () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const frames = cold("a-b---------c--|");
      const paused = hot(" ---------t--f---", { t: true, f: false });
      const subs = "       ^--------------!";
      const expected = "   a-b--h--h---c--|";
      expectObservable(frames.pipe(heartbeat({ intervalMs: 3, paused }))).toBe(expected, {
        h,
        a: "a",
        b: "b",
        c: "c",
      });
      expectSubscriptions(frames.subscriptions).toBe(subs);
    });
  });

  it("beats from the start when nothing comes (never), until unsubscribed", () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const frames = cold<string>("-");
      const unsub = "              ^--------!";
      expectObservable(frames.pipe(heartbeat({ intervalMs: 2, paused: NEVER })), unsub).toBe("--h-h-h-h", {
        h,
      });
      expectSubscriptions(frames.subscriptions).toBe("^--------!");
    });
  });

  it("passes an empty stream, one frame and a source error straight through, and stops beating", () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<string>("|").pipe(heartbeat({ intervalMs: 2, paused: NEVER }))).toBe("|");
      expectObservable(cold("a|").pipe(heartbeat({ intervalMs: 2, paused: NEVER }))).toBe("a|");
      expectObservable(cold("a----#").pipe(heartbeat({ intervalMs: 2, paused: NEVER }))).toBe("a-h-h#", {
        a: "a",
        h,
      });
    });
  });

  it("keeps skipping while paused stays true, and beats again once it is false", () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const paused = hot("t-------f-----", { t: true, f: false });
      expectObservable(cold<string>("-----------|").pipe(heartbeat({ intervalMs: 2, paused }))).toBe(
        "--------h-h|",
        {
          h,
        },
      );
    });
  });

  it("errors when paused errors", () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const paused = hot<boolean>("---#");
      expectObservable(cold<string>("------|").pipe(heartbeat({ intervalMs: 2, paused }))).toBe("--h#", {
        h,
      });
    });
  });

  it("sets one timer per stream, not one per frame: a burst of frames schedules nothing", () => {
    let scheduled = 0;
    const counting: SchedulerLike = {
      now: () => asyncScheduler.now(),
      schedule: (...args: Parameters<SchedulerLike["schedule"]>) => {
        scheduled++;
        return asyncScheduler.schedule(...args);
      },
    };
    testScheduler().run(({ cold, expectObservable }) => {
      // 200 frames, one per virtual ms, then silence: the one timer moves with them and beats after the last.
      const frames = cold<string>(`${"a".repeat(200)}-----|`);
      expectObservable(frames.pipe(heartbeat({ intervalMs: 3, paused: NEVER, scheduler: counting }))).toBe(
        `${"a".repeat(200)}--h--|`,
        { a: "a", h },
      );
    });
    expect(scheduled).toBe(1);
  });

  it("is a TypeError on a bad interval or demand signal", () => {
    expect(() => heartbeat({ intervalMs: 0, paused: new Subject<boolean>() })).toThrow(
      new TypeError("heartbeat: intervalMs must be a positive number, got 0"),
    );
    expect(() => heartbeat({ intervalMs: 5, paused: true as never })).toThrow(
      new TypeError("heartbeat: paused must be an Observable<boolean>, got true"),
    );
  });
});
