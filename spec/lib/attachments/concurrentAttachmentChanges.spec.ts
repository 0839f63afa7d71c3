import { EMPTY } from "rxjs";

import type { AttachmentStore } from "../../../lib/attachments/AttachmentStore";
import { ChatKitRequestError, StoreNotFoundError } from "../../../lib/errors";
import type { Attachment } from "../../../lib/events/threadItems";
import { ChatKitServer } from "../../../lib/server/ChatKitServer";
import { LocalThreadLocks } from "../../../lib/server/LocalThreadLocks";
import type { Store } from "../../../lib/server/Store";
import type { ThreadLocks } from "../../../lib/server/ThreadLocks";
import { MemoryStore } from "../../../lib/stores/MemoryStore";
import { PostgresStore } from "../../../lib/stores/postgres/PostgresStore";
import { onEachEngine, type TestDatabase } from "../../helpers/postgresEngines";

interface User {
  readonly user: string;
}
const alice: User = { user: "alice" };
const owner = (context: User): string => context.user;

/**
 * Bytes in a Map whose writes wait, while `hold()` is in force, until
 * `letGo()`: a test can start an upload and act while its bytes are being
 * written.
 */
function slowBytes() {
  const bytes = new Map<string, Uint8Array>();
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  let writing: (() => void) | undefined;
  const store: AttachmentStore = {
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
  };
  return {
    store,
    bytes,
    /** From now on writes wait for `letGo`; resolves `written` when a write has started. */
    hold(): { readonly started: Promise<void> } {
      gate = new Promise((resolve) => (open = resolve));
      return { started: new Promise<void>((resolve) => (writing = resolve)) };
    },
    letGo(): void {
      open?.();
      gate = undefined;
    },
  };
}

/** `locks` that tell when someone asks for `id`: the moment a delete starts waiting for an upload. */
function watched(locks: ThreadLocks, id: () => string): { locks: ThreadLocks; asked: Promise<void> } {
  let asked!: () => void;
  const askedFor = new Promise<void>((resolve) => (asked = resolve));
  return {
    asked: askedFor,
    locks: {
      sharedAcrossProcesses: locks.sharedAcrossProcesses,
      acquire: (key, options) => {
        const held = locks.acquire(key, options);
        if (key === id()) asked();
        return held;
      },
    },
  };
}

function serverOn(
  store: Store<User>,
  bytes: AttachmentStore,
  threadLocks?: ThreadLocks,
): ChatKitServer<User> {
  return new ChatKitServer<User>({
    store,
    threadLocks,
    attachments: { url: "/chatkit", store: bytes, owner, secret: "s".repeat(32), mimeTypes: ["image/*"] },
    respond: () => EMPTY,
  });
}

async function created(server: ChatKitServer<User>): Promise<{ attachment: Attachment; token: string }> {
  const result = await server.process(
    JSON.stringify({
      type: "attachments.create",
      params: { name: "a.png", size: 3, mime_type: "image/png" },
    }),
    alice,
  );
  if (result.kind !== "json") throw new Error(`attachments.create failed: ${JSON.stringify(result)}`);
  const attachment = result.body as Attachment;
  const token = new URL(attachment.upload_descriptor?.url ?? "", "http://x").searchParams.get("attachment");
  return { attachment, token: token ?? "" };
}

async function deleteAttachment(server: ChatKitServer<User>, attachmentId: string) {
  return server.process(
    JSON.stringify({ type: "attachments.delete", params: { attachment_id: attachmentId } }),
    alice,
  );
}

const statusOf = (error: unknown): unknown =>
  error instanceof ChatKitRequestError ? [error.status, error.code] : error;

