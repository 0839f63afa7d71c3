import { Subject, type Observable, type Subscription } from "rxjs";

import type { ThreadStreamEvent } from "../../events/threadEvents";
import type { ResolvedHttpConfig } from "./config";
import { eventFrames, STREAM_ERROR_FRAME } from "./frames";

/** Bytes a streaming body queues before it stops taking frames, as Node's `writableHighWaterMark`. */
export const SSE_QUEUE_BYTES = 16 * 1024;

/**
 * The events as a `ReadableStream` of SSE bytes, for Web-standard
 * responses. Subscribes on `start`; unsubscribes on `cancel` (the runtime
 * cancels the body when the client goes away) and on `signal` abort
 * (runtimes that abort the request instead), so the upstream and the
 * heartbeat stop either way.
 *
 * Backpressure: once the queue holds {@link SSE_QUEUE_BYTES} (`desiredSize`
 * <= 0) the stream is paused and text deltas merge; the runtime's `pull`,
 * called when the reader has taken enough, resumes it.
 */
export function eventStreamBody(
  events: Observable<ThreadStreamEvent>,
  signal: AbortSignal,
  config: ResolvedHttpConfig,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let subscription: Subscription | undefined;
  let onAbort: (() => void) | undefined;
  const paused = new Subject<boolean>();
  const release = (): void => {
    if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
    subscription?.unsubscribe();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        onAbort = () => {
          release();
          try {
            controller.close();
          } catch {
            // Already closed or errored by the runtime.
          }
        };
        if (signal.aborted) {
          onAbort();
          return;
        }
        signal.addEventListener("abort", onAbort, { once: true });
        subscription = eventFrames(events, paused, config).subscribe({
          next: (frame) => {
            controller.enqueue(encoder.encode(frame));
            if ((controller.desiredSize ?? 1) <= 0) paused.next(true);
          },
          complete: () => {
            release();
            controller.close();
          },
          error: (error: unknown) => {
            release();
            config.report(error);
            controller.enqueue(encoder.encode(STREAM_ERROR_FRAME));
            controller.close();
          },
        });
      },
      pull() {
        paused.next(false);
      },
      cancel() {
        release();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: SSE_QUEUE_BYTES }),
  );
}
