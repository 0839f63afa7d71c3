import type { ThreadStreamEvent } from "../../../lib/events/threadEvents";
import type {
  AssistantMessageItem,
  GeneratedImageItem,
  ThreadItem,
  WidgetItem,
  WorkflowItem,
} from "../../../lib/events/threadItems";
import { applyThreadEvent } from "../../../lib/reducer/applyThreadEvent";
import { WidgetUpdateError } from "../../../lib/errors";
import type { WidgetRoot } from "../../../widgets/components";

const base = { thread_id: "thr_1", created_at: "2025-01-01T00:00:00.000Z" };
const widget = (value: string): WidgetRoot =>
  ({ type: "Card", children: [{ type: "Text", id: "t", value, streaming: true }] }) as unknown as WidgetRoot;
const widgetItem = (id: string, value: string): WidgetItem => ({
  ...base,
  type: "widget",
  id,
  widget: widget(value),
});
const message: AssistantMessageItem = { ...base, type: "assistant_message", id: "msg_a", content: [] };
const workflow: WorkflowItem = {
  ...base,
  type: "workflow",
  id: "wf_1",
  workflow: { type: "custom", tasks: [], expanded: false },
};

function reduce(
  events: readonly ThreadStreamEvent[],
  items: readonly ThreadItem[] = [],
): readonly ThreadItem[] {
  return events.reduce(applyThreadEvent, items);
}

