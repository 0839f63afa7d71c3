import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { StoreNotFoundError } from "../errors";
import type { AttachmentStore } from "./AttachmentStore";

/** Options of {@link DiskAttachmentStore}. */
export interface DiskAttachmentStoreConfig {
  /** The directory holding one file per attachment; created if missing. */
  readonly directory: string;
}

/** Ids are made by the server (`atc_...`), but a file name is never trusted to be one. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * An {@link AttachmentStore} in a directory: one file per attachment,
 * named by its id. A write goes to a temporary file (`.<id>.<random>.part`)
 * that is renamed over the final name only once complete, so a crash or an
 * aborted upload never leaves a partial attachment behind a valid name
 * (rename is atomic within one file system).
 */
export class DiskAttachmentStore implements AttachmentStore {
  readonly directory: string;
  /** Processes on one machine share a directory (each write is a rename, atomic there). */
  readonly sharedAcrossProcesses = true;
  #ready: Promise<unknown> | undefined;

  constructor(config: DiskAttachmentStoreConfig) {
    if (typeof config?.directory !== "string" || config.directory === "") {
      throw new TypeError(
        `DiskAttachmentStore: config.directory must be a non-empty path, got ${JSON.stringify(config?.directory)}`,
      );
    }
    this.directory = config.directory;
  }

  #path(attachmentId: string): string {
    if (typeof attachmentId !== "string" || !SAFE_ID.test(attachmentId)) {
      throw new TypeError(
        `DiskAttachmentStore: attachment id must be letters, digits, _ or - (at most 128), got ${JSON.stringify(attachmentId)}`,
      );
    }
    return join(this.directory, attachmentId);
  }

  async write(attachmentId: string, bytes: Uint8Array): Promise<void> {
    const path = this.#path(attachmentId);
    this.#ready ??= mkdir(this.directory, { recursive: true });
    await this.#ready;
    const temporary = join(this.directory, `.${attachmentId}.${randomBytes(6).toString("hex")}.part`);
    try {
      await writeFile(temporary, bytes, { flag: "wx" });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async read(attachmentId: string): Promise<Uint8Array> {
    const path = this.#path(attachmentId);
    try {
      return new Uint8Array(await readFile(path));
    } catch (error) {
      if ((error as { code?: unknown }).code === "ENOENT")
        throw new StoreNotFoundError("attachment", attachmentId);
      throw error;
    }
  }

  async delete(attachmentId: string): Promise<void> {
    await rm(this.#path(attachmentId), { force: true });
  }
}
