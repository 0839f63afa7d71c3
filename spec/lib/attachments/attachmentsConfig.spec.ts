import {
  DEFAULT_ATTACHMENT_MIME_TYPES,
  isAllowedMimeType,
  mediaTypeOf,
} from "../../../lib/attachments/attachmentsConfig";

describe("attachment MIME types", () => {
  it("compares media types, ignoring case and parameters", () => {
    expect(mediaTypeOf("Text/Plain; charset=UTF-8")).toBe("text/plain");
    expect(isAllowedMimeType("Text/Plain; charset=UTF-8", ["text/plain"])).toBe(true);
    expect(isAllowedMimeType("text/html", ["text/plain"])).toBe(false);
  });

  it("a family admits its members, never a wildcard or a malformed type", () => {
    expect(isAllowedMimeType("image/avif", ["image/*"])).toBe(true);
    expect(isAllowedMimeType("image/*", ["image/*"])).toBe(false);
    expect(isAllowedMimeType("imagepng", ["image/*"])).toBe(false);
    expect(isAllowedMimeType("", ["image/*"])).toBe(false);
    expect(isAllowedMimeType("application/pdf", ["image/*"])).toBe(false);
  });

  it("by default takes safe images and documents, not SVG or HTML", () => {
    expect(isAllowedMimeType("image/png", DEFAULT_ATTACHMENT_MIME_TYPES)).toBe(true);
    expect(isAllowedMimeType("application/pdf", DEFAULT_ATTACHMENT_MIME_TYPES)).toBe(true);
    expect(isAllowedMimeType("image/svg+xml", DEFAULT_ATTACHMENT_MIME_TYPES)).toBe(false);
    expect(isAllowedMimeType("text/html", DEFAULT_ATTACHMENT_MIME_TYPES)).toBe(false);
  });
});
