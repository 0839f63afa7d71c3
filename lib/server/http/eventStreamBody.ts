import { Subject, type Observable, type Subscription } from "rxjs";

import type { ThreadStreamEvent } from "../../events/threadEvents";
import type { ResolvedHttpConfig } from "./config";
import { endOfTurn } from "./endOfTurn";
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
  /** False once the stream is closed or cancelled: a batch due at the end of the turn is then dropped. */
  let open = true;
  const release = (): void => {
    open = false;
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
        // Frames that come in one turn (a burst of tokens) are enqueued as one chunk at the end
        // of the turn; a lone frame waits for nothing. The batch counts against the queue's
        // room, so the stream pauses exactly when the frames one by one would have filled it.
        let batch: string[] = [];
        let batchBytes = 0;
        const flush = (): void => {
          if (batch.length === 0 || !open) return;
          const chunk = encoder.encode(batch.join(""));
          batch = [];
          batchBytes = 0;
          controller.enqueue(chunk);
        };
        subscription = eventFrames(events, paused, config).subscribe({
          next: (frame) => {
            if (batch.length === 0) endOfTurn(flush);
            batch.push(frame);
            batchBytes += byteLength(frame);
            if ((controller.desiredSize ?? 1) - batchBytes <= 0) paused.next(true);
          },
          complete: () => {
            flush();
            release();
            controller.close();
          },
          error: (error: unknown) => {
            config.report(error);
            batch.push(STREAM_ERROR_FRAME);
            flush();
            release();
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

/** UTF-8 length of `text` without encoding it. */
function byteLength(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) bytes += code >= 0x800 && (code < 0xd800 || code > 0xdfff) ? 2 : 1;
  }
  return bytes;
}
