/**
 * The refusals both adapters answer before the server runs, as
 * {@link ChatKitRequestError}s so their JSON body has the shape of every
 * other request error: `{ error: { code, message, issues } }`. Messages
 * quote at most a short excerpt of what the client sent.
 */
import { ChatKitRequestError } from "../../errors";
import { cutText, quoteExcerpt } from "../../excerpt";

/** The body of a 500: the cause stays in the server log, never in the browser. */
export const INTERNAL_ERROR_BODY = Object.freeze({
  error: { code: "internal_error", message: "internal server error", issues: [] },
});

export function methodNotAllowed(method: string | undefined): ChatKitRequestError {
  return new ChatKitRequestError({
    status: 405,
    code: "method_not_allowed",
    message: `method ${method === undefined ? "(none)" : cutText(method, 20)} not allowed; ChatKit requests are POSTed`,
  });
}

export function payloadTooLarge(limit: number): ChatKitRequestError {
  return new ChatKitRequestError({
    status: 413,
    code: "payload_too_large",
    message: `the body is larger than ${limit} bytes`,
  });
}

export function unsupportedMediaType(contentType: string | undefined): ChatKitRequestError {
  return new ChatKitRequestError({
    status: 415,
    code: "unsupported_media_type",
    field: "content-type",
    message: `the body must be sent as content-type application/json, got ${
      contentType === undefined ? "none" : quoteExcerpt(contentType, 40)
    }`,
  });
}

export function forbiddenOrigin(origin: string): ChatKitRequestError {
  return new ChatKitRequestError({
    status: 403,
    code: "forbidden_origin",
    field: "origin",
    message: `origin ${quoteExcerpt(origin, 80)} is not allowed; add it to the adapter's cors.origins`,
  });
}

/** The body stopped before its end (the client disconnected mid-upload); nobody is left to read this. */
export function bodyIncomplete(): ChatKitRequestError {
  return new ChatKitRequestError({
    status: 400,
    code: "invalid_request",
    message: "the body ended before it was complete",
  });
}
