import {
  catchError,
  concat,
  concatMap,
  defer,
  EMPTY,
  from,
  map,
  of,
  tap,
  type Observable,
  type OperatorFunction,
} from "rxjs";

import type { ErrorEvent, ThreadStreamEvent } from "../events/threadEvents";
import type { ThreadItem, ThreadMetadata } from "../events/threadItems";
import { PendingDeltas, textTarget, type TextDeltaEvent } from "../../operators/internal/PendingDeltas";
import { applyThreadEvent } from "../reducer/applyThreadEvent";
import type { Store } from "./Store";

/** Options of {@link persistEvents}. */
export interface PersistEventsConfig<TContext> {
  readonly store: Store<TContext>;
  readonly thread: ThreadMetadata;
  readonly context: TContext;
  /** The `error` event sent in place of an error of the source (or of the store). */
  readonly toErrorEvent: (error: unknown) => ErrorEvent;
  /**
   * Called once when the subscriber unsubscribes before the stream ended
   * (the client went away), with the items the client had seen but that
   * were not saved yet, each in its last state. Must not throw.
   */
  readonly onCancel: (pendingItems: readonly ThreadItem[]) => void;
}

/** One event to save and send, or the source's error, in arrival order. */
type Step = { readonly event: ThreadStreamEvent } | { readonly error: unknown };

function isHidden(item: ThreadItem): boolean {
  return item.type === "hidden_context_item" || item.type === "sdk_hidden_context";
}

/**
 * The server's bookkeeping for one response stream: it saves what the
 * client will show, so a reload shows the same thread.
 *
 * It's like `concatMap(save)`, but also:
 * - tracks every item between `thread.item.added` and its save, with the
 *   updates applied (`applyThreadEvent`), so nothing is lost if the stream
 *   stops early;
 * - saves on `thread.item.done` / `thread.item.replaced`, deletes on
 *   `thread.item.removed`, saves the thread on `thread.updated`;
 * - applies widget updates sent for an item that is already saved (the usual
 *   answer to an action) to the stored item too;
 * - swallows `thread.item.done` of hidden context items (saved, never sent);
 * - on a source (or store) error, closes each pending item with a
 *   `thread.item.done` in its last state (saved too) and sends an `error`
 *   event instead of erroring, so the client gets a clean end;
 * - on early unsubscribe, hands the pending items to `onCancel`.
 *
 * Each event is forwarded only after its save settled, so the client never
 * sees an item done that a reload would not show.
 *
 * ```
 * source:  -a-u-d-|         a = added, u = updated, d = done (saved here)
 * result:  -a-u-d-|
 * source:  -a-u-#           # = error
 * result:  -a-u-(DE|)       D = done(last state of a), E = error event
 * ```
 *
 * @param config The store, thread, context and the error/cancel policies.
 * @return An operator from the response's events to the events to send.
 */
