import { Agent, run, tool, type RunContext, type Tool } from "@openai/agents";
import { config as rxjsConfig, lastValueFrom, Observable, take, toArray } from "rxjs";
import { z } from "zod";
import {
  applyThreadEvent,
  ThreadStreamEventSchema,
  type ThreadItem,
  type ThreadItemDoneEvent,
  type ThreadMetadata,
  type ThreadStreamEvent,
  type WidgetRoot,
} from "chatkit-rx";
import { AgentContext } from "../../../lib/agents/AgentContext";
import type { StreamedRunLike } from "../../../lib/agents/fromStreamedRun";
import { streamAgentResponse } from "../../../lib/agents/streamAgentResponse";
import { draftMessageToHarry } from "../../../examples/agents/draftMessageToHarry";
import { sampleWidget } from "../../../examples/agents/sampleWidget";
import { SyncSource } from "../../helpers/SyncSource";
import { ScriptedModel, type ScriptedTurn } from "./ScriptedModel";
import { testContext } from "./testContext";

const thread: ThreadMetadata = {
  id: "thr_test",
  created_at: "2025-01-01T00:00:00.000Z",
  status: { type: "active" },
};

function newContext(): AgentContext {
  return testContext(thread);
}

function replay(events: readonly ThreadStreamEvent[]): readonly ThreadItem[] {
  return events.reduce<readonly ThreadItem[]>(applyThreadEvent, []);
}

function card(text: string): WidgetRoot {
  return { type: "Card", children: [{ type: "Markdown", id: "body", value: text }] };
}

function markdownOf(item: ThreadItem | undefined): unknown {
  if (item?.type !== "widget") throw new Error(`expected a widget item, got ${item?.type ?? "nothing"}`);
  const root = item.widget as { children: { id?: string; value?: unknown }[] };
  return root.children.find((child) => child.id === "message")?.value;
}

function assistantTexts(items: readonly ThreadItem[]): string[] {
  return items.flatMap((item) =>
    item.type === "assistant_message" ? [item.content.map((c) => c.text).join("")] : [],
  );
}

/** Starts the run the way a server does and returns the merged events. */
async function respond(
  agentTools: Tool<AgentContext>[],
  turns: readonly ScriptedTurn[],
  context: AgentContext = newContext(),
) {
  const model = new ScriptedModel(turns);
  const agent = new Agent<AgentContext>({ name: "Assistant", model, tools: agentTools });
  const result = await run(agent, "hi", { stream: true, context, signal: context.signal });
  return { model, result, context, events: streamAgentResponse(context, result) };
}

