import { catchError, concat, defer, from, Observable, of, Subject, tap, type OperatorFunction } from "rxjs";

import type { ErrorEvent, ThreadItemUpdatedEvent, ThreadStreamEvent } from "../events/threadEvents";
import { isHiddenItem, type ThreadItem, type ThreadMetadata } from "../events/threadItems";
import { applyThreadEvent } from "../reducer/applyThreadEvent";
import { OpenItems, type DroppedUpdateHandler } from "../reducer/OpenItems";
import { mergeTextDeltasWhilePaused } from "../../operators/mergeTextDeltasWhilePaused";
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
  /**
   * Told about a widget update that does not apply (it names no component,
   * does not fit its item...), whether to an item of this stream or to a
   * saved one. The update is still sent (the client cannot apply it either);
   * the item keeps its last good state, in the store as in what `onCancel`
   * and the closing events get. If it throws, the stream ends as on a store
   * error (a throw while closing the items or cancelling is ignored).
   * Default: ignored.
   */
  readonly onDroppedUpdate?: DroppedUpdateHandler | undefined;
}

/** A store round trip an event needs before it is sent; it resolves with what to send then. */
type Save = () => Promise<readonly ThreadStreamEvent[]>;

/**
 * The server's bookkeeping for one response stream: it saves what the
 * client will show, so a reload shows the same thread.
 *
 * It's like `concatMap(save)`, but also:
 * - tracks every item between `thread.item.added` and its save, with the
 *   updates applied (`OpenItems`: text held merged, applied when needed),
 *   so nothing is lost if the stream stops early;
 * - saves on `thread.item.done` / `thread.item.replaced`, deletes on
 *   `thread.item.removed`, saves the thread on `thread.updated`;
 * - applies widget updates sent for an item that is already saved (the usual
 *   answer to an action) to the stored item too;
 * - while a save is in flight, holds what comes next with its text deltas
 *   merged per component (`mergeTextDeltasWhilePaused`, paused while a save
 *   runs): memory behind a slow store is the text, not an event per token,
 *   and tokens streamed into a saved widget cost one load and save per
 *   round trip instead of one per token;
 * - swallows `thread.item.done` of hidden context items (saved, never sent);
 * - on a source (or store) error, closes each pending item with a
 *   `thread.item.done` in its last state (saved too; an item whose save
 *   fails again is left out) and sends an `error` event instead of
 *   erroring, so the client gets a clean end;
 * - on early unsubscribe, hands the pending items to `onCancel`.
 *
 * Each event that needs a save is forwarded only after its save settled,
 * and nothing overtakes it, so the client never sees an item done that a
 * reload would not show. Events that need none pass straight through.
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
  const onDroppedUpdate: DroppedUpdateHandler = config.onDroppedUpdate ?? (() => {});
  return (source) =>
    defer(() => {
      /** A throw of `onDroppedUpdate` while tracking, rethrown once the event is tracked (ignored while closing). */
      let handlerFailure: { readonly error: unknown } | undefined;
      /**
       * Items whose final state is not saved yet, each in the state the
       * client will hold once it got everything that came in: tracked as
       * events arrive, before the (asynchronous) saves, so a cancellation
       * while events wait behind a save still knows every item's last state.
       */
      const unsaved = new OpenItems((error, event) => {
        try {
          onDroppedUpdate(error, event);
        } catch (thrown: unknown) {
          handlerFailure ??= { error: thrown };
        }
      });
      /**
       * The last whole-item event (added, done, replaced) of each unsaved
       * item: once a `done`/`replaced` is saved, the item is settled unless a
       * newer whole state came in meanwhile. Updates arriving after a `done`
       * are saved by their own turn, as updates of a saved item.
       */
      const lastWhole = new Map<string, ThreadStreamEvent>();
      const forget = (id: string): void => {
        unsaved.delete(id);
        lastWhole.delete(id);
      };

      const track = (event: ThreadStreamEvent): void => {
        switch (event.type) {
          case "thread.item.added":
          case "thread.item.done":
          case "thread.item.replaced":
            unsaved.set(event.item);
            lastWhole.set(event.item.id, event);
            break;
          case "thread.item.updated":
            unsaved.update(event);
            break;
          case "thread.item.removed":
            forget(event.item_id);
            break;
          default:
            break;
        }
        if (handlerFailure !== undefined) {
          const { error } = handlerFailure;
          handlerFailure = undefined;
          throw error; // ends the stream as a source error does
        }
      };

      /** A widget update of an item saved already (earlier in this stream, or an action's answer). */
      const isStoredUpdate = (event: ThreadStreamEvent): event is ThreadItemUpdatedEvent =>
        event.type === "thread.item.updated" &&
        // An item still open in this stream is saved when it is done (or cancelled).
        !unsaved.has(event.item_id) &&
        event.update.type.startsWith("widget.");

      /** Keeps the stored copy of a saved widget in step with `events` (all of one item): one load, one save. */
      const saveToStoredItem =
        (itemId: string, events: readonly ThreadItemUpdatedEvent[]): Save =>
        async () => {
          const stored = await store.loadItem(thread.id, itemId, context);
          if (stored.type !== "widget") return events;
          let updated: ThreadItem = stored;
          for (const event of events) {
            try {
              updated = applyThreadEvent([updated], event)[0] ?? updated;
            } catch (error: unknown) {
              // The client cannot apply it either: the stored copy stays what both show.
              onDroppedUpdate(error, event);
            }
          }
          if (updated !== stored) await store.saveItem(thread.id, updated, context);
          return events;
        };

      /** The round trip `event` needs before it is sent, or `undefined` if it can go at once. */
      const saveFor = (event: ThreadStreamEvent): Save | undefined => {
        if (isStoredUpdate(event)) return saveToStoredItem(event.item_id, [event]);
        switch (event.type) {
          case "thread.item.done":
          case "thread.item.replaced":
            return async () => {
              if (event.type === "thread.item.done")
                await store.addThreadItem(thread.id, event.item, context);
              else await store.saveItem(thread.id, event.item, context);
              if (lastWhole.get(event.item.id) === event) forget(event.item.id);
              return event.type === "thread.item.done" && isHiddenItem(event.item) ? [] : [event];
            };
          case "thread.item.removed":
            return async () => {
              await store.deleteThreadItem(thread.id, event.item_id, context);
              return [event];
            };
          case "thread.updated":
            return async () => {
              const { items: _items, ...metadata } = event.thread;
              await store.saveThread(metadata, context);
              return [event];
            };
          default:
            return undefined;
        }
      };

      /** `true` while a save is in flight: what comes meanwhile waits, its text merged. */
      const saving = new Subject<boolean>();

      /**
       * Runs each event's save, one at a time, and sends the event once it
       * settled; events that need none go at once (nothing is in flight, or
       * they would be held upstream). When a save settles, what was held comes
       * in one synchronous burst: the updates of one saved widget in it share
       * one round trip, so a widget streaming tokens costs one load and save
       * per round trip, whatever the token rate.
       */
      const saveInOrder = (events: Observable<ThreadStreamEvent>): Observable<ThreadStreamEvent> =>
        new Observable<ThreadStreamEvent>((subscriber) => {
          let inFlight = false;
          /** True while the held events are coming in (`saving.next(false)` sends them synchronously). */
          let resuming = false;
          /** Updates of one saved widget that came in the current burst; they go in one round trip after it. */
          let batch: { readonly itemId: string; readonly events: ThreadItemUpdatedEvent[] } | undefined;
          /** The one event that came after `batch` in the burst (the burst stops at it), sent after the batch. */
          let after: ThreadStreamEvent | undefined;
          /** The upstream's end, when it came while `batch` waited. */
          let end: (() => void) | undefined;

          const run = (save: Save): void => {
            inFlight = true;
            saving.next(true);
            save().then(
              (toSend) => {
                inFlight = false;
                for (const sent of toSend) {
                  if (subscriber.closed) return;
                  subscriber.next(sent);
                }
                settled();
              },
              (error: unknown) => subscriber.error(error),
            );
          };

          const handle = (event: ThreadStreamEvent): void => {
            if (batch !== undefined) {
              if (isStoredUpdate(event) && event.item_id === batch.itemId) batch.events.push(event);
              else {
                after = event;
                saving.next(true); // the burst stops here
              }
              return;
            }
            if (resuming && isStoredUpdate(event)) {
              batch = { itemId: event.item_id, events: [event] };
              return;
            }
            let save: Save | undefined;
            try {
              save = saveFor(event);
            } catch (error: unknown) {
              subscriber.error(error); // a malformed event
              return;
            }
            if (save === undefined) subscriber.next(event);
            else run(save);
          };

          /** A round trip settled: what waited in this stage, then what is held upstream. */
          const settled = (): void => {
            const next = after;
            after = undefined;
            if (next !== undefined) handle(next);
            if (inFlight || subscriber.closed) return;
            if (end !== undefined) end();
            else resume();
          };

          const resume = (): void => {
            resuming = true;
            saving.next(false);
            resuming = false;
            const collected = batch;
            batch = undefined;
            if (collected !== undefined) run(saveToStoredItem(collected.itemId, collected.events));
          };

          /** Upstream ends only once nothing is held there; a batch collected in the last burst still goes first. */
          const ending = (finish: () => void): void => {
            if (batch !== undefined || inFlight) end = finish;
            else finish();
          };

          return events.subscribe({
            next: handle,
            error: (error: unknown) => ending(() => subscriber.error(error)),
            complete: () => ending(() => subscriber.complete()),
          });
        });

      /**
       * A `thread.item.done` for each unsaved item, each sent once its save
       * settled; one whose save fails is left out (a reload would not show it
       * done) and the others are still tried.
       */
      async function* closeUnsaved(): AsyncGenerator<ThreadStreamEvent> {
        for (const item of unsaved.list()) {
          let saved = true;
          try {
            await store.addThreadItem(thread.id, item, context);
          } catch {
            saved = false; // the error event that follows covers it
          }
          forget(item.id);
          if (saved && !isHiddenItem(item)) yield { type: "thread.item.done", item };
        }
      }

      let ended = false;
      const onError = (error: unknown): Observable<ThreadStreamEvent> =>
        concat(
          from(closeUnsaved()),
          defer(() => of(config.toErrorEvent(error))),
        );

      return source.pipe(
        tap(track),
        // The source's error waits behind what is held too: events received
        // before it are saved and sent before the items are closed.
        mergeTextDeltasWhilePaused(saving),
        saveInOrder,
        // A source error, or a failing store: the same clean end.
        catchError(onError),
        tap({
          complete: () => (ended = true),
          error: () => (ended = true),
          unsubscribe: () => {
            if (!ended) config.onCancel(unsaved.list());
          },
        }),
      );
    });
}
