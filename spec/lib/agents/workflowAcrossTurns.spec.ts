import { Agent, run, tool, type RunContext, type Tool } from "@openai/agents";
import { lastValueFrom, toArray } from "rxjs";
import { z } from "zod";
import {
  ThreadStreamEventSchema,
  type ThreadItem,
  type ThreadMetadata,
  type ThreadStreamEvent,
  type WorkflowItem,
} from "chatkit-rx";
import { AgentContext } from "../../../lib/agents/AgentContext";
import { stopAtClientToolCall } from "../../../lib/agents/stopAtClientToolCall";
import { streamAgentResponse } from "../../../lib/agents/streamAgentResponse";
import { MemoryStore } from "../../../lib/server/MemoryStore";
import { ScriptedModel, type ScriptedTurn } from "./ScriptedModel";
import { persistForSpec } from "./testContext";

const thread: ThreadMetadata = {
  id: "thr_turns",
  created_at: "2025-01-01T00:00:00.000Z",
  status: { type: "active" },
};

/** A tool that shows a workflow task, optionally ends the workflow, then asks the client for a color. */
function askColor(endFirst: boolean): Tool<AgentContext> {
  return tool({
    name: "ask_color",
    description: "Ask the user's color",
    parameters: z.object({}),
    execute: (_input, runContext?: RunContext<AgentContext>, details?) => {
      const context = runContext?.context as AgentContext;
      context.addWorkflowTask({ type: "custom", title: "Asking for a color", status_indicator: "loading" });
      if (endFirst) context.endWorkflow({ title: "Asked" });
      context.clientToolCall({ name: "pick_color", arguments: {}, callId: details?.toolCall?.callId });
      return "asked";
    },
  });
}

/** One response through streamAgentResponse and persistEvents into `store`, as the server runs it. */
async function respond(
  store: MemoryStore<undefined>,
  ids: { n: number },
  turns: readonly ScriptedTurn[],
  tools: Tool<AgentContext>[] = [],
): Promise<ThreadStreamEvent[]> {
  const context = new AgentContext({
    thread,
    store,
    requestContext: undefined,
    generateId: (type) => `${type}_${++ids.n}`,
    now: () => 0,
  });
  const agent = new Agent<AgentContext>({
    name: "Assistant",
    model: new ScriptedModel(turns),
    tools,
    toolUseBehavior: stopAtClientToolCall,
  });
  const result = await run(agent, "hi", { stream: true, context, signal: context.signal });
  const all = await lastValueFrom(
    streamAgentResponse(context, result).pipe(persistForSpec(store, thread), toArray()),
  );
  for (const event of all) expect(ThreadStreamEventSchema.safeParse(event).success).toBe(true);
  return all;
}

async function items(store: MemoryStore<undefined>): Promise<ThreadItem[]> {
  return (await store.loadThreadItems(thread.id, { limit: 50, order: "asc" }, undefined)).data;
}

/** What `threads.add_client_tool_output` does: the pending call, completed with the client's output. */
async function completeClientToolCall(store: MemoryStore<undefined>): Promise<void> {
  const call = (await items(store)).find((item) => item.type === "client_tool_call");
  if (call?.type !== "client_tool_call") throw new Error("no client tool call saved");
  await store.saveItem(thread.id, { ...call, status: "completed", output: { color: "teal" } }, undefined);
}

async function newStore(): Promise<MemoryStore<undefined>> {
  const store = new MemoryStore<undefined>();
  await store.saveThread(thread, undefined);
  return store;
}

const askTurn: ScriptedTurn = { toolCalls: [{ name: "ask_color", args: {}, callId: "call_ask" }] };
const answerTurn: ScriptedTurn = { reasoning: [["The user ", "picked teal."]], text: ["Teal it is."] };

