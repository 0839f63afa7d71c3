import { EMPTY } from "rxjs";

import { StoreNotFoundError } from "../../../../lib/errors";
import type { Attachment, UserMessageItem } from "../../../../lib/events/threadItems";
import { ChatKitServer } from "../../../../lib/server/ChatKitServer";
import { PostgresAttachmentStore } from "../../../../lib/stores/postgres/PostgresAttachmentStore";
import { PostgresStore } from "../../../../lib/stores/postgres/PostgresStore";
import { databaseForSuite, onEachEngine, type TestDatabase } from "../../../helpers/postgresEngines";

interface User {
  readonly userId: string;
}

const EVERY_BYTE = Uint8Array.from({ length: 256 }, (_, i) => i);

function specsOn(name: string, open: () => Promise<TestDatabase> | TestDatabase): void {
  describe(`PostgresAttachmentStore on ${name}`, () => {
    const db = databaseForSuite(open);

    it("keeps the exact bytes (every byte value, and none), replaces and deletes them", async () => {
      const bytes = new PostgresAttachmentStore({ driver: db().driver(), schema: db().freshSchema() });
      await bytes.write("atc_1", EVERY_BYTE);
      await bytes.write("atc_empty", new Uint8Array(0));
      expect(await bytes.read("atc_1")).toEqual(EVERY_BYTE);
      expect(await bytes.read("atc_empty")).toEqual(new Uint8Array(0));
      await bytes.write("atc_1", EVERY_BYTE.subarray(10, 12));
      expect(await bytes.read("atc_1")).toEqual(new Uint8Array([10, 11]));
      await bytes.delete("atc_1");
      await expect(bytes.read("atc_1")).rejects.toBeInstanceOf(StoreNotFoundError);
      await bytes.delete("atc_1");
    });

    it("serves a ChatKitServer: upload, a message with it, respond reads it; another user cannot", async () => {
      const schema = db().freshSchema();
      const owner = (context: User) => context.userId;
      const store = new PostgresStore<User>({ driver: db().driver(), schema, owner });
      const messages: UserMessageItem[] = [];
      const server = new ChatKitServer<User>({
        store,
        attachments: {
          url: "/chatkit",
          store: new PostgresAttachmentStore({ driver: db().driver(), schema }),
          owner,
        },
        respond: (_thread, message) => {
          if (message !== null) messages.push(message);
          return EMPTY;
        },
      });
      const alice = { userId: "alice" };
      const created = await server.process(
        JSON.stringify({
          type: "attachments.create",
          params: { name: "a.bin", size: 256, mime_type: "text/plain" },
        }),
        alice,
      );
      if (created.kind !== "json") throw new Error("create failed");
      const attachment = created.body as Attachment;
      const token = new URL(attachment.upload_descriptor?.url ?? "", "http://x").searchParams.get(
        "attachment",
      );
      await server.attachments?.completeUpload(token ?? "", EVERY_BYTE, alice);
      const result = await server.process(
        JSON.stringify({
          type: "threads.create",
          params: { input: { content: [{ type: "input_text", text: "hi" }], attachments: [attachment.id] } },
        }),
        alice,
      );
      if (result.kind !== "stream") throw new Error("expected a stream");
      await new Promise<void>((resolve, reject) =>
        result.events.subscribe({ complete: resolve, error: reject }),
      );
      expect(messages[0]?.attachments[0]?.id).toBe(attachment.id);
      expect(await server.attachments?.read(attachment.id, alice)).toEqual(EVERY_BYTE);
      await expect(server.attachments?.read(attachment.id, { userId: "bob" })).rejects.toBeInstanceOf(
        StoreNotFoundError,
      );
    });
  });
}

onEachEngine("PostgresAttachmentStore", specsOn);
