import type { AttachmentRecord } from "../attachments/AttachmentRecord";
import type { ServerAttachments } from "../attachments/ServerAttachments";
import { ChatKitRequestError, StoreNotFoundError } from "../errors";
import type { ThreadItem } from "../events/threadItems";
import type { UserMessageInput } from "./requests";

/**
 * How requests use a server's attachments, which are optional: a request
 * that needs them on a server without them is a 501 naming the field, and
 * everything else behaves as if no attachment existed.
 */

/** The server's attachments, or a 501 naming `field` when it takes none. */
export function requireAttachments<TContext>(
  attachments: ServerAttachments<TContext> | undefined,
  field: string,
): ServerAttachments<TContext> {
  if (attachments !== undefined) return attachments;
  throw new ChatKitRequestError({
    status: 501,
    code: "not_supported",
    field,
    message: `${field}: this server takes no attachments; pass { attachments } to the ChatKitServer constructor`,
  });
}

/** The message's attachments, checked (see {@link ServerAttachments.resolve}); none written yet. */
export async function resolveMessageAttachments<TContext>(
  attachments: ServerAttachments<TContext> | undefined,
  input: UserMessageInput,
  context: TContext,
): Promise<AttachmentRecord[]> {
  if (input.attachments.length === 0) return [];
  return requireAttachments(attachments, "params.input.attachments").resolve(input.attachments, context);
}

/** What `readAttachment` of the handlers' options reads: the caller's uploaded bytes only. */
export function attachmentReader<TContext>(
  attachments: ServerAttachments<TContext> | undefined,
  context: TContext,
): (attachmentId: string) => Promise<Uint8Array> {
  return (attachmentId) =>
    attachments === undefined
      ? Promise.reject(new StoreNotFoundError("attachment", attachmentId))
      : attachments.read(attachmentId, context);
}

/** Items as the client gets them: attachments with fresh preview URLs. */
export function presentItems<T extends ThreadItem, TContext>(
  attachments: ServerAttachments<TContext> | undefined,
  items: readonly T[],
  context: TContext,
): T[] {
  return attachments === undefined ? [...items] : items.map((item) => attachments.presentItem(item, context));
}
