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
import { memoryBytes } from "../../helpers/memoryBytes";
import { databaseForSuite, onEachEngine, type TestDatabase } from "../../helpers/postgresEngines";

interface User {
  readonly user: string;
}
const alice: User = { user: "alice" };
const owner = (context: User): string => context.user;

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

/**
 * Starts an upload on `uploader`, holds its write, asks `deleter` to delete
 * the attachment, and lets the write go once the delete waits for it (or,
 * were it not to wait, once it is done). Then nothing may be left: no
 * bytes, no metadata in `store`.
 */
async function deleteDuringUpload(
  store: Store<User>,
  servers: (
    bytes: AttachmentStore,
    locks: ThreadLocks,
  ) => { uploader: ChatKitServer<User>; deleter: ChatKitServer<User> },
  deleterLocks: ThreadLocks,
): Promise<void> {
  const bytes = memoryBytes();
  let attachmentId = "";
  const locks = watched(deleterLocks, () => attachmentId);
  const { uploader, deleter } = servers(bytes, locks.locks);
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
  await expect(store.loadAttachment(attachment.id, alice)).rejects.toBeInstanceOf(StoreNotFoundError);
}

const statusOf = (error: unknown): unknown =>
  error instanceof ChatKitRequestError ? [error.status, error.code] : error;

describe("an attachment's upload and delete, at the same time", () => {
  it("two uploads of one attachment: the first wins, the second is a 409, bytes and size are the winner's", async () => {
    const bytes = memoryBytes();
    const store = new MemoryStore<User>({ owner });
    const server = serverOn(store, bytes);
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
    const store = new MemoryStore<User>({ owner });
    await deleteDuringUpload(
      store,
      (bytes, locks) => ({
        uploader: serverOn(store, bytes, locks),
        deleter: serverOn(store, bytes, locks),
      }),
      new LocalThreadLocks(),
    );
  });

  it("an upload after a delete is a 404 and writes nothing", async () => {
    const bytes = memoryBytes();
    const store = new MemoryStore<User>({ owner });
    const server = serverOn(store, bytes);
    const { attachment, token } = await created(server);
    await deleteAttachment(server, attachment.id);
    await expect(
      server.attachments!.completeUpload(token, new Uint8Array([1]), alice).catch(statusOf),
    ).resolves.toEqual([404, "not_found"]);
    expect(bytes.bytes.has(attachment.id)).toBe(false);
  });

  it("an upload held too long makes a delete a 409 naming params.attachment_id, and changes nothing", async () => {
    const bytes = memoryBytes();
    const store = new MemoryStore<User>({ owner });
    const server = new ChatKitServer<User>({
      store,
      threadBusyWaitMs: 20,
      attachments: { url: "/chatkit", store: bytes, owner, mimeTypes: ["image/*"] },
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
    const database = databaseForSuite(open);

    it("a delete on one server waits for the other's upload (the store's leases), then removes it", async () => {
      const db = database();
      const schema = db.freshSchema();
      // Two servers, each with its own connection and store, as two processes on one database would have.
      const deleterStore = new PostgresStore<User>({ driver: db.driver(), schema, owner });
      await deleteDuringUpload(
        deleterStore,
        (bytes, locks) => ({
          uploader: serverOn(new PostgresStore<User>({ driver: db.driver(), schema, owner }), bytes),
          deleter: serverOn(deleterStore, bytes, locks),
        }),
        deleterStore.threadLocks,
      );
    });
  });
}

onEachEngine("concurrent attachment changes", acrossProcesses);
