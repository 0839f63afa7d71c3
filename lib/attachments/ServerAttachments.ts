import type { Attachment, ThreadItem } from "../events/threadItems";
import { defaultGenerateId } from "../ids";
import { ChatKitRequestError, StoreNotFoundError } from "../errors";
import { quoteExcerpt } from "../excerpt";
import { ownerOf } from "../stores/ownerOf";
import type { Store } from "../server/Store";
import type { ThreadLocks } from "../server/ThreadLocks";
import { whileHeld } from "../server/whileHeld";
import type { AttachmentRecord } from "./AttachmentRecord";
import {
  isAllowedMimeType,
  mediaTypeOf,
  PREVIEWABLE_IMAGE_TYPES,
  resolveAttachmentsConfig,
  type AttachmentsConfig,
  type ResolvedAttachmentsConfig,
} from "./attachmentsConfig";
import { signAttachmentToken, verifyAttachmentToken, type AttachmentTokenKind } from "./attachmentTokens";

/** What `attachments.create` takes (reference `AttachmentCreateParams`). */
export interface AttachmentCreateParams {
  readonly name: string;
  readonly size: number;
  readonly mime_type: string;
}

/** The locks an upload and a delete hold their attachment in (the server's thread locks), and how long they wait. */
export interface AttachmentLocks {
  readonly locks: ThreadLocks;
  readonly waitMs: number;
}

/** An uploaded attachment's bytes and what to serve them as. */
export interface AttachmentContent {
  readonly attachment: Attachment;
  readonly bytes: Uint8Array;
}

const MAX_NAME_CHARS = 1024;

function requestError(status: number, code: ChatKitRequestError["code"], field: string, message: string) {
  return new ChatKitRequestError({ status, code, field, message: `${field}: ${message}` });
}

/**
 * A {@link ChatKitServer}'s attachments: the two-phase upload of the
 * reference SDK (`attachments.create` answers the attachment with an
 * `upload_descriptor`; the client sends the bytes there), the signed
 * upload and preview URLs behind it, the checks a message's attachments
 * pass, and reading the bytes back for `respond`.
 *
 * Metadata lives in the {@link Store} (scoped by owner: another owner's
 * attachment does not exist), bytes in the {@link AttachmentStore}. Every
 * refusal is a {@link ChatKitRequestError} naming the field at fault,
 * thrown before anything is written.
 *
 * An upload's completion and a delete each change metadata and bytes in
 * two steps, so each holds the attachment's id in the server's
 * {@link ThreadLocks} (the leases threads use, so across processes too)
 * and checks the attachment again once it holds it: of two uploads, the
 * second is refused (409); a delete waits for an upload under way and
 * then removes what it wrote, and an upload after a delete finds nothing
 * (404). Without it an upload could bring back an attachment deleted
 * while its bytes were being written.
 */
export class ServerAttachments<TContext> {
  readonly #store: Store<TContext>;
  readonly #config: ResolvedAttachmentsConfig<TContext>;
  readonly #now: () => number;
  readonly #locks: AttachmentLocks;

  constructor(
    store: Store<TContext>,
    config: AttachmentsConfig<TContext>,
    now: () => number,
    locks: AttachmentLocks,
  ) {
    this.#store = store;
    this.#config = resolveAttachmentsConfig(config);
    this.#now = now;
    this.#locks = locks;
  }

  /**
   * Why the upload and preview URLs this server signs would fail in another
   * process of the same app, or `undefined` when they would not: the secret
   * must be given (a random one is this process's alone) and the bytes must
   * live where every process reads them.
   */
  get notSharedAcrossProcesses(): string | undefined {
    if (!this.#config.secretGiven) {
      return "its attachments.secret is made at random in each process, so a URL signed by one worker is refused by another; give the same secret to every worker";
    }
    if (this.#config.store.sharedAcrossProcesses !== true) {
      const name = this.#config.store.constructor?.name ?? "an AttachmentStore";
      return `its attachment bytes (${name}) live in one process; keep them in a directory or on a PostgreSQL server (fromPgPool), or give a store with sharedAcrossProcesses: true`;
    }
    return undefined;
  }

  #owner(context: TContext): string {
    return ownerOf(this.#config.owner, context, "ChatKitServer attachments");
  }

