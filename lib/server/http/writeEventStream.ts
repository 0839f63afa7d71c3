import type { ServerResponse } from "node:http";
import { Subject, type Observable } from "rxjs";

import type { ThreadStreamEvent } from "../../events/threadEvents";
import type { ResolvedHttpConfig } from "./config";
import { endOfTurn } from "./endOfTurn";
import { eventFrames, SSE_HEADERS, STREAM_ERROR_FRAME } from "./frames";

/**
 * Sends a streaming answer on a Node response as Server-Sent Events, paced
 * by the socket: `res.write` returning false (or the turn's batch reaching
 * the high-water mark) pauses the frames until `drain`. When the client
 * goes away (`close` before the end) the events are unsubscribed, so the
 * upstream and the heartbeat stop.
 */
export function writeEventStream(
  res: ServerResponse,
  events: Observable<ThreadStreamEvent>,
  config: ResolvedHttpConfig,
): void {
  if (res.destroyed) return; // the client left while the request was being checked
  res.writeHead(200, SSE_HEADERS);
  res.flushHeaders();
  const paused = new Subject<boolean>();
  // Frames that come in one turn of the event loop (a burst of tokens) leave in one `res.write`
  // at the end of the turn; a lone frame still leaves in its own turn. Backpressure counts the
  // batch as written: the stream pauses as soon as Node's buffer plus the batch reach the
  // high-water mark, as `res.write` returning false did per frame.
  let batch = "";
  let flushScheduled = false;
  let waitingForDrain = false;
  const pause = (): void => {
    waitingForDrain = true;
    paused.next(true);
  };
  const resume = (): void => {
    waitingForDrain = false;
    paused.next(false);
  };
  const flush = (): void => {
    flushScheduled = false;
    if (batch === "" || res.writableEnded || res.destroyed) return;
    const chunk = batch;
    batch = "";
    if (!res.write(chunk)) pause();
    else if (waitingForDrain) resume(); // the socket drained before the batch left: nothing to wait for
  };
  const onDrain = (): void => {
    if (batch === "") resume();
  };
  res.on("drain", onDrain);
  const subscription = eventFrames(events, paused, config).subscribe({
    next: (frame) => {
      batch += frame;
      if (!flushScheduled) {
        flushScheduled = true;
        endOfTurn(flush);
      }
      if (!waitingForDrain && reachesHighWaterMark(res, batch)) pause();
    },
    complete: () => {
      const chunk = batch;
      batch = "";
      res.end(chunk);
    },
    error: (error: unknown) => {
      // The server turns handler errors into `error` events; this is a bug or a broken store.
      config.report(error);
      const chunk = batch;
      batch = "";
      res.end(chunk + STREAM_ERROR_FRAME);
    },
  });
  // `close` before the end means the client went away: unsubscribing stops the upstream
  // (and the heartbeat). After a normal end it is a no-op. The socket may also have
  // closed while we subscribed.
  const release = (): void => {
    res.off("drain", onDrain);
    subscription.unsubscribe();
  };
  if (res.destroyed) release();
  else res.once("close", release);
}

/**
 * Whether Node's buffer plus `batch` in UTF-8 reach the response's
 * high-water mark. The batch's size is measured only once its bound (3
 * bytes per UTF-16 unit) reaches the mark: measuring each frame copied it
 * into a flat string of its own, before the write copied the batch again.
 */
function reachesHighWaterMark(res: ServerResponse, batch: string): boolean {
  const room = res.writableHighWaterMark - res.writableLength;
  return batch.length * 3 >= room && Buffer.byteLength(batch) >= room;
}
