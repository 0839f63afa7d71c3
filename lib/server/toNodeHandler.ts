import type { IncomingMessage, ServerResponse } from "node:http";

import { serializeEvent } from "../events/serializeEvent";
import type { ChatKitServer } from "./ChatKitServer";
import { admitRequest } from "./http/admitRequest";
import { answerAttachmentRequest, attachmentTokenOf, isForbiddenOrigin } from "./http/attachmentRequests";
import { INTERNAL_ERROR_BODY, payloadTooLarge } from "./http/answers";
import { resolveHttpConfig, type HttpHandlerConfig } from "./http/config";
import { checkHandlerArguments } from "./http/checkHandlerArguments";
import { JSON_CONTENT_TYPE } from "./http/frames";
import { readNodeBody } from "./http/readBody";
import { writeEventStream } from "./http/writeEventStream";

/** Makes the per-request context passed to `process` (authenticate here). */
export type NodeContextFactory<TContext> = (req: IncomingMessage) => TContext | Promise<TContext>;

/** A `node:http` request listener. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * A `node:http` request listener for a {@link ChatKitServer}: mount it on
 * the ChatKit endpoint (`POST /chatkit`, say). Streaming answers are sent
 * as Server-Sent Events as they come; when the client disconnects
 * (`res` emits `close` before the end) the stream is unsubscribed, so the
 * upstream (model run, widget pipeline) stops and the server's
 * cancellation bookkeeping runs.
 *
 * Before the server runs, the request must be a `POST` (else 405) with
 * `Content-Type: application/json` (else 415: a cross-site form cannot
 * send that), from an allowed origin when `cors` is set (else 403), and
 * its body at most `maxBodyBytes` (else 413: reading stops at the limit
 * and the connection is closed). A client that disconnects mid-upload is
 * not an error: the handler just stops.
 *
 * Backpressure: when `res.write` returns false (the socket and Node's
 * buffer are full: a slow reader), nothing more is written until `drain`;
 * meanwhile text deltas merge per target ({@link mergeTextDeltasWhilePaused})
 * and go out as one frame per target when the socket drains. So a slow
 * client costs the server Node's `writableHighWaterMark` (and the frame
 * that crossed it) plus the text it has not read yet, whatever the token
 * rate, where it used to cost one buffered frame per token. Events other than
 * text deltas cannot be merged and wait in order (a widget per
 * `widget.root.updated`, say), so stream text as text deltas. After
 * `heartbeatMs` of silence a `: keep-alive` comment goes out the same way.
 * Frames that come in one turn of the event loop (a burst of tokens) leave
 * in one `res.write`; a lone frame leaves at once.
 *
 * Not handled here on purpose: routing and authentication. Do them before
 * calling the handler, or in `getContext`.
 *
 * Attachment URLs: a request whose query has `attachment=<token>` is an
 * upload (`POST` multipart with a `file` field, or `PUT` of the raw bytes)
 * or an image preview (`GET`), for a server configured with `attachments`
 * (see {@link answerAttachmentRequest}); `getContext` runs for it as for
 * any request, and must give the attachment's owner.
 *
 * @example
 * ```ts
 * const handle = toNodeHandler(server, (req) => ({ userId: req.headers["x-user"] }), {
 *   cors: { origins: ["https://app.example.com"] },
 * });
 * http.createServer((req, res) => req.url === "/chatkit" ? handle(req, res) : res.writeHead(404).end())
 *   .listen(8000, "127.0.0.1");
 * ```
 *
 * @param server The ChatKit server.
 * @param getContext Makes the per-request context passed to `process`.
 * Optional for a server whose context is `undefined` (or `unknown`): then
 * every request gets `undefined`.
 * @param config `maxBodyBytes` (default 1 MiB), `cors` (default none:
 * same-origin only), `heartbeatMs` (default 15 000; `0`/`false`: off),
 * `scheduler` (times the heartbeat), `onError` (default `console.error`).
 * @return `(req, res) => void`; it never throws (failures answer 500).
 */
export function toNodeHandler<TContext>(
  server: ChatKitServer<TContext>,
  getContext: NodeContextFactory<TContext>,
  config?: HttpHandlerConfig,
): NodeHandler;
export function toNodeHandler(
  server: ChatKitServer<undefined>,
  getContext?: undefined,
  config?: HttpHandlerConfig,
): NodeHandler;
export function toNodeHandler<TContext>(
  server: ChatKitServer<TContext>,
  getContext?: NodeContextFactory<TContext>,
  config?: HttpHandlerConfig,
): NodeHandler {
  const makeContext = checkHandlerArguments("toNodeHandler", server, getContext);
  const resolved = resolveHttpConfig(config, "toNodeHandler");
  return (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      resolved.report(error);
      sendJson(res, 500, INTERNAL_ERROR_BODY);
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const admission = admitRequest(
      {
        method: req.method,
        header: (name) => {
          const value = req.headers[name];
          return Array.isArray(value) ? value.join(", ") : value;
        },
        host: req.headers.host,
      },
      resolved,
    );
    for (const [name, value] of Object.entries(admission.headers)) res.setHeader(name, value);
    const token = attachmentTokenOf(req.url);
    if (token !== undefined && admission.kind !== "preflight" && !isForbiddenOrigin(admission)) {
      await serveAttachment(req, res, token);
      return;
    }
    if (admission.kind === "preflight") {
      res.writeHead(204).end();
      return;
    }
    if (admission.kind === "refuse") {
      // Answering without reading a body: close, or Node would read (and discard) all of it.
      if (hasBody(req)) res.setHeader("connection", "close");
      sendJson(res, admission.error.status, admission.error.toJSON());
      return;
    }
    const body = await readNodeBody(req, resolved.maxBodyBytes);
    switch (body.kind) {
      case "aborted":
        // The client left mid-upload: nobody to answer, nothing to report.
        res.destroy();
        return;
      case "too_large": {
        const error = payloadTooLarge(resolved.maxBodyBytes);
        res.setHeader("connection", "close");
        sendJson(res, error.status, error.toJSON());
        return;
      }
      case "body":
        break;
    }
    // A non-streaming handler (syncAction) gets a signal that aborts if the client leaves before its answer.
    const left = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) left.abort();
    });
    const result = await server.process(body.bytes, await makeContext(req), { signal: left.signal });
    switch (result.kind) {
      case "error":
        sendJson(res, result.error.status, result.error.toJSON());
        return;
      case "json":
        sendJson(res, 200, result.body);
        return;
      case "stream":
        writeEventStream(res, result.events, resolved);
        return;
    }
  }

  /** An upload or a preview (`?attachment=<token>`), see {@link answerAttachmentRequest}. */
  async function serveAttachment(req: IncomingMessage, res: ServerResponse, token: string): Promise<void> {
    const answer = await answerAttachmentRequest(
      server.attachments,
      {
        method: req.method,
        token,
        header: (name) => {
          const value = req.headers[name];
          return Array.isArray(value) ? value.join(", ") : value;
        },
        readBody: (limit) => readNodeBody(req, limit),
      },
      async () => makeContext(req),
    );
    if (answer.kind === "aborted") {
      res.destroy();
      return;
    }
    if (answer.close === true && hasBody(req) && !req.complete) res.setHeader("connection", "close");
    if (answer.body instanceof Uint8Array) {
      res.writeHead(answer.status, answer.headers).end(answer.body);
      return;
    }
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    sendJson(res, answer.status, answer.body);
  }
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? "0") > 0;
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
