import type { Page, ThreadItem, ThreadMetadata } from "../events/threadItems";
import type { IdItemType } from "../ids";
import type { ThreadLocks } from "./ThreadLocks";

/** Which page of a list to load. `after` is the id of the last entry of the previous page. */
export interface PageRequest {
  readonly limit: number;
  readonly order: "asc" | "desc";
  readonly after?: string | undefined;
}

/**
 * Where a ChatKit server keeps threads and their items. Shaped like the
 * reference SDK's `Store` (`chatkit/store.py`), with Promises because real
 * backends are asynchronous; `context` is whatever the HTTP layer passed to
 * `process` (the user, a tenant...), so a store can scope data by it.
 *
 * Contract (run `runStoreContract` against an implementation to check it):
 * - `load*` of an unknown thread or item rejects with `StoreNotFoundError`;
 *   so do item writes to an unknown thread, and an `after` cursor that
 *   names no entry.
 * - Items keep insertion order; `addThreadItem` and `saveItem` of an id
 *   already in the thread replace it in place (so saving twice is safe);
 *   `saveItem` of a new id appends.
 * - Threads list by `created_at` (ties: insertion order); `desc` is newest first.
 * - Deleting what is not there is a no-op; deleting a thread deletes its items.
 * - What is returned is a copy: mutating it does not change the store, and
 *   mutating a value after saving it does not either.
 */
export interface Store<TContext = unknown> {
  /** A new thread id. */
  generateThreadId(context: TContext): string;
  /** A new item id for `thread`. */
  generateItemId(itemType: IdItemType, thread: ThreadMetadata, context: TContext): string;

  loadThread(threadId: string, context: TContext): Promise<ThreadMetadata>;
  /** Creates or replaces the thread's metadata (its items are untouched). */
  saveThread(thread: ThreadMetadata, context: TContext): Promise<void>;
  loadThreads(page: PageRequest, context: TContext): Promise<Page<ThreadMetadata>>;
  deleteThread(threadId: string, context: TContext): Promise<void>;

  loadThreadItems(threadId: string, page: PageRequest, context: TContext): Promise<Page<ThreadItem>>;
  addThreadItem(threadId: string, item: ThreadItem, context: TContext): Promise<void>;
  saveItem(threadId: string, item: ThreadItem, context: TContext): Promise<void>;
  loadItem(threadId: string, itemId: string, context: TContext): Promise<ThreadItem>;
  deleteThreadItem(threadId: string, itemId: string, context: TContext): Promise<void>;

  /**
   * Locks that serialise a thread's requests across every process using
   * this store (a lease in a shared database, say). Leave it out for a
   * store used by one process: the server then queues requests in memory.
   */
  readonly threadLocks?: ThreadLocks | undefined;
}
