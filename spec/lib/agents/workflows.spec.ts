import { Agent, run, tool, type RunContext, type Tool } from "@openai/agents";
import { lastValueFrom, tap, toArray } from "rxjs";
import { z } from "zod";
import {
  applyThreadEvent,
  ThreadStreamEventSchema,
  type ThreadItem,
  type ThreadMetadata,
  type ThreadStreamEvent,
  type WorkflowItem,
} from "chatkit-rx";
import { AgentContext } from "../../../lib/agents/AgentContext";
import type { StreamedRunLike } from "../../../lib/agents/fromStreamedRun";
import { streamAgentResponse } from "../../../lib/agents/streamAgentResponse";
import { ScriptedModel, type ScriptedTurn } from "./ScriptedModel";
import { testContext } from "./testContext";

const thread: ThreadMetadata = {
  id: "thr_wf",
  created_at: "2025-01-01T00:00:00.000Z",
  status: { type: "active" },
};

/** A context whose clock the test moves: `clock.ms` is "now". */
function newContext(clock: { ms: number }): AgentContext {
  return testContext(thread, { now: () => clock.ms });
}

async function respond(
  turns: readonly ScriptedTurn[],
  tools: Tool<AgentContext>[] = [],
  onEvent: (event: ThreadStreamEvent) => void = () => undefined,
): Promise<ThreadStreamEvent[]> {
  const clock = { ms: 0 };
  const context = newContext(clock);
  const agent = new Agent<AgentContext>({ name: "Assistant", model: new ScriptedModel(turns), tools });
  const result = await run(agent, "hi", { stream: true, context, signal: context.signal });
  const all = await lastValueFrom(
    streamAgentResponse(context, result).pipe(
      tap((event) => {
        // Each workflow "takes" 3 s: the clock moves once a workflow shows.
        if (event.type === "thread.item.added" && event.item.type === "workflow") clock.ms += 3000;
        onEvent(event);
      }),
      toArray(),
    ),
  );
  for (const event of all) expect(ThreadStreamEventSchema.safeParse(event).success).toBe(true);
  return all;
}

/** Each event as a short label: `added:workflow`, `workflow.task.added`, `done:assistant_message`... */
function labels(events: readonly ThreadStreamEvent[]): string[] {
  return events.flatMap((event) => {
    if (event.type === "thread.item.updated") {
      return event.update.type === "assistant_message.content_part.text_delta" ? [] : [event.update.type];
    }
    if (event.type === "thread.item.added" || event.type === "thread.item.done") {
      return [`${event.type.slice("thread.item.".length)}:${event.item.type}`];
    }
    return [event.type];
  });
}

function replay(events: readonly ThreadStreamEvent[]): readonly ThreadItem[] {
  return events.reduce<readonly ThreadItem[]>(applyThreadEvent, []);
}