describe("streamAgentResponse (integration, scripted model, real Runner)", () => {
  it("sample_widget: one static widget is one thread.item.done inside the merged stream", async () => {
    const { events } = await respond(
      [sampleWidget],
      [
        { text: ["Here ", "it is."], toolCalls: [{ name: "sample_widget", args: {} }] },
        { text: ["Done", "!"] },
      ],
    );
    const all = await lastValueFrom(events.pipe(toArray()));
    for (const event of all) expect(ThreadStreamEventSchema.safeParse(event).success).toBe(true);

    const widgetEvents = all.filter(
      (e) => (e.type === "thread.item.added" || e.type === "thread.item.done") && e.item.type === "widget",
    );
    expect(widgetEvents).toEqual([
      {
        type: "thread.item.done",
        item: expect.objectContaining({ type: "widget", thread_id: "thr_test", copy_text: "Sample widget" }),
      },
    ]);
    const items = replay(all);
    expect(assistantTexts(items)).toEqual(["Here it is.", "Done!"]);
    expect(items.map((item) => item.type)).toEqual(["assistant_message", "widget", "assistant_message"]);
    // The assistant message streams: added, part added, deltas, part done, done.
    const firstId = items[0]?.id;
    expect(
      all
        .filter((e) => ("item_id" in e ? e.item_id : "item" in e ? e.item.id : undefined) === firstId)
        .map((e) => (e.type === "thread.item.updated" ? e.update.type : e.type)),
    ).toEqual([
      "thread.item.added",
      "assistant_message.content_part.added",
      "assistant_message.content_part.text_delta",
      "assistant_message.content_part.text_delta",
      "assistant_message.content_part.done",
      "thread.item.done",
    ]);
  });

  it("completes with the run when no tool streams anything", async () => {
    const silent = tool({ name: "silent", description: "d", parameters: z.object({}), execute: () => "ok" });
    const { events } = await respond(
      [silent],
      [{ toolCalls: [{ name: "silent", args: {} }] }, { text: ["fine"] }],
    );
    const all = await lastValueFrom(events.pipe(toArray()));
    expect(assistantTexts(replay(all))).toEqual(["fine"]);
  });

  it("draft_message_to_harry: a nested streamed run grows the channel message's Markdown", async () => {
    const writer = new ScriptedModel([{ text: ["Dear ", "Harry, ", "see you ", "at Quidditch!"] }]);
    const { events } = await respond(
      [draftMessageToHarry(writer)],
      [
        {
          text: ["Drafting..."],
          toolCalls: [{ name: "draft_message_to_harry", args: { topic: "Quidditch" } }],
        },
        { text: ["Sent ", "the draft."] },
      ],
    );
    const all = await lastValueFrom(events.pipe(toArray()));
    const widgetAdded = all.findIndex((e) => e.type === "thread.item.added" && e.item.type === "widget");
    const widgetDone = all.findIndex((e) => e.type === "thread.item.done" && e.item.type === "widget");
    expect(widgetAdded).toBeGreaterThan(-1);
    expect(widgetDone).toBeGreaterThan(widgetAdded);
    const deltas = all.filter(
      (e) => e.type === "thread.item.updated" && e.update.type === "widget.streaming_text.value_delta",
    );
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    const done = all[widgetDone] as ThreadItemDoneEvent;
    expect(markdownOf(done.item)).toBe("Dear Harry, see you at Quidditch!");
    expect(done.item).toMatchObject({ copy_text: "Dear Harry, see you at Quidditch!" });
    // The outer assistant message streams around it, and the replay holds exactly the done states.
    const items = replay(all);
    expect(assistantTexts(items)).toEqual(["Drafting...", "Sent the draft."]);
    expect(items.find((item) => item.type === "widget")).toEqual(done.item);
    expect(writer.exhausted).toBe(true);
  });

  it("streams two tools' widgets in parallel, each its own item, interleaved", async () => {
    const writerA = new ScriptedModel([{ text: ["A1 ", "A2 ", "A3"] }], { stepMs: 5 });
    const writerB = new ScriptedModel([{ text: ["B1 ", "B2 ", "B3"] }], { stepMs: 5 });
    const toolA = draftMessageToHarry(writerA);
    const toolB = { ...draftMessageToHarry(writerB), name: "draft_b" };
    const { events } = await respond(
      [toolA, toolB],
      [
        {
          toolCalls: [
            { name: "draft_message_to_harry", args: { topic: "a" } },
            { name: "draft_b", args: { topic: "b" } },
          ],
        },
        { text: ["Both drafted."] },
      ],
    );
    const all = await lastValueFrom(events.pipe(toArray()));
    const added = all.filter((e) => e.type === "thread.item.added" && e.item.type === "widget");
    expect(added).toHaveLength(2);
    const [first, second] = added.map((e) => (e as { item: ThreadItem }).item.id);
    expect(first).not.toBe(second);
    // Interleaved: the second widget starts before the first one is done.
    const secondAdded = all.findIndex((e) => e.type === "thread.item.added" && e.item.id === second);
    const firstDone = all.findIndex((e) => e.type === "thread.item.done" && e.item.id === first);
    expect(secondAdded).toBeLessThan(firstDone);
    const widgets = replay(all).filter((item) => item.type === "widget");
    expect(widgets.map(markdownOf).sort()).toEqual(["A1 A2 A3", "B1 B2 B3"]);
  });

  it("a tool that throws after adding a widget: the widget closes with its last state, the model sees the error", async () => {
    const failing = tool({
      name: "failing",
      description: "d",
      parameters: z.object({}),
      execute: async (_input, runContext?: RunContext<AgentContext>) => {
        async function* states(): AsyncGenerator<WidgetRoot> {
          yield card("loading");
          yield card("loading more");
          await Promise.resolve();
          throw new Error("backend down");
        }
        await runContext?.context.streamWidget(states());
        return "unreachable";
      },
    });
    const { events, model } = await respond(
      [failing],
      [{ toolCalls: [{ name: "failing", args: {} }] }, { text: ["Sorry, it failed."] }],
    );
    const all = await lastValueFrom(events.pipe(toArray()));
    const done = all.find(
      (e) => e.type === "thread.item.done" && e.item.type === "widget",
    ) as ThreadItemDoneEvent;
    expect(done.item).toMatchObject({ widget: card("loading more") });
    expect(assistantTexts(replay(all))).toEqual(["Sorry, it failed."]);
    // The SDK decides what the model sees of a tool error (by default a generic message), and the run goes on.
    expect(JSON.stringify(model.requests[1]?.input)).toContain("An error occurred while running the tool");
  });

  it("a failing run closes every open item with its last state, then errors", async () => {
    const slow = tool({
      name: "slow",
      description: "d",
      parameters: z.object({}),
      execute: (_input, runContext?: RunContext<AgentContext>) => {
        // Never finishes: the widget stays open until the response ends.
        void runContext?.context.streamWidget(new Observable<WidgetRoot>((s) => s.next(card("open"))));
        return "started";
      },
    });
    // No second turn scripted: the model call fails and so does the run.
    const { events } = await respond([slow], [{ toolCalls: [{ name: "slow", args: {} }] }]);
    const seen: ThreadStreamEvent[] = [];
    await expect(lastValueFrom(events.pipe(tapInto(seen)))).rejects.toThrow(/no turn 2 scripted/);
    expect(seen.at(-1)).toEqual({
      type: "thread.item.done",
      item: expect.objectContaining({ widget: card("open") }),
    });
  });
});

