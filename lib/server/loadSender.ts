import { ChatKitRequestError } from "../errors";
import { quoteExcerpt } from "../excerpt";
import type { ThreadMetadata, WidgetItem } from "../events/threadItems";
import { declaredActionTypes } from "./declaredActions";
import { requestedItem } from "./requestedItem";
import type { Action } from "./requests";
import type { Store } from "./Store";

/**
 * The widget item that fired `action`, as stored, or `null` when the
 * request names none. It must be a widget of the thread that declares an
 * action of that `type` somewhere in its tree, so a client cannot aim an
 * arbitrary action at a widget it happens to know the id of.
 *
 * @throws {ChatKitRequestError} 404 for an unknown item; 400 for an item that is not a widget or
 * does not declare the action.
 */
export async function loadSender<TContext>(
  store: Store<TContext>,
  thread: ThreadMetadata,
  itemId: string | null | undefined,
  action: Action,
  context: TContext,
): Promise<WidgetItem | null> {
  if (itemId === undefined || itemId === null) return null;
  const item = await requestedItem(
    store,
    thread.id,
    itemId,
    "widget",
    "; an action's sender must be a widget",
    context,
  );
  if (!declaredActionTypes(item.widget).has(action.type)) {
    throw new ChatKitRequestError({
      status: 400,
      code: "invalid_request",
      field: "params.action.type",
      message: `params.action.type: widget item ${quoteExcerpt(itemId)} declares no action of type ${quoteExcerpt(action.type)}`,
    });
  }
  return item;
}
