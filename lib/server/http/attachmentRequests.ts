/**
 * The attachment URLs both adapters serve beside the ChatKit endpoint:
 * `?attachment=<token>` with `POST` (multipart, field `file`) or `PUT`
 * (raw body) uploads an attachment's bytes; with `GET`/`HEAD` it serves an
 * image's preview. The token says which attachment and for whom (see
 * `attachmentTokens`); the request's context must be that owner's.
 */
import type { ServerAttachments } from "../../attachments/ServerAttachments";
import { ChatKitRequestError } from "../../errors";
import type { Admission } from "./admitRequest";
import { methodNotAllowed, payloadTooLarge } from "./answers";
import type { BodyOutcome } from "./readBody";
import { fileOfMultipart, isMultipart, MULTIPART_OVERHEAD_BYTES } from "./uploadedFile";

/** The query parameter holding an attachment token. */
export const ATTACHMENT_TOKEN_PARAMETER = "attachment";

/** What the adapters know of an attachment request. */
export interface AttachmentRequest {
  readonly method: string | undefined;
  readonly token: string;
  readonly header: (name: string) => string | undefined;
  /** Reads the body, stopping past `limit` bytes. */
  readonly readBody: (limit: number) => Promise<BodyOutcome>;
}

/** What to answer; `aborted`: the client left mid-upload (nothing was written, nobody to answer). */
export type AttachmentAnswer =
  | {
      readonly kind: "answer";
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      /** JSON for uploads and errors, bytes for a preview. */
      readonly body: unknown;
      /** Close the connection (a body was left unread). */
      readonly close?: boolean;
    }
  | { readonly kind: "aborted" };

/** The attachment token of a request URL's query, if any. */
export function attachmentTokenOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url, "http://localhost").searchParams.get(ATTACHMENT_TOKEN_PARAMETER) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the adapter refused the request's origin (`cors` set, origin not
 * allowed): then an attachment URL is refused the same way (403), before
 * its token is even read.
 */
export function isForbiddenOrigin(admission: Admission): boolean {
  return admission.kind === "refuse" && admission.error.code === "forbidden_origin";
}

/** Headers of a preview: the stored type, never sniffed, never run as a page, cached by the browser only. */
function previewHeaders(mimeType: string, size: number): Record<string, string> {
  return {
    "content-type": mimeType,
    "content-length": String(size),
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
    "content-disposition": "inline",
    "cache-control": "private, max-age=300",
  };
}

const error = (
  failure: ChatKitRequestError,
  close = false,
  headers: Readonly<Record<string, string>> = {},
): AttachmentAnswer => ({ kind: "answer", status: failure.status, headers, body: failure.toJSON(), close });

/**
 * Answers one attachment request. Refusals (a bad or expired token, another
 * user's attachment, too large a body) are answered before anything is
 * written; an upload is read at most to its declared size.
 */
export async function answerAttachmentRequest<TContext>(
  attachments: ServerAttachments<TContext> | undefined,
  request: AttachmentRequest,
  makeContext: () => Promise<TContext>,
): Promise<AttachmentAnswer> {
  if (attachments === undefined) {
    return error(
      new ChatKitRequestError({
        status: 501,
        code: "not_supported",
        field: ATTACHMENT_TOKEN_PARAMETER,
        message: "this server takes no attachments",
      }),
      true,
    );
  }
  try {
    const method = request.method;
    if (method === "GET" || method === "HEAD") {
      const { attachment, bytes } = await attachments.preview(request.token, await makeContext());
      return {
        kind: "answer",
        status: 200,
        headers: previewHeaders(attachment.mime_type, bytes.byteLength),
        body: method === "HEAD" ? new Uint8Array(0) : bytes,
      };
    }
    if (method !== "POST" && method !== "PUT") {
      return error(methodNotAllowed(method), true, { allow: "GET, HEAD, POST, PUT" });
    }
    const context = await makeContext();
    const { maxBytes } = await attachments.admitUpload(request.token, context);
    const contentType = request.header("content-type");
    const multipart = method === "POST";
    if (multipart && !isMultipart(contentType)) {
      return error(
        new ChatKitRequestError({
          status: 415,
          code: "unsupported_media_type",
          field: "content-type",
          message:
            "content-type: POST an upload as multipart/form-data with a `file` field (or PUT the raw bytes)",
        }),
        true,
      );
    }
    const limit = multipart ? maxBytes + MULTIPART_OVERHEAD_BYTES : maxBytes;
    if (Number(request.header("content-length") ?? "0") > limit)
      return error(payloadTooLarge(maxBytes), true);
    const body = await request.readBody(limit);
    if (body.kind === "aborted") return { kind: "aborted" };
    if (body.kind === "too_large") return error(payloadTooLarge(maxBytes), true);
    const bytes = multipart ? await fileOfMultipart(body.bytes, contentType ?? "") : body.bytes;
    const attachment = await attachments.completeUpload(request.token, bytes, context);
    return { kind: "answer", status: 200, headers: {}, body: attachment };
  } catch (failure) {
    if (failure instanceof ChatKitRequestError)
      return error(failure, request.method === "POST" || request.method === "PUT");
    throw failure;
  }
}