describe("streamAgentResponse with a tool's malformed widget update", () => {
  const widgetItem = (text: string): ThreadItem => ({
    type: "widget",
    id: "w_bad",
    thread_id: thread.id,
    created_at: "x",
    widget: { type: "Card", children: [{ type: "Text", id: "t", value: text, streaming: true }] },
  });
  const toNowhere: ThreadStreamEvent = {
    type: "thread.item.updated",
    item_id: "w_bad",
    update: {
      type: "widget.component.updated",
      component_id: "nowhere",
      component: { type: "Text", id: "nowhere", value: "?" },
    },
  };
  const textToNowhere: ThreadStreamEvent = {
    type: "thread.item.updated",
    item_id: "w_bad",
    update: { type: "widget.streaming_text.value_delta", component_id: "nowhere", delta: "!", done: false },
  };
  const goodDelta: ThreadStreamEvent = {
    type: "thread.item.updated",
    item_id: "w_bad",
    update: { type: "widget.streaming_text.value_delta", component_id: "t", delta: "b", done: false },
  };

  /** A tool that streams its own widget events by hand, one of them naming no component. */
  function badTool(finish: boolean): Tool<AgentContext> {
    return tool({
      name: "bad_widget",
      description: "d",
      parameters: z.object({}),
      execute: (_input, runContext?: RunContext<AgentContext>) => {
        const context = runContext?.context as AgentContext;
        context.stream({ type: "thread.item.added", item: widgetItem("a") });
        context.stream(toNowhere);
        context.stream(textToNowhere);
        context.stream(goodDelta);
        if (finish) context.stream({ type: "thread.item.done", item: widgetItem("ab") });
        return "shown";
      },
    });
  }

  /** Collects what RxJS reports as unhandled (a server's `uncaughtException`) while `body` runs. */
  async function catchingUnhandled(body: () => Promise<void>): Promise<unknown[]> {
    const unhandled: unknown[] = [];
    const previous = rxjsConfig.onUnhandledError;
    rxjsConfig.onUnhandledError = (error) => unhandled.push(error);
    try {
      await body();
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      rxjsConfig.onUnhandledError = previous;
    }
    return unhandled;
  }

  it("sends every event, reports the update, and goes on: nothing escapes as an unhandled error", async () => {
    let all: ThreadStreamEvent[] = [];
    const dropped: unknown[] = [];
    const unhandled = await catchingUnhandled(async () => {
      const context = newContext();
      const model = new ScriptedModel([
        { toolCalls: [{ name: "bad_widget", args: {} }] },
        { text: ["It is ", "shown."] },
      ]);
      const agent = new Agent<AgentContext>({ name: "Assistant", model, tools: [badTool(true)] });
      const result = await run(agent, "hi", { stream: true, context, signal: context.signal });
      all = await lastValueFrom(
        streamAgentResponse(context, result, {
          onDroppedUpdate: (error, event) => dropped.push({ error, event }),
        }).pipe(toArray()),
      );
    });
    expect(unhandled).toEqual([]);
    const widgetEvents = all.filter((e) =>
      "item" in e ? e.item.id === "w_bad" : "item_id" in e && e.item_id === "w_bad",
    );
    expect(widgetEvents).toEqual([
      { type: "thread.item.added", item: widgetItem("a") },
      toNowhere,
      textToNowhere,
      goodDelta,
      { type: "thread.item.done", item: widgetItem("ab") },
    ]);
    expect(assistantTexts(replay(all.filter((e) => !widgetEvents.includes(e))))).toEqual(["It is shown."]);
    expect(dropped).toEqual([
      {
        error: expect.objectContaining({ name: "WidgetUpdateError", componentId: "nowhere" }),
        event: toNowhere,
      },
    ]);
  });

  it("an onDroppedUpdate that throws errors the stream with its error, after closing the widget", async () => {
    const policy = new Error("report failed");
    const seen: ThreadStreamEvent[] = [];
    const unhandled = await catchingUnhandled(async () => {
      const context = newContext();
      const model = new ScriptedModel([{ toolCalls: [{ name: "bad_widget", args: {} }] }, { text: ["x"] }]);
      const agent = new Agent<AgentContext>({ name: "Assistant", model, tools: [badTool(true)] });
      const result = await run(agent, "hi", { stream: true, context, signal: context.signal });
      const events = streamAgentResponse(context, result, {
        onDroppedUpdate: () => {
          throw policy;
        },
      });
      await expect(lastValueFrom(events.pipe(tapInto(seen)))).rejects.toBe(policy);
      expect(context.signal.aborted).toBe(true);
    });
    expect(unhandled).toEqual([]);
    expect(seen.at(-1)).toEqual({ type: "thread.item.done", item: widgetItem("a") });
  });

  it("closes the widget with its last good state when the response is stopped before its done", async () => {
    const stop = new AbortController();
    let seen: ThreadStreamEvent[] = [];
    const unhandled = await catchingUnhandled(async () => {
      const context = newContext();
      const model = new ScriptedModel([{ toolCalls: [{ name: "bad_widget", args: {} }] }, { text: ["x"] }], {
        stepMs: 20,
      });
      const agent = new Agent<AgentContext>({ name: "Assistant", model, tools: [badTool(false)] });
      const result = await run(agent, "hi", { stream: true, context, signal: context.signal });
      seen = await lastValueFrom(
        streamAgentResponse(context, result, { signal: stop.signal }).pipe(
          (events) =>
            new Observable<ThreadStreamEvent>((subscriber) =>
              events.subscribe({
                next: (event) => {
                  subscriber.next(event);
                  if (event === goodDelta) stop.abort();
                },
                error: (error: unknown) => subscriber.error(error),
                complete: () => subscriber.complete(),
              }),
            ),
          toArray(),
        ),
      );
    });
    expect(unhandled).toEqual([]);
    expect(seen.at(-1)).toEqual({ type: "thread.item.done", item: widgetItem("ab") });
  });
});