describe("an attachment's upload and delete, at the same time", () => {
  it("two uploads of one attachment: the first wins, the second is a 409, bytes and size are the winner's", async () => {
    const bytes = slowBytes();
    const store = new MemoryStore<User>({ owner });
    const server = serverOn(store, bytes.store);
    const { attachment, token } = await created(server);
    const { started } = bytes.hold();
    const first = server.attachments!.completeUpload(token, new Uint8Array([1, 2, 3]), alice);
    await started;
    const second = server.attachments!.completeUpload(token, new Uint8Array([9]), alice);
    bytes.letGo();
    const [won, lost] = await Promise.allSettled([first, second]);
    expect(won.status).toBe("fulfilled");
    expect(lost.status === "rejected" && statusOf(lost.reason)).toEqual([409, "already_uploaded"]);
    expect(bytes.bytes.get(attachment.id)).toEqual(new Uint8Array([1, 2, 3]));
    expect((await store.loadAttachment(attachment.id, alice)).size).toBe(3);
  });

  it("a delete during an upload waits for it, then removes what it wrote: nothing comes back", async () => {
    const bytes = slowBytes();
    const store = new MemoryStore<User>({ owner });
    let attachmentId = "";
    const locks = watched(new LocalThreadLocks(), () => attachmentId);
    const server = serverOn(store, bytes.store, locks.locks);
    const { attachment, token } = await created(server);
    attachmentId = attachment.id;
    const { started } = bytes.hold();
    const upload = server.attachments!.completeUpload(token, new Uint8Array([1, 2, 3]), alice);
    await started;
    const deleted = deleteAttachment(server, attachment.id);
    // Once the delete waits for the upload (or, were it not to wait, once it is done), the write may end.
    await Promise.race([locks.asked, deleted]);
    bytes.letGo();
    await upload;
    expect(await deleted).toEqual({ kind: "json", body: {} });
    expect(bytes.bytes.has(attachment.id)).toBe(false);
    await expect(store.loadAttachment(attachment.id, alice)).rejects.toBeInstanceOf(StoreNotFoundError);
  });

  it("an upload after a delete is a 404 and writes nothing", async () => {
    const bytes = slowBytes();
    const store = new MemoryStore<User>({ owner });
    const server = serverOn(store, bytes.store);
    const { attachment, token } = await created(server);
    await deleteAttachment(server, attachment.id);
    await expect(
      server.attachments!.completeUpload(token, new Uint8Array([1]), alice).catch(statusOf),
    ).resolves.toEqual([404, "not_found"]);
    expect(bytes.bytes.has(attachment.id)).toBe(false);
  });

  it("an upload held too long makes a delete a 409 naming params.attachment_id, and changes nothing", async () => {
    const bytes = slowBytes();
    const store = new MemoryStore<User>({ owner });
    const server = new ChatKitServer<User>({
      store,
      threadBusyWaitMs: 20,
      attachments: { url: "/chatkit", store: bytes.store, owner, mimeTypes: ["image/*"] },
      respond: () => EMPTY,
    });
    const { attachment, token } = await created(server);
    const { started } = bytes.hold();
    const upload = server.attachments!.completeUpload(token, new Uint8Array([1, 2, 3]), alice);
    await started;
    const busy = await deleteAttachment(server, attachment.id);
    expect(busy.kind === "error" && [busy.error.status, busy.error.code, busy.error.field]).toEqual([
      409,
      "attachment_busy",
      "params.attachment_id",
    ]);
    bytes.letGo();
    await upload;
    expect(bytes.bytes.get(attachment.id)).toEqual(new Uint8Array([1, 2, 3]));
    expect((await store.loadAttachment(attachment.id, alice)).uploaded).toBe(true);
  });
});

function acrossProcesses(name: string, open: () => Promise<TestDatabase> | TestDatabase): void {
  describe(`an attachment's upload and delete from two servers on ${name}`, () => {
    let database: TestDatabase | undefined;
    beforeAll(async () => {
      database = await open();
    });
    afterAll(() => database?.close());

    it("a delete on one server waits for the other's upload (the store's leases), then removes it", async () => {
      const db = database!;
      const schema = db.freshSchema();
      const bytes = slowBytes();
      // Two servers, each with its own connection and store, as two processes on one database would have.
      const uploader = serverOn(new PostgresStore<User>({ driver: db.driver(), schema, owner }), bytes.store);
      const deleterStore = new PostgresStore<User>({ driver: db.driver(), schema, owner });
      let attachmentId = "";
      const locks = watched(deleterStore.threadLocks, () => attachmentId);
      const deleter = serverOn(deleterStore, bytes.store, locks.locks);
      const { attachment, token } = await created(uploader);
      attachmentId = attachment.id;
      const { started } = bytes.hold();
      const upload = uploader.attachments!.completeUpload(token, new Uint8Array([1, 2, 3]), alice);
      await started;
      const deleted = deleteAttachment(deleter, attachment.id);
      await Promise.race([locks.asked, deleted]);
      bytes.letGo();
      await upload;
      expect(await deleted).toEqual({ kind: "json", body: {} });
      expect(bytes.bytes.has(attachment.id)).toBe(false);
      await expect(deleterStore.loadAttachment(attachment.id, alice)).rejects.toBeInstanceOf(
        StoreNotFoundError,
      );
    });
  });
}

onEachEngine("concurrent attachment changes", acrossProcesses);
