import { map, type OperatorFunction } from "rxjs";

import type { ThreadStreamEvent } from "../lib/events/threadEvents";
import { serializeEventBetween } from "../lib/events/serializeEvent";

/**
 * Frames each event as one Server-Sent Event: `data: <json>\n\n`.
 *
 * It's like `map(JSON.stringify)`, but drops null/undefined fields the way
 * the protocol requires and adds the SSE framing, so the strings can be
 * written to an HTTP response as they come. The JSON never contains a raw
 * newline, so one `data:` line always holds one whole event.
 *
 * ```
 * source:  -a--b--|
 * result:  -A--B--|    (A = "data: {...a...}\n\n")
 * ```
 *
 * @example
 * ```ts
 * events$.pipe(toServerSentEvents()).subscribe((frame) => response.write(frame));
 * ```
 *
 * @return An operator from events to SSE frames; completion, errors and
 * unsubscription pass straight through.
 */
export function toServerSentEvents(): OperatorFunction<ThreadStreamEvent, string> {
  return map((event) => serializeEventBetween("data: ", event, "\n\n"));
}
