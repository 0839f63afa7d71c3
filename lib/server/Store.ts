import type { AttachmentRecord } from "../attachments/AttachmentRecord";
import type { Page, ThreadItem, ThreadMetadata } from "../events/threadItems";
import type { IdItemType } from "../ids";
import type { ThreadLocks } from "./ThreadLocks";

/** Which page of a list to load. `after` is the id of the last entry of the previous page. */
export interface PageRequest {
  readonly limit: number;
  readonly order: "asc" | "desc";
  readonly after?: string | undefined;
  /**
   * Items only: leave out hidden items (`hidden_context_item`,
   * `sdk_hidden_context`) before counting to `limit`, so a page the client
   * sees is full whenever `has_more` is true. The cursor may still name a
   * hidden item.
   */
  readonly visibleOnly?: boolean | undefined;
}

/**
 * Who owns a thread, read from the request context (for example
 * `(context) => context.userId`). A store given one scopes every thread to
 * its owner; without one, every caller shares one space.
 */
export type OwnerOf<TContext> = (context: TContext) => string;

/**
 * Where a ChatKit server keeps threads and their items. Shaped like the
 * reference SDK's `Store` (`chatkit/store.py`), with Promises because real
 * backends are asynchronous; `context` is whatever the HTTP layer passed to
 * `process` (the user, a tenant...), so a store can scope data by it.
 *
 * Contract (run `runStoreContract` against an implementation to check it):
 * - Owners: a store given an {@link OwnerOf} function stamps each thread with
 *   its creator's owner. For any other owner the thread and its items do not
 *   exist: reads and item writes reject with `StoreNotFoundError`, deletes
 *   are no-ops, `loadThreads` lists only the caller's threads, and a cursor
 *   from another owner's listing is not found. Nothing is changed, nothing
 *   revealed.
 * - `load*` of an unknown thread or item rejects with `StoreNotFoundError`;
 *   so do item writes to an unknown thread, and an `after` cursor that
 *   names no entry of the list being paged.
 * - Ids are unique in the whole store, across owners: `createThread` of an
 *   id that exists rejects with `StoreConflictError`; `saveThread` replaces
 *   the caller's thread (or creates it if the id is free everywhere, and
 *   rejects with `StoreNotFoundError` if another owner holds it). An item id
 *   belongs to one thread for ever: `addThreadItem`/`saveItem` of an id
 *   already in the same thread replace it in place (so saving twice is
 *   safe); of an id held by another thread they reject with
 *   `StoreConflictError` and change nothing.
 * - Items keep insertion order (the order the server saved them, which is
 *   the order the client saw them stream; their `created_at` is whatever
 *   the handler wrote). `saveItem` of a new id appends.
 * - Threads list by `created_at` (ties: insertion order); `desc` is newest
 *   first. A thread's `created_at` must be an ISO date (`TypeError` if not).
 * - Attachments (metadata only; bytes live in an `AttachmentStore`) are
 *   owned like threads: `saveAttachment` upserts the caller's attachment
 *   (an id another owner holds rejects with `StoreNotFoundError`, nothing
 *   changed), `loadAttachment` of an unknown or another owner's id rejects
 *   with `StoreNotFoundError`, `deleteAttachment` of one is a no-op.
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
  /** Creates a thread owned by the caller; rejects with `StoreConflictError` if its id exists (for any owner). */
  createThread(thread: ThreadMetadata, context: TContext): Promise<void>;
  /** Replaces the caller's thread metadata (its items are untouched); see the contract for unknown ids. */
  saveThread(thread: ThreadMetadata, context: TContext): Promise<void>;
  loadThreads(page: PageRequest, context: TContext): Promise<Page<ThreadMetadata>>;
  deleteThread(threadId: string, context: TContext): Promise<void>;

  loadThreadItems(threadId: string, page: PageRequest, context: TContext): Promise<Page<ThreadItem>>;
  addThreadItem(threadId: string, item: ThreadItem, context: TContext): Promise<void>;
  saveItem(threadId: string, item: ThreadItem, context: TContext): Promise<void>;
  loadItem(threadId: string, itemId: string, context: TContext): Promise<ThreadItem>;
  deleteThreadItem(threadId: string, itemId: string, context: TContext): Promise<void>;

  /** Creates or replaces the caller's attachment metadata. */
  saveAttachment(record: AttachmentRecord, context: TContext): Promise<void>;
  loadAttachment(attachmentId: string, context: TContext): Promise<AttachmentRecord>;
  deleteAttachment(attachmentId: string, context: TContext): Promise<void>;

  /**
   * Locks that serialise a thread's requests across every process using
   * this store (a lease in a shared database, say). Leave it out for a
   * store used by one process: the server then queues requests in memory.
   */
  readonly threadLocks?: ThreadLocks | undefined;

  /**
   * True when several processes may use this store at once: its data (and
   * its `threadLocks`) live outside the process, in a database server say.
   * `serveOnAllCores` refuses a store that does not say so. Default false.
   */
  readonly sharedAcrossProcesses?: boolean | undefined;
}
