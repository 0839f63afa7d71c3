import type { AttachmentRecord } from "../attachments/AttachmentRecord";
import type { ThreadItem, ThreadItemType, ThreadMetadata } from "../events/threadItems";

/** The item types `isHiddenItem` accepts, for stores that filter them in a query. */
export const HIDDEN_ITEM_TYPES: readonly ThreadItemType[] = ["hidden_context_item", "sdk_hidden_context"];

/** A thread's metadata as a store keeps it, with its `created_at` in milliseconds for ordering. */
export interface ThreadRecord {
  readonly metadata: ThreadMetadata;
  readonly createdAtMs: number;
}

/**
 * Checks a thread before it is written and keeps only its metadata (a
 * `Thread` with its items page may be passed). Threads are listed by
 * `created_at`, so one that is not a date would sort nowhere: misuse.
 */
export function threadRecord(thread: ThreadMetadata, where: string): ThreadRecord {
  if (typeof thread !== "object" || thread === null || typeof thread.id !== "string" || thread.id === "") {
    throw new TypeError(`${where}: thread.id must be a non-empty string, got ${JSON.stringify(thread?.id)}`);
  }
  const createdAtMs = Date.parse(thread.created_at);
  if (!Number.isFinite(createdAtMs)) {
    throw new TypeError(
      `${where}: thread "${thread.id}" has created_at ${JSON.stringify(thread.created_at)}, not an ISO date`,
    );
  }
  const metadata = structuredClone(thread);
  delete (metadata as { items?: unknown }).items;
  return { metadata, createdAtMs };
}

/** Checks an item before it is written. */
export function checkItem(item: ThreadItem, where: string): void {
  if (typeof item !== "object" || item === null || typeof item.id !== "string" || item.id === "") {
    throw new TypeError(`${where}: item.id must be a non-empty string, got ${JSON.stringify(item?.id)}`);
  }
  if (typeof (item as { type?: unknown }).type !== "string") {
    throw new TypeError(`${where}: item "${item.id}" has no type`);
  }
}

/** Checks an attachment record before it is written; answers its id. */
export function attachmentIdOf(record: AttachmentRecord, where: string): string {
  const id: unknown = record?.attachment?.id;
  if (typeof id !== "string" || id === "") {
    throw new TypeError(
      `${where}: record.attachment.id must be a non-empty string, got ${JSON.stringify(id)}`,
    );
  }
  if (typeof record.uploaded !== "boolean" || !Number.isSafeInteger(record.size) || record.size < 0) {
    throw new TypeError(`${where}: attachment "${id}" needs a boolean uploaded and a size in bytes`);
  }
  return id;
}
