import { isDeepStrictEqual } from "node:util";

import type { ThreadItem, ThreadMetadata } from "../events/threadItems";
import { StoreConflictError, StoreNotFoundError } from "../errors";

/** A store broke its contract; the message says which call and what it did instead. */
export class ContractViolation extends Error {
  override readonly name = "ContractViolation";
}

export function check(condition: boolean, message: string): void {
  if (!condition) throw new ContractViolation(message);
}

function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

export function equal(actual: unknown, expected: unknown, what: string): void {
  check(
    // Through JSON: stores may return objects of another realm (structuredClone under a test VM) or class instances.
    isDeepStrictEqual(plain(actual), plain(expected)),
    `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
  );
}

async function rejectsWith(
  promise: Promise<unknown>,
  errorClass: new (...args: never[]) => Error,
  what: string,
): Promise<void> {
  try {
    await promise;
  } catch (error) {
    check(error instanceof errorClass, `${what}: expected a ${errorClass.name}, got ${String(error)}`);
    return;
  }
  throw new ContractViolation(`${what}: expected a ${errorClass.name}, but it resolved`);
}

export function rejectsNotFound(promise: Promise<unknown>, what: string): Promise<void> {
  return rejectsWith(promise, StoreNotFoundError, what);
}

export function rejectsConflict(promise: Promise<unknown>, what: string): Promise<void> {
  return rejectsWith(promise, StoreConflictError, what);
}

export function rejectsTypeError(promise: Promise<unknown>, what: string): Promise<void> {
  return rejectsWith(promise, TypeError, what);
}

export function thread(id: string, createdAt: string): ThreadMetadata {
  return { id, created_at: createdAt, status: { type: "active" } };
}

/** A hidden item: the cheapest item to write, and the kind `visibleOnly` leaves out. */
export function note(threadId: string, id: string, content = id): ThreadItem {
  return {
    type: "hidden_context_item",
    id,
    thread_id: threadId,
    created_at: "2025-01-01T00:00:00.000Z",
    content,
  };
}

/** A visible item. */
export function message(threadId: string, id: string): ThreadItem {
  return {
    type: "assistant_message",
    id,
    thread_id: threadId,
    created_at: "2025-01-01T00:00:00.000Z",
    content: [{ type: "output_text", text: id, annotations: [] }],
  };
}

export const ids = (page: { readonly data: readonly { readonly id: string }[] }): string[] =>
  page.data.map((entry) => entry.id);
