/**
 * `persistEvents` awaits every store call (the `Store` interface returns
 * Promises and the operator goes through `async` functions), so its output
 * is produced in microtasks, which `TestScheduler` cannot virtualise. These
 * specs therefore drive it with Subjects and a store whose calls can be held
 * open, and check order through one shared log of store calls and
 * emissions.
 */
import { EMPTY, lastValueFrom, materialize, NEVER, Observable, of, Subject, toArray } from "rxjs";

import type { ThreadItem } from "../../../lib/events/threadItems";
import type { ThreadStreamEvent } from "../../../lib/events/threadEvents";
import {
  added,
  collect,
  done,
  ERROR_EVENT,
  flushMicrotasks,
  removed,
  replaced,
  setText,
  setup,
  textDelta,
  THREAD,
  widget,
} from "./persistEventsHarness";

describe("persistEvents", () => {
  it("saves an item on thread.item.done before sending it, after its updates", async () => {
    const { log, operator, stored, cancelled } = await setup();
    const w = widget("w1", "Hel");
    const { events, result } = collect(
      of(added(w), setText("w1", "Hello"), done(widget("w1", "Hello"))).pipe(operator),
      log,
    );
    expect(await result).toBe("complete");
    expect(events).toEqual([added(w), setText("w1", "Hello"), done(widget("w1", "Hello"))]);
    expect(log).toEqual([
      "emit thread.item.added w1",
      "emit thread.item.updated w1",
      "addThreadItem w1",
      "emit thread.item.done w1",
    ]);
    expect(await stored()).toEqual([widget("w1", "Hello")]);
    expect(cancelled).toEqual([]);
  });

  it("mirrors never: sends and saves nothing", async () => {
    const { log, operator } = await setup();
    const { events, unsubscribe } = collect(NEVER.pipe(operator), log);
    await flushMicrotasks();
    expect(events).toEqual([]);
    expect(log).toEqual([]);
    unsubscribe();
  });

  it("completes for an empty source without touching the store or calling onCancel", async () => {
    const { log, operator, cancelled, errors } = await setup();
    const { events, result } = collect(EMPTY.pipe(operator), log);
    expect(await result).toBe("complete");
    expect(events).toEqual([]);
    expect(log).toEqual([]);
    expect(cancelled).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("passes through an event that needs no save", async () => {
    const { log, operator } = await setup();
    const notice: ThreadStreamEvent = { type: "notice", level: "info", message: "hi" };
    const { events, result } = collect(of(notice).pipe(operator), log);
    expect(await result).toBe("complete");
    expect(events).toEqual([notice]);
    expect(log).toEqual(["emit notice"]);
  });

  it("saves on thread.item.replaced and deletes on thread.item.removed, each before sending", async () => {
    const { log, store, operator, stored } = await setup();
    await store.addThreadItem(THREAD.id, widget("a", "old"), undefined);
    await store.addThreadItem(THREAD.id, widget("b", "gone"), undefined);
    log.length = 0;
    const { events, result } = collect(of(replaced(widget("a", "new")), removed("b")).pipe(operator), log);
    expect(await result).toBe("complete");
    expect(events).toEqual([replaced(widget("a", "new")), removed("b")]);
    expect(log).toEqual([
      "saveItem a",
      "emit thread.item.replaced a",
      "deleteThreadItem b",
      "emit thread.item.removed b",
    ]);
    expect(await stored()).toEqual([widget("a", "new")]);
  });

  it("applies a widget update to an item saved earlier, and saves it", async () => {
    const { log, store, operator, stored } = await setup();
    await store.addThreadItem(THREAD.id, widget("old", "Like"), undefined);
    log.length = 0;
    const { events, result } = collect(of(setText("old", "Liked")).pipe(operator), log);
    expect(await result).toBe("complete");
    expect(events).toEqual([setText("old", "Liked")]);
    expect(log).toEqual(["loadItem old", "saveItem old", "emit thread.item.updated old"]);
    expect(await stored()).toEqual([widget("old", "Liked")]);
  });

  it("does not load or save for a widget update of an item still streaming", async () => {
    const { log, operator } = await setup();
    const { result } = collect(of(added(widget("w", "a")), setText("w", "b")).pipe(operator), log);
    expect(await result).toBe("complete");
    expect(log).toEqual(["emit thread.item.added w", "emit thread.item.updated w"]);
  });

  // A regression: the update used to be skipped because the item still looked pending.
  it("saves a widget update that arrives while the item's done is being saved", async () => {
    const { log, operator, stored } = await setup();
    const { result } = collect(of(done(widget("w", "Like")), setText("w", "Liked")).pipe(operator), log);
    expect(await result).toBe("complete");
    expect(await stored()).toEqual([widget("w", "Liked")]);
  });

  it("saves a hidden context item on thread.item.done but does not send it", async () => {
    const { log, operator, stored } = await setup();
    const hidden: ThreadItem = {
      type: "hidden_context_item",
      id: "h1",
      thread_id: THREAD.id,
      created_at: "x",
      content: { secret: 1 },
    };
    const sdkHidden: ThreadItem = {
      type: "sdk_hidden_context",
      id: "h2",
      thread_id: THREAD.id,
      created_at: "x",
      content: "note",
    };
    const w = widget("w", "visible");
    const { events, result } = collect(of(done(hidden), done(sdkHidden), done(w)).pipe(operator), log);
    expect(await result).toBe("complete");
    expect(events).toEqual([done(w)]);
    expect(log).toEqual([
      "addThreadItem h1",
      "addThreadItem h2",
      "addThreadItem w",
      "emit thread.item.done w",
    ]);
    expect(await stored()).toEqual([hidden, sdkHidden, w]);
  });

  it("saves thread.updated without its items, before sending it", async () => {
    const { log, store, operator } = await setup();
    const event: ThreadStreamEvent = {
      type: "thread.updated",
      thread: { ...THREAD, title: "Renamed", items: { data: [widget("w", "x")], has_more: false } },
    };
    const { events, result } = collect(of(event).pipe(operator), log);
    expect(await result).toBe("complete");
    expect(events).toEqual([event]);
    expect(log).toEqual(["saveThread thr_1", "emit thread.updated"]);
    expect(await store.loadThread(THREAD.id, undefined)).toEqual({ ...THREAD, title: "Renamed" });
  });

  it("sends each event only once its save has settled, keeping arrival order", async () => {
    const { log, store, operator } = await setup();
    const source = new Subject<ThreadStreamEvent>();
    const { events, result } = collect(source.pipe(operator), log);
    const release = store.hold();
    source.next(done(widget("a", "1")));
    source.next({ type: "progress_update", text: "working" });
    source.next(done(widget("b", "2")));
    source.complete();
    await flushMicrotasks();
    expect(events).toEqual([]);
    expect(log).toEqual(["addThreadItem a"]);
    release();
    expect(await result).toBe("complete");
    expect(log).toEqual([
      "addThreadItem a",
      "emit thread.item.done a",
      "emit progress_update",
      "addThreadItem b",
      "emit thread.item.done b",
    ]);
  });

  it("on a source error, closes each pending item in its last state (saved), then sends an error event", async () => {
    const { log, operator, stored, errors, cancelled } = await setup();
    const boom = new Error("model down");
    const source = new Observable<ThreadStreamEvent>((subscriber) => {
      subscriber.next(added(widget("w", "Hel")));
      subscriber.next(setText("w", "Hello"));
      subscriber.next(done(widget("finished", "ok")));
      subscriber.error(boom);
    });
    const { events, result } = collect(source.pipe(operator), log);
    expect(await result).toBe("complete");
    expect(events).toEqual([
      added(widget("w", "Hel")),
      setText("w", "Hello"),
      done(widget("finished", "ok")),
      done(widget("w", "Hello")),
      ERROR_EVENT,
    ]);
    expect(log).toEqual([
      "emit thread.item.added w",
      "emit thread.item.updated w",
      "addThreadItem finished",
      "emit thread.item.done finished",
      "addThreadItem w",
      "emit thread.item.done w",
      "emit error",
    ]);
    expect(errors).toEqual([boom]);
    expect(cancelled).toEqual([]);
    expect(await stored()).toEqual([widget("finished", "ok"), widget("w", "Hello")]);
  });

  it("closes a pending hidden item silently on a source error", async () => {
    const { log, operator, stored } = await setup();
    const hidden: ThreadItem = {
      type: "sdk_hidden_context",
      id: "h",
      thread_id: THREAD.id,
      created_at: "x",
      content: "n",
    };
    const source = new Observable<ThreadStreamEvent>((subscriber) => {
      subscriber.next(added(hidden));
      subscriber.error(new Error("x"));
    });
    const { events, result } = collect(source.pipe(operator), log);
    expect(await result).toBe("complete");
    expect(events).toEqual([added(hidden), ERROR_EVENT]);
    expect(await stored()).toEqual([hidden]);
  });

  it("forwards an error event for an error before any event", async () => {
    const { log, operator, errors } = await setup();
    const boom = new Error("no model");
    const { events, result } = collect(
      new Observable<ThreadStreamEvent>((subscriber) => subscriber.error(boom)).pipe(operator),
      log,
    );
    expect(await result).toBe("complete");
    expect(events).toEqual([ERROR_EVENT]);
    expect(errors).toEqual([boom]);
  });

  it("on early unsubscribe, unsubscribes from the source and hands the pending items to onCancel once", async () => {
    const { log, operator, cancelled } = await setup();
    const source = new Subject<ThreadStreamEvent>();
    const { events, unsubscribe } = collect(source.pipe(operator), log);
    source.next(added(widget("w", "Hel")));
    source.next(setText("w", "Hello wor"));
    source.next(done(widget("saved", "x")));
    await flushMicrotasks();
    expect(events).toHaveLength(3);
    expect(source.observed).toBe(true);
    unsubscribe();
    expect(source.observed).toBe(false);
    expect(cancelled).toEqual([[widget("w", "Hello wor")]]);
    unsubscribe();
    expect(cancelled).toHaveLength(1);
  });

  it("keeps text deltas and other updates of a pending item in order, for a cancel as for an error", async () => {
    const updates = [
      textDelta("w", "l"),
      textDelta("w", "lo"),
      setText("w", "Hi"),
      textDelta("w", " there"),
      textDelta("w", "!", "nowhere"), // names no component: the client cannot apply it either
      textDelta("w", ", Ada"),
    ];
    const cancel = await setup();
    const source = new Subject<ThreadStreamEvent>();
    const { unsubscribe } = collect(source.pipe(cancel.operator), cancel.log);
    source.next(added(widget("w", "Hel")));
    for (const update of updates) source.next(update);
    await flushMicrotasks();
    unsubscribe();
    expect(cancel.cancelled).toEqual([[widget("w", "Hi there, Ada")]]);

    const failure = await setup();
    const failing = new Observable<ThreadStreamEvent>((subscriber) => {
      subscriber.next(added(widget("w", "Hel")));
      for (const update of updates) subscriber.next(update);
      subscriber.error(new Error("model down"));
    });
    const { events, result } = collect(failing.pipe(failure.operator), failure.log);
    expect(await result).toBe("complete");
    expect(events.slice(-2)).toEqual([done(widget("w", "Hi there, Ada")), ERROR_EVENT]);
    expect(await failure.stored()).toEqual([widget("w", "Hi there, Ada")]);
  });

  it("on unsubscribe while a save is in flight, hands that item to onCancel and sends nothing more", async () => {
    const { log, store, operator, cancelled } = await setup();
    const source = new Subject<ThreadStreamEvent>();
    const { events, unsubscribe } = collect(source.pipe(operator), log);
    const release = store.hold();
    source.next(added(widget("w", "a")));
    source.next(done(widget("w", "b")));
    await flushMicrotasks();
    unsubscribe();
    expect(cancelled).toEqual([[widget("w", "b")]]);
    release();
    await flushMicrotasks();
    expect(events).toEqual([added(widget("w", "a"))]);
  });

  it("does not call onCancel after the stream completed or turned an error into an error event", async () => {
    const { log, operator, cancelled } = await setup();
    const first = collect(of(added(widget("w", "a"))).pipe(operator), log);
    expect(await first.result).toBe("complete");
    first.unsubscribe();
    const second = collect(
      new Observable<ThreadStreamEvent>((subscriber) => subscriber.error(new Error("x"))).pipe(operator),
      log,
    );
    expect(await second.result).toBe("complete");
    second.unsubscribe();
    expect(cancelled).toEqual([]);
  });

  it("keeps no state between subscriptions", async () => {
    const { log, operator, cancelled } = await setup();
    const events$ = of(added(widget("w", "a"))).pipe(operator);
    await lastValueFrom(events$.pipe(toArray()));
    const source = new Subject<ThreadStreamEvent>();
    const { unsubscribe } = collect(source.pipe(operator), log);
    unsubscribe();
    expect(cancelled).toEqual([[]]);
  });

  it("turns a rejecting store call into an error event, closing the pending items", async () => {
    const { log, store, operator, errors, stored } = await setup();
    const disk = new Error("disk full");
    let failures = 0;
    // Fails once: the retry made while closing the pending items succeeds.
    store.failWith = (method, id) =>
      method === "addThreadItem" && id === "bad" && failures++ === 0 ? disk : undefined;
    const { events, result } = collect(
      of(added(widget("open", "o")), done(widget("bad", "b")), done(widget("later", "l"))).pipe(operator),
      log,
    );
    expect(await result).toBe("complete");
    // Everything tracked before the failure is closed, in arrival order; nothing after the failure is sent as is.
    expect(events).toEqual([
      added(widget("open", "o")),
      done(widget("open", "o")),
      done(widget("bad", "b")),
      done(widget("later", "l")),
      ERROR_EVENT,
    ]);
    expect(errors).toEqual([disk]);
    expect((await stored()).map((item) => item.id)).toEqual(["open", "bad", "later"]);
  });

  it("still ends with the error event when closing the pending items fails too", async () => {
    const { log, store, operator, errors } = await setup();
    const disk = new Error("disk full");
    store.failWith = (method, id) => (method === "addThreadItem" && id === "bad" ? disk : undefined);
    const { events, result } = collect(
      of(added(widget("open", "o")), done(widget("bad", "b")), done(widget("never", "n"))).pipe(operator),
      log,
    );
    expect(await result).toBe("complete");
    expect(events[0]).toEqual(added(widget("open", "o")));
    expect(events.at(-1)).toEqual(ERROR_EVENT);
    expect(events).not.toContainEqual(done(widget("bad", "b")));
    expect(errors).toEqual([disk]);
  });

  it("turns a store call that throws synchronously into an error event", async () => {
    const { log, store, operator, errors } = await setup();
    const crash = new Error("driver crashed");
    store.failWith = (method) => (method === "deleteThreadItem" ? { throwSync: crash } : undefined);
    const { events, result } = collect(of(removed("x")).pipe(operator), log);
    expect(await result).toBe("complete");
    expect(events).toEqual([ERROR_EVENT]);
    expect(errors).toEqual([crash]);
  });

  it("turns a widget update of an unknown stored item into an error event (loadItem rejects)", async () => {
    const { log, operator, errors } = await setup();
    const { events, result } = collect(of(setText("nope", "x")).pipe(operator), log);
    expect(await result).toBe("complete");
    expect(events).toEqual([ERROR_EVENT]);
    expect(errors).toEqual([
      expect.objectContaining({ name: "StoreNotFoundError", entity: "item", id: "nope" }),
    ]);
  });

  it("errors the output when toErrorEvent throws", async () => {
    const policy = new Error("toErrorEvent broke");
    const { operator } = await setup({
      toErrorEvent: () => {
        throw policy;
      },
    });
    const notifications = await lastValueFrom(
      new Observable<ThreadStreamEvent>((subscriber) => subscriber.error(new Error("x"))).pipe(
        operator,
        materialize(),
        toArray(),
      ),
    );
    expect(notifications.map((n) => n.kind)).toEqual(["E"]);
    expect(notifications[0]?.error).toBe(policy);
  });
});
