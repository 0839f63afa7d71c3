/**
 * What both HTTP adapters answer the same way, in one place so Node and
 * Web-standard servers never drift apart.
 */
import { ChatKitRequestError } from "../errors";

/** Options shared by {@link toNodeHandler} and {@link toFetchHandler}. */
export interface HttpHandlerConfig {
  /** Larger bodies are refused with 413 before parsing. Default 1 MiB (attachments are not uploaded through here). */
  readonly maxBodyBytes?: number | undefined;
  /** Told about unexpected failures answered with 500. Default `console.error`. */
  readonly onError?: ((error: unknown) => void) | undefined;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Headers of a Server-Sent Events answer; `X-Accel-Buffering` keeps nginx-style proxies from holding frames back. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
});

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/** The body of a 500: the cause stays in the server log, never in the browser. */
export const INTERNAL_ERROR_BODY = Object.freeze({
  error: { code: "internal_error", message: "internal server error", issues: [] },
});

export function maxBodyBytes(config: HttpHandlerConfig, caller: string): number {
  const limit = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new TypeError(`${caller}: maxBodyBytes must be a positive integer, got ${String(limit)}`);
  }
  return limit;
}

export function methodNotAllowed(method: string | undefined): ChatKitRequestError {
  return new ChatKitRequestError({
    status: 405,
    code: "method_not_allowed",
    message: `method ${method ?? "(none)"} not allowed; ChatKit requests are POSTed`,
  });
}

export function payloadTooLarge(limit: number): ChatKitRequestError {
  return new ChatKitRequestError({
    status: 413,
    code: "payload_too_large",
    message: `the body is larger than ${limit} bytes`,
  });
}

export function report(config: HttpHandlerConfig, error: unknown): void {
  const onError = config.onError ?? ((cause: unknown) => console.error("chatkit-rx HTTP:", cause));
  try {
    onError(error);
  } catch {
    // A failing logger must not take the server down.
  }
}
