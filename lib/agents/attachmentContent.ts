import type { AgentInputItem } from "@openai/agents";

import type { Attachment } from "../events/threadItems";

/** A part of a user message's content (as `UserInputContent`, declared here so the converter's import stays one-way). */
type UserContentPart = Extract<
  Extract<AgentInputItem, { role: "user" }>["content"],
  readonly unknown[]
>[number];

/** Reads an attachment's bytes (for example `options.readAttachment` of `respond`, given the attachment's id). */
export type AttachmentBytesReader = (attachment: Attachment) => Promise<Uint8Array>;

/**
 * An attachment and its bytes as model input, inline so the model needs no
 * access to your storage: an image as `input_image` with a data URL, any
 * other file as `input_file` with its data URL (the Responses API's
 * `file_data`) and its name.
 */
export function attachmentContent(attachment: Attachment, bytes: Uint8Array): UserContentPart {
  const dataUrl = `data:${attachment.mime_type};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")}`;
  if (attachment.type === "image") return { type: "input_image", image: dataUrl, detail: "auto" };
  return { type: "input_file", file: dataUrl, filename: attachment.name };
}
