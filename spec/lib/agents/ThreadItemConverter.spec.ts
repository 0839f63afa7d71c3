import type { ThreadItem } from "../../../lib/events/threadItems";
import { ThreadItemConverter, type UserInputContent } from "../../../lib/agents/ThreadItemConverter";
import { loadAgentInput } from "../../../lib/agents/loadAgentInput";
import { MemoryStore } from "../../../lib/server/MemoryStore";

const base = { thread_id: "thr", created_at: "2025-01-01T00:00:00.000Z" };
const text = (value: string) => ({ role: "user", content: [{ type: "input_text", text: value }] });
const converter = new ThreadItemConverter();

describe("ThreadItemConverter", () => {
  it("a user message: text with tags as @name, then the quoted text and the tags' data as context", async () => {
    const item: ThreadItem = {
      ...base,
      type: "user_message",
      id: "m",
      content: [
        { type: "input_text", text: "Ask " },
        { type: "input_tag", id: "u1", text: "Harry", data: { house: "Gryffindor" }, interactive: false },
        { type: "input_text", text: " and " },
        { type: "input_tag", id: "u1", text: "Harry", data: { house: "Gryffindor" }, interactive: false },
      ],
      attachments: [],
      quoted_text: "the snitch",
      inference_options: {},
    };
    const [message, quoted, tags] = await converter.toAgentInput([item]);
    expect(message).toEqual(text("Ask @Harry and @Harry"));
    expect(quoted).toEqual(text("The user is referring to this in particular: \nthe snitch"));
    expect(tags).toEqual({
      role: "user",
      content: [
        {
          type: "input_text",
          text: expect.stringContaining("User-provided context for @-mentions") as string,
        },
        { type: "input_text", text: '@Harry: {"house":"Gryffindor"}' },
      ],
    });
  });

  it("toAgentInput takes one item as well as a list, as the reference does", async () => {
    const item: ThreadItem = {
      ...base,
      type: "assistant_message",
      id: "a",
      content: [{ type: "output_text", text: "Hi", annotations: [] }],
    };
    const converter = new ThreadItemConverter();
    expect(await converter.toAgentInput(item)).toEqual(await converter.toAgentInput([item]));
    expect(await converter.toAgentInput(item)).toHaveLength(1);
  });

  it("quoted text counts only on the last message", async () => {
    const quoted: ThreadItem = {
      ...base,
      type: "user_message",
      id: "m1",
      content: [{ type: "input_text", text: "one" }],
      attachments: [],
      quoted_text: "q",
      inference_options: {},
    };
    const later: ThreadItem = { ...quoted, id: "m2", content: [{ type: "input_text", text: "two" }] };
    expect(await converter.toAgentInput([quoted, later])).toHaveLength(3);
  });

  it("an attachment needs attachmentToContent, and an override sends what it returns", async () => {
    const item: ThreadItem = {
      ...base,
      type: "user_message",
      id: "m",
      content: [{ type: "input_text", text: "see" }],
      attachments: [{ type: "image", id: "a1", name: "cat.png", mime_type: "image/png", preview_url: "/p" }],
      inference_options: {},
    };
    await expect(converter.toAgentInput([item])).rejects.toThrow(/attachmentToContent\(\) is not overridden/);
    class WithImages extends ThreadItemConverter {
      override attachmentToContent(): UserInputContent {
        return { type: "input_image", image: "data:image/png;base64,AAAA" };
      }
    }
    expect(await new WithImages().toAgentInput([item])).toEqual([
      {
        role: "user",
        content: [
          { type: "input_text", text: "see" },
          { type: "input_image", image: "data:image/png;base64,AAAA" },
        ],
      },
    ]);
  });

  it("assistant text, a completed client tool call as call and output, a pending one left out", async () => {
    const items: ThreadItem[] = [
      {
        ...base,
        type: "assistant_message",
        id: "a",
        content: [{ type: "output_text", text: "Hi", annotations: [] }],
      },
      {
        ...base,
        type: "client_tool_call",
        id: "c1",
        status: "completed",
        call_id: "call_1",
        name: "geo",
        arguments: { q: 1 },
        output: { lat: 2 },
      },
      {
        ...base,
        type: "client_tool_call",
        id: "c2",
        status: "pending",
        call_id: "call_2",
        name: "geo",
        arguments: {},
      },
    ];
    expect(await converter.toAgentInput(items)).toEqual([
      { role: "assistant", status: "completed", content: [{ type: "output_text", text: "Hi" }] },
      { type: "function_call", callId: "call_1", name: "geo", arguments: '{"q":1}' },
      {
        type: "function_call_result",
        callId: "call_1",
        name: "geo",
        status: "completed",
        output: '{"lat":2}',
      },
    ]);
  });

  it("widgets as JSON with a note; custom tasks and workflows as notes; thoughts and end of turn as nothing", async () => {
    const items: ThreadItem[] = [
      {
        ...base,
        type: "widget",
        id: "w",
        widget: { type: "Card", children: [{ type: "Text", value: "Hi" }] },
      },
      {
        ...base,
        type: "task",
        id: "t",
        task: { type: "custom", title: "Searched", content: "3 results", status_indicator: "none" },
      },
      {
        ...base,
        type: "workflow",
        id: "wf",
        workflow: {
          type: "reasoning",
          expanded: false,
          tasks: [
            { type: "thought", content: "hmm", status_indicator: "none" },
            { type: "custom", title: "Booked", status_indicator: "complete" },
          ],
        },
      },
      { ...base, type: "end_of_turn", id: "e" },
    ];
    expect(await converter.toAgentInput(items)).toEqual([
      text(
        'The following graphical UI widget (id: w) was displayed to the user:{"type":"Card","children":[{"type":"Text","value":"Hi"}]}',
      ),
      text(
        "A message was displayed to the user that the following task was performed:\n<Task>\nSearched: 3 results\n</Task>",
      ),
      text(
        "A message was displayed to the user that the following task was performed:\n<Task>\nBooked\n</Task>",
      ),
    ]);
  });

  it("hidden context wrapped as such; non-string content needs an override", async () => {
    const hidden: ThreadItem = {
      ...base,
      type: "sdk_hidden_context",
      id: "h",
      content: "The user cancelled.",
    };
    expect(await converter.toAgentInput([hidden])).toEqual([
      text(
        "Hidden context for the agent (not shown to the user):\n<HiddenContext>\nThe user cancelled.\n</HiddenContext>",
      ),
    ]);
    const structured: ThreadItem = { ...base, type: "hidden_context_item", id: "h2", content: { a: 1 } };
    await expect(converter.toAgentInput([structured])).rejects.toThrow(/override hiddenContextToInput/);
  });
});

