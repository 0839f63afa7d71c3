import { from, map, type Observable } from "rxjs";

import type { ThreadStreamEvent } from "../events/threadEvents";
import { isAsyncIterable } from "../iterables";
import type { ThreadEventSource } from "./serverTypes";

/** A cheap guard against handing the client something that is not an event (a full parse per event would cost too much). */
function checkEvent(event: ThreadStreamEvent): ThreadStreamEvent {
  if (typeof event !== "object" || event === null || typeof (event as { type?: unknown }).type !== "string") {
    throw new TypeError(
      `ChatKitServer: respond()/action() emitted ${Array.isArray(event) ? "an array" : (JSON.stringify(event) ?? typeof event)}, not a thread stream event`,
    );
  }
  return event;
}

/**
 * What a handler returned, as an Observable of checked events: handlers may
 * return an Observable or an async iterable (an async generator), and a
 * mistake (anything else, or an event without a `type`) is a `TypeError`
 * naming the handler rather than a broken frame in the browser.
 */
export function handlerEvents(source: ThreadEventSource): Observable<ThreadStreamEvent> {
  if (typeof source !== "object" || source === null || !(isAsyncIterable(source) || "subscribe" in source)) {
    throw new TypeError(
      "ChatKitServer: respond()/action() must return an Observable or an AsyncIterable of events",
    );
  }
  return from(source).pipe(map(checkEvent));
}