describe("applyThreadEvent", () => {
  it("adds, updates, finishes and removes items", () => {
    const a = widgetItem("msg_1", "He");
    let items = reduce([{ type: "thread.item.added", item: a }]);
    expect(items).toEqual([a]);
    items = applyThreadEvent(items, {
      type: "thread.item.updated",
      item_id: "msg_1",
      update: { type: "widget.streaming_text.value_delta", component_id: "t", delta: "llo", done: false },
    });
    expect(items).toEqual([widgetItem("msg_1", "Hello")]);
    const done = widgetItem("msg_1", "Hello!");
    items = applyThreadEvent(items, { type: "thread.item.done", item: done });
    expect(items).toEqual([done]);
    items = applyThreadEvent(items, { type: "thread.item.added", item: message });
    expect(items.map((item) => item.id)).toEqual(["msg_1", "msg_a"]);
    const replaced = widgetItem("msg_1", "Bye");
    items = applyThreadEvent(items, { type: "thread.item.replaced", item: replaced });
    expect(items).toEqual([replaced, message]);
    items = applyThreadEvent(items, { type: "thread.item.removed", item_id: "msg_1" });
    expect(items).toEqual([message]);
  });

  it("returns the same list for events that do not touch items, and for removing an unknown item", () => {
    const items = [message];
    for (const event of [
      { type: "progress_update", text: "..." },
      { type: "notice", level: "info", message: "hi" },
      { type: "stream_options", stream_options: { allow_cancel: true } },
      { type: "error", code: "custom", allow_retry: false },
      { type: "client_effect", name: "x", data: {} },
      { type: "thread.item.removed", item_id: "nope" },
    ] as const satisfies readonly ThreadStreamEvent[]) {
      expect(applyThreadEvent(items, event)).toBe(items);
    }
  });

  it("does not change its input, and shares untouched items", () => {
    const items = Object.freeze([message, widgetItem("msg_1", "a")]);
    const after = applyThreadEvent(items, {
      type: "thread.item.updated",
      item_id: "msg_1",
      update: { type: "widget.streaming_text.value_delta", component_id: "t", delta: "b", done: false },
    });
    expect(after[0]).toBe(message);
    expect(items[1]).toEqual(widgetItem("msg_1", "a"));
  });

  it("applies assistant message updates like the reference SDK", () => {
    const annotation = { type: "annotation", source: { type: "url", title: "T", url: "https://x" } } as const;
    const items = reduce([
      { type: "thread.item.added", item: message },
      {
        type: "thread.item.updated",
        item_id: "msg_a",
        update: { type: "assistant_message.content_part.text_delta", content_index: 1, delta: "Hi" },
      },
      {
        type: "thread.item.updated",
        item_id: "msg_a",
        update: { type: "assistant_message.content_part.text_delta", content_index: 1, delta: " there" },
      },
      {
        type: "thread.item.updated",
        item_id: "msg_a",
        update: {
          type: "assistant_message.content_part.annotation_added",
          content_index: 1,
          annotation_index: 5,
          annotation,
        },
      },
      {
        type: "thread.item.updated",
        item_id: "msg_a",
        update: {
          type: "assistant_message.content_part.added",
          content_index: 0,
          content: { type: "output_text", text: "A", annotations: [] },
        },
      },
    ]);
    expect(items).toEqual([
      {
        ...message,
        content: [
          { type: "output_text", text: "A", annotations: [] },
          { type: "output_text", text: "Hi there", annotations: [annotation] },
        ],
      },
    ]);
    const done = applyThreadEvent(items, {
      type: "thread.item.updated",
      item_id: "msg_a",
      update: {
        type: "assistant_message.content_part.done",
        content_index: 1,
        content: { type: "output_text", text: "Final", annotations: [] },
      },
    });
    expect((done[0] as AssistantMessageItem).content[1]?.text).toBe("Final");
  });

  it("applies workflow task updates", () => {
    const task = { type: "thought", content: "hmm", status_indicator: "loading" } as const;
    const items = reduce([
      { type: "thread.item.added", item: workflow },
      {
        type: "thread.item.updated",
        item_id: "wf_1",
        update: { type: "workflow.task.added", task_index: 0, task },
      },
      {
        type: "thread.item.updated",
        item_id: "wf_1",
        update: {
          type: "workflow.task.updated",
          task_index: 0,
          task: { ...task, status_indicator: "complete" },
        },
      },
    ]);
    expect((items[0] as WorkflowItem).workflow.tasks).toEqual([{ ...task, status_indicator: "complete" }]);
  });

  it("applies generated image updates: each image replaces the last, progress is not kept", () => {
    const pending: GeneratedImageItem = { ...base, type: "generated_image", id: "msg_img" };
    const partial = { id: "ig_1", url: "data:image/png;base64,AAAA" };
    const final = { id: "ig_1", url: "https://example.com/final.png" };
    const added = reduce([{ type: "thread.item.added", item: pending }]);
    const first = reduce(
      [
        {
          type: "thread.item.updated",
          item_id: "msg_img",
          update: { type: "generated_image.updated", image: partial, progress: 0.5 },
        },
      ],
      added,
    );
    expect(first).toEqual([{ ...pending, image: partial }]);
    const second = reduce(
      [
        {
          type: "thread.item.updated",
          item_id: "msg_img",
          update: { type: "generated_image.updated", image: final },
        },
      ],
      first,
    );
    expect(second).toEqual([{ ...pending, image: final }]);
    expect(added).toEqual([pending]);
    expect(() =>
      reduce(
        [
          {
            type: "thread.item.updated",
            item_id: "wf_1",
            update: { type: "generated_image.updated", image: final },
          },
        ],
        [workflow],
      ),
    ).toThrow(expect.objectContaining({ reason: "wrong-item-type", itemId: "wf_1" }) as Error);
    expect(() =>
      reduce(
        [
          {
            type: "thread.item.updated",
            item_id: "msg_img",
            update: { type: "widget.root.updated", widget: widget("") },
          },
        ],
        first,
      ),
    ).toThrow(expect.objectContaining({ reason: "wrong-item-type", itemId: "msg_img" }) as Error);
  });

  it("throws a WidgetUpdateError for an unknown item", () => {
    expect(() =>
      applyThreadEvent([], {
        type: "thread.item.updated",
        item_id: "msg_x",
        update: { type: "widget.root.updated", widget: widget("") },
      }),
    ).toThrow(expect.objectContaining({ reason: "unknown-item", itemId: "msg_x" }) as Error);
  });

  it("throws a WidgetUpdateError for an update that does not fit the item", () => {
    expect(() =>
      applyThreadEvent([message], {
        type: "thread.item.updated",
        item_id: "msg_a",
        update: { type: "widget.root.updated", widget: widget("") },
      }),
    ).toThrow(expect.objectContaining({ reason: "wrong-item-type", itemId: "msg_a" }) as Error);
    expect(() =>
      applyThreadEvent([widgetItem("msg_1", "")], {
        type: "thread.item.updated",
        item_id: "msg_1",
        update: { type: "assistant_message.content_part.text_delta", content_index: 0, delta: "x" },
      }),
    ).toThrow(WidgetUpdateError);
  });

  it("names the item when a widget update fails", () => {
    let error: unknown;
    try {
      applyThreadEvent([widgetItem("msg_1", "")], {
        type: "thread.item.updated",
        item_id: "msg_1",
        update: { type: "widget.streaming_text.value_delta", component_id: "zzz", delta: "x", done: false },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WidgetUpdateError);
    expect(error).toMatchObject({ reason: "unknown-component", itemId: "msg_1", componentId: "zzz" });
    expect((error as Error).message).toContain('(item "msg_1")');
  });
});
