import { Subject, type Observable, type Subscription } from "rxjs";

import { serializeEvent } from "../events/serializeEvent";
import type { ThreadStreamEvent } from "../events/threadEvents";
import { mergeTextDeltasWhilePaused } from "../../operators/mergeTextDeltasWhilePaused";
import { toServerSentEvents } from "../../operators/toServerSentEvents";
import type { ChatKitServer } from "./ChatKitServer";
import {
  INTERNAL_ERROR_BODY,
  JSON_CONTENT_TYPE,
  maxBodyBytes,
  methodNotAllowed,
  payloadTooLarge,
  report,
  SSE_HEADERS,
  type HttpHandlerConfig,
} from "./httpCommon";

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(serializeEvent(body), {
    status,
    headers: { "content-type": JSON_CONTENT_TYPE, ...headers },
  });
}

/** Bytes a streaming body queues before it stops taking frames, as Node's `writableHighWaterMark`. */
const SSE_QUEUE_BYTES = 16 * 1024;

/**
 * The events as a `ReadableStream` of SSE bytes. Subscribes on `start`;
 * unsubscribes on `cancel` (the runtime cancels the body when the client
 * goes away) and on `signal` abort (runtimes that abort the request
 * instead), so the upstream stops either way.
 *
 * Backpressure: once the queue holds {@link SSE_QUEUE_BYTES} (`desiredSize`
 * <= 0) the stream is paused and text deltas merge; the runtime's `pull`,
 * called when the reader has taken enough, resumes it.
 */
function sseStream(
  events: Observable<ThreadStreamEvent>,
  signal: AbortSignal,
  config: HttpHandlerConfig,
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
        subscription = events.pipe(mergeTextDeltasWhilePaused(paused), toServerSentEvents()).subscribe({
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
            report(config, error);
            controller.enqueue(
              encoder.encode(
                `data: ${serializeEvent({ type: "error", code: "stream.error", allow_retry: true })}\n\n`,
              ),
            );
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

/**
 * A Web-standard `(Request) => Promise<Response>` handler for a
 * {@link ChatKitServer}: Hono, Next.js route handlers, Bun, Deno, Cloudflare
 * Workers. Streaming answers are a `ReadableStream` of Server-Sent Events;
 * when the client goes away (the body is cancelled or `request.signal`
 * aborts) the stream is unsubscribed, so the upstream stops.
 *
 * Backpressure: the body is a pull-based stream that queues at most about
 * {@link SSE_QUEUE_BYTES}; while it is full (a slow reader), text deltas
 * merge per target ({@link mergeTextDeltasWhilePaused}) instead of
 * queueing one frame per token, and go out when the reader pulls. Events
 * other than text deltas cannot be merged and wait in order, so stream
 * text as text deltas.
 *
 * @example
 * ```ts
 * // Next.js: app/chatkit/route.ts
 * export const POST = toFetchHandler(server, async (request) => ({ user: await auth(request) }));
 * ```
 *
 * @param server The ChatKit server.
 * @param getContext Makes the per-request context passed to `process`.
 * @param config Body size limit and error reporting.
 * @return A handler that always resolves (failures answer 500).
 */
export function toFetchHandler<TContext>(
  server: ChatKitServer<TContext>,
  getContext: (request: Request) => TContext | Promise<TContext>,
  config: HttpHandlerConfig = {},
): (request: Request) => Promise<Response> {
  const limit = maxBodyBytes(config, "toFetchHandler");
  return async (request) => {
    try {
      if (request.method !== "POST") {
        const error = methodNotAllowed(request.method);
        return json(error.status, error.toJSON(), { allow: "POST" });
      }
      const declared = Number(request.headers.get("content-length") ?? "0");
      if (declared > limit) {
        const error = payloadTooLarge(limit);
        return json(error.status, error.toJSON());
      }
      const body = new Uint8Array(await request.arrayBuffer());
      if (body.byteLength > limit) {
        const error = payloadTooLarge(limit);
        return json(error.status, error.toJSON());
      }
      const result = await server.process(body, await getContext(request));
      switch (result.kind) {
        case "error":
          return json(result.error.status, result.error.toJSON());
        case "json":
          return json(200, result.body);
        case "stream":
          return new Response(sseStream(result.events, request.signal, config), {
            status: 200,
            headers: SSE_HEADERS,
          });
      }
    } catch (error) {
      report(config, error);
      return json(500, INTERNAL_ERROR_BODY);
    }
  };
}
