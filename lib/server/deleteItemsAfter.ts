import type { Page, ThreadItem, ThreadMetadata } from "../events/threadItems";
import type { Store } from "./Store";

/** A bound on the pages read, so a store that never says `has_more: false` cannot loop for ever. */
const MAX_PAGES = 100_000;

/**
 * Deletes every item after `itemId` (what `threads.retry_after_item` throws
 * away). The ids are all read first, then deleted, so deleting never moves
 * a page under the cursor.
 */
export async function deleteItemsAfter<TContext>(
  store: Store<TContext>,
  thread: ThreadMetadata,
  itemId: string,
  pageSize: number,
  context: TContext,
): Promise<void> {
  const doomed: string[] = [];
  let after: string | undefined = itemId;
  for (let pageNo = 0; pageNo < MAX_PAGES && after !== undefined; pageNo++) {
    const page: Page<ThreadItem> = await store.loadThreadItems(
      thread.id,
      { limit: pageSize, order: "asc", after },
      context,
    );
    doomed.push(...page.data.map((entry) => entry.id));
    after = page.has_more ? page.after : undefined;
  }
  for (const id of doomed) await store.deleteThreadItem(thread.id, id, context);
}
