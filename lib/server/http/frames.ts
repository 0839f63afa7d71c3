import { Subject, type Observable } from "rxjs";

import { serializeEvent } from "../../events/serializeEvent";
import type { ThreadStreamEvent } from "../../events/threadEvents";
import { mergeTextDeltasWhilePaused } from "../../../operators/mergeTextDeltasWhilePaused";
import { toServerSentEvents } from "../../../operators/toServerSentEvents";
import type { ResolvedHttpConfig } from "./config";
import { heartbeat } from "./heartbeat";

/** Headers of a Server-Sent Events answer; `X-Accel-Buffering` keeps nginx-style proxies from holding frames back. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
});

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/** The last frame of a stream that failed inside the server (a bug or a broken store): the client may retry. */
export const STREAM_ERROR_FRAME = `data: ${serializeEvent({ type: "error", code: "stream.error", allow_retry: true })}\n\n`;

/**
 * The SSE frames of a streaming answer, paced by the transport: `paused`
 * is the adapter's demand signal (`true` when its sink is full, `false`
 * when it can take more). Text deltas merge while paused and heartbeats
 * fill long silences (skipped while paused), so both adapters send the
 * same bytes for the same events.
 */
export function eventFrames(
  events: Observable<ThreadStreamEvent>,
  paused: Subject<boolean>,
  config: ResolvedHttpConfig,
): Observable<string> {
  const frames = events.pipe(mergeTextDeltasWhilePaused(paused), toServerSentEvents());
  if (config.heartbeatMs === undefined) return frames;
  return frames.pipe(heartbeat({ intervalMs: config.heartbeatMs, paused, scheduler: config.scheduler }));
}
