import type { AttachmentRecord } from "../attachments/AttachmentRecord";
import { isHiddenItem, type Page, type ThreadItem, type ThreadMetadata } from "../events/threadItems";
import { defaultGenerateId, type IdGenerator, type IdItemType } from "../ids";
import { StoreConflictError, StoreNotFoundError } from "../errors";
import type { OwnerOf, PageRequest, Store } from "../server/Store";
import { ownerOf } from "./ownerOf";
import { attachmentIdOf, checkItem, threadRecord } from "./storedRecords";

/** Options of {@link MemoryStore}. */
export interface MemoryStoreConfig<TContext = unknown> {
  /** Makes thread and item ids. Default {@link defaultGenerateId}. */
  readonly generateId?: IdGenerator | undefined;
  /**
   * Whose threads a request sees, e.g. `(context) => context.userId`.
   * Without it every caller shares one space (fine for a demo or a test,
   * never for several users).
   */
  readonly owner?: OwnerOf<TContext> | undefined;
}

interface StoredThread {
  readonly owner: string;
  /** Insertion order, the tie-break between threads created at the same instant. */
  readonly seq: number;
  metadata: ThreadMetadata;
  createdAtMs: number;
  readonly items: ThreadItem[];
}

/**
 * One page of `ordered` starting after the entry whose id is `after`,
 * counting only entries `keep` accepts (the cursor itself may be any
 * entry). Shared by threads and items so both paginate the same way.
 */
function paginate<T extends { readonly id: string }>(
  ordered: readonly T[],
  page: PageRequest,
  keep: (entry: T) => boolean,
  cursorScope: string | undefined,
): Page<T> {
  let start = 0;
  if (page.after !== undefined) {
    const index = ordered.findIndex((entry) => entry.id === page.after);
    if (index === -1) throw new StoreNotFoundError("cursor", page.after, cursorScope);
    start = index + 1;
  }
  const data: T[] = [];
  let hasMore = false;
  for (let i = start; i < ordered.length; i++) {
    const entry = ordered[i] as T;
    if (!keep(entry)) continue;
    if (data.length === page.limit) {
      hasMore = true;
      break;
    }
    data.push(entry);
  }
  const last = data[data.length - 1];
  return {
    data: data.map((entry) => structuredClone(entry)),
    has_more: hasMore,
    ...(hasMore && last !== undefined ? { after: last.id } : {}),
  };
}

const keepAll = (): boolean => true;
const keepVisible = (item: ThreadItem): boolean => !isHiddenItem(item);

/**
 * A {@link Store} in a `Map`, gone when the process exits: for tests and
 * demos. Values are copied in and out (`structuredClone`), so a caller
 * mutating what it saved or loaded never changes the store behind the
 * server's back. With an `owner` function each thread belongs to the user
 * that created it; without one, every caller sees every thread.
 */
export class MemoryStore<TContext = unknown> implements Store<TContext> {
  readonly #threads = new Map<string, StoredThread>();
  /** Which thread holds each item id: ids are unique in the store. */
  readonly #itemThreads = new Map<string, string>();
  readonly #attachments = new Map<string, { readonly owner: string; readonly record: AttachmentRecord }>();
  readonly #generateId: IdGenerator;
  readonly #owner: OwnerOf<TContext> | undefined;
  #seq = 0;

  constructor(config: MemoryStoreConfig<TContext> = {}) {
    this.#generateId = config.generateId ?? defaultGenerateId;
    this.#owner = config.owner;
  }

  generateThreadId(_context: TContext): string {
    return this.#generateId("thread");
  }

  generateItemId(itemType: IdItemType, _thread: ThreadMetadata, _context: TContext): string {
    return this.#generateId(itemType);
  }

  /** The caller's thread, or undefined when it does not exist for them. */
  #find(threadId: string, context: TContext): StoredThread | undefined {
    const stored = this.#threads.get(threadId);
    return stored !== undefined && stored.owner === ownerOf(this.#owner, context, "MemoryStore")
      ? stored
      : undefined;
  }

