import { lastValueFrom, toArray } from "rxjs";
import { applyThreadEvent, ThreadStreamEventSchema, type ThreadItem, type ThreadMetadata } from "chatkit-rx";
import { respond } from "../../examples/agents/respond";
import { ScriptedModel } from "../lib/agents/ScriptedModel";

const thread: ThreadMetadata = {
  id: "thr_example",
  created_at: "2025-01-01T00:00:00.000Z",
  status: { type: "active" },
};

/** The agents examples are code: each runs here against scripted models, and what it sends is replayed through the client reducer. */
describe("examples/agents", () => {
  it("respond: the agent's text, the sample widget and Harry's streamed draft, in one response", async () => {
    const model = new ScriptedModel([
      {
        text: ["On it."],
        toolCalls: [
          { name: "sample_widget", args: {} },
          { name: "draft_message_to_harry", args: { topic: "Quidditch" } },
        ],
      },
      { text: ["Here ", "you are."] },
    ]);
    const writerModel = new ScriptedModel([{ text: ["Practice ", "at six, ", "Harry."] }]);
    const events = await lastValueFrom(respond(thread, "hello", { model, writerModel }).pipe(toArray()));
    for (const event of events) expect(ThreadStreamEventSchema.safeParse(event).success).toBe(true);

    const items = events.reduce<readonly ThreadItem[]>(applyThreadEvent, []);
    expect(items.map((item) => item.type).sort()).toEqual([
      "assistant_message",
      "assistant_message",
      "widget",
      "widget",
    ]);
    const draft = items.find((item) => item.type === "widget" && item.copy_text?.startsWith("Practice"));
    expect(draft).toMatchObject({ copy_text: "Practice at six, Harry." });
    const streamed = events.filter(
      (e) => e.type === "thread.item.updated" && e.update.type === "widget.streaming_text.value_delta",
    );
    expect(streamed.length).toBeGreaterThan(0);
    expect(model.exhausted && writerModel.exhausted).toBe(true);
  });
});
