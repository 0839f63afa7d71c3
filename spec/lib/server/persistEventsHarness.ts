/**
 * What the persistEvents specs share: item and event builders, a store that
 * logs, holds and fails chosen calls, and a subscriber that logs what it
 * gets into the same log, so order can be checked across both.
 */
import type { Observable, Observer, OperatorFunction } from "rxjs";

import type { ErrorEvent, ThreadStreamEvent } from "../../../lib/events/threadEvents";
import type { ThreadItem, ThreadMetadata, WidgetItem } from "../../../lib/events/threadItems";
import { MemoryStore } from "../../../lib/server/MemoryStore";
import { persistEvents, type PersistEventsConfig } from "../../../lib/server/persistEvents";
import type { WidgetRoot } from "../../../widgets/components";

export const THREAD: ThreadMetadata = {
  id: "thr_1",
  created_at: "2025-01-01T00:00:00.000Z",
  status: { type: "active" },
};

export const card = (text: string): WidgetRoot => ({
  type: "Card",
  children: [{ type: "Text", id: "t", value: text }],
});
export const widget = (id: string, text: string): WidgetItem => ({
  type: "widget",
  id,
  thread_id: THREAD.id,
  created_at: "x",
  widget: card(text),
});
export const added = (item: ThreadItem): ThreadStreamEvent => ({ type: "thread.item.added", item });
export const done = (item: ThreadItem): ThreadStreamEvent => ({ type: "thread.item.done", item });
export const replaced = (item: ThreadItem): ThreadStreamEvent => ({ type: "thread.item.replaced", item });
export const removed = (id: string): ThreadStreamEvent => ({ type: "thread.item.removed", item_id: id });
export const setText = (id: string, text: string): ThreadStreamEvent => ({
  type: "thread.item.updated",
  item_id: id,
  update: {
    type: "widget.component.updated",
    component_id: "t",
    component: { type: "Text", id: "t", value: text },
  },
});
export const textDelta = (id: string, delta: string, componentId = "t"): ThreadStreamEvent => ({
  type: "thread.item.updated",
  item_id: id,
  update: { type: "widget.streaming_text.value_delta", component_id: componentId, delta, done: false },
});
export const ERROR_EVENT: ErrorEvent = { type: "error", code: "stream.error", allow_retry: true };

export type Method = "addThreadItem" | "saveItem" | "deleteThreadItem" | "loadItem" | "saveThread";

/** A MemoryStore that logs each write, can hold calls open until released, and can fail chosen calls. */
export class SpyStore extends MemoryStore<undefined> {
  readonly log: string[];
  /** While set, every logged call waits for it. */
  gate: Promise<void> | undefined;
  /** Returns an error to make the call reject with (or `"throw"` to throw synchronously). */
  failWith: (method: Method, id: string) => Error | { readonly throwSync: Error } | undefined = () =>
    undefined;

  constructor(log: string[]) {
    super();
    this.log = log;
  }

  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.gate = undefined;
      release();
    };
  }

  async #call<T>(method: Method, id: string, run: () => Promise<T>): Promise<T> {
    const failure = this.failWith(method, id);
    if (failure !== undefined && !(failure instanceof Error)) throw failure.throwSync;
    this.log.push(`${method} ${id}`);
    if (this.gate !== undefined) await this.gate;
    if (failure !== undefined) throw failure;
    return run();
  }

  override addThreadItem(threadId: string, item: ThreadItem, context: undefined): Promise<void> {
    // MemoryStore.addThreadItem calls this.saveItem; go straight to it so one call logs once.
    return this.#call("addThreadItem", item.id, () => super.saveItem(threadId, item, context));
  }
  override saveItem(threadId: string, item: ThreadItem, context: undefined): Promise<void> {
    return this.#call("saveItem", item.id, () => super.saveItem(threadId, item, context));
  }
  override deleteThreadItem(threadId: string, itemId: string, context: undefined): Promise<void> {
    return this.#call("deleteThreadItem", itemId, () => super.deleteThreadItem(threadId, itemId, context));
  }
  override loadItem(threadId: string, itemId: string, context: undefined): Promise<ThreadItem> {
    return this.#call("loadItem", itemId, () => super.loadItem(threadId, itemId, context));
  }
  override saveThread(thread: ThreadMetadata, context: undefined): Promise<void> {
    return this.#call("saveThread", thread.id, () => super.saveThread(thread, context));
  }
}

export function label(event: ThreadStreamEvent): string {
  switch (event.type) {
    case "thread.item.added":
    case "thread.item.done":
    case "thread.item.replaced":
      return `emit ${event.type} ${event.item.id}`;
    case "thread.item.updated":
    case "thread.item.removed":
      return `emit ${event.type} ${event.item_id}`;
    default:
      return `emit ${event.type}`;
  }
}

/** One persistEvents operator over a fresh SpyStore, with what its policies were given. */
export interface Harness {
  readonly log: string[];
  readonly store: SpyStore;
  readonly cancelled: (readonly ThreadItem[])[];
  readonly errors: unknown[];
  readonly operator: OperatorFunction<ThreadStreamEvent, ThreadStreamEvent>;
  /** The thread's items as a reload shows them. */
  readonly stored: () => Promise<ThreadItem[]>;
}

export async function setup(overrides: Partial<PersistEventsConfig<undefined>> = {}): Promise<Harness> {
  const log: string[] = [];
  const store = new SpyStore(log);
  await store.saveThread(THREAD, undefined);
  log.length = 0;
  const cancelled: (readonly ThreadItem[])[] = [];
  const errors: unknown[] = [];
  const config: PersistEventsConfig<undefined> = {
    store,
    thread: THREAD,
    context: undefined,
    toErrorEvent: (error) => {
      errors.push(error);
      return ERROR_EVENT;
    },
    onCancel: (pending) => cancelled.push(pending),
    ...overrides,
  };
  const operator = persistEvents(config);
  const stored = async (): Promise<ThreadItem[]> =>
    (await store.loadThreadItems(THREAD.id, { limit: 100, order: "asc" }, undefined)).data;
  return { log, store, cancelled, errors, operator, stored };
}

/** Subscribes, logging each emission into `log`; resolves with the notifications. */
export function collect(
  source: Observable<ThreadStreamEvent>,
  log: string[],
): {
  events: ThreadStreamEvent[];
  result: Promise<"complete" | { error: unknown }>;
  unsubscribe: () => void;
} {
  const events: ThreadStreamEvent[] = [];
  let settle!: (value: "complete" | { error: unknown }) => void;
  const result = new Promise<"complete" | { error: unknown }>((resolve) => (settle = resolve));
  const observer: Observer<ThreadStreamEvent> = {
    next: (event) => {
      log.push(label(event));
      events.push(event);
    },
    error: (error: unknown) => settle({ error }),
    complete: () => settle("complete"),
  };
  const subscription = source.subscribe(observer);
  return { events, result, unsubscribe: () => subscription.unsubscribe() };
}

/** Lets queued promise callbacks (store calls, saves) run. */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}
