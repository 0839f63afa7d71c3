import { randomBytes } from "node:crypto";

import type { OwnerOf } from "../server/Store";
import type { AttachmentStore } from "./AttachmentStore";
import { DiskAttachmentStore } from "./DiskAttachmentStore";

/**
 * How a {@link ChatKitServer} accepts attachments (`attachments` in its
 * config): where the bytes go, how large and of which types they may be,
 * and how the upload and preview URLs are signed.
 */
export interface AttachmentsConfig<TContext = unknown> {
  /**
   * The ChatKit endpoint's URL as the browser sees it, absolute or
   * root-relative (`"/chatkit"`). Upload and preview URLs are this URL
   * with `?attachment=<token>`, answered by the same HTTP adapter.
   */
  readonly url: string;
  /** Where the bytes live. Default: a {@link DiskAttachmentStore} in `directory`. */
  readonly store?: AttachmentStore | undefined;
  /** The directory of the default disk store (needed unless `store` is given). */
  readonly directory?: string | undefined;
  /**
   * The HMAC key of upload and preview tokens, at least 32 bytes. Default:
   * random per server, so tokens die with the process; give one when
   * several processes serve the same users.
   */
  readonly secret?: string | Uint8Array | undefined;
  /** The largest attachment, in bytes. Default 20 MiB. */
  readonly maxBytes?: number | undefined;
  /**
   * The MIME types accepted (`"image/png"`, or a family: `"image/*"`).
   * Default {@link DEFAULT_ATTACHMENT_MIME_TYPES}.
   */
  readonly mimeTypes?: readonly string[] | undefined;
  /**
   * Who owns an attachment, signed into its tokens: pass the same function
   * as your store's `owner`. Default: one shared owner (the store's own
   * scoping still applies).
   */
  readonly owner?: OwnerOf<TContext> | undefined;
  /** How long an upload or preview URL stays valid, in ms. Default one hour. */
  readonly tokenTtlMs?: number | undefined;
}

/** Images a browser shows safely, plus common documents. SVG is left out: it can carry script. */
export const DEFAULT_ATTACHMENT_MIME_TYPES: readonly string[] = Object.freeze([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/pdf",
  "text/plain",
  "text/markdown",
  "text/csv",
  "application/json",
]);

/** Image types that become `image` attachments with a preview; any other type is a `file`. */
export const PREVIEWABLE_IMAGE_TYPES: ReadonlySet<string> = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
]);

export const DEFAULT_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;
export const DEFAULT_ATTACHMENT_TOKEN_TTL_MS = 60 * 60 * 1000;

/** {@link AttachmentsConfig}, checked and defaulted. */
export interface ResolvedAttachmentsConfig<TContext> {
  readonly url: string;
  readonly store: AttachmentStore;
  readonly secret: Uint8Array;
  /** False when `secret` was made at random for this process (so no other process can verify its URLs). */
  readonly secretGiven: boolean;
  readonly maxBytes: number;
  readonly mimeTypes: readonly string[];
  readonly owner: OwnerOf<TContext> | undefined;
  readonly tokenTtlMs: number;
}

const MIME_PATTERN = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/;

/** The media type of a MIME type, lower-cased, parameters dropped (`"Text/Plain; charset=x"` → `"text/plain"`). */
export function mediaTypeOf(mimeType: string): string {
  return (mimeType.split(";")[0] ?? "").trim().toLowerCase();
}

/** Whether `mimeType` is one of `allowed` (exact media types or `type/*` families). */
export function isAllowedMimeType(mimeType: string, allowed: readonly string[]): boolean {
  const media = mediaTypeOf(mimeType);
  if (!MIME_PATTERN.test(media) || media.endsWith("/*")) return false;
  const family = `${media.split("/")[0] ?? ""}/*`;
  return allowed.some((pattern) => pattern === media || pattern === family);
}

/** Checks the config (a `TypeError` naming the option on misuse) and fills in the defaults. */
export function resolveAttachmentsConfig<TContext>(
  config: AttachmentsConfig<TContext>,
): ResolvedAttachmentsConfig<TContext> {
  const where = "ChatKitServer: attachments";
  if (typeof config !== "object" || config === null) {
    throw new TypeError(`${where} must be an object, got ${String(config)}`);
  }
  if (typeof config.url !== "string" || !/^(https?:\/\/|\/)/.test(config.url)) {
    throw new TypeError(
      `${where}.url must be the ChatKit endpoint's URL, absolute or starting with "/", got ${JSON.stringify(config.url)}`,
    );
  }
  if (config.store === undefined && config.directory === undefined) {
    throw new TypeError(
      `${where}: give a directory for the bytes (attachments.directory) or a store (attachments.store)`,
    );
  }
  const store = config.store ?? new DiskAttachmentStore({ directory: config.directory ?? "" });
  if (
    typeof store.write !== "function" ||
    typeof store.read !== "function" ||
    typeof store.delete !== "function"
  ) {
    throw new TypeError(`${where}.store must be an AttachmentStore (write, read, delete)`);
  }
  const secret =
    config.secret === undefined
      ? randomBytes(32)
      : typeof config.secret === "string"
        ? Buffer.from(config.secret, "utf8")
        : config.secret;
  if (!(secret instanceof Uint8Array) || secret.byteLength < 32) {
    throw new TypeError(`${where}.secret must be a string or bytes of at least 32 bytes`);
  }
  const maxBytes = config.maxBytes ?? DEFAULT_ATTACHMENT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new TypeError(`${where}.maxBytes must be a positive integer, got ${String(maxBytes)}`);
  }
  const mimeTypes: unknown = config.mimeTypes ?? DEFAULT_ATTACHMENT_MIME_TYPES;
  const badType: unknown = Array.isArray(mimeTypes)
    ? (mimeTypes as unknown[]).find((type) => typeof type !== "string" || !MIME_PATTERN.test(type))
    : mimeTypes;
  if (!Array.isArray(mimeTypes) || badType !== undefined) {
    throw new TypeError(
      `${where}.mimeTypes must list lower-case MIME types ("image/png") or families ("image/*"), got ${JSON.stringify(badType)}`,
    );
  }
  const tokenTtlMs = config.tokenTtlMs ?? DEFAULT_ATTACHMENT_TOKEN_TTL_MS;
  if (!Number.isSafeInteger(tokenTtlMs) || tokenTtlMs < 1) {
    throw new TypeError(`${where}.tokenTtlMs must be a positive integer, got ${String(tokenTtlMs)}`);
  }
  if (config.owner !== undefined && typeof config.owner !== "function") {
    throw new TypeError(`${where}.owner must be a function of the request context`);
  }
  return {
    url: config.url,
    store,
    secret,
    secretGiven: config.secret !== undefined,
    maxBytes,
    mimeTypes: mimeTypes as string[],
    owner: config.owner,
    tokenTtlMs,
  };
}
