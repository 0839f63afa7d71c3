import { produce, type Draft } from "immer";

import type { ThreadItemUpdate, ThreadStreamEvent } from "../events/threadEvents";
import type {
  AssistantMessageItem,
  GeneratedImageItem,
  ThreadItem,
  WidgetItem,
  WorkflowItem,
} from "../events/threadItems";
import type { WidgetRoot } from "../../widgets/components";
import { applyWidgetUpdate } from "./applyWidgetUpdate";
import { WidgetUpdateError } from "../errors";

function indexOfItem(items: readonly ThreadItem[], id: string): number {
  for (let index = items.length - 1; index >= 0; index--) {
    if (items[index]?.id === id) return index;
  }
  return -1;
}

function upsert(items: readonly ThreadItem[], item: ThreadItem): ThreadItem[] {
  const index = indexOfItem(items, item.id);
  return produce(items as ThreadItem[], (draft) => {
    if (index === -1) draft.push(item);
    else draft[index] = item;
  });
}

function wrongItem(item: ThreadItem, update: ThreadItemUpdate): never {
  throw new WidgetUpdateError({
    reason: "wrong-item-type",
    updateType: update.type,
    itemId: item.id,
    detail: `item "${item.id}" is a ${item.type} item, which a ${update.type} update cannot apply to`,
  });
}

type AssistantMessageUpdate = Extract<ThreadItemUpdate, { type: `assistant_message.${string}` }>;
type WidgetUpdate = Extract<ThreadItemUpdate, { type: `widget.${string}` }>;

function isAssistantMessageUpdate(update: ThreadItemUpdate): update is AssistantMessageUpdate {
  return update.type.startsWith("assistant_message.");
}

function isWidgetUpdate(update: ThreadItemUpdate): update is WidgetUpdate {
  return update.type.startsWith("widget.");
}

/** Mirrors the reference SDK: a content index past the end first pads the content with empty parts. */
function applyAssistantMessageUpdate(
  item: AssistantMessageItem,
  update: ThreadItemUpdate,
): AssistantMessageItem {
  if (!isAssistantMessageUpdate(update)) return wrongItem(item, update);
  return produce(item, (draft) => {
    while (draft.content.length <= update.content_index) {
      draft.content.push({ type: "output_text", text: "", annotations: [] });
    }
    const part = draft.content[update.content_index];
    if (part === undefined) return; // a negative index: nothing to apply it to
    switch (update.type) {
      case "assistant_message.content_part.added":
      case "assistant_message.content_part.done":
        draft.content[update.content_index] = update.content;
        break;
      case "assistant_message.content_part.text_delta":
        part.text += update.delta;
        break;
      case "assistant_message.content_part.annotation_added": {
        const annotation = update.annotation as Draft<typeof update.annotation>;
        if (update.annotation_index <= part.annotations.length) {
          part.annotations.splice(update.annotation_index, 0, annotation);
        } else {
          part.annotations.push(annotation);
        }
        break;
      }
    }
  });
}

function applyWidgetItemUpdate(item: WidgetItem, update: ThreadItemUpdate): WidgetItem {
  if (!isWidgetUpdate(update)) return wrongItem(item, update);
  let widget: WidgetRoot;
  try {
    widget = applyWidgetUpdate(item.widget, update);
  } catch (error) {
    if (!(error instanceof WidgetUpdateError)) throw error;
    throw new WidgetUpdateError({
      reason: error.reason,
      updateType: error.updateType,
      itemId: item.id,
      componentId: error.componentId,
      detail: error.detail,
    });
  }
  if (widget === item.widget) return item;
  return produce(item, (draft) => {
    draft.widget = widget;
  });
}

function applyWorkflowUpdate(item: WorkflowItem, update: ThreadItemUpdate): WorkflowItem {
  if (update.type !== "workflow.task.added" && update.type !== "workflow.task.updated")
    wrongItem(item, update);
  return produce(item, (draft) => {
    const task = update.task as Draft<typeof update.task>;
    if (update.type === "workflow.task.added") draft.workflow.tasks.push(task);
    else draft.workflow.tasks[update.task_index] = task;
  });
}

/** The update's image replaces the item's (each one is a whole, newer rendering); `progress` is not kept. */
function applyGeneratedImageUpdate(item: GeneratedImageItem, update: ThreadItemUpdate): GeneratedImageItem {
  if (update.type !== "generated_image.updated") return wrongItem(item, update);
  return produce(item, (draft) => {
    draft.image = update.image;
  });
}

function applyItemUpdate(item: ThreadItem, update: ThreadItemUpdate): ThreadItem {
  switch (item.type) {
    case "generated_image":
      return applyGeneratedImageUpdate(item, update);
    case "widget":
      return applyWidgetItemUpdate(item, update);
    case "assistant_message":
      return applyAssistantMessageUpdate(item, update);
    case "workflow":
      return applyWorkflowUpdate(item, update);
    default:
      return wrongItem(item, update);
  }
}

/**
 * Applies one stream event to the list of items a client shows, the way the
 * ChatKit client does:
 *
 * - `thread.item.added`, `thread.item.done`, `thread.item.replaced`: the
 *   item goes in place of the one with the same `id`, or at the end.
 * - `thread.item.updated`: the update is applied to the item (widget
 *   updates with `applyWidgetUpdate`; assistant message, workflow and
 *   generated image updates as the reference SDK applies them).
 * - `thread.item.removed`: the item is dropped (nothing happens if absent).
 * - Every other event leaves the list as it is (the same array).
 *
 * The result shares unchanged items with `items` and is frozen (immer).
 *
 * @param items The items before the event.
 * @param event One event of the stream.
 * @return The items after it.
 * @throws {WidgetUpdateError} when an update names an unknown item, does not
 * fit the item's type, or cannot be applied to its widget.
 */
export function applyThreadEvent(
  items: readonly ThreadItem[],
  event: ThreadStreamEvent,
): readonly ThreadItem[] {
  switch (event.type) {
    case "thread.item.added":
    case "thread.item.done":
    case "thread.item.replaced":
      return upsert(items, event.item);
    case "thread.item.removed": {
      const index = indexOfItem(items, event.item_id);
      if (index === -1) return items;
      return produce(items as ThreadItem[], (draft) => void draft.splice(index, 1));
    }
    case "thread.item.updated": {
      const index = indexOfItem(items, event.item_id);
      const item = items[index];
      if (item === undefined) {
        throw new WidgetUpdateError({
          reason: "unknown-item",
          updateType: event.update.type,
          itemId: event.item_id,
          detail: `no item has id "${event.item_id}" (was its thread.item.added missed?)`,
        });
      }
      const updated = applyItemUpdate(item, event.update);
      if (updated === item) return items;
      return produce(items as ThreadItem[], (draft) => {
        draft[index] = updated;
      });
    }
    default:
      return items;
  }
}
