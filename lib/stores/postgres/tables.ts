/** The store's tables, qualified by their schema and quoted, ready to splice into SQL. */
export interface Tables {
  /** The schema name as given. */
  readonly schema: string;
  readonly quotedSchema: string;
  readonly versions: string;
  readonly threads: string;
  readonly items: string;
  readonly leases: string;
  /** Attachment metadata, one owner each. */
  readonly attachments: string;
  /** Attachment bytes (`PostgresAttachmentStore`). */
  readonly attachmentBytes: string;
  /** An index name (indexes live in their table's schema and must not be qualified). */
  name(base: string): string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * The tables of a store in `schema`. The name is spliced into SQL (it cannot
 * be a parameter), so anything but a plain identifier is refused.
 */
export function tablesIn(schema: string, where: string): Tables {
  if (typeof schema !== "string" || !IDENTIFIER.test(schema)) {
    throw new TypeError(
      `${where}: schema must be a plain identifier (letters, digits, _; at most 63), got ${JSON.stringify(schema)}`,
    );
  }
  const quotedSchema = `"${schema}"`;
  const table = (name: string) => `${quotedSchema}."${name}"`;
  return {
    schema,
    quotedSchema,
    versions: table("chatkit_schema_version"),
    threads: table("chatkit_threads"),
    items: table("chatkit_items"),
    leases: table("chatkit_thread_leases"),
    attachments: table("chatkit_attachments"),
    attachmentBytes: table("chatkit_attachment_bytes"),
    name: (base) => `"${base}"`,
  };
}