describe("streamAgentResponse cancellation", () => {
  async function startDraft(context: AgentContext) {
    const writer = new ScriptedModel([{ text: Array.from({ length: 50 }, (_, i) => `w${i} `) }], {
      stepMs: 10,
    });
    const started = await respond(
      [draftMessageToHarry(writer)],
      [{ toolCalls: [{ name: "draft_message_to_harry", args: { topic: "t" } }] }, { text: ["never"] }],
      context,
    );
    return { ...started, writer };
  }

  it("unsubscribing half way aborts the runs and hands the open widget, with its last state, to onCancel", async () => {
    const context = newContext();
    const { result, writer, model } = await startDraft(context);
    const seen: ThreadStreamEvent[] = [];
    const closing: ThreadItemDoneEvent[][] = [];
    await new Promise<void>((resolve) => {
      const subscription = streamAgentResponse(context, result, {
        onCancel: (c) => closing.push([...c]),
      }).subscribe((event) => {
        seen.push(event);
        if (seen.filter((e) => e.type === "thread.item.updated").length === 3) {
          subscription.unsubscribe();
          resolve();
        }
      });
    });
    await new Promise((r) => setTimeout(r, 50));

    expect(context.signal.aborted).toBe(true);
    expect(writer.aborts).toBe(1); // the nested run's model noticed the abort
    expect(writer.exhausted).toBe(true);
    expect(model.requests).toHaveLength(1); // the outer run never asked for its second turn
    expect(closing).toHaveLength(1);
    const [widgetDone] = closing[0] ?? [];
    expect(closing[0]).toHaveLength(1);
    // Its last state is exactly what the client held.
    expect(replay(seen)).toEqual([widgetDone?.item]);
    // Added with "w0 ", then three updates.
    expect(markdownOf(widgetDone?.item)).toBe("w0 w1 w2 w3 ");
    expect(() => context.stream({ type: "progress_update", text: "late" })).toThrow(/already ended/);
  });

  it("config.signal cancels gracefully: the open widget's done is sent, then the stream completes", async () => {
    const context = newContext();
    const { result, writer } = await startDraft(context);
    const stop = new AbortController();
    const seen: ThreadStreamEvent[] = [];
    await new Promise<void>((resolve, reject) => {
      streamAgentResponse(context, result, { signal: stop.signal }).subscribe({
        next: (event) => {
          seen.push(event);
          if (seen.filter((e) => e.type === "thread.item.updated").length === 2) stop.abort();
        },
        error: reject,
        complete: resolve,
      });
    });
    await new Promise((r) => setTimeout(r, 30));
    const last = seen.at(-1);
    expect(last?.type).toBe("thread.item.done");
    const items = replay(seen);
    expect(items).toHaveLength(1);
    expect(markdownOf(items[0])).toBe("w0 w1 w2 ");
    expect(writer.aborts).toBe(1);
  });
});

function tapInto<T>(into: T[]) {
  return (source: Observable<T>) =>
    new Observable<T>((subscriber) =>
      source.subscribe({
        next: (value) => {
          into.push(value);
          subscriber.next(value);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}

describe("streamAgentResponse, early unsubscribe", () => {
  /** A run that streams nothing and ends when it is cancelled. */
  function idleRun(): StreamedRunLike {
    return {
      toStream: () => new ReadableStream<never>(),
      completed: Promise.resolve(),
      cancelled: false,
    };
  }

  it("stops a synchronous widget stream as soon as the subscriber has enough", async () => {
    const context = newContext();
    const states = new SyncSource((i) => card(`state ${i}`));
    const streamed = context.streamWidget(states.observable);
    const seen: ThreadStreamEvent[] = [];
    streamAgentResponse(context, idleRun())
      .pipe(take(2))
      .subscribe((event) => seen.push(event));
    // Added with the first state, then the first update; the source stopped there.
    expect(seen.map((event) => event.type)).toEqual(["thread.item.added", "thread.item.updated"]);
    expect(states.produced).toBe(2);
    expect(context.signal.aborted).toBe(true);
    await expect(streamed).resolves.toBeUndefined();
  });
});
