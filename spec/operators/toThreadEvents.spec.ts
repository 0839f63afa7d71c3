import { produce } from "immer";
import { Subject } from "rxjs";
import { TestScheduler } from "rxjs/testing";

import type { ThreadStreamEvent } from "../../lib/events/threadEvents";
import type { ThreadItem, WidgetItem } from "../../lib/events/threadItems";
import { applyThreadEvent } from "../../lib/reducer/applyThreadEvent";
import { toThreadEvents, type ToThreadEventsConfig } from "../../operators/toThreadEvents";
import type { WidgetRoot } from "../../widgets/components";

const card = (value: string, streaming = true): WidgetRoot =>
  ({ type: "Card", children: [{ type: "Text", id: "t", value, streaming }] }) as unknown as WidgetRoot;

const thread = { id: "thr_1" };
const base: ToThreadEventsConfig = { generateId: () => "msg_1", now: () => 0 };

const item = (widget: WidgetRoot, extra: Partial<WidgetItem> = {}): WidgetItem => ({
  type: "widget",
  id: "msg_1",
  thread_id: "thr_1",
  created_at: "1970-01-01T00:00:00.000Z",
  widget,
  ...extra,
});
const added = (widget: WidgetRoot, extra?: Partial<WidgetItem>): ThreadStreamEvent => ({
  type: "thread.item.added",
  item: item(widget, extra),
});
const done = (widget: WidgetRoot, extra?: Partial<WidgetItem>): ThreadStreamEvent => ({
  type: "thread.item.done",
  item: item(widget, extra),
});
const delta = (text: string, isDone: boolean): ThreadStreamEvent => ({
  type: "thread.item.updated",
  item_id: "msg_1",
  update: { type: "widget.streaming_text.value_delta", component_id: "t", delta: text, done: isDone },
});
const rootUpdated = (widget: WidgetRoot): ThreadStreamEvent => ({
  type: "thread.item.updated",
  item_id: "msg_1",
  update: { type: "widget.root.updated", widget },
});

