import type { IncomingMessage, ServerResponse } from "node:http";
import { Subject, type Observable } from "rxjs";

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

/** Reads the whole body, or `undefined` as soon as it passes `limit` (the rest is not buffered). */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = serializeEvent(body);
  res.writeHead(status, { "content-type": JSON_CONTENT_TYPE, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * A `node:http` request listener for a {@link ChatKitServer}: mount it on
 * the ChatKit endpoint (`POST /chatkit`, say). Streaming answers are sent
 * as Server-Sent Events as they come; when the client disconnects
 * (`res` emits `close` before the end) the stream is unsubscribed, so the
 * upstream (model run, widget pipeline) stops and the server's
 * cancellation bookkeeping runs.
 *
 * Backpressure: when `res.write` returns false (the socket and Node's
 * buffer are full: a slow reader), nothing more is written until `drain`;
 * meanwhile text deltas merge per target ({@link mergeTextDeltasWhilePaused})
 * and go out as one frame per target when the socket drains. So a slow
 * client costs the server Node's `writableHighWaterMark` (and the frame
 * that crossed it) plus the text it has not read yet, whatever the token
 * rate, where it used to cost one buffered frame per token. Events other than
 * text deltas cannot be merged and wait in order (a widget per
 * `widget.root.updated`, say), so stream text as text deltas.
 *
 * Not handled here on purpose: routing, CORS and authentication. Do them
 * before calling the handler, and derive the context from the request.
 *
 * @example
 * ```ts
 * const handle = toNodeHandler(server, (req) => ({ userId: req.headers["x-user"] }));
 * http.createServer((req, res) => req.url === "/chatkit" ? handle(req, res) : res.writeHead(404).end())
 *   .listen(8000, "127.0.0.1");
 * ```
 *
 * @param server The ChatKit server.
 * @param getContext Makes the per-request context passed to `process`.
 * @param config Body size limit and error reporting.
 * @return `(req, res) => void`; it never throws (failures answer 500).
 */
export function toNodeHandler<TContext>(
  server: ChatKitServer<TContext>,
  getContext: (req: IncomingMessage) => TContext | Promise<TContext>,
  config: HttpHandlerConfig = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = maxBodyBytes(config, "toNodeHandler");
  return (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      report(config, error);
      sendJson(res, 500, INTERNAL_ERROR_BODY);
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "POST") {
      const error = methodNotAllowed(req.method);
      res.setHeader("allow", "POST");
      sendJson(res, error.status, error.toJSON());
      return;
    }
    const body = await readBody(req, limit);
    if (body === undefined) {
      const error = payloadTooLarge(limit);
      res.setHeader("connection", "close");
      sendJson(res, error.status, error.toJSON());
      return;
    }
    const context = await getContext(req);
    const result = await server.process(body, context);
    switch (result.kind) {
      case "error":
        sendJson(res, result.error.status, result.error.toJSON());
        return;
      case "json":
        sendJson(res, 200, result.body);
        return;
      case "stream":
        stream(res, result.events);
        return;
    }
  }

  function stream(res: ServerResponse, events: Observable<ThreadStreamEvent>): void {
    if (res.destroyed) return; // the client left while the request was being checked
    res.writeHead(200, SSE_HEADERS);
    res.flushHeaders();
    const paused = new Subject<boolean>();
    const onDrain = (): void => paused.next(false);
    res.on("drain", onDrain);
    const subscription = events.pipe(mergeTextDeltasWhilePaused(paused), toServerSentEvents()).subscribe({
      next: (frame) => {
        if (!res.write(frame)) paused.next(true);
      },
      complete: () => res.end(),
      error: (error: unknown) => {
        // The server turns handler errors into `error` events; this is a bug or a broken store.
        report(config, error);
        res.end(`data: ${serializeEvent({ type: "error", code: "stream.error", allow_retry: true })}\n\n`);
      },
    });
    // `close` before the end means the client went away: unsubscribing stops the upstream.
    // After a normal end it is a no-op. The socket may also have closed while we subscribed.
    const release = (): void => {
      res.off("drain", onDrain);
      subscription.unsubscribe();
    };
    if (res.destroyed) release();
    else res.once("close", release);
  }
}
