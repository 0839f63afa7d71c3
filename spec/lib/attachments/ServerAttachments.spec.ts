import { EMPTY } from "rxjs";

import { StoreNotFoundError } from "../../../lib/errors";
import type { Attachment, UserMessageItem } from "../../../lib/events/threadItems";
import { ChatKitServer } from "../../../lib/server/ChatKitServer";
import type { AudioInput } from "../../../lib/server/serverTypes";
import { MemoryStore } from "../../../lib/stores/MemoryStore";
import { memoryBytes } from "../../helpers/memoryBytes";

interface User {
  readonly user: string;
}
const alice: User = { user: "alice" };
const bob: User = { user: "bob" };

function setup(extra: Partial<ConstructorParameters<typeof ChatKitServer<User>>[0]> = {}) {
  const owner = (context: User) => context.user;
  const store = new MemoryStore<User>({ owner });
  const bytes = memoryBytes();
  const messages: UserMessageItem[] = [];
  const server = new ChatKitServer<User>({
    store,
    attachments: {
      url: "https://app.example/chatkit?v=1",
      store: bytes,
      owner,
      mimeTypes: ["image/*", "text/plain"],
    },
    respond: (_thread, message) => {
      if (message !== null) messages.push(message);
      return EMPTY;
    },
    ...extra,
  });
  return { server, store, bytes, messages };
}

async function json(server: ChatKitServer<User>, body: unknown, context: User = alice) {
  const result = await server.process(JSON.stringify(body), context);
  if (result.kind === "stream") throw new Error("expected JSON");
  return result;
}

async function stream(server: ChatKitServer<User>, body: unknown, context: User = alice) {
  const result = await server.process(JSON.stringify(body), context);
  if (result.kind === "stream") {
    await new Promise<void>((resolve, reject) =>
      result.events.subscribe({ complete: resolve, error: reject }),
    );
  }
  return result;
}

async function uploaded(
  server: ChatKitServer<User>,
  name = "a.png",
  context: User = alice,
): Promise<Attachment> {
  const created = await json(
    server,
    { type: "attachments.create", params: { name, size: 3, mime_type: "image/png" } },
    context,
  );
  if (created.kind !== "json") throw new Error(created.error.message);
  const attachment = created.body as Attachment;
  const token = new URL(attachment.upload_descriptor?.url ?? "").searchParams.get("attachment") ?? "";
  await server.attachments?.completeUpload(token, new Uint8Array([1, 2, 3]), context);
  return attachment;
}

const input = (attachments: string[]) => ({ content: [{ type: "input_text", text: "hi" }], attachments });