describe("toThreadEvents", () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const a = card("He");
  const b = card("Hello");
  const c = card("Hello!", false);

  it("should bracket the updates with added and done", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a--b--c--|", { a, b, c });
      const subs = "       ^---------!";
      const expected = "   -A--U--V--(D|)";
      expectObservable(source.pipe(toThreadEvents(thread, base))).toBe(expected, {
        A: added(a),
        U: delta("llo", false),
        V: rootUpdated(c),
        D: done(c),
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it("should pass doneDeltaEndsStreaming on to the diff", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-a--b--c--|", { a, b, c });
      expectObservable(source.pipe(toThreadEvents(thread, { ...base, doneDeltaEndsStreaming: true }))).toBe(
        "-A--U--V--(D|)",
        { A: added(a), U: delta("llo", false), V: delta("!", true), D: done(c) },
      );
    });
  });

  it("should pass componentUpdates on to the diff", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const withSibling = (root: WidgetRoot): WidgetRoot =>
        ({
          ...root,
          children: [...(root.children as unknown[]), { type: "Divider" }],
        }) as unknown as WidgetRoot;
      const [a2, c2] = [withSibling(a), withSibling(c)];
      const source = cold("-a--c--|", { a: a2, c: c2 });
      expectObservable(source.pipe(toThreadEvents(thread, { ...base, componentUpdates: true }))).toBe(
        "-A--V--(D|)",
        {
          A: added(a2),
          V: {
            type: "thread.item.updated",
            item_id: "msg_1",
            update: {
              type: "widget.component.updated",
              component_id: "t",
              component: (c2.children as unknown[])[0],
            },
          } as ThreadStreamEvent,
          D: done(c2),
        },
      );
    });
  });

  it("should send added and done for one state", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-a--|", { a });
      expectObservable(source.pipe(toThreadEvents(thread, base))).toBe("-A--(D|)", {
        A: added(a),
        D: done(a),
      });
    });
  });

  it("should send nothing for an empty source", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<WidgetRoot>("|");
      expectObservable(source.pipe(toThreadEvents(thread, base))).toBe("|");
      expectSubscriptions(source.subscriptions).toBe("(^!)");
    });
  });

  it("should only send added for never-ending states", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-", { a });
      expectObservable(source.pipe(toThreadEvents(thread, base))).toBe("-A-", { A: added(a) });
      expectSubscriptions(source.subscriptions).toBe("^--");
    });
  });

  it("should send nothing for never", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<WidgetRoot>("-").pipe(toThreadEvents(thread, base))).toBe("-");
    });
  });

  it("should close the item with the last good state before a source error", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a--b--#", { a, b });
      expectObservable(source.pipe(toThreadEvents(thread, base))).toBe("-A--U--(D#)", {
        A: added(a),
        U: delta("llo", false),
        D: done(b),
      });
      expectSubscriptions(source.subscriptions).toBe("^------!");
    });
  });

  it("should just error when the source errors before its first state", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<WidgetRoot>("--#").pipe(toThreadEvents(thread, base))).toBe("--#");
    });
  });

  it("should unsubscribe from the source early and send nothing more", () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot("-a--b--c--|", { a, b, c });
      const unsub = "     ------!";
      expectObservable(source.pipe(toThreadEvents(thread, base)), unsub).toBe("-A--U-", {
        A: added(a),
        U: delta("llo", false),
      });
      expectSubscriptions(source.subscriptions).toBe("^-----!");
    });
  });

  it("should send a copyText string with added and done", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-a-|", { a });
      expectObservable(source.pipe(toThreadEvents(thread, { ...base, copyText: "hi" }))).toBe("-A-(D|)", {
        A: added(a, { copy_text: "hi" }),
        D: done(a, { copy_text: "hi" }),
      });
    });
  });

  it("should call a copyText function once, with the final widget, for done", () => {
    testScheduler.run(({ cold, expectObservable, flush }) => {
      const calls: WidgetRoot[] = [];
      const copyText = (widget: WidgetRoot): string => {
        calls.push(widget);
        return "copied";
      };
      const source = cold("-a-c-|", { a, c });
      expectObservable(source.pipe(toThreadEvents(thread, { ...base, copyText }))).toBe("-A-V-(D|)", {
        A: added(a),
        V: rootUpdated(c),
        D: done(c, { copy_text: "copied" }),
      });
      flush();
      expect(calls).toEqual([c]);
    });
  });

  it("should error instead of sending done when copyText throws", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-|", { a });
      const copyText = (): string => {
        throw new Error("copy failed");
      };
      expectObservable(source.pipe(toThreadEvents(thread, { ...base, copyText }))).toBe(
        "-A-#",
        { A: added(a) },
        new Error("copy failed"),
      );
      expectSubscriptions(source.subscriptions).toBe("^--!");
    });
  });

  it("should keep the source error when copyText throws after it", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const copyText = (): string => {
        throw new Error("copy failed");
      };
      expectObservable(cold("-a-#", { a }).pipe(toThreadEvents(thread, { ...base, copyText }))).toBe("-A-#", {
        A: added(a),
      });
    });
  });

  it("should route a throwing generateId to error", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-b-|", { a, b });
      const generateId = (): string => {
        throw new Error("no ids");
      };
      expectObservable(source.pipe(toThreadEvents(thread, { generateId }))).toBe(
        "-#",
        undefined,
        new Error("no ids"),
      );
      expectSubscriptions(source.subscriptions).toBe("^!");
    });
  });

  it("should take created_at from the scheduler's clock by default, and ids per subscription", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      let n = 0;
      const generateId = (type: string): string => `${type}_${++n}`;
      const source = cold("---a|", { a });
      const events = source.pipe(toThreadEvents(thread, { generateId }));
      const at3 = { ...item(a), created_at: "1970-01-01T00:00:00.003Z" };
      expectObservable(events).toBe("---A(D|)", {
        A: { type: "thread.item.added", item: { ...at3, id: "message_1" } },
        D: { type: "thread.item.done", item: { ...at3, id: "message_1" } },
      });
      expectObservable(events).toBe("---A(D|)", {
        A: { type: "thread.item.added", item: { ...at3, id: "message_2" } },
        D: { type: "thread.item.done", item: { ...at3, id: "message_2" } },
      });
    });
  });

  it("should use an injected clock", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const now = (): number => Date.UTC(2025, 0, 2, 3, 4, 5);
      const at = { created_at: "2025-01-02T03:04:05.000Z" };
      expectObservable(cold("a|", { a }).pipe(toThreadEvents(thread, { ...base, now }))).toBe("A(D|)", {
        A: added(a, at),
        D: done(a, at),
      });
    });
  });

  it("should send component updates when asked", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const x = { type: "Card", children: [{ type: "Box", id: "b", gap: 1 }] } as unknown as WidgetRoot;
      const y = { type: "Card", children: [{ type: "Box", id: "b", gap: 2 }] } as unknown as WidgetRoot;
      const source = cold("x-y|", { x, y });
      expectObservable(source.pipe(toThreadEvents(thread, { ...base, componentUpdates: true }))).toBe(
        "A-U(D|)",
        {
          A: added(x),
          U: {
            type: "thread.item.updated",
            item_id: "msg_1",
            update: {
              type: "widget.component.updated",
              component_id: "b",
              component: { type: "Box", id: "b", gap: 2 },
            },
          },
          D: done(y),
        },
      );
    });
  });

  it("should keep the order of updates when a consumer feeds a state back synchronously", () => {
    const source = new Subject<WidgetRoot>();
    const two = {
      type: "Card",
      children: [
        { type: "Text", id: "x", value: "", streaming: true },
        { type: "Text", id: "y", value: "", streaming: true },
      ],
    } as unknown as WidgetRoot;
    const grow = (root: WidgetRoot, x: string, y: string): WidgetRoot =>
      produce(root, (draft) => {
        (draft.children[0] as { value: string }).value += x;
        (draft.children[1] as { value: string }).value += y;
      });
    const s1 = grow(two, "a", "b");
    const s2 = grow(s1, "c", "d");
    let items: readonly ThreadItem[] = [];
    let fedBack = false;
    source.pipe(toThreadEvents(thread, base)).subscribe((event) => {
      items = applyThreadEvent(items, event);
      if (event.type === "thread.item.updated" && !fedBack) {
        fedBack = true;
        source.next(s2);
      }
    });
    source.next(two);
    source.next(s1);
    // Before done, which would overwrite whatever the updates built.
    expect(items).toEqual([item(s2)]);
  });

  it("should send done after the updates of the state being sent when a consumer completes the source", () => {
    const source = new Subject<WidgetRoot>();
    const events: ThreadStreamEvent[] = [];
    source.pipe(toThreadEvents(thread, base)).subscribe({
      next: (event) => {
        events.push(event);
        if (event.type === "thread.item.updated") source.complete();
      },
      complete: () => events.push({ type: "thread.item.removed", item_id: "completed" }),
    });
    source.next(a);
    source.next(b);
    expect(events).toEqual([
      added(a),
      delta("llo", false),
      done(b),
      { type: "thread.item.removed", item_id: "completed" },
    ]);
  });

  it("should close the item with the latest state when the source errors while its updates are sent", () => {
    const source = new Subject<WidgetRoot>();
    const error = new Error("upstream failed");
    const events: ThreadStreamEvent[] = [];
    let caught: unknown;
    source.pipe(toThreadEvents(thread, base)).subscribe({
      next: (event) => {
        events.push(event);
        if (event.type === "thread.item.updated") source.error(error);
      },
      error: (err: unknown) => (caught = err),
    });
    source.next(a);
    source.next(b);
    expect(events).toEqual([added(a), delta("llo", false), done(b)]);
    expect(caught).toBe(error);
  });

  it("should throw a TypeError at call time for a bad thread", () => {
    expect(() => toThreadEvents(null as unknown as { id: string })).toThrow(TypeError);
    expect(() => toThreadEvents({} as { id: string })).toThrow(/toThreadEvents: thread must be an object/);
  });
});
