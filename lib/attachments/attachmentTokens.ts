import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signed, expiring tokens for the upload and preview URLs of attachments.
 * The browser fetches those URLs itself (an `<img>` sends no app headers),
 * so the URL must carry its own proof: which attachment, for which owner,
 * for what, until when, signed with the server's secret (HMAC-SHA256).
 * Anything else (a changed byte, another kind, a late use) is refused.
 *
 * Format: `<payload>.<signature>`, both base64url; the payload is JSON.
 */

/** What a token lets its bearer do. */
export type AttachmentTokenKind = "upload" | "preview";

export interface AttachmentTokenClaims {
  readonly kind: AttachmentTokenKind;
  readonly attachmentId: string;
  /** The owner the attachment was created for (the server's `owner(context)`). */
  readonly owner: string;
  /** Epoch milliseconds after which the token is refused. */
  readonly expiresAt: number;
}

/** Why {@link verifyAttachmentToken} refused a token. */
export type AttachmentTokenRefusal = "malformed" | "bad_signature" | "wrong_kind" | "expired";

export type AttachmentTokenCheck =
  | { readonly ok: true; readonly claims: AttachmentTokenClaims }
  | { readonly ok: false; readonly reason: AttachmentTokenRefusal };

function signature(secret: Uint8Array, payload: string): Buffer {
  return createHmac("sha256", secret).update(payload).digest();
}

/** A token for `claims`, signed with `secret`. */
export function signAttachmentToken(claims: AttachmentTokenClaims, secret: Uint8Array): string {
  const payload = Buffer.from(
    JSON.stringify({ k: claims.kind, a: claims.attachmentId, o: claims.owner, e: claims.expiresAt }),
  ).toString("base64url");
  return `${payload}.${signature(secret, payload).toString("base64url")}`;
}

/**
 * Checks a token's signature (in constant time), then its kind and expiry
 * against `now`. The claims are read only once the signature is right.
 */
export function verifyAttachmentToken(
  token: string,
  kind: AttachmentTokenKind,
  secret: Uint8Array,
  now: number,
): AttachmentTokenCheck {
  const parts = typeof token === "string" ? token.split(".") : [];
  if (parts.length !== 2 || token.length > 4096) return { ok: false, reason: "malformed" };
  const [payload = "", signed = ""] = parts;
  const given = Buffer.from(signed, "base64url");
  const expected = signature(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "bad_signature" };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const { k, a, o, e } = (raw ?? {}) as Record<string, unknown>;
  if ((k !== "upload" && k !== "preview") || typeof a !== "string" || typeof o !== "string") {
    return { ok: false, reason: "malformed" };
  }
  if (typeof e !== "number" || !Number.isFinite(e)) return { ok: false, reason: "malformed" };
  if (k !== kind) return { ok: false, reason: "wrong_kind" };
  if (now > e) return { ok: false, reason: "expired" };
  return { ok: true, claims: { kind: k, attachmentId: a, owner: o, expiresAt: e } };
}
