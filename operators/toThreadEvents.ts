import {
  asyncScheduler,
  catchError,
  concat,
  concatMap,
  defer,
  EMPTY,
  of,
  throwError,
  type ObservableInput,
  type OperatorFunction,
} from "rxjs";

import type { ThreadStreamEvent } from "../lib/events/threadEvents";
import type { ThreadMetadata, WidgetItem } from "../lib/events/threadItems";
import { defaultGenerateId, type IdGenerator } from "../lib/ids";
import type { WidgetRoot } from "../widgets/components";
import { diffWidgetStates, type DiffWidgetsConfig } from "./diffWidgets";

/** Options of {@link toThreadEvents}. */
export interface ToThreadEventsConfig extends DiffWidgetsConfig {
  /**
   * The item's `copy_text` (what the client copies for the widget). A string
   * is sent with `thread.item.added` and `thread.item.done`; a function is
   * called once, with the final widget, for `thread.item.done` only.
   */
  readonly copyText?: string | ((widget: WidgetRoot) => string | undefined) | undefined;
  /** Makes the item id, called with `"message"` once per subscription. Default {@link defaultGenerateId}. */
  readonly generateId?: IdGenerator | undefined;
  /** The clock for `created_at`, in epoch milliseconds. Default `asyncScheduler.now` (virtual under `TestScheduler.run`). */
  readonly now?: (() => number) | undefined;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object")
    return `an object with id ${JSON.stringify((value as { id?: unknown }).id) ?? "undefined"}`;
  return typeof value;
}

/** What {@link toThreadEvents} needs of the thread: its id. Pass a `ThreadMetadata` or a `Thread`. */
export type ThreadRef = Pick<ThreadMetadata, "id">;

/**
 * Streams successive states of one widget as the events of one widget item.
 *
 * It's like {@link diffWidgets}, but wraps the updates in thread events and
 * brackets them: `thread.item.added` with the first state, one
 * `thread.item.updated` per update, and `thread.item.done` with the last
 * state when the source completes. An empty source emits nothing. If the
 * source errors after its first state, the item is still closed with a
 * `thread.item.done` holding the last good state, then the error follows,
 * so a client never keeps a half-open item. Unsubscribing unsubscribes from
 * the source and sends nothing more.
 *
 * A `copyText` function runs when the source completes (or errors); if it
 * throws, the output errors with its error instead of sending
 * `thread.item.done`. If the source had errored too, the source's error
 * wins. `generateId` and `now` run at the first state; their throws error
 * the output.
 *
 * ```
 * source:  -a--b--c--|
 * result:  -A--U--V--(D|)    (A = added(a), U/V = updated, D = done(c))
 * ```
 *
 * @example
 * ```ts
 * states$.pipe(toThreadEvents(thread, { copyText: (w) => summary(w) }), toServerSentEvents())
 *   .subscribe((frame) => response.write(frame));
 * ```
 *
 * @param thread The thread the item belongs to (only its `id` is used).
 * @param config See {@link ToThreadEventsConfig}.
 * @return An operator from widget states to thread stream events.
 */
export function toThreadEvents(
  thread: ThreadRef,
  config: ToThreadEventsConfig = {},
): OperatorFunction<WidgetRoot, ThreadStreamEvent> {
  if (typeof thread !== "object" || thread === null || typeof thread.id !== "string") {
    throw new TypeError(
      `toThreadEvents: thread must be an object with a string id (a ThreadMetadata), got ${describe(thread)}`,
    );
  }
  const threadId = thread.id;
  const generateId = config.generateId ?? defaultGenerateId;
  const now = config.now ?? (() => asyncScheduler.now());
  const copyText = config.copyText;
  const diffConfig: DiffWidgetsConfig = {
    componentUpdates: config.componentUpdates,
    doneDeltaEndsStreaming: config.doneDeltaEndsStreaming,
  };

  return (source) =>
    defer(() => {
      /** The item as the client holds it after the last event sent. */
      let item: WidgetItem | undefined;

      const doneEvent = (last: WidgetItem): ThreadStreamEvent => {
        if (typeof copyText !== "function") return { type: "thread.item.done", item: last };
        const text = copyText(last.widget);
        const { copy_text: _previous, ...rest } = last;
        return { type: "thread.item.done", item: text === undefined ? rest : { ...rest, copy_text: text } };
      };

      const step = (state: WidgetRoot): ObservableInput<ThreadStreamEvent> => {
        if (item === undefined) {
          const first: WidgetItem = {
            type: "widget",
            id: generateId("message"),
            thread_id: threadId,
            created_at: new Date(now()).toISOString(),
            widget: state,
            ...(typeof copyText === "string" ? { copy_text: copyText } : {}),
          };
          item = first;
          return [{ type: "thread.item.added", item: first }];
        }
        const updates = diffWidgetStates(item.widget, state, diffConfig);
        const itemId = item.id;
        item = { ...item, widget: state };
        return updates.map((update) => ({ type: "thread.item.updated", item_id: itemId, update }));
      };

      // concatMap, not mergeMap: if a consumer synchronously feeds a new state back while the
      // updates of one state are being sent, that state's updates still come after them.
      const events = source.pipe(
        concatMap(step),
        catchError((error: unknown) => {
          const last = item;
          if (last === undefined) return throwError(() => error);
          let done: ThreadStreamEvent;
          try {
            done = doneEvent(last);
          } catch {
            return throwError(() => error);
          }
          return concat(
            of(done),
            throwError(() => error),
          );
        }),
      );
      return concat(
        events,
        defer(() => (item === undefined ? EMPTY : of(doneEvent(item)))),
      );
    });
}