describe("a workflow across a client tool round trip (scripted model, real Runner, MemoryStore)", () => {
  it("stays open while the client runs its tool, and the next response goes on in it (the reference's way)", async () => {
    const store = await newStore();
    const ids = { n: 0 };
    const first = await respond(store, ids, [askTurn], [askColor(false)]);
    // No done for the workflow: the client keeps showing it in progress.
    expect(
      first.filter((event) => event.type === "thread.item.done").map((event) => event.item.type),
    ).toEqual(["client_tool_call"]);
    const open = (await items(store))[0] as WorkflowItem;
    expect(open).toMatchObject({ type: "workflow", workflow: { tasks: [{ title: "Asking for a color" }] } });
    expect(open.workflow.summary).toBeUndefined();
    expect((await items(store)).map((item) => item.type)).toEqual(["workflow", "client_tool_call"]);

    await completeClientToolCall(store);
    const second = await respond(store, ids, [answerTurn]);
    // The model's thought lands in the same workflow, which ends before the message.
    expect(second.slice(0, 3)).toEqual([
      {
        type: "thread.item.updated",
        item_id: open.id,
        update: {
          type: "workflow.task.added",
          task_index: 1,
          task: { type: "thought", content: "The user picked teal.", status_indicator: "none" },
        },
      },
      {
        type: "thread.item.done",
        item: {
          ...open,
          workflow: {
            ...open.workflow,
            tasks: [
              ...open.workflow.tasks,
              { type: "thought", content: "The user picked teal.", status_indicator: "none" },
            ],
            summary: { duration: 0 },
            expanded: false,
          },
        },
      },
      expect.objectContaining({
        type: "thread.item.added",
        item: expect.objectContaining({ type: "assistant_message" }),
      }),
    ]);
    const saved = await items(store);
    expect(saved.map((item) => item.type)).toEqual(["workflow", "client_tool_call", "assistant_message"]);
    expect((saved[0] as WorkflowItem).workflow.tasks).toHaveLength(2);
    expect((saved[0] as WorkflowItem).workflow.summary).toEqual({ duration: 0 });
  });

  it("a workflow the user moved on from (wrote instead of answering) is ended when the next response starts", async () => {
    const store = await newStore();
    const ids = { n: 0 };
    await respond(store, ids, [askTurn], [askColor(false)]);
    const open = (await items(store))[0] as WorkflowItem;
    await store.addThreadItem(
      thread.id,
      {
        type: "user_message",
        id: "msg_user",
        thread_id: thread.id,
        created_at: "2025-01-01T00:01:00.000Z",
        content: [{ type: "input_text", text: "never mind" }],
        attachments: [],
        inference_options: {},
      },
      undefined,
    );
    const next = await respond(store, ids, [{ text: ["OK."] }]);
    expect(next[0]).toEqual({
      type: "thread.item.done",
      item: { ...open, workflow: { ...open.workflow, summary: { duration: 0 }, expanded: false } },
    });
    expect(((await items(store))[0] as WorkflowItem).workflow.summary).toEqual({ duration: 0 });
  });

  it("a workflow ended before the client tool call is not reopened (the reference adds to it after its summary)", async () => {
    const store = await newStore();
    const ids = { n: 0 };
    await respond(store, ids, [askTurn], [askColor(true)]);
    const ended = (await items(store))[0] as WorkflowItem;
    expect(ended.workflow.summary).toEqual({ title: "Asked" });
    await completeClientToolCall(store);
    const second = await respond(store, ids, [answerTurn]);
    const added = second.flatMap((event) => (event.type === "thread.item.added" ? [event.item] : []));
    expect(added.map((item) => item.type)).toEqual(["workflow", "assistant_message"]);
    expect(added[0]?.id).not.toBe(ended.id);
    expect(second.some((event) => event.type === "thread.item.updated" && event.item_id === ended.id)).toBe(
      false,
    );
  });

  it("a store that does not hold the thread yet (it only makes the ids) leaves nothing to go on with", async () => {
    const store = new MemoryStore<undefined>();
    const context = new AgentContext({ thread, store, requestContext: undefined, now: () => 0 });
    const agent = new Agent<AgentContext>({
      name: "Assistant",
      model: new ScriptedModel([{ text: ["Hi."] }]),
    });
    const result = await run(agent, "hi", { stream: true, context, signal: context.signal });
    const all = await lastValueFrom(streamAgentResponse(context, result).pipe(toArray()));
    expect(all.at(-1)).toMatchObject({ type: "thread.item.done", item: { type: "assistant_message" } });
  });

  it("without a store on the context, the workflow ends with the response", async () => {
    const context = new AgentContext({ thread, requestContext: undefined, now: () => 0 });
    const agent = new Agent<AgentContext>({
      name: "Assistant",
      model: new ScriptedModel([askTurn]),
      tools: [askColor(false)],
      toolUseBehavior: stopAtClientToolCall,
    });
    const result = await run(agent, "hi", { stream: true, context, signal: context.signal });
    const all = await lastValueFrom(streamAgentResponse(context, result).pipe(toArray()));
    expect(all.filter((event) => event.type === "thread.item.done").map((event) => event.item.type)).toEqual([
      "workflow",
      "client_tool_call",
    ]);
  });
});
