import { asyncScheduler, Observable, type OperatorFunction } from "rxjs";

import type { ThreadStreamEvent } from "../lib/events/threadEvents";
import type { ThreadMetadata, WidgetItem } from "../lib/events/threadItems";
import { defaultGenerateId, type IdGenerator } from "../lib/ids";
import type { WidgetRoot } from "../widgets/components";
import { IdCountTrail } from "../lib/widgetTree";
import { diffStatesOnTrail, type DiffWidgetsConfig } from "./diffWidgets";
import { LinkedSubscriber } from "./internal/LinkedSubscriber";

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
    new Observable<ThreadStreamEvent>((subscriber) => {
      /** The item as `thread.item.added` sent it, and the widget as the client holds it after the last event. */
      let added: WidgetItem | undefined;
      let widget: WidgetRoot | undefined;
      /**
       * States a consumer fed back synchronously while the updates of one
       * state were being sent: they are diffed after those, in order (the
       * job `concatMap` did here, without an inner subscription per state).
       */
      const pending: WidgetRoot[] = [];
      /** What the diff learnt of this stream's ids, kept with the stream. */
      const trail = new IdCountTrail();
      let sending = false;
      let completed = false;

      const lastItem = (first: WidgetItem): WidgetItem =>
        widget === first.widget ? first : { ...first, widget: widget as WidgetRoot };

      const doneEvent = (last: WidgetItem): ThreadStreamEvent => {
        if (typeof copyText !== "function") return { type: "thread.item.done", item: last };
        const text = copyText(last.widget);
        const { copy_text: _previous, ...rest } = last;
        return { type: "thread.item.done", item: text === undefined ? rest : { ...rest, copy_text: text } };
      };

      const send = (state: WidgetRoot): void => {
        if (added === undefined) {
          const first: WidgetItem = {
            type: "widget",
            id: generateId("message"),
            thread_id: threadId,
            created_at: new Date(now()).toISOString(),
            widget: state,
            ...(typeof copyText === "string" ? { copy_text: copyText } : {}),
          };
          added = first;
          widget = state;
          subscriber.next({ type: "thread.item.added", item: first });
          return;
        }
        const updates = diffStatesOnTrail(widget as WidgetRoot, state, diffConfig, trail);
        widget = state;
        const itemId = added.id;
        for (const update of updates)
          subscriber.next({ type: "thread.item.updated", item_id: itemId, update });
      };

      /** Closes the item with the last good state, if any, then errors; a failing `copyText` leaves just the error. */
      const fail = (error: unknown): void => {
        if (added !== undefined) {
          let done: ThreadStreamEvent | undefined;
          try {
            done = doneEvent(lastItem(added));
          } catch {
            // The error that ended the stream is the one to report.
          }
          if (done !== undefined) subscriber.next(done);
        }
        subscriber.error(error);
      };

      const finish = (): void => {
        if (added === undefined) return subscriber.complete();
        let done: ThreadStreamEvent;
        try {
          done = doneEvent(lastItem(added));
        } catch (error: unknown) {
          return subscriber.error(error);
        }
        subscriber.next(done);
        subscriber.complete();
      };

      const upstream = new LinkedSubscriber<WidgetRoot>(subscriber, {
        next: (state) => {
          if (sending) {
            pending.push(state);
            return;
          }
          sending = true;
          try {
            send(state);
            for (
              let next = pending.shift();
              next !== undefined && !subscriber.closed;
              next = pending.shift()
            ) {
              send(next);
            }
          } catch (error: unknown) {
            pending.length = 0;
            return fail(error);
          } finally {
            sending = false;
          }
          if (completed) finish();
        },
        error: fail,
        complete: () => {
          completed = true;
          if (!sending) finish();
        },
      });
      source.subscribe(upstream);
    });
}
