import { Agent, run, tool, type RunContext, type Tool } from "@openai/agents";
import { lastValueFrom, toArray } from "rxjs";
import { z } from "zod";
import { ThreadStreamEventSchema, type ThreadMetadata } from "chatkit-rx";
import { AgentContext } from "../../../lib/agents/AgentContext";
import { stopAtClientToolCall } from "../../../lib/agents/stopAtClientToolCall";
import { streamAgentResponse } from "../../../lib/agents/streamAgentResponse";
import { MemoryStore } from "../../../lib/server/MemoryStore";
import { ScriptedModel, type ScriptedTurn } from "./ScriptedModel";
import { persistForSpec, testContext } from "./testContext";

const thread: ThreadMetadata = {
  id: "thr_client",
  created_at: "2025-01-01T00:00:00.000Z",
  status: { type: "active" },
};

function newContext(): AgentContext {
  return testContext(thread);
}

/** A client tool: it asks the client to run `pick_color`, passing the model's call id on when `withCallId`. */
function pickColor(withCallId: boolean): Tool<AgentContext> {
  return tool({
    name: "pick_color",
    description: "Ask the user to pick a color",
    parameters: z.object({ palette: z.string() }),
    execute: (input, runContext?: RunContext<AgentContext>, details?) => {
      runContext?.context.clientToolCall({
        name: "pick_color",
        arguments: { palette: input.palette },
        callId: withCallId ? details?.toolCall?.callId : undefined,
      });
      return "asked the client";
    },
  });
}

const lookup = tool({ name: "lookup", description: "d", parameters: z.object({}), execute: () => "found" });

async function respond(turns: readonly ScriptedTurn[], tools: Tool<AgentContext>[]) {
  const model = new ScriptedModel(turns);
  const context = newContext();
  const agent = new Agent<AgentContext>({
    name: "Assistant",
    model,
    tools,
    toolUseBehavior: stopAtClientToolCall,
  });
  const result = await run(agent, "hi", { stream: true, context, signal: context.signal });
  return { model, context, events: streamAgentResponse(context, result) };
}

describe("client tool calls (scripted model, real Runner)", () => {
  it("a tool marks a client tool call: the run stops, the response ends with the pending client_tool_call item", async () => {
    const { model, events } = await respond(
      [
        {
          reasoning: [["The user should pick"]],
          text: ["Let me ask."],
          toolCalls: [{ name: "pick_color", args: { palette: "warm" }, callId: "call_pick" }],
        },
        { text: ["never played"] },
      ],
      [pickColor(false)],
    );
    const all = await lastValueFrom(events.pipe(toArray()));
    for (const event of all) expect(ThreadStreamEventSchema.safeParse(event).success).toBe(true);
    expect(all.at(-1)).toEqual({
      type: "thread.item.done",
      item: {
        type: "client_tool_call",
        id: expect.stringMatching(/^tool_call_/) as string,
        thread_id: "thr_client",
        created_at: new Date(0).toISOString(),
        status: "pending",
        call_id: "call_pick",
        name: "pick_color",
        arguments: { palette: "warm" },
      },
    });
    // The model was not asked again: the client's output must come first.
    expect(model.requests).toHaveLength(1);
    expect(model.exhausted).toBe(false);
  });

  it("with parallel calls, the call id the tool passes is the one kept (the run's last call is another)", async () => {
    const { events } = await respond(
      [
        {
          toolCalls: [
            { name: "pick_color", args: { palette: "cold" }, callId: "call_pick" },
            { name: "lookup", args: {}, callId: "call_lookup" },
          ],
        },
      ],
      [pickColor(true), lookup],
    );
    const all = await lastValueFrom(events.pipe(toArray()));
    expect(all.at(-1)).toMatchObject({ item: { type: "client_tool_call", call_id: "call_pick" } });
  });

  it("a run with no client tool call goes on as before; the pending item is saved by persistEvents", async () => {
    const plain = await respond(
      [{ toolCalls: [{ name: "lookup", args: {} }] }, { text: ["Found."] }],
      [lookup],
    );
    const plainEvents = await lastValueFrom(plain.events.pipe(toArray()));
    expect(plainEvents.some((e) => e.type === "thread.item.done" && e.item.type === "client_tool_call")).toBe(
      false,
    );
    expect(plain.model.exhausted).toBe(true);

    const store = new MemoryStore<undefined>();
    await store.saveThread(thread, undefined);
    const { events } = await respond(
      [{ toolCalls: [{ name: "pick_color", args: { palette: "warm" }, callId: "call_pick" }] }],
      [pickColor(true)],
    );
    await lastValueFrom(events.pipe(persistForSpec(store, thread), toArray()));
    const page = await store.loadThreadItems(thread.id, { limit: 10, order: "asc" }, undefined);
    expect(page.data).toEqual([
      expect.objectContaining({ type: "client_tool_call", status: "pending", call_id: "call_pick" }),
    ]);
  });

  it("clientToolCall rejects misuse: a bad call, a second call, a closed context", () => {
    const context = newContext();
    expect(() => context.clientToolCall({ name: "", arguments: {} })).toThrow(TypeError);
    expect(() =>
      context.clientToolCall({ name: "x", arguments: [] as unknown as Record<string, unknown> }),
    ).toThrow(/arguments of "x" must be an object/);
    context.clientToolCall({ name: "x", arguments: {} });
    expect(() => context.clientToolCall({ name: "y", arguments: {} })).toThrow(/"x" is already pending/);
    const closed = newContext();
    closed.close();
    expect(() => closed.clientToolCall({ name: "x", arguments: {} })).toThrow(
      expect.objectContaining({ name: "AgentContextClosedError", operation: "clientToolCall" }) as Error,
    );
  });
});