export function persistEvents<TContext>(
  config: PersistEventsConfig<TContext>,
): OperatorFunction<ThreadStreamEvent, ThreadStreamEvent> {
  const { store, thread, context } = config;
  return (source) =>
    defer(() => {
      /**
       * Items the client has seen whose final state is not saved yet, by id,
       * in their latest state but for the text deltas in `unappliedText`.
       */
      const pending = new Map<string, ThreadItem>();
      /**
       * Text deltas of pending items not applied yet, merged per component:
       * applied only when the item's state is needed (another kind of update,
       * a cancel, an error), and dropped when `done` brings the final state.
       * Applying each delta as it came (an immer update per token) was about
       * a tenth of the server's CPU with 1000 streams.
       */
      const unappliedText = new Map<string, PendingDeltas>();
      /** A pending item in its latest state; a held delta that does not apply is left out (the last good state). */
      const current = (id: string): ThreadItem | undefined => {
        let item = pending.get(id);
        const held = unappliedText.get(id);
        if (item === undefined || held === undefined) return item;
        unappliedText.delete(id);
        const deltas: ThreadStreamEvent[] = [];
        held.drainInto(deltas);
        for (const delta of deltas) {
          try {
            item = applyThreadEvent([item], delta)[0] ?? item;
          } catch {
            // The client cannot apply it either; keep what both sides hold.
          }
        }
        pending.set(id, item);
        return item;
      };
      const currentItems = (): ThreadItem[] =>
        [...pending.keys()].map((id) => current(id)).filter((item) => item !== undefined);
      /** The last event that came in for each pending item: once it is saved, the store is up to date. */
      const lastEventOf = new Map<string, ThreadStreamEvent>();
      /** Items whose `done`/`replaced` is saved: later updates go to the stored copy. */
      const saved = new Set<string>();
      const forget = (id: string): void => {
        pending.delete(id);
        unappliedText.delete(id);
        lastEventOf.delete(id);
      };
      const forgetIfUpToDate = (id: string, event: ThreadStreamEvent): void => {
        if (lastEventOf.get(id) === event) forget(id);
      };

      // Runs as each event arrives, before the (asynchronous) save, so that a
      // cancellation while saves are queued still knows every item's last state.
      const track = (event: ThreadStreamEvent): void => {
        switch (event.type) {
          case "thread.item.added":
          case "thread.item.done":
          case "thread.item.replaced":
            // The whole item: it supersedes whatever deltas are held for it.
            unappliedText.delete(event.item.id);
            pending.set(event.item.id, event.item);
            lastEventOf.set(event.item.id, event);
            break;
          case "thread.item.updated": {
            const id = event.item_id;
            if (!pending.has(id)) break;
            const target = textTarget(event);
            if (target !== undefined) {
              let held = unappliedText.get(id);
              if (held === undefined) unappliedText.set(id, (held = new PendingDeltas()));
              held.add(event as TextDeltaEvent, target);
            } else {
              const item = current(id)!;
              pending.set(id, applyThreadEvent([item], event)[0] ?? item);
            }
            lastEventOf.set(id, event);
            break;
          }
          case "thread.item.removed":
            forget(event.item_id);
            break;
          default:
            break;
        }
      };

      const save = async (event: ThreadStreamEvent): Promise<readonly ThreadStreamEvent[]> => {
        switch (event.type) {
          case "thread.item.done":
          case "thread.item.replaced": {
            if (event.type === "thread.item.done") await store.addThreadItem(thread.id, event.item, context);
            else await store.saveItem(thread.id, event.item, context);
            saved.add(event.item.id);
            // Only forget it if no later event of the same item came in meanwhile.
            forgetIfUpToDate(event.item.id, event);
            return event.type === "thread.item.done" && isHidden(event.item) ? [] : [event];
          }
          case "thread.item.removed":
            await store.deleteThreadItem(thread.id, event.item_id, context);
            return [event];
          case "thread.item.updated": {
            // An item still open in this stream is saved when it is done (or cancelled).
            const open = pending.has(event.item_id) && !saved.has(event.item_id);
            if (open || !event.update.type.startsWith("widget.")) return [event];
            // A widget saved already (earlier in this stream, or an action's answer): keep the stored copy in step.
            const stored = await store.loadItem(thread.id, event.item_id, context);
            if (stored.type === "widget") {
              const [updated] = applyThreadEvent([stored], event);
              if (updated !== undefined && updated !== stored)
                await store.saveItem(thread.id, updated, context);
            }
            forgetIfUpToDate(event.item_id, event);
            return [event];
          }
          case "thread.updated": {
            const { items: _items, ...metadata } = event.thread;
            await store.saveThread(metadata, context);
            return [event];
          }
          default:
            return [event];
        }
      };

      const closePending = async (): Promise<ThreadStreamEvent[]> => {
        const events: ThreadStreamEvent[] = [];
        for (const item of currentItems()) {
          await store.addThreadItem(thread.id, item, context);
          forget(item.id);
          if (!isHidden(item)) events.push({ type: "thread.item.done", item });
        }
        return events;
      };

      let ended = false;
      const onError = (error: unknown): Observable<ThreadStreamEvent> =>
        concat(
          from(closePending()).pipe(
            concatMap((events) => events),
            catchError(() => EMPTY),
          ),
          defer(() => of(config.toErrorEvent(error))),
        );

      return source.pipe(
        tap(track),
        map((event): Step => ({ event })),
        // The error joins the queue instead of overtaking it: events already
        // received are saved and sent before the items are closed.
        catchError((error: unknown) => of<Step>({ error })),
        concatMap((step) =>
          "event" in step ? from(save(step.event)).pipe(concatMap((events) => events)) : onError(step.error),
        ),
        // A failing store: the same clean end.
        catchError(onError),
        tap({
          complete: () => (ended = true),
          error: () => (ended = true),
          unsubscribe: () => {
            if (!ended) config.onCancel(currentItems());
          },
        }),
      );
    });
}
