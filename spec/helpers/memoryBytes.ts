import type { AttachmentStore } from "../../lib/attachments/AttachmentStore";
import { StoreNotFoundError } from "../../lib/errors";

/** Attachment bytes in a Map, whose writes a test can hold to act while an upload is under way. */
export interface MemoryBytes extends AttachmentStore {
  readonly bytes: Map<string, Uint8Array>;
  /** From now on writes wait for {@link letGo}; `started` resolves when one has begun. */
  hold(): { readonly started: Promise<void> };
  letGo(): void;
}

/** Enough of an `AttachmentStore` to test the server without a disk (shared "across processes" like a directory). */
export function memoryBytes(): MemoryBytes {
  const bytes = new Map<string, Uint8Array>();
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  let writing: (() => void) | undefined;
  return {
    bytes,
    sharedAcrossProcesses: true,
    write: async (id, data) => {
      writing?.();
      await gate;
      bytes.set(id, data);
    },
    read: (id) => {
      const data = bytes.get(id);
      return data === undefined
        ? Promise.reject(new StoreNotFoundError("attachment", id))
        : Promise.resolve(data);
    },
    delete: (id) => Promise.resolve(void bytes.delete(id)),
    hold() {
      gate = new Promise((resolve) => (open = resolve));
      return { started: new Promise<void>((resolve) => (writing = resolve)) };
    },
    letGo() {
      open?.();
      gate = undefined;
    },
  };
}
