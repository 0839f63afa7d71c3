/**
 * Where attachment bytes live, keyed by attachment id. Ids are unique in
 * the whole store and who owns an attachment is the {@link Store}'s
 * business (its attachment metadata is scoped by owner), so this holds
 * bytes only, as the reference SDK's `AttachmentStore` does.
 *
 * Implementations: {@link DiskAttachmentStore} (the default: a directory)
 * and {@link PostgresAttachmentStore} (a `bytea` table).
 */
export interface AttachmentStore {
  /**
   * True when several processes may use this store at once and see each
   * other's bytes (a directory on one machine, a PostgreSQL server);
   * `serveOnAllCores` refuses attachments whose bytes live in one process.
   */
  readonly sharedAcrossProcesses?: boolean | undefined;
  /**
   * Stores `bytes` under `attachmentId`, replacing any, all at once: a
   * reader sees the old bytes or the new ones, never part of them.
   */
  write(attachmentId: string, bytes: Uint8Array): Promise<void>;
  /** The bytes, or a `StoreNotFoundError` ("attachment") when there are none. */
  read(attachmentId: string): Promise<Uint8Array>;
  /** Removes the bytes; a no-op when there are none. */
  delete(attachmentId: string): Promise<void>;
}
