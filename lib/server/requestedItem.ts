import { ChatKitRequestError } from "../errors";
import type { ThreadItem } from "../events/threadItems";
import { quoteExcerpt } from "../excerpt";
import { findOrNotFound } from "./findOrNotFound";
import type { Store } from "./Store";

/**
 * The item a request names by `params.item_id`, which only an item of
 * `type` can answer (a retry needs a user message, an action's sender a
 * widget...): a 404 naming the field if the thread has no such item, a 400
 * naming it if the item is of another type. `mismatch` ends that message,
 * saying why the type matters (after "item X is a T item").
 */
export async function requestedItem<TContext, TType extends ThreadItem["type"]>(
  store: Store<TContext>,
  threadId: string,
  itemId: string,
  type: TType,
  mismatch: string,
  context: TContext,
): Promise<Extract<ThreadItem, { readonly type: TType }>> {
  const item = await findOrNotFound("params.item_id", () => store.loadItem(threadId, itemId, context));
  if (item.type !== type) {
    throw new ChatKitRequestError({
      status: 400,
      code: "invalid_request",
      field: "params.item_id",
      message: `params.item_id: item ${quoteExcerpt(itemId)} is a ${item.type} item${mismatch}`,
    });
  }
  return item as Extract<ThreadItem, { readonly type: TType }>;
}
