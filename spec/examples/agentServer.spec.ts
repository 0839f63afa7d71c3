import { lastValueFrom, toArray } from "rxjs";
import { MemoryStore, type ProcessResult, type ThreadStreamEvent } from "chatkit-rx";
import { createAgentServer } from "../../examples/agents/agentServer";
import { sampleCard } from "../../examples/agents/sampleWidget";
import { assistant, conversation, user } from "../helpers/modelConversation";
import { ScriptedModel } from "../lib/agents/ScriptedModel";
import { input } from "../helpers/userInput";

async function events(result: ProcessResult): Promise<ThreadStreamEvent[]> {
  if (result.kind !== "stream") throw new Error(`expected a stream, got ${JSON.stringify(result)}`);
  return lastValueFrom(result.events.pipe(toArray()));
}

describe("examples/agents/agentServer: a multi-turn conversation through ChatKitServer", () => {
  it("gives the model the whole thread on each turn: messages, answers and the widgets it showed", async () => {
    const model = new ScriptedModel([
      { text: ["Hi ", "Ron."] },
      { toolCalls: [{ name: "sample_widget", args: {}, callId: "call_w" }] },
      { text: ["There it is."] },
      { text: ["Bye, ", "Ron."] },
    ]);
    let n = 0;
    const store = new MemoryStore<undefined>({ generateId: (type) => `${type}_${++n}` });
    const server = createAgentServer<undefined>({ store, model });

    const first = await events(
      await server.process(
        { type: "threads.create", params: { input: input("Hello, I am Ron") } },
        undefined,
      ),
    );
    const created = first.find((event) => event.type === "thread.created");
    if (created?.type !== "thread.created") throw new Error("no thread.created");
    const threadId = created.thread.id;
    const say = async (text: string) =>
      events(
        await server.process(
          { type: "threads.add_user_message", params: { thread_id: threadId, input: input(text) } },
          undefined,
        ),
      );
    await say("Show me a widget");
    await say("Bye");

    expect(model.requests).toHaveLength(4);
    const widget = (await store.loadThreadItems(threadId, { limit: 50, order: "asc" }, undefined)).data.find(
      (item) => item.type === "widget",
    );
    expect(widget).toBeDefined();
    const shown = user(
      `The following graphical UI widget (id: ${widget!.id}) was displayed to the user:${JSON.stringify(sampleCard)}`,
    );

    expect(conversation(model.requests[0]!.input)).toEqual([user("Hello, I am Ron")]);
    expect(conversation(model.requests[1]!.input)).toEqual([
      user("Hello, I am Ron"),
      assistant("Hi Ron."),
      user("Show me a widget"),
    ]);
    // The fourth request is the last turn's: the Runner's own tool round trip (requests[2]) is not in the thread.
    expect(conversation(model.requests[3]!.input)).toEqual([
      user("Hello, I am Ron"),
      assistant("Hi Ron."),
      user("Show me a widget"),
      shown,
      assistant("There it is."),
      user("Bye"),
    ]);
  });
});
