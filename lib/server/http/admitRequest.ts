import type { ChatKitRequestError } from "../../errors";
import { forbiddenOrigin, methodNotAllowed, payloadTooLarge, unsupportedMediaType } from "./answers";
import type { ResolvedHttpConfig } from "./config";

/** What the adapters know of a request before reading its body. */
export interface RequestHead {
  readonly method: string | undefined;
  /** A header's value by lower-case name, `undefined` when absent. */
  readonly header: (name: string) => string | undefined;
  /** The host the request was sent to (`Host`, or the URL's host), to recognise same-origin pages. */
  readonly host: string | undefined;
}

/** Either answer at once, or read the body; `headers` (CORS) go on every answer. */
export type Admission =
  | {
      readonly kind: "refuse";
      readonly error: ChatKitRequestError;
      readonly headers: Readonly<Record<string, string>>;
    }
  | { readonly kind: "preflight"; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: "read"; readonly headers: Readonly<Record<string, string>> };

/**
 * Decides, from the head alone, whether the body is worth reading; nothing
 * has run yet when this refuses. In order:
 *
 * 1. With `cors`, an approved preflight (`OPTIONS` + `Access-Control-Request-Method`
 *    from an allowed origin) is answered 204; any other `OPTIONS` is 405, so
 *    without `cors` no preflight is ever approved.
 * 2. With `cors`, an `Origin` that is neither allowed nor the endpoint's own
 *    host is refused with 403 (`forbidden_origin`). Without `cors` the
 *    browser's same-origin policy and rule 4 are the guard.
 * 3. Anything but `POST` is 405 with `allow: POST`.
 * 4. A `Content-Type` other than `application/json` (parameters allowed;
 *    a charset must be UTF-8) is 415: a cross-site `<form>` or `no-cors`
 *    fetch can POST `text/plain` without a preflight, JSON it cannot.
 * 5. A declared `Content-Length` past the limit is 413 without reading.
 */
export function admitRequest(head: RequestHead, config: ResolvedHttpConfig): Admission {
  const origin = head.header("origin");
  const cors = config.cors;
  const headers = cors === undefined ? {} : cors.responseHeaders(origin);
  const refuse = (error: ChatKitRequestError, extra: Record<string, string> = {}): Admission => ({
    kind: "refuse",
    error,
    headers: { ...headers, ...extra },
  });

  if (
    head.method === "OPTIONS" &&
    cors !== undefined &&
    origin !== undefined &&
    head.header("access-control-request-method") !== undefined &&
    cors.allows(origin)
  ) {
    return { kind: "preflight", headers: cors.preflightHeaders(origin) };
  }
  if (
    cors !== undefined &&
    origin !== undefined &&
    !cors.allows(origin) &&
    !isSameOrigin(origin, head.host)
  ) {
    return refuse(forbiddenOrigin(origin));
  }
  if (head.method !== "POST") return refuse(methodNotAllowed(head.method), { allow: "POST" });
  const contentType = head.header("content-type");
  if (!isJsonContentType(contentType)) return refuse(unsupportedMediaType(contentType));
  const declared = Number(head.header("content-length") ?? "0");
  if (declared > config.maxBodyBytes) return refuse(payloadTooLarge(config.maxBodyBytes));
  return { kind: "read", headers };
}

/** `application/json`, with any parameters as long as a charset (if given) is UTF-8. */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const [type = "", ...parameters] = value.split(";");
  if (type.trim().toLowerCase() !== "application/json") return false;
  return parameters.every((parameter) => {
    const [name = "", ...rest] = parameter.split("=");
    if (name.trim().toLowerCase() !== "charset") return true;
    return /^"?utf-8"?$/i.test(rest.join("=").trim());
  });
}

/** Whether the page's origin names the host the request was sent to (a same-origin page, behind no host rewrite). */
function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined || origin === "null") return false;
  try {
    return new URL(origin).host === new URL(`${new URL(origin).protocol}//${host}`).host;
  } catch {
    return false;
  }
}
