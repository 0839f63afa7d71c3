import type { ThreadStreamEvent } from "../../lib/events/threadEvents";

/** A text delta of component `componentId` of widget item `itemId` (the operators' specs' shorthand). */
export const d = (componentId: string, delta: string, done = false, itemId = "w1"): ThreadStreamEvent => ({
  type: "thread.item.updated",
  item_id: itemId,
  update: { type: "widget.streaming_text.value_delta", component_id: componentId, delta, done },
});

/** A text delta of content part `contentIndex` of assistant message `itemId`. */
export const m = (contentIndex: number, delta: string, itemId = "m1"): ThreadStreamEvent => ({
  type: "thread.item.updated",
  item_id: itemId,
  update: { type: "assistant_message.content_part.text_delta", content_index: contentIndex, delta },
});