describe("reasoning summaries as a workflow (scripted model, real Runner)", () => {
  it("streams the first summary as a thought, adds the next, and ends the workflow (collapsed, with its duration) before the message", async () => {
    const all = await respond([{ reasoning: [["Look", "ing up"], ["Found it"]], text: ["The ", "answer."] }]);
    expect(labels(all)).toEqual([
      "added:workflow",
      "workflow.task.added",
      "workflow.task.updated",
      "workflow.task.updated",
      "workflow.task.added",
      "done:workflow",
      "added:assistant_message",
      "assistant_message.content_part.added",
      "assistant_message.content_part.done",
      "done:assistant_message",
    ]);
    const updates = all.flatMap((event) =>
      event.type === "thread.item.updated" && event.update.type.startsWith("workflow.") ? [event.update] : [],
    );
    expect(updates).toEqual([
      {
        type: "workflow.task.added",
        task_index: 0,
        task: { type: "thought", content: "Look", status_indicator: "none" },
      },
      {
        type: "workflow.task.updated",
        task_index: 0,
        task: { type: "thought", content: "Looking up", status_indicator: "none" },
      },
      {
        type: "workflow.task.updated",
        task_index: 0,
        task: { type: "thought", content: "Looking up", status_indicator: "none" },
      },
      {
        type: "workflow.task.added",
        task_index: 1,
        task: { type: "thought", content: "Found it", status_indicator: "none" },
      },
    ]);
    const done = all.find((e) => e.type === "thread.item.done" && e.item.type === "workflow");
    expect(done).toEqual({
      type: "thread.item.done",
      item: {
        type: "workflow",
        id: "workflow_1",
        thread_id: "thr_wf",
        created_at: new Date(0).toISOString(),
        workflow: {
          type: "reasoning",
          tasks: [
            { type: "thought", content: "Looking up", status_indicator: "none" },
            { type: "thought", content: "Found it", status_indicator: "none" },
          ],
          summary: { duration: 3 },
          expanded: false,
        },
      },
    });
    // What a client replays is the done state: the thoughts, then the message.
    const items = replay(all);
    expect(items.map((item) => item.type)).toEqual(["workflow", "assistant_message"]);
    expect(items[0]).toEqual((done as { item: WorkflowItem }).item);
  });

  it("a workflow still open when a tool's widget shows is ended first", async () => {
    const showCard = tool({
      name: "show_card",
      description: "d",
      parameters: z.object({}),
      execute: async (_input, runContext?: RunContext<AgentContext>) => {
        await runContext?.context.streamWidget({ type: "Card", children: [] });
        return "shown";
      },
    });
    const all = await respond(
      [
        { reasoning: [["Need a card"]], toolCalls: [{ name: "show_card", args: {} }] },
        { reasoning: [["All done"]], text: ["Bye"] },
      ],
      [showCard],
    );
    expect(labels(all)).toEqual([
      "added:workflow",
      "workflow.task.added",
      "workflow.task.updated",
      "done:workflow",
      "done:widget",
      "added:workflow",
      "workflow.task.added",
      "workflow.task.updated",
      "done:workflow",
      "added:assistant_message",
      "assistant_message.content_part.added",
      "assistant_message.content_part.done",
      "done:assistant_message",
    ]);
    expect(replay(all).map((item) => item.type)).toEqual([
      "workflow",
      "widget",
      "workflow",
      "assistant_message",
    ]);
  });

  it("a workflow still open when the response ends is ended with it (nothing stays half-open)", async () => {
    const context = newContext({ ms: 0 });
    const emptyRun: StreamedRunLike = {
      toStream: () => new ReadableStream({ start: (controller) => controller.close() }),
      completed: Promise.resolve(),
      cancelled: false,
    };
    context.addWorkflowTask({ type: "thought", content: "hmm", status_indicator: "none" });
    const all = await lastValueFrom(streamAgentResponse(context, emptyRun).pipe(toArray()));
    expect(labels(all)).toEqual(["added:workflow", "done:workflow"]);
    expect(all[1]).toMatchObject({ item: { workflow: { summary: { duration: 0 }, expanded: false } } });
  });
});

