import type { Page, ThreadItem, ThreadMetadata } from "../events/threadItems";
import { defaultGenerateId, type IdGenerator, type IdItemType } from "../ids";
import { StoreNotFoundError } from "../errors";
import type { PageRequest, Store } from "./Store";

/** Options of {@link MemoryStore}. */
export interface MemoryStoreConfig {
  /** Makes thread and item ids. Default {@link defaultGenerateId}. */
  readonly generateId?: IdGenerator | undefined;
}

interface StoredThread {
  metadata: ThreadMetadata;
  items: ThreadItem[];
}

/**
 * One page of `entries` in `order`, starting after the entry whose id is
 * `after`. Shared by threads and items so both paginate the same way.
 */
function paginate<T extends { readonly id: string }>(
  entries: readonly T[],
  page: PageRequest,
  cursorOwner: string | undefined,
): Page<T> {
  const ordered = page.order === "desc" ? [...entries].reverse() : [...entries];
  let start = 0;
  if (page.after !== undefined) {
    const index = ordered.findIndex((entry) => entry.id === page.after);
    if (index === -1) throw new StoreNotFoundError("cursor", page.after, cursorOwner);
    start = index + 1;
  }
  const data = ordered.slice(start, start + page.limit);
  const hasMore = start + page.limit < ordered.length;
  const last = data[data.length - 1];
  return {
    data: data.map((entry) => structuredClone(entry)),
    has_more: hasMore,
    ...(hasMore && last !== undefined ? { after: last.id } : {}),
  };
}

/**
 * The embedded default {@link Store}: everything in a `Map`, gone when the
 * process exits. Values are copied in and out (`structuredClone`), so a
 * caller mutating what it saved or loaded never changes the store behind
 * the server's back. The context is ignored: every caller sees every
 * thread, which suits demos and tests, not multi-user production.
 */
export class MemoryStore<TContext = unknown> implements Store<TContext> {
  readonly #threads = new Map<string, StoredThread>();
  readonly #generateId: IdGenerator;

  constructor(config: MemoryStoreConfig = {}) {
    this.#generateId = config.generateId ?? defaultGenerateId;
  }

  generateThreadId(_context: TContext): string {
    return this.#generateId("thread");
  }

  generateItemId(itemType: IdItemType, _thread: ThreadMetadata, _context: TContext): string {
    return this.#generateId(itemType);
  }

  #thread(threadId: string): StoredThread {
    const stored = this.#threads.get(threadId);
    if (stored === undefined) throw new StoreNotFoundError("thread", threadId);
    return stored;
  }

  loadThread(threadId: string, _context: TContext): Promise<ThreadMetadata> {
    return attempt(() => structuredClone(this.#thread(threadId).metadata));
  }

  saveThread(thread: ThreadMetadata, _context: TContext): Promise<void> {
    return attempt(() => {
      const metadata = structuredClone(thread);
      // A Thread (with its items page) may be passed; only the metadata is kept.
      delete (metadata as { items?: unknown }).items;
      const stored = this.#threads.get(thread.id);
      if (stored === undefined) this.#threads.set(thread.id, { metadata, items: [] });
      else stored.metadata = metadata;
    });
  }

  loadThreads(page: PageRequest, _context: TContext): Promise<Page<ThreadMetadata>> {
    return attempt(() => {
      const all = [...this.#threads.values()].map((stored) => stored.metadata);
      // Stable sort: ties keep insertion order.
      all.sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
      return paginate(all, page, undefined);
    });
  }

  deleteThread(threadId: string, _context: TContext): Promise<void> {
    return attempt(() => void this.#threads.delete(threadId));
  }

  loadThreadItems(threadId: string, page: PageRequest, _context: TContext): Promise<Page<ThreadItem>> {
    return attempt(() => paginate(this.#thread(threadId).items, page, threadId));
  }

  addThreadItem(threadId: string, item: ThreadItem, context: TContext): Promise<void> {
    return this.saveItem(threadId, item, context);
  }

  saveItem(threadId: string, item: ThreadItem, _context: TContext): Promise<void> {
    return attempt(() => {
      const { items } = this.#thread(threadId);
      const copy = structuredClone(item);
      const index = items.findIndex((existing) => existing.id === item.id);
      if (index === -1) items.push(copy);
      else items[index] = copy;
    });
  }

  loadItem(threadId: string, itemId: string, _context: TContext): Promise<ThreadItem> {
    return attempt(() => {
      const item = this.#thread(threadId).items.find((existing) => existing.id === itemId);
      if (item === undefined) throw new StoreNotFoundError("item", itemId, threadId);
      return structuredClone(item);
    });
  }

  deleteThreadItem(threadId: string, itemId: string, _context: TContext): Promise<void> {
    return attempt(() => {
      const stored = this.#threads.get(threadId);
      if (stored === undefined) return;
      const index = stored.items.findIndex((existing) => existing.id === itemId);
      if (index !== -1) stored.items.splice(index, 1);
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
