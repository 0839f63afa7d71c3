import type { Attachment } from "../events/threadItems";

/**
 * An attachment as a {@link Store} keeps it: what the client sees, plus
 * what the server needs to accept its bytes once (the size the client
 * declared) and to know they are all there. The bytes themselves live in an
 * {@link AttachmentStore}.
 */
export interface AttachmentRecord {
  readonly attachment: Attachment;
  /** The size declared at `attachments.create`: the upload may not be larger. */
  readonly size: number;
  /** Whether the bytes are stored; a message may carry only uploaded attachments. */
  readonly uploaded: boolean;
}
