import { ThreadStreamEventSchema } from "../../../lib/events/threadEvents";
import { ThreadItemSchema, ThreadSchema } from "../../../lib/events/threadItems";
import { WidgetUpdateSchema } from "../../../lib/events/widgetUpdates";

const created_at = "2025-01-01T00:00:00Z";
const widget = { type: "Card", children: [{ type: "Text", id: "t", value: "Hi", futureProp: 1 }] };

describe("thread event schemas", () => {
  it.each([
    {
      type: "thread.item.added",
      item: { type: "widget", id: "msg_1", thread_id: "thr_1", created_at, widget },
    },
    {
      type: "thread.item.done",
      item: { type: "widget", id: "msg_1", thread_id: "thr_1", created_at, widget, copy_text: "Hi" },
    },
    { type: "thread.item.replaced", item: { type: "end_of_turn", id: "e", thread_id: "thr_1", created_at } },
    { type: "thread.item.removed", item_id: "msg_1" },
    {
      type: "thread.item.updated",
      item_id: "msg_1",
      update: { type: "widget.streaming_text.value_delta", component_id: "t", delta: "!", done: true },
    },
    { type: "thread.item.updated", item_id: "msg_1", update: { type: "widget.root.updated", widget } },
    {
      type: "thread.item.updated",
      item_id: "msg_1",
      update: {
        type: "widget.component.updated",
        component_id: "i",
        component: { type: "ListViewItem", id: "i", children: [] },
      },
    },
    {
      type: "thread.item.updated",
      item_id: "msg_1",
      update: { type: "assistant_message.content_part.text_delta", content_index: 0, delta: "x" },
    },
    { type: "progress_update", text: "Searching", icon: "search" },
    { type: "client_effect", name: "confetti", data: { n: 1 } },
    { type: "notice", level: "warning", message: "**careful**", title: "Heads up" },
    { type: "stream_options", stream_options: { allow_cancel: true } },
    { type: "error", code: "stream.error", message: "x", allow_retry: true },
    {
      type: "thread.created",
      thread: { id: "thr_1", created_at, status: { type: "active" }, items: { data: [], has_more: false } },
    },
  ])("parses $type", (event) => {
    const result = ThreadStreamEventSchema.safeParse(event);
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual(event);
  });

  it("fills the protocol's defaults", () => {
    expect(ThreadStreamEventSchema.parse({ type: "error" })).toEqual({
      type: "error",
      code: "custom",
      allow_retry: false,
    });
    expect(ThreadSchema.parse({ id: "t", created_at, items: { data: [], has_more: false } }).status).toEqual({
      type: "active",
    });
  });

  it("keeps unknown widget props and components", () => {
    const item = {
      type: "widget",
      id: "m",
      thread_id: "t",
      created_at,
      widget: { ...widget, children: [{ type: "Future", x: 1 }] },
    };
    expect(ThreadItemSchema.parse(item)).toEqual(item);
  });

  it("parses user messages, assistant messages and hidden context", () => {
    for (const item of [
      {
        type: "user_message",
        id: "u",
        thread_id: "t",
        created_at,
        content: [{ type: "input_text", text: "hi" }],
        attachments: [],
        inference_options: {},
      },
      {
        type: "assistant_message",
        id: "a",
        thread_id: "t",
        created_at,
        content: [{ type: "output_text", text: "hi", annotations: [] }],
      },
      { type: "hidden_context_item", id: "h", thread_id: "t", created_at, content: { any: "thing" } },
    ]) {
      expect(ThreadItemSchema.parse(item)).toEqual(item);
    }
  });

  // Shapes as the reference SDK v1.6.5 sends them (`chatkit/types.py`, None fields left out).
  const questions = [
    {
      type: "multiple_choice",
      id: "q1",
      question: "Which size?",
      options: [{ value: "S" }, { value: "M" }],
      multiple: false,
      answer: { values: ["M"], skipped: false },
    },
    {
      type: "freeform",
      id: "q2",
      question: "Anything else?",
      description: "Optional",
      answer: { values: [], skipped: true },
    },
  ];

  it.each([
    { type: "generated_image", id: "g", thread_id: "t", created_at },
    {
      type: "generated_image",
      id: "g",
      thread_id: "t",
      created_at,
      image: { id: "ig_1", url: "https://x/y.png" },
    },
    { type: "structured_input", id: "s", thread_id: "t", created_at, status: "answered", inputs: questions },
    { type: "structured_input", id: "s", thread_id: "t", created_at, status: "skipped", inputs: [] },
  ])("parses a $type item ($status)", (item) => {
    expect(ThreadItemSchema.parse(item)).toEqual(item);
    expect(ThreadStreamEventSchema.parse({ type: "thread.item.done", item })).toEqual({
      type: "thread.item.done",
      item,
    });
  });

  it("fills the reference's defaults of a structured_input item", () => {
    expect(
      ThreadItemSchema.parse({
        type: "structured_input",
        id: "s",
        thread_id: "t",
        created_at,
        inputs: [{ type: "multiple_choice", id: "q", question: "?", options: [], answer: {} }],
      }),
    ).toEqual({
      type: "structured_input",
      id: "s",
      thread_id: "t",
      created_at,
      status: "pending",
      inputs: [
        {
          type: "multiple_choice",
          id: "q",
          question: "?",
          options: [],
          multiple: false,
          answer: { values: [], skipped: false },
        },
      ],
    });
  });

  it("rejects a structured_input with an unknown status or question type", () => {
    const item = { type: "structured_input", id: "s", thread_id: "t", created_at, inputs: [] };
    expect(ThreadItemSchema.safeParse({ ...item, status: "maybe" }).success).toBe(false);
    const bad = ThreadItemSchema.safeParse({ ...item, inputs: [{ type: "slider", id: "q", question: "?" }] });
    expect(bad.error?.issues[0]?.path).toEqual(["inputs", 0, "type"]);
  });

  it.each([
    {
      type: "generated_image.updated",
      image: { id: "ig_1", url: "data:image/png;base64,AA" },
      progress: 0.25,
    },
    { type: "generated_image.updated", image: { id: "ig_1", url: "https://x/y.png" } },
  ])("parses a generated_image.updated update", (update) => {
    const event = { type: "thread.item.updated", item_id: "g", update };
    expect(ThreadStreamEventSchema.parse(event)).toEqual(event);
  });

  it("rejects an unknown event type and a bad update, with a path", () => {
    expect(ThreadStreamEventSchema.safeParse({ type: "nope" }).success).toBe(false);
    const bad = WidgetUpdateSchema.safeParse({
      type: "widget.component.updated",
      component_id: "x",
      component: { type: "Text", value: 3 },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["component", "value"]);
  });
});
