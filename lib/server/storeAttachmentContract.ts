import type { AttachmentRecord } from "../attachments/AttachmentRecord";
import type { ContractRunner } from "./storeContract";
import type { Store } from "./Store";
import { equal, rejectsNotFound, rejectsTypeError } from "./storeContractChecks";

/** A record as `attachments.create` saves it: not uploaded yet. */
export function attachmentRecord(id: string, uploaded = false): AttachmentRecord {
  return {
    attachment: {
      type: "image",
      id,
      name: `${id}.png`,
      mime_type: "image/png",
      preview_url: `/chatkit?attachment=preview-${id}`,
      ...(uploaded
        ? { thread_id: "thr_a" }
        : { upload_descriptor: { url: `/chatkit?attachment=${id}`, method: "POST", headers: {} } }),
    },
    size: 3,
    uploaded,
  };
}

/**
 * The attachment half of the store contract (metadata only: bytes live in
 * an `AttachmentStore`). Registered by `runStoreContract`.
 */
export function runStoreAttachmentContract<TContext>(
  makeStore: () => Store<TContext> | Promise<Store<TContext>>,
  context: TContext,
  { describe, it }: ContractRunner,
): void {
  describe("attachments", () => {
    it("saves, loads, replaces and deletes attachment metadata", async () => {
      const store = await makeStore();
      await rejectsNotFound(store.loadAttachment("atc_1", context), "an unknown attachment");
      await store.saveAttachment(attachmentRecord("atc_1"), context);
      equal(await store.loadAttachment("atc_1", context), attachmentRecord("atc_1"), "saved");
      await store.saveAttachment(attachmentRecord("atc_1", true), context);
      equal(await store.loadAttachment("atc_1", context), attachmentRecord("atc_1", true), "replaced");
      await store.deleteAttachment("atc_1", context);
      await rejectsNotFound(store.loadAttachment("atc_1", context), "a deleted attachment");
      await store.deleteAttachment("atc_1", context);
    });

    it("hands out copies of attachments", async () => {
      const store = await makeStore();
      const record = attachmentRecord("atc_1");
      await store.saveAttachment(record, context);
      (record.attachment as { name: string }).name = "mutated after save";
      const loaded = await store.loadAttachment("atc_1", context);
      (loaded.attachment as { name: string }).name = "mutated after load";
      equal((await store.loadAttachment("atc_1", context)).attachment.name, "atc_1.png", "name");
    });

    it("refuses a record without an id or a size with a TypeError", async () => {
      const store = await makeStore();
      const record = attachmentRecord("atc_1");
      await rejectsTypeError(
        store.saveAttachment({ ...record, attachment: { ...record.attachment, id: "" } }, context),
        "an empty id",
      );
      await rejectsTypeError(store.saveAttachment({ ...record, size: -1 }, context), "a negative size");
      await rejectsNotFound(store.loadAttachment("atc_1", context), "nothing saved");
    });
  });
}

/**
 * For a second owner, the first one's attachment does not exist: not
 * loaded, not replaced, not deleted. Registered by the isolation contract.
 */
export function runAttachmentIsolationContract<TContext>(
  makeStore: () => Store<TContext> | Promise<Store<TContext>>,
  alice: TContext,
  bob: TContext,
  { it }: ContractRunner,
): void {
  it("another owner's attachment does not exist for them: not loaded, replaced or deleted", async () => {
    const store = await makeStore();
    await store.saveAttachment(attachmentRecord("atc_a"), alice);
    await rejectsNotFound(store.loadAttachment("atc_a", bob), "loadAttachment by bob");
    await rejectsNotFound(
      store.saveAttachment(attachmentRecord("atc_a", true), bob),
      "saveAttachment over alice's by bob",
    );
    await store.deleteAttachment("atc_a", bob);
    equal(await store.loadAttachment("atc_a", alice), attachmentRecord("atc_a"), "alice's attachment");
    await store.saveAttachment(attachmentRecord("atc_b"), bob);
    await rejectsNotFound(store.loadAttachment("atc_b", alice), "bob's attachment by alice");
  });
}
