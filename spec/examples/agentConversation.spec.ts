import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import {
  applyThreadEvent,
  MemoryStore,
  toNodeHandler,
  type AssistantMessageItem,
  type Thread,
  type ThreadItem,
  type ThreadStreamEvent,
  type WidgetItem,
  type WorkflowItem,
} from "chatkit-rx";
import { createConversationServer } from "../../examples/agents/conversationServer";
import { assistant, conversation, user } from "../helpers/modelConversation";
import { ScriptedModel } from "../lib/agents/ScriptedModel";
import { readEvents } from "../lib/server/sse";
import { input } from "../helpers/userInput";

/**
 * The multi-turn agent server of the README (examples/agents/conversationServer.ts)
 * over real HTTP (the node adapter on 127.0.0.1), the real `Runner` driven
 * by a scripted model: a widget streaming while the reply streams, a
 * client tool round trip, reasoning as a workflow, a citation, and on each
 * turn the model sees the thread so far.
 */
const citation = {
  type: "url_citation",
  url: "https://colors.example/teal",
  title: "Teal",
  start_index: 0,
  end_index: 4,
};
const model = new ScriptedModel(
  [
    // Turn 1: a word, the forecast tool; then (the Runner's second call) the reply, while the card streams.
    {
      text: ["Let me look."],
      toolCalls: [{ name: "show_forecast", args: { city: "Paris" }, callId: "call_fc" }],
    },
    { text: ["It ", "will ", "be ", "sunny ", "in ", "Paris."] },
    // Turn 2: the model thinks, then asks the page for a color: the run stops there.
    {
      reasoning: [["The user wants ", "a color picked."]],
      toolCalls: [{ name: "pick_color", args: {}, callId: "call_color" }],
    },
    // Turn 3, after the client's output: more thought, then an answer with a citation.
    { reasoning: [["They picked ", "teal."]], text: ["Teal ", "it is."], annotations: [citation] },
    // Turn 4.
    { text: ["You're welcome."] },
  ],
  { stepMs: 10 },
);
const store = new MemoryStore<undefined>();
let http: Server;
let url = "";

