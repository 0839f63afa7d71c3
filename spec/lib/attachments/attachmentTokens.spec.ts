import { createHmac } from "node:crypto";
import fc from "fast-check";

import {
  signAttachmentToken,
  verifyAttachmentToken,
  type AttachmentTokenClaims,
} from "../../../lib/attachments/attachmentTokens";

const SECRET = new Uint8Array(32).fill(7);
const claims: AttachmentTokenClaims = {
  kind: "upload",
  attachmentId: "atc_1",
  owner: "alice",
  expiresAt: 1_000,
};

describe("attachment tokens", () => {
  it("verifies what it signed, until its expiry (inclusive)", () => {
    const token = signAttachmentToken(claims, SECRET);
    expect(verifyAttachmentToken(token, "upload", SECRET, 999)).toEqual({ ok: true, claims });
    expect(verifyAttachmentToken(token, "upload", SECRET, 1_000)).toEqual({ ok: true, claims });
    expect(verifyAttachmentToken(token, "upload", SECRET, 1_001)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a token of the other kind: an upload URL is no preview URL", () => {
    const token = signAttachmentToken(claims, SECRET);
    expect(verifyAttachmentToken(token, "preview", SECRET, 0)).toEqual({ ok: false, reason: "wrong_kind" });
  });

  it("refuses a token signed with another secret", () => {
    const token = signAttachmentToken(claims, new Uint8Array(32).fill(8));
    expect(verifyAttachmentToken(token, "upload", SECRET, 0)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses a payload rewritten for another owner or a later expiry, with the old signature", () => {
    const [, signature] = signAttachmentToken(claims, SECRET).split(".");
    for (const forged of [
      { ...claims, owner: "bob" },
      { ...claims, expiresAt: 9e15 },
      { ...claims, attachmentId: "atc_2" },
    ]) {
      const [payload] = signAttachmentToken(forged, SECRET).split(".");
      expect(verifyAttachmentToken(`${payload}.${signature}`, "upload", SECRET, 0)).toEqual({
        ok: false,
        reason: "bad_signature",
      });
    }
  });

  it("refuses malformed tokens without throwing", () => {
    for (const token of ["", "abc", "a.b.c", ".", "x".repeat(5000), `${"e30"}.${"x"}`]) {
      expect(verifyAttachmentToken(token, "upload", SECRET, 0).ok).toBe(false);
    }
    // A correctly signed payload that is not the claims' shape.
    const payload = Buffer.from(JSON.stringify({ k: "upload", a: 1 })).toString("base64url");
    const signature = createHmac("sha256", SECRET).update(payload).digest("base64url");
    expect(verifyAttachmentToken(`${payload}.${signature}`, "upload", SECRET, 0)).toEqual({
      ok: false,
      reason: "malformed",
    });
  });

  it("property: changing any one character of a token makes it refused", () => {
    const token = signAttachmentToken(claims, SECRET);
    const decoded = (value: string): string[] =>
      value.split(".").map((part) => Buffer.from(part, "base64url").toString("hex"));
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...alphabet), (index, replacement) => {
        fc.pre(token[index] !== replacement);
        const tampered = token.slice(0, index) + replacement + token.slice(index + 1);
        // A base64url part's last character carries unused bits: a change there may decode to the same bytes.
        fc.pre(JSON.stringify(decoded(tampered)) !== JSON.stringify(decoded(token)));
        return !verifyAttachmentToken(tampered, "upload", SECRET, 0).ok;
      }),
    );
  });
});