  #thread(threadId: string, context: TContext): StoredThread {
    const stored = this.#find(threadId, context);
    if (stored === undefined) throw new StoreNotFoundError("thread", threadId);
    return stored;
  }

  loadThread(threadId: string, context: TContext): Promise<ThreadMetadata> {
    return attempt(() => structuredClone(this.#thread(threadId, context).metadata));
  }

  createThread(thread: ThreadMetadata, context: TContext): Promise<void> {
    return attempt(() => {
      const { metadata, createdAtMs } = threadRecord(thread, "MemoryStore.createThread");
      const owner = ownerOf(this.#owner, context, "MemoryStore");
      if (this.#threads.has(metadata.id)) throw new StoreConflictError("thread", metadata.id);
      this.#threads.set(metadata.id, { owner, seq: ++this.#seq, metadata, createdAtMs, items: [] });
    });
  }

  saveThread(thread: ThreadMetadata, context: TContext): Promise<void> {
    return attempt(() => {
      const { metadata, createdAtMs } = threadRecord(thread, "MemoryStore.saveThread");
      const owner = ownerOf(this.#owner, context, "MemoryStore");
      const stored = this.#threads.get(metadata.id);
      if (stored === undefined) {
        this.#threads.set(metadata.id, { owner, seq: ++this.#seq, metadata, createdAtMs, items: [] });
      } else if (stored.owner !== owner) {
        throw new StoreNotFoundError("thread", metadata.id);
      } else {
        stored.metadata = metadata;
        stored.createdAtMs = createdAtMs;
      }
    });
  }

  loadThreads(page: PageRequest, context: TContext): Promise<Page<ThreadMetadata>> {
    return attempt(() => {
      const owner = ownerOf(this.#owner, context, "MemoryStore");
      const mine = [...this.#threads.values()].filter((stored) => stored.owner === owner);
      mine.sort((a, b) => a.createdAtMs - b.createdAtMs || a.seq - b.seq);
      if (page.order === "desc") mine.reverse();
      return paginate(
        mine.map((stored) => stored.metadata),
        page,
        keepAll,
        undefined,
      );
    });
  }

  deleteThread(threadId: string, context: TContext): Promise<void> {
    return attempt(() => {
      const stored = this.#find(threadId, context);
      if (stored === undefined) return;
      for (const item of stored.items) this.#itemThreads.delete(item.id);
      this.#threads.delete(threadId);
    });
  }

  loadThreadItems(threadId: string, page: PageRequest, context: TContext): Promise<Page<ThreadItem>> {
    return attempt(() => {
      const { items } = this.#thread(threadId, context);
      const ordered = page.order === "desc" ? [...items].reverse() : items;
      return paginate(ordered, page, page.visibleOnly === true ? keepVisible : keepAll, threadId);
    });
  }

  addThreadItem(threadId: string, item: ThreadItem, context: TContext): Promise<void> {
    return attempt(() => this.#put(threadId, item, context, "MemoryStore.addThreadItem"));
  }

  saveItem(threadId: string, item: ThreadItem, context: TContext): Promise<void> {
    return attempt(() => this.#put(threadId, item, context, "MemoryStore.saveItem"));
  }

  /** Appends `item`, or replaces it in place when the thread already holds its id. */
  #put(threadId: string, item: ThreadItem, context: TContext, where: string): void {
    checkItem(item, where);
    const { items } = this.#thread(threadId, context);
    const holder = this.#itemThreads.get(item.id);
    if (holder !== undefined && holder !== threadId) throw new StoreConflictError("item", item.id);
    const copy = structuredClone(item);
    const index = holder === undefined ? -1 : items.findIndex((existing) => existing.id === item.id);
    if (index === -1) items.push(copy);
    else items[index] = copy;
    this.#itemThreads.set(item.id, threadId);
  }

  loadItem(threadId: string, itemId: string, context: TContext): Promise<ThreadItem> {
    return attempt(() => {
      const item = this.#thread(threadId, context).items.find((existing) => existing.id === itemId);
      if (item === undefined) throw new StoreNotFoundError("item", itemId, threadId);
      return structuredClone(item);
    });
  }

  deleteThreadItem(threadId: string, itemId: string, context: TContext): Promise<void> {
    return attempt(() => {
      const stored = this.#find(threadId, context);
      if (stored === undefined) return;
      const index = stored.items.findIndex((existing) => existing.id === itemId);
      if (index === -1) return;
      stored.items.splice(index, 1);
      this.#itemThreads.delete(itemId);
    });
  }

  saveAttachment(record: AttachmentRecord, context: TContext): Promise<void> {
    return attempt(() => {
      const id = attachmentIdOf(record, "MemoryStore.saveAttachment");
      const owner = ownerOf(this.#owner, context, "MemoryStore");
      const stored = this.#attachments.get(id);
      if (stored !== undefined && stored.owner !== owner) throw new StoreNotFoundError("attachment", id);
      this.#attachments.set(id, { owner, record: structuredClone(record) });
    });
  }

  loadAttachment(attachmentId: string, context: TContext): Promise<AttachmentRecord> {
    return attempt(() => {
      const stored = this.#attachments.get(attachmentId);
      if (stored === undefined || stored.owner !== ownerOf(this.#owner, context, "MemoryStore")) {
        throw new StoreNotFoundError("attachment", attachmentId);
      }
      return structuredClone(stored.record);
    });
  }

  deleteAttachment(attachmentId: string, context: TContext): Promise<void> {
    return attempt(() => {
      const stored = this.#attachments.get(attachmentId);
      if (stored?.owner === ownerOf(this.#owner, context, "MemoryStore"))
        this.#attachments.delete(attachmentId);
    });
  }
}

/** Runs `body` now and turns its result or throw into a settled Promise (a throw must not escape synchronously). */
function attempt<T>(body: () => T): Promise<T> {
  try {
    return Promise.resolve(body());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