describe("AgentContext workflow helpers inside a run", () => {
  it("startWorkflow / addWorkflowTask / updateWorkflowTask stream the workflow; the widget that follows ends it collapsed", async () => {
    const search = tool({
      name: "search",
      description: "d",
      parameters: z.object({}),
      execute: async (_input, runContext?: RunContext<AgentContext>) => {
        const context = runContext?.context as AgentContext;
        context.startWorkflow({ type: "custom", tasks: [], expanded: true });
        context.addWorkflowTask({ type: "custom", title: "Searching", status_indicator: "loading" });
        context.addWorkflowTask({ type: "custom", title: "Reading", status_indicator: "loading" });
        context.updateWorkflowTask({ type: "custom", title: "Searched", status_indicator: "complete" }, 0);
        await context.streamWidget({ type: "Card", children: [] });
        context.endWorkflow(); // already ended by the widget: nothing
        return "ok";
      },
    });
    const all = await respond([{ toolCalls: [{ name: "search", args: {} }] }, { text: ["Done."] }], [search]);
    expect(labels(all)).toEqual([
      "added:workflow",
      "workflow.task.added",
      "workflow.task.updated",
      "done:workflow",
      "done:widget",
      "added:assistant_message",
      "assistant_message.content_part.added",
      "assistant_message.content_part.done",
      "done:assistant_message",
    ]);
    const added = all[0] as { item: WorkflowItem };
    // An empty custom workflow waits for its first task: it is sent with it.
    expect(added.item.workflow.tasks).toEqual([
      { type: "custom", title: "Searching", status_indicator: "loading" },
    ]);
    const done = all[3] as { item: WorkflowItem };
    expect(done.item.workflow).toEqual({
      type: "custom",
      tasks: [
        { type: "custom", title: "Searched", status_indicator: "complete" },
        { type: "custom", title: "Reading", status_indicator: "loading" },
      ],
      summary: { duration: 3 },
      expanded: false,
    });
  });

  it("endWorkflow(summary, expanded) ends it with that summary, and the model's next reasoning opens a new one", async () => {
    const plan = tool({
      name: "plan",
      description: "d",
      parameters: z.object({}),
      execute: (_input, runContext?: RunContext<AgentContext>) => {
        const context = runContext?.context as AgentContext;
        context.addWorkflowTask({ type: "custom", title: "Planned", status_indicator: "complete" });
        context.endWorkflow({ title: "Planned 1 step" }, true);
        return "ok";
      },
    });
    const all = await respond(
      [{ toolCalls: [{ name: "plan", args: {} }] }, { reasoning: [["Next"]], text: ["Ok"] }],
      [plan],
    );
    const workflows = all.flatMap((e) =>
      e.type === "thread.item.done" && e.item.type === "workflow" ? [e.item] : [],
    );
    expect(
      workflows.map((item) => [item.id, item.workflow.type, item.workflow.summary, item.workflow.expanded]),
    ).toEqual([
      ["workflow_1", "custom", { title: "Planned 1 step" }, true],
      ["workflow_2", "reasoning", { duration: 3 }, false],
    ]);
  });
});

describe("AgentContext.startWorkflow while one is open", () => {
  it("ends the open workflow and opens the next one, which stays open until the message", async () => {
    const twoSteps = tool({
      name: "two_steps",
      description: "d",
      parameters: z.object({}),
      execute: (_input, runContext?: RunContext<AgentContext>) => {
        const context = runContext?.context as AgentContext;
        context.startWorkflow({
          type: "custom",
          tasks: [{ type: "custom", title: "One", status_indicator: "complete" }],
          expanded: false,
        });
        context.startWorkflow({
          type: "custom",
          tasks: [{ type: "custom", title: "Two", status_indicator: "loading" }],
          expanded: false,
        });
        context.addWorkflowTask({ type: "custom", title: "Three", status_indicator: "loading" });
        return "ok";
      },
    });
    const all = await respond(
      [{ toolCalls: [{ name: "two_steps", args: {} }] }, { text: ["Done."] }],
      [twoSteps],
    );
    expect(labels(all).slice(0, 5)).toEqual([
      "added:workflow",
      "done:workflow",
      "added:workflow",
      "workflow.task.added",
      "done:workflow",
    ]);
    const workflows = replay(all).flatMap((item) =>
      item.type === "workflow" ? [item.workflow.tasks.length] : [],
    );
    expect(workflows).toEqual([1, 2]);
  });
});

describe("AgentContext.progress inside a run", () => {
  it("a tool's progress updates reach the response between the run's items, and are not items", async () => {
    const slow = tool({
      name: "slow",
      description: "d",
      parameters: z.object({}),
      execute: (_input, runContext?: RunContext<AgentContext>) => {
        runContext?.context.progress("Searching the docs", "search");
        runContext?.context.progress("Reading 3 pages");
        return "ok";
      },
    });
    const all = await respond(
      [{ text: ["Let me look."], toolCalls: [{ name: "slow", args: {} }] }, { text: ["Found."] }],
      [slow],
    );
    const progress = all.filter((e) => e.type === "progress_update");
    expect(progress).toEqual([
      { type: "progress_update", text: "Searching the docs", icon: "search" },
      { type: "progress_update", text: "Reading 3 pages" },
    ]);
    const firstDone = all.findIndex((e) => e.type === "thread.item.done");
    const lastAdded = all.findLastIndex((e) => e.type === "thread.item.added");
    expect(all.indexOf(progress[0] as ThreadStreamEvent)).toBeGreaterThan(firstDone);
    expect(all.indexOf(progress[1] as ThreadStreamEvent)).toBeLessThan(lastAdded);
    expect(replay(all).map((item) => item.type)).toEqual(["assistant_message", "assistant_message"]);
  });
});
