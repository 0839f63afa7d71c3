import { serializeEvent } from "../events/serializeEvent";
import type { ChatKitServer } from "./ChatKitServer";
import { admitRequest } from "./http/admitRequest";
import { answerAttachmentRequest, attachmentTokenOf, isForbiddenOrigin } from "./http/attachmentRequests";
import { bodyIncomplete, INTERNAL_ERROR_BODY, payloadTooLarge } from "./http/answers";
import { checkHandlerArguments } from "./http/checkHandlerArguments";
import { resolveHttpConfig, type HttpHandlerConfig } from "./http/config";
import { eventStreamBody } from "./http/eventStreamBody";
import { JSON_CONTENT_TYPE, SSE_HEADERS } from "./http/frames";
import { readStreamBody } from "./http/readBody";

/** Makes the per-request context passed to `process` (authenticate here). */
export type FetchContextFactory<TContext> = (request: Request) => TContext | Promise<TContext>;

/** A Web-standard handler. */
export type FetchHandler = (request: Request) => Promise<Response>;

function json(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Response {
  return new Response(serializeEvent(body), {
    status,
    headers: { ...headers, "content-type": JSON_CONTENT_TYPE },
  });
}

/**
 * A Web-standard `(Request) => Promise<Response>` handler for a
 * {@link ChatKitServer}: Hono, Next.js route handlers, Bun, Deno, Cloudflare
 * Workers. Streaming answers are a `ReadableStream` of Server-Sent Events;
 * when the client goes away (the body is cancelled or `request.signal`
 * aborts) the stream is unsubscribed, so the upstream stops.
 *
 * Before the server runs, the request must be a `POST` (else 405) with
 * `Content-Type: application/json` (else 415: a cross-site form cannot
 * send that), from an allowed origin when `cors` is set (else 403), and
 * its body at most `maxBodyBytes` (else 413): the body is read chunk by
 * chunk and cancelled at the limit, so a chunked upload without
 * `Content-Length` is never buffered past it. A body that breaks off (the
 * client left) is answered 400 without telling `onError`.
 *
 * Backpressure: the body is a pull-based stream that queues at most about
 * 16 KB; while it is full (a slow reader), text deltas merge per target
 * ({@link mergeTextDeltasWhilePaused}) instead of queueing one frame per
 * token, and go out when the reader pulls. Events other than text deltas
 * cannot be merged and wait in order, so stream text as text deltas. After
 * `heartbeatMs` of silence a `: keep-alive` comment is queued the same way.
 * Frames that come in one turn of the event loop are enqueued as one chunk;
 * a lone frame at once.
 *
 * Attachment URLs: a request whose query has `attachment=<token>` is an
 * upload (`POST` multipart with a `file` field, or `PUT` of the raw bytes)
 * or an image preview (`GET`), for a server configured with `attachments`
 * (see {@link answerAttachmentRequest}); `getContext` runs for it as for
 * any request, and must give the attachment's owner.
 *
 * @example
 * ```ts
 * // Next.js: app/chatkit/route.ts
 * const handler = toFetchHandler(server, async (request) => ({ user: await auth(request) }));
 * export const POST = handler;
 * export const OPTIONS = handler; // only needed with `cors`
 * ```
 *
 * @param server The ChatKit server.
 * @param getContext Makes the per-request context passed to `process`.
 * Optional for a server whose context is `undefined` (or `unknown`): then
 * every request gets `undefined`.
 * @param config `maxBodyBytes` (default 1 MiB), `cors` (default none:
 * same-origin only), `heartbeatMs` (default 15 000; `0`/`false`: off),
 * `scheduler` (times the heartbeat), `onError` (default `console.error`).
 * @return A handler that always resolves (failures answer 500).
 */
export function toFetchHandler<TContext>(
  server: ChatKitServer<TContext>,
  getContext: FetchContextFactory<TContext>,
  config?: HttpHandlerConfig,
): FetchHandler;
export function toFetchHandler(
  server: ChatKitServer<undefined>,
  getContext?: undefined,
  config?: HttpHandlerConfig,
): FetchHandler;
export function toFetchHandler<TContext>(
  server: ChatKitServer<TContext>,
  getContext?: FetchContextFactory<TContext>,
  config?: HttpHandlerConfig,
): FetchHandler {
  const makeContext = checkHandlerArguments("toFetchHandler", server, getContext);
  const resolved = resolveHttpConfig(config, "toFetchHandler");
  return async (request) => {
    try {
      const admission = admitRequest(
        {
          method: request.method,
          header: (name) => request.headers.get(name) ?? undefined,
          host: hostOf(request.url),
        },
        resolved,
      );
      const headers = admission.headers;
      const token = attachmentTokenOf(request.url);
      if (token !== undefined && admission.kind !== "preflight" && !isForbiddenOrigin(admission)) {
        return await serveAttachment(request, token, headers);
      }
      if (admission.kind === "preflight") return new Response(null, { status: 204, headers });
      if (admission.kind === "refuse") {
        void request.body?.cancel().catch(() => undefined);
        return json(admission.error.status, admission.error.toJSON(), headers);
      }
      const body = await readStreamBody(request.body, resolved.maxBodyBytes, request.signal);
      switch (body.kind) {
        case "aborted": {
          const error = bodyIncomplete();
          return json(error.status, error.toJSON(), headers);
        }
        case "too_large": {
          const error = payloadTooLarge(resolved.maxBodyBytes);
          return json(error.status, error.toJSON(), headers);
        }
        case "body":
          break;
      }
      const result = await server.process(body.bytes, await makeContext(request), { signal: request.signal });
      switch (result.kind) {
        case "error":
          return json(result.error.status, result.error.toJSON(), headers);
        case "json":
          return json(200, result.body, headers);
        case "stream":
          return new Response(eventStreamBody(result.events, request.signal, resolved), {
            status: 200,
            headers: { ...headers, ...SSE_HEADERS },
          });
      }
    } catch (error) {
      resolved.report(error);
      return json(500, INTERNAL_ERROR_BODY);
    }
  };

  /** An upload or a preview (`?attachment=<token>`), see {@link answerAttachmentRequest}. */
  async function serveAttachment(
    request: Request,
    token: string,
    headers: Readonly<Record<string, string>>,
  ): Promise<Response> {
    const answer = await answerAttachmentRequest(
      server.attachments,
      {
        method: request.method,
        token,
        header: (name) => request.headers.get(name) ?? undefined,
        readBody: (limit) => readStreamBody(request.body, limit, request.signal),
      },
      async () => makeContext(request),
    );
    if (answer.kind === "aborted") {
      const error = bodyIncomplete();
      return json(error.status, error.toJSON(), headers);
    }
    if (answer.close === true) void request.body?.cancel().catch(() => undefined);
    if (answer.body instanceof Uint8Array) {
      return new Response(answer.body, { status: answer.status, headers: { ...headers, ...answer.headers } });
    }
    return json(answer.status, answer.body, { ...headers, ...answer.headers });
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
