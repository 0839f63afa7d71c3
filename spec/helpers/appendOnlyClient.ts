import type { ThreadStreamEvent } from "../../lib/events/threadEvents";
import type { ThreadItem } from "../../lib/events/threadItems";
import type { WidgetUpdate } from "../../lib/events/widgetUpdates";
import { applyThreadEvent } from "../../lib/reducer/applyThreadEvent";
import { applyWidgetUpdate } from "../../lib/reducer/applyWidgetUpdate";
import type { WidgetRoot } from "../../widgets/components";

/**
 * The least a client can do with a text delta, and all the protocol
 * promises: append `delta` to `value`, and ignore `done` (no published
 * client promises to change a component on it). Root and component updates
 * are applied as usual.
 */
export function applyWidgetUpdateAppendOnly(root: WidgetRoot, update: WidgetUpdate): WidgetRoot {
  return applyWidgetUpdate(
    root,
    update.type === "widget.streaming_text.value_delta" ? { ...update, done: false } : update,
  );
}

/** {@link applyWidgetUpdateAppendOnly} for the thread events of one stream. */
export function applyThreadEventAppendOnly(
  items: readonly ThreadItem[],
  event: ThreadStreamEvent,
): readonly ThreadItem[] {
  if (event.type === "thread.item.updated" && event.update.type === "widget.streaming_text.value_delta") {
    return applyThreadEvent(items, { ...event, update: { ...event.update, done: false } });
  }
  return applyThreadEvent(items, event);
}