describe("ThreadItemConverter: structured inputs and generated images", () => {
  it("a structured input as its questions and the answers", async () => {
    const item: ThreadItem = {
      ...base,
      type: "structured_input",
      id: "s",
      status: "answered",
      inputs: [
        {
          type: "multiple_choice",
          id: "q1",
          question: "House?",
          options: [{ value: "Gryffindor" }],
          multiple: false,
          answer: { values: ["Gryffindor"], skipped: false },
        },
        { type: "freeform", id: "q2", question: "Pet?", answer: { values: [], skipped: true } },
        { type: "freeform", id: "q3", question: "Wand?" },
      ],
    };
    expect(await converter.toAgentInput([item])).toEqual([
      text(
        "The user was asked these questions (answered):\n<StructuredInput>\n- House?\n  Gryffindor\n- Pet?\n  (skipped)\n- Wand?\n  (not answered yet)\n</StructuredInput>",
      ),
    ]);
  });

  it("a generated image as a note, with the image when the model can read its URL", async () => {
    const image = (url?: string): ThreadItem => ({
      ...base,
      type: "generated_image",
      id: "g",
      ...(url === undefined ? {} : { image: { id: "i", url } }),
    });
    const note = "An image was generated and shown to the user (id: g).";
    expect(await converter.toAgentInput([image("data:image/png;base64,AA")])).toEqual([
      {
        role: "user",
        content: [
          { type: "input_text", text: note },
          { type: "input_image", image: "data:image/png;base64,AA" },
        ],
      },
    ]);
    expect(await converter.toAgentInput([image("/files/i.png")])).toEqual([text(note)]);
    expect(await converter.toAgentInput([image()])).toEqual([text(note)]);
  });
});

describe("loadAgentInput", () => {
  async function threadOf(count: number) {
    const store = new MemoryStore<undefined>();
    await store.saveThread({ id: "thr", created_at: base.created_at, status: { type: "active" } }, undefined);
    for (let index = 0; index < count; index++) {
      await store.addThreadItem(
        "thr",
        {
          ...base,
          type: "assistant_message",
          id: `a${index}`,
          content: [{ type: "output_text", text: `message ${index}`, annotations: [] }],
        },
        undefined,
      );
    }
    return store;
  }
  const texts = (input: unknown[]) =>
    input.map((item) => (item as { content: { text: string }[] }).content[0]!.text);
  const thread = { id: "thr", created_at: base.created_at, status: { type: "active" as const } };

  it("reads the newest maxItems across pages, oldest first", async () => {
    const store = await threadOf(130);
    const input = await loadAgentInput(store, thread, undefined, { maxItems: 120 });
    expect(texts(input)).toEqual(Array.from({ length: 120 }, (_, index) => `message ${index + 10}`));
  });

  it("stops at the token budget, always keeping the newest item", async () => {
    const store = await threadOf(10);
    const one = JSON.stringify([
      { role: "assistant", status: "completed", content: [{ type: "output_text", text: "message 0" }] },
    ]).length;
    const input = await loadAgentInput(store, thread, undefined, { maxTokens: Math.ceil(one / 4) * 3 });
    expect(texts(input)).toEqual(["message 7", "message 8", "message 9"]);
    expect(texts(await loadAgentInput(store, thread, undefined, { maxTokens: 1 }))).toEqual(["message 9"]);
  });

  it("refuses nonsense limits", async () => {
    const store = await threadOf(1);
    await expect(loadAgentInput(store, thread, undefined, { maxItems: 0 })).rejects.toThrow(
      "maxItems must be a positive integer",
    );
    await expect(loadAgentInput(store, thread, undefined, { maxTokens: -1 })).rejects.toThrow(
      "maxTokens must be a positive number",
    );
  });
});