describe("ChatKitServer attachments", () => {
  it("signs URLs under the configured endpoint, keeping its query", async () => {
    const { server } = setup();
    const attachment = await uploaded(server);
    expect(attachment.upload_descriptor?.url).toMatch(/^https:\/\/app\.example\/chatkit\?v=1&attachment=/);
  });

  it("a MIME family admits its members; an image type with no safe preview is a file", async () => {
    const { server } = setup();
    const avif = await json(server, {
      type: "attachments.create",
      params: { name: "a.avif", size: 1, mime_type: "image/avif" },
    });
    expect(avif.kind === "json" && avif.body).toMatchObject({ type: "file", mime_type: "image/avif" });
    const pdf = await json(server, {
      type: "attachments.create",
      params: { name: "a.pdf", size: 1, mime_type: "application/pdf" },
    });
    expect(pdf.kind === "error" && pdf.error.field).toBe("params.mime_type");
    const blank = await json(server, {
      type: "attachments.create",
      params: { name: " ", size: 1, mime_type: "text/plain" },
    });
    expect(blank.kind === "error" && blank.error.field).toBe("params.name");
  });

  it("saves a message's attachments with their thread, and respond gets them", async () => {
    const { server, store, messages } = setup();
    const a = await uploaded(server, "a.png");
    const b = await uploaded(server, "b.png");
    await stream(server, { type: "threads.create", params: { input: input([a.id, b.id]) } });
    expect(messages[0]?.attachments.map((attachment) => attachment.id)).toEqual([a.id, b.id]);
    const threadId = messages[0]?.thread_id ?? "";
    expect((await store.loadAttachment(a.id, alice)).attachment.thread_id).toBe(threadId);
    const saved = await store.loadItem(threadId, messages[0]?.id ?? "", alice);
    expect(saved.type === "user_message" && saved.attachments.map((x) => x.thread_id)).toEqual([
      threadId,
      threadId,
    ]);
  });

  it("refuses a message naming an unknown, pending or another user's attachment, naming its index; nothing is written", async () => {
    const { server, store } = setup();
    const good = await uploaded(server);
    const pending = await json(server, {
      type: "attachments.create",
      params: { name: "p.png", size: 3, mime_type: "image/png" },
    });
    const pendingId = pending.kind === "json" ? (pending.body as Attachment).id : "";
    const bobs = await uploaded(server, "bob.png", bob);
    const cases: [string[], number, string][] = [
      [[good.id, "atc_nope"], 404, "params.input.attachments[1]"],
      [[pendingId], 400, "params.input.attachments[0]"],
      [[good.id, good.id, bobs.id], 404, "params.input.attachments[2]"],
    ];
    for (const [ids, status, field] of cases) {
      const created = await stream(server, { type: "threads.create", params: { input: input(ids) } });
      expect(created.kind === "error" && [created.error.status, created.error.field]).toEqual([
        status,
        field,
      ]);
    }
    expect((await store.loadThreads({ limit: 10, order: "asc" }, alice)).data).toEqual([]);
    await stream(server, { type: "threads.create", params: { input: input([]) } });
    const [thread] = (await store.loadThreads({ limit: 10, order: "asc" }, alice)).data;
    const added = await stream(server, {
      type: "threads.add_user_message",
      params: { thread_id: thread?.id, input: input([pendingId]) },
    });
    expect(added.kind === "error" && added.error.field).toBe("params.input.attachments[0]");
    expect(
      (await store.loadThreadItems(thread?.id ?? "", { limit: 10, order: "asc" }, alice)).data,
    ).toHaveLength(1);
    expect((await store.loadAttachment(good.id, alice)).attachment.thread_id).toBeUndefined();
  });

  it("deletes metadata and bytes; an unknown or another user's id is a 404 naming params.attachment_id", async () => {
    const { server, store, bytes } = setup();
    const attachment = await uploaded(server);
    const bobs = await json(
      server,
      { type: "attachments.delete", params: { attachment_id: attachment.id } },
      bob,
    );
    expect(bobs.kind === "error" && [bobs.error.status, bobs.error.field]).toEqual([
      404,
      "params.attachment_id",
    ]);
    expect(bytes.bytes.has(attachment.id)).toBe(true);
    expect(
      await json(server, { type: "attachments.delete", params: { attachment_id: attachment.id } }),
    ).toEqual({
      kind: "json",
      body: {},
    });
    expect(bytes.bytes.has(attachment.id)).toBe(false);
    await expect(store.loadAttachment(attachment.id, alice)).rejects.toBeInstanceOf(StoreNotFoundError);
  });

  it("readAttachment reads the caller's uploaded bytes only", async () => {
    const { server } = setup();
    const attachment = await uploaded(server);
    await expect(server.attachments?.read(attachment.id, alice)).resolves.toEqual(new Uint8Array([1, 2, 3]));
    await expect(server.attachments?.read(attachment.id, bob)).rejects.toBeInstanceOf(StoreNotFoundError);
  });

  it("throws a TypeError naming the option for a misconfiguration", () => {
    const make = (attachments: object) => () => new ChatKitServer({ attachments: attachments as never });
    expect(make({ directory: "/tmp/x" })).toThrow(/attachments\.url/);
    expect(make({ url: "/chatkit" })).toThrow(/attachments\.directory/);
    expect(make({ url: "/chatkit", directory: "/tmp/x", secret: "short" })).toThrow(/attachments\.secret/);
    expect(make({ url: "/chatkit", directory: "/tmp/x", mimeTypes: ["Image/PNG"] })).toThrow(
      /attachments\.mimeTypes/,
    );
    expect(make({ url: "/chatkit", directory: "/tmp/x", maxBytes: 0 })).toThrow(/attachments\.maxBytes/);
  });
});

describe("ChatKitServer input.transcribe", () => {
  const request = (audio_base64: string) => ({
    type: "input.transcribe",
    params: { audio_base64, mime_type: "audio/webm;codecs=opus" },
  });

  it("is 501 without a transcribe option", async () => {
    const { server } = setup();
    const result = await json(server, request("AAEC"));
    expect(result.kind === "error" && [result.error.status, result.error.field]).toEqual([501, "type"]);
  });

  it("hands the decoded audio and its types to transcribe, and answers { text }", async () => {
    const heard: [AudioInput, User][] = [];
    const { server } = setup({
      transcribe: (audio, context) => {
        heard.push([audio, context]);
        return Promise.resolve({ text: "hello there" });
      },
    });
    expect(await json(server, request("AAEC/w=="))).toEqual({ kind: "json", body: { text: "hello there" } });
    expect(heard).toEqual([
      [
        {
          data: new Uint8Array([0, 1, 2, 255]),
          mime_type: "audio/webm;codecs=opus",
          media_type: "audio/webm",
        },
        alice,
      ],
    ]);
  });

  it("refuses audio that is not base64 with a 400 naming params.audio_base64", async () => {
    const { server } = setup({ transcribe: () => ({ text: "" }) });
    for (const audio of ["", "not base64!", "AAE"]) {
      const result = await json(server, request(audio));
      expect(result.kind === "error" && [result.error.status, result.error.field]).toEqual([
        400,
        "params.audio_base64",
      ]);
    }
  });
});
