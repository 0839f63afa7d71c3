import { lastValueFrom, Subject, toArray } from "rxjs";
import type { ThreadMetadata, ThreadStreamEvent, WidgetRoot } from "chatkit-rx";
import { AgentContext } from "../../../lib/agents/AgentContext";
import { AgentContextClosedError, AgentStreamConsumedError } from "../../../lib/errors";
import { MemoryStore } from "../../../lib/server/MemoryStore";
import { testContext } from "./testContext";

const thread: ThreadMetadata = {
  id: "thr_1",
  created_at: "2025-01-01T00:00:00.000Z",
  status: { type: "active" },
};
const card = (value: string): WidgetRoot => ({ type: "Card", children: [{ type: "Text", id: "t", value }] });

function context(): AgentContext<{ user: string }> {
  return testContext(thread, { requestContext: { user: "u" } });
}

describe("AgentContext", () => {
  it("queues what tools push before the response streams, then streams the rest live; completes after close()", async () => {
    const ctx = context();
    ctx.stream({ type: "progress_update", text: "working" });
    const states = new Subject<WidgetRoot>();
    const widgetDone = ctx.streamWidget(states, { copyText: "copy" });
    const errors: unknown[] = [];
    const all = lastValueFrom(ctx.events().pipe(toArray()));
    ctx.events().subscribe({
      error: (e: unknown) => errors.push(e),
    });
    states.next(card("a"));
    states.next(card("ab"));
    ctx.close();
    states.complete();
    await widgetDone;
    const events = await all;
    expect(events.map((e) => e.type)).toEqual([
      "progress_update",
      "thread.item.added",
      "thread.item.updated",
      "thread.item.done",
    ]);
    expect(events[1]).toMatchObject({ item: { id: "message_1", copy_text: "copy" } });
    expect(errors[0]).toBeInstanceOf(AgentStreamConsumedError);
  });

  it("streamWidget rejects with the source's error after closing the item with its last state", async () => {
    const ctx = context();
    const events = lastValueFrom(ctx.events().pipe(toArray()));
    const states = new Subject<WidgetRoot>();
    const done = ctx.streamWidget(states);
    states.next(card("a"));
    states.error(new Error("boom"));
    await expect(done).rejects.toThrow("boom");
    ctx.close();
    expect((await events).map((e) => e.type)).toEqual(["thread.item.added", "thread.item.done"]);
  });

  it("after close, stream throws and streamWidget rejects with AgentContextClosedError", async () => {
    const ctx = context();
    ctx.close();
    expect(() => ctx.stream({ type: "progress_update", text: "x" })).toThrow(AgentContextClosedError);
    await expect(ctx.streamWidget(card("a"))).rejects.toBeInstanceOf(AgentContextClosedError);
  });

  it("abort() aborts the signal and settles widgets that never started", async () => {
    const ctx = context();
    const pending = ctx.streamWidget(card("a"));
    ctx.abort();
    await expect(pending).resolves.toBeUndefined();
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.isClosed).toBe(true);
  });

  it("events() can be consumed once", async () => {
    const ctx = context();
    ctx.events().subscribe();
    await expect(lastValueFrom(ctx.events())).rejects.toBeInstanceOf(AgentStreamConsumedError);
  });

  it("takes item ids from the store when no generator is given", () => {
    const store = new MemoryStore<{ user: string }>();
    const ctx = new AgentContext({ thread, store, requestContext: { user: "u" } });
    expect(ctx.generateId("message")).toMatch(/^msg_/);
    // A thread id is the store's thread id, as the reference's generate_id("thread") is.
    class ThreadIds extends MemoryStore<{ user: string }> {
      override generateThreadId(): string {
        return "thr_from_store";
      }
    }
    const withThreads = new AgentContext({ thread, store: new ThreadIds(), requestContext: { user: "u" } });
    expect(withThreads.generateId("thread")).toBe("thr_from_store");
  });

  it("rejects misuse at call time", () => {
    expect(() => new AgentContext({ thread: {} as ThreadMetadata, requestContext: undefined })).toThrow(
      TypeError,
    );
    expect(() => context().stream(null as unknown as ThreadStreamEvent)).toThrow(TypeError);
    expect(() => void context().streamWidget(42 as unknown as WidgetRoot)).toThrow(TypeError);
  });

  it("progress(text, icon?) sends a progress_update", async () => {
    const ctx = context();
    ctx.progress("Searching the docs", "search");
    ctx.progress("Reading");
    ctx.close();
    expect(await lastValueFrom(ctx.events().pipe(toArray()))).toEqual([
      { type: "progress_update", text: "Searching the docs", icon: "search" },
      { type: "progress_update", text: "Reading" },
    ]);
    expect(() => ctx.progress(42 as unknown as string)).toThrow(TypeError);
  });

  it("workflow helpers: misuse throws a TypeError naming the helper; a closed context throws AgentContextClosedError", () => {
    const ctx = context();
    const task = { type: "custom", title: "t", status_indicator: "none" } as const;
    expect(() => ctx.updateWorkflowTask(task, 0)).toThrow(/updateWorkflowTask: no workflow is open/);
    ctx.addWorkflowTask(task);
    expect(() => ctx.updateWorkflowTask(task, 1)).toThrow(
      new TypeError("updateWorkflowTask: index 1 names no task (the workflow has 1)"),
    );
    ctx.endWorkflow();
    ctx.endWorkflow(); // nothing open: nothing happens
    ctx.close();
    expect(() => ctx.addWorkflowTask(task)).toThrow(AgentContextClosedError);
    expect(() => ctx.startWorkflow({ type: "custom", tasks: [], expanded: false })).toThrow(
      expect.objectContaining({ name: "AgentContextClosedError", operation: "startWorkflow" }) as Error,
    );
  });
});
