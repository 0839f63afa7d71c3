import { filter, from, isObservable, of, type Observable } from "rxjs";

import type { ThreadStreamEvent } from "./events/threadEvents";
import { isAsyncIterable, isIterable } from "./iterables";
import { toThreadEvents, type ThreadRef, type ToThreadEventsConfig } from "../operators/toThreadEvents";
import type { WidgetRoot } from "../widgets/components";

/** Options of {@link streamWidget}: the same as {@link toThreadEvents}'. */
export type StreamWidgetConfig = ToThreadEventsConfig;

/** What {@link streamWidget} accepts: one finished widget, or its successive states. */
export type WidgetSource =
  WidgetRoot | Observable<WidgetRoot> | AsyncIterable<WidgetRoot> | Iterable<WidgetRoot>;

/**
 * The events that show one widget in a thread (PROTOCOL §3, "Streaming one
 * widget"), like the reference SDK's `stream_widget`:
 *
 * - a finished `WidgetRoot`: one `thread.item.done`;
 * - an `Observable`, async iterable (an async generator, say) or iterable of
 *   states: `thread.item.added`, the updates, then `thread.item.done`
 *   (see {@link toThreadEvents} for errors and teardown).
 *
 * Nothing runs until subscription; each subscription makes a new item id.
 * An async iterable is pulled one state at a time, as fast as the events
 * are delivered (RxJS `from`); on unsubscribe its `return()` runs once its
 * pending `next()` settles.
 *
 * @example
 * ```ts
 * async function* states() { yield card("Loading"); yield card("Done"); }
 * streamWidget(thread, states(), { copyText: "Done" }).pipe(toServerSentEvents()).subscribe(write);
 * ```
 *
 * @param thread The thread the item belongs to (only its `id` is used).
 * @param widget The widget, or its states.
 * @param options See {@link StreamWidgetConfig}.
 * @return A cold Observable of thread stream events.
 */
export function streamWidget(
  thread: ThreadRef,
  widget: WidgetSource,
  options: StreamWidgetConfig = {},
): Observable<ThreadStreamEvent> {
  const operator = toThreadEvents(thread, options);
  if (typeof widget !== "object" || widget === null) {
    throw new TypeError(
      `streamWidget: widget must be a widget root, an Observable or an (async) iterable of roots, got ${String(widget)}`,
    );
  }
  if (isObservable(widget) || isAsyncIterable(widget) || isIterable(widget)) {
    return from(widget).pipe(operator);
  }
  if (typeof (widget as { type?: unknown }).type !== "string") {
    throw new TypeError(
      "streamWidget: widget must be a widget root (an object with a string type), an Observable or an (async) iterable of roots",
    );
  }
  // One finished widget: the item is done from the start, so of the operator's events only `done` is sent.
  return of(widget).pipe(
    operator,
    filter((event) => event.type === "thread.item.done"),
  );
}
