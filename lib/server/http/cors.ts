/**
 * Cross-origin access to the ChatKit endpoint, opt-in and by exact origin.
 *
 * Browsers only let a page on another origin POST JSON after a preflight
 * (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) that the
 * server approves by echoing the origin. Without a `cors` option nothing is
 * approved and no CORS header is ever sent, so only same-origin pages can
 * use the endpoint; the JSON-only `Content-Type` rule (see
 * `admitRequest`) keeps cross-site forms out in every case.
 */
import { describe } from "./describe";

/** Which pages on other origins may call the endpoint. */
export interface CorsConfig {
  /**
   * Origins exactly as browsers send them: scheme, host and port, no path
   * and no trailing slash (`"https://app.example.com"`,
   * `"http://localhost:5173"`). `"*"` allows every origin (not with
   * `credentials`). Requests carrying an `Origin` that is neither listed
   * nor the endpoint's own host are refused with 403 before anything runs.
   */
  readonly origins: readonly string[];
  /**
   * Request headers a page may send besides `content-type` and
   * `authorization` (which ChatKit clients send), e.g. your own `x-tenant-id`.
   */
  readonly allowHeaders?: readonly string[] | undefined;
  /** Adds `access-control-allow-credentials: true`, for cookie sessions. Default `false`. */
  readonly credentials?: boolean | undefined;
  /** How long a browser may reuse an approved preflight. Default 600 seconds. */
  readonly maxAgeSeconds?: number | undefined;
}

/** The headers a ChatKit client sends that are not CORS-safelisted. */
export const CHATKIT_REQUEST_HEADERS: readonly string[] = Object.freeze(["content-type", "authorization"]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** {@link CorsConfig} checked once, with the answers precomputed. */
export interface ResolvedCors {
  /** Whether a page on `origin` may call the endpoint. */
  allows(origin: string): boolean;
  /** The headers of an approved preflight from `origin`. */
  preflightHeaders(origin: string): Record<string, string>;
  /** The headers added to any answer: `vary: origin`, and the approval when `origin` is allowed. */
  responseHeaders(origin: string | undefined): Record<string, string>;
}

export function resolveCors(config: CorsConfig, caller: string): ResolvedCors {
  if (typeof config !== "object" || config === null || !Array.isArray(config.origins)) {
    throw new TypeError(`${caller}: cors must be { origins: string[] }, got ${describe(config)}`);
  }
  const origins = new Set<string>();
  for (const origin of config.origins) origins.add(checkOrigin(origin, caller));
  const any = origins.has("*");
  const credentials = config.credentials ?? false;
  if (typeof credentials !== "boolean") {
    throw new TypeError(`${caller}: cors.credentials must be a boolean, got ${describe(credentials)}`);
  }
  if (any && credentials) {
    throw new TypeError(
      `${caller}: cors.origins "*" with credentials would let every site act with your users' cookies; list the origins`,
    );
  }
  const maxAge = config.maxAgeSeconds ?? 600;
  if (!Number.isSafeInteger(maxAge) || maxAge < 0) {
    throw new TypeError(
      `${caller}: cors.maxAgeSeconds must be a non-negative integer, got ${describe(maxAge)}`,
    );
  }
  const extra = config.allowHeaders ?? [];
  if (!Array.isArray(extra)) {
    throw new TypeError(
      `${caller}: cors.allowHeaders must be an array of header names, got ${describe(extra)}`,
    );
  }
  const headers = new Set(CHATKIT_REQUEST_HEADERS);
  for (const name of extra as readonly unknown[]) {
    if (typeof name !== "string" || !TOKEN.test(name)) {
      throw new TypeError(`${caller}: cors.allowHeaders must hold header names, got ${describe(name)}`);
    }
    headers.add(name.toLowerCase());
  }
  const allowHeaders = [...headers].join(", ");

  const allows = (origin: string): boolean => origin !== "null" && (any || origins.has(origin));
  const responseHeaders = (origin: string | undefined): Record<string, string> => {
    if (origin === undefined || !allows(origin)) return { vary: "origin" };
    return {
      vary: "origin",
      "access-control-allow-origin": origin,
      ...(credentials ? { "access-control-allow-credentials": "true" } : {}),
    };
  };
  return {
    allows,
    responseHeaders,
    preflightHeaders: (origin) => ({
      ...responseHeaders(origin),
      "access-control-allow-methods": "POST",
      "access-control-allow-headers": allowHeaders,
      "access-control-max-age": String(maxAge),
    }),
  };
}

/** An origin as browsers serialise it, or `"*"`; anything else is a mistake worth a clear message. */
function checkOrigin(origin: unknown, caller: string): string {
  if (origin === "*") return origin;
  if (typeof origin !== "string") {
    throw new TypeError(`${caller}: cors.origins must hold strings, got ${describe(origin)}`);
  }
  let serialised: string | undefined;
  try {
    const url = new URL(origin);
    if (url.protocol === "http:" || url.protocol === "https:") serialised = url.origin;
  } catch {
    serialised = undefined;
  }
  if (serialised !== origin) {
    const hint = serialised === undefined ? "" : ` (did you mean ${JSON.stringify(serialised)}?)`;
    throw new TypeError(
      `${caller}: cors.origins must hold origins like "https://app.example.com" (scheme, host, port; no path), got ${describe(origin)}${hint}`,
    );
  }
  return origin;
}