  #url(kind: AttachmentTokenKind, attachmentId: string, context: TContext): string {
    const token = signAttachmentToken(
      {
        kind,
        attachmentId,
        owner: this.#owner(context),
        expiresAt: this.#now() + this.#config.tokenTtlMs,
      },
      this.#config.secret,
    );
    const url = this.#config.url;
    return `${url}${url.includes("?") ? "&" : "?"}attachment=${token}`;
  }

  /** The attachment as the client should see it now: a fresh preview URL, no upload descriptor once uploaded. */
  #present(record: AttachmentRecord, context: TContext): Attachment {
    const { upload_descriptor: descriptor, ...rest } = record.attachment;
    const base =
      record.uploaded || descriptor === undefined ? rest : { ...rest, upload_descriptor: descriptor };
    if (base.type !== "image") return base;
    return { ...base, preview_url: this.#url("preview", base.id, context) };
  }

  /** `attachments.create`: checks the type and size, saves the metadata, answers it with where to upload. */
  async create(params: AttachmentCreateParams, context: TContext): Promise<Attachment> {
    const name = params.name.trim();
    if (name === "" || name.length > MAX_NAME_CHARS) {
      throw requestError(400, "invalid_request", "params.name", `must be 1 to ${MAX_NAME_CHARS} characters`);
    }
    if (!isAllowedMimeType(params.mime_type, this.#config.mimeTypes)) {
      throw requestError(
        400,
        "invalid_request",
        "params.mime_type",
        `${quoteExcerpt(params.mime_type, 60)} is not accepted; accepted: ${this.#config.mimeTypes.join(", ")}`,
      );
    }
    if (params.size < 0) throw requestError(400, "invalid_request", "params.size", "must be 0 or more");
    if (params.size > this.#config.maxBytes) {
      throw requestError(
        413,
        "payload_too_large",
        "params.size",
        `${params.size} bytes is more than the ${this.#config.maxBytes} bytes allowed`,
      );
    }
    const id = defaultGenerateId("attachment");
    const mimeType = mediaTypeOf(params.mime_type);
    const common = {
      id,
      name,
      mime_type: mimeType,
      upload_descriptor: { url: this.#url("upload", id, context), method: "POST" as const, headers: {} },
    };
    const attachment: Attachment = PREVIEWABLE_IMAGE_TYPES.has(mimeType)
      ? { ...common, type: "image", preview_url: this.#url("preview", id, context) }
      : { ...common, type: "file" };
    await this.#store.saveAttachment({ attachment, size: params.size, uploaded: false }, context);
    return attachment;
  }

  /**
   * `attachments.delete`: removes the bytes, then the metadata. As in the
   * reference, a message that already carries the attachment keeps its
   * copy of the metadata (name, type), but the bytes are gone: its preview
   * and `readAttachment` then answer not found.
   */
  async delete(attachmentId: string, context: TContext): Promise<void> {
    await this.#load(attachmentId, context, "params.attachment_id");
    await this.#holding(attachmentId, "params.attachment_id", async () => {
      await this.#load(attachmentId, context, "params.attachment_id");
      await this.#config.store.delete(attachmentId);
      await this.#store.deleteAttachment(attachmentId, context);
    });
  }

  /**
   * Runs `change` while this server's locks hold `attachmentId`; waiting
   * longer than the server's `threadBusyWaitMs` is a 409 naming `field`.
   */
  #holding<T>(attachmentId: string, field: string, change: () => Promise<T>): Promise<T> {
    return whileHeld(
      this.#locks.locks,
      attachmentId,
      { waitMs: this.#locks.waitMs },
      () =>
        requestError(
          409,
          "attachment_busy",
          field,
          `attachment ${quoteExcerpt(attachmentId)} is busy with another upload or delete; try again`,
        ),
      change,
    );
  }

  async #load(attachmentId: string, context: TContext, field: string): Promise<AttachmentRecord> {
    try {
      return await this.#store.loadAttachment(attachmentId, context);
    } catch (error) {
      if (!(error instanceof StoreNotFoundError)) throw error;
      throw requestError(404, "not_found", field, `attachment ${quoteExcerpt(attachmentId)} not found`);
    }
  }

  /**
   * The attachments a new user message names, each checked: it exists for
   * the caller and its upload is complete. Nothing is written.
   */
  async resolve(attachmentIds: readonly string[], context: TContext): Promise<AttachmentRecord[]> {
    const records: AttachmentRecord[] = [];
    for (const [index, id] of attachmentIds.entries()) {
      const field = `params.input.attachments[${index}]`;
      const record = await this.#load(id, context, field);
      if (!record.uploaded) {
        throw requestError(
          400,
          "invalid_request",
          field,
          `attachment ${quoteExcerpt(id)} has not been uploaded yet`,
        );
      }
      records.push(record);
    }
    return records;
  }

  /**
   * Saves `records` as belonging to `threadId` (the reference does the
   * same) and answers them as a message carries them.
   */
  async attachToThread(
    records: readonly AttachmentRecord[],
    threadId: string,
    context: TContext,
  ): Promise<Attachment[]> {
    const attached: Attachment[] = [];
    for (const record of records) {
      const bound: AttachmentRecord = {
        ...record,
        attachment: { ...record.attachment, thread_id: threadId },
      };
      await this.#store.saveAttachment(bound, context);
      attached.push(this.#present(bound, context));
    }
    return attached;
  }

  /** `item` with fresh preview URLs on its attachments (those saved with it have expired by now). */
  presentItem<T extends ThreadItem>(item: T, context: TContext): T {
    if (item.type !== "user_message" || item.attachments.length === 0) return item;
    return {
      ...item,
      attachments: item.attachments.map((attachment) =>
        this.#present({ attachment, size: 0, uploaded: true }, context),
      ),
    };
  }

  /** The attachment an upload token names, if it is the caller's and still awaits its bytes (409 after). */
  async #awaitingUpload(token: string, context: TContext): Promise<AttachmentRecord> {
    const record = await this.#fromToken(token, "upload", context);
    if (record.uploaded) {
      throw requestError(
        409,
        "already_uploaded",
        "attachment",
        `attachment ${quoteExcerpt(record.attachment.id)} is already uploaded`,
      );
    }
    return record;
  }

  /** Checks an upload token for the caller: the attachment exists for them and awaits its bytes. */
  async admitUpload(token: string, context: TContext): Promise<{ readonly maxBytes: number }> {
    const record = await this.#awaitingUpload(token, context);
    return { maxBytes: record.size };
  }

  /**
   * Stores an upload's bytes (at most the declared size) and marks the
   * attachment uploaded; answers the attachment as the client sees it.
   */
  async completeUpload(token: string, bytes: Uint8Array, context: TContext): Promise<Attachment> {
    const checked = await this.#awaitingUpload(token, context);
    return this.#holding(checked.attachment.id, "attachment", async () => {
      // Again now that it is held: another upload may have finished, or a delete, while we waited.
      const record = await this.#awaitingUpload(token, context);
      if (bytes.byteLength > record.size) {
        throw requestError(
          413,
          "payload_too_large",
          "file",
          `the upload is larger than the declared ${record.size} bytes`,
        );
      }
      await this.#config.store.write(record.attachment.id, bytes);
      const uploaded: AttachmentRecord = { ...record, size: bytes.byteLength, uploaded: true };
      await this.#store.saveAttachment(uploaded, context);
      return this.#present(uploaded, context);
    });
  }

  /** The bytes behind a preview URL, for the caller only. */
  async preview(token: string, context: TContext): Promise<AttachmentContent> {
    const record = await this.#fromToken(token, "preview", context);
    if (!record.uploaded || record.attachment.type !== "image") {
      throw requestError(404, "not_found", "attachment", "no preview for this attachment");
    }
    return { attachment: record.attachment, bytes: await this.#bytes(record.attachment.id, "attachment") };
  }

  /** An uploaded attachment's bytes, for the caller only (what `respond` reads). */
  async read(attachmentId: string, context: TContext): Promise<Uint8Array> {
    const record = await this.#store.loadAttachment(attachmentId, context);
    if (!record.uploaded) throw new StoreNotFoundError("attachment", attachmentId);
    return this.#config.store.read(attachmentId);
  }

  async #bytes(attachmentId: string, field: string): Promise<Uint8Array> {
    try {
      return await this.#config.store.read(attachmentId);
    } catch (error) {
      if (!(error instanceof StoreNotFoundError)) throw error;
      throw requestError(404, "not_found", field, `attachment ${quoteExcerpt(attachmentId)} not found`);
    }
  }

  /**
   * The attachment a token names, if the token is genuine, of `kind`,
   * unexpired, and for the caller: signed for their owner, and found in the
   * store under their context. Another owner's token is a 404, as if the
   * attachment did not exist.
   */
  async #fromToken(token: string, kind: AttachmentTokenKind, context: TContext): Promise<AttachmentRecord> {
    const check = verifyAttachmentToken(token, kind, this.#config.secret, this.#now());
    if (!check.ok) {
      throw requestError(
        403,
        "invalid_token",
        "attachment",
        check.reason === "expired"
          ? `this ${kind} URL has expired; ask for a new one`
          : `this is not a valid ${kind} URL (${check.reason.replace("_", " ")})`,
      );
    }
    if (check.claims.owner !== this.#owner(context)) {
      throw requestError(404, "not_found", "attachment", "attachment not found");
    }
    return this.#load(check.claims.attachmentId, context, "attachment");
  }
}