beforeAll(async () => {
  http = createServer(toNodeHandler(createConversationServer(model, store), () => undefined));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/chatkit`;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      http.closeAllConnections();
      http.close(() => resolve());
    }),
);

const send = (body: unknown): Promise<Response> =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function post(body: unknown): Promise<ThreadStreamEvent[]> {
  return readEvents(await send(body));
}

const indexOf = (
  events: readonly ThreadStreamEvent[],
  found: (event: ThreadStreamEvent) => boolean,
): number => {
  const index = events.findIndex(found);
  if (index === -1) throw new Error("expected event not sent");
  return index;
};

describe("examples/agents/conversationServer: a multi-turn agent conversation over HTTP", () => {
  it("streams a widget with the reply, round-trips a client tool, shows reasoning as a workflow and a citation; each turn's model input holds the thread so far", async () => {
    // Turn 1: the forecast card streams while the reply streams.
    const first = await post({ type: "threads.create", params: { input: input("Weather in Paris?") } });
    const created = first[0];
    if (created?.type !== "thread.created") throw new Error("no thread.created");
    const threadId = created.thread.id;
    const items1 = first.reduce<readonly ThreadItem[]>(applyThreadEvent, []);
    const card = items1.find((item): item is WidgetItem => item.type === "widget");
    const replies = items1.filter((item): item is AssistantMessageItem => item.type === "assistant_message");
    expect(card?.widget).toEqual({
      type: "Card",
      children: [
        {
          type: "Markdown",
          id: "forecast",
          value: "Sunny in Paris all week, up to 24 °C.",
          streaming: false,
        },
      ],
    });
    expect(replies.map((reply) => reply.content[0]?.text)).toEqual([
      "Let me look.",
      "It will be sunny in Paris.",
    ]);
    const reply = replies[1] as AssistantMessageItem;
    const replyAdded = indexOf(first, (e) => e.type === "thread.item.added" && e.item.id === reply.id);
    const replyDone = indexOf(first, (e) => e.type === "thread.item.done" && e.item.id === reply.id);
    const cardUpdates = first.flatMap((e, at) =>
      e.type === "thread.item.updated" && e.item_id === card?.id ? [at] : [],
    );
    // Interleaved: the card got updates while the reply was streaming.
    expect(cardUpdates.some((at) => at > replyAdded && at < replyDone)).toBe(true);

    // Turn 2: reasoning shows as a workflow; the run stops at the client tool call, sent and saved pending.
    const second = await post({
      type: "threads.add_user_message",
      params: { thread_id: threadId, input: input("Pick a color for me") },
    });
    const workflow = second.find((e) => e.type === "thread.item.added" && e.item.type === "workflow");
    if (workflow?.type !== "thread.item.added") throw new Error("no workflow shown");
    expect(second).toContainEqual({
      type: "thread.item.updated",
      item_id: workflow.item.id,
      update: {
        type: "workflow.task.added",
        task_index: 0,
        task: { type: "thought", content: "The user wants ", status_indicator: "none" },
      },
    });
    const call = second.at(-1);
    expect(call).toMatchObject({
      type: "thread.item.done",
      item: { type: "client_tool_call", status: "pending", name: "pick_color", call_id: "call_color" },
    });
    // The workflow stays open (no done) while the page runs its tool.
    expect(second.some((e) => e.type === "thread.item.done" && e.item.id === workflow.item.id)).toBe(false);

    // The page answers: the next response goes on in the same workflow, ends it, then answers with a citation.
    const third = (
      await post({
        type: "threads.add_client_tool_output",
        params: { thread_id: threadId, result: { color: "teal" } },
      })
    ).filter((e) => e.type !== "stream_options");
    expect(third[0]).toEqual({
      type: "thread.item.updated",
      item_id: workflow.item.id,
      update: {
        type: "workflow.task.added",
        task_index: 1,
        task: { type: "thought", content: "They picked teal.", status_indicator: "none" },
      },
    });
    expect(third[1]).toMatchObject({
      type: "thread.item.done",
      item: {
        id: workflow.item.id,
        workflow: { type: "reasoning", expanded: false, summary: { duration: expect.any(Number) as number } },
      },
    });
    const annotation = {
      type: "annotation",
      source: { type: "url", url: "https://colors.example/teal", title: "Teal" },
      index: 4,
    };
    expect(third).toContainEqual(
      expect.objectContaining({
        type: "thread.item.updated",
        update: {
          type: "assistant_message.content_part.annotation_added",
          content_index: 0,
          annotation_index: 0,
          annotation,
        },
      }),
    );

    // Turn 4.
    await post({ type: "threads.add_user_message", params: { thread_id: threadId, input: input("Thanks") } });

    // What the store holds, as a reload shows it.
    const reloaded = (await (
      await send({ type: "threads.get_by_id", params: { thread_id: threadId } })
    ).json()) as Thread;
    const saved = reloaded.items.data;
    expect(saved.map((item) => item.type)).toEqual([
      "user_message",
      "assistant_message",
      "assistant_message",
      "widget",
      "user_message",
      "workflow",
      "client_tool_call",
      "assistant_message",
      "user_message",
      "assistant_message",
    ]);
    expect(
      (saved[5] as WorkflowItem).workflow.tasks.map((task) => task.type === "thought" && task.content),
    ).toEqual(["The user wants a color picked.", "They picked teal."]);
    expect(saved[6]).toMatchObject({ status: "completed", output: { color: "teal" } });
    expect(saved[7]).toMatchObject({ content: [{ text: "Teal it is.", annotations: [annotation] }] });

    // Each turn's model input is the thread so far (requests[1] is the Runner's own tool round trip).
    expect(model.requests).toHaveLength(5);
    const shown = user(
      `The following graphical UI widget (id: ${card?.id}) was displayed to the user:${JSON.stringify(card?.widget)}`,
    );
    const turn1 = [
      user("Weather in Paris?"),
      assistant("Let me look."),
      assistant("It will be sunny in Paris."),
      shown,
    ];
    expect(conversation(model.requests[0]?.input)).toEqual([user("Weather in Paris?")]);
    expect(conversation(model.requests[2]?.input)).toEqual([...turn1, user("Pick a color for me")]);
    const roundTrip = [
      { type: "function_call", callId: "call_color", name: "pick_color", arguments: "{}" },
      { type: "function_call_result", callId: "call_color", name: "pick_color", output: '{"color":"teal"}' },
    ];
    expect(conversation(model.requests[3]?.input)).toEqual([
      ...turn1,
      user("Pick a color for me"),
      ...roundTrip,
    ]);
    expect(conversation(model.requests[4]?.input)).toEqual([
      ...turn1,
      user("Pick a color for me"),
      ...roundTrip,
      assistant("Teal it is."),
      user("Thanks"),
    ]);
  });
});

describe("README.md", () => {
  it("shows examples/agents/conversationServer.ts, exactly, as its multi-turn agent server", () => {
    const root = join(__dirname, "../..");
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("\n## Agents (`@openai/agents`)\n"));
    const open = section.indexOf("\n```ts\n") + "\n```ts\n".length;
    const block = section.slice(open, section.indexOf("\n```\n", open) + 1);
    expect(block).toBe(readFileSync(join(root, "examples", "agents", "conversationServer.ts"), "utf8"));
  });
});
