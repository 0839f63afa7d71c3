/**
 * Attachments end to end over real HTTP, through both adapters (the fetch
 * adapter behind a minimal node:http bridge): create → upload → a message
 * carrying it → `respond` reads the exact bytes → preview → delete; and
 * every refusal leaves nothing written.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { EMPTY } from "rxjs";

import { ChatKitServer } from "../../../lib/server/ChatKitServer";
import { toFetchHandler, type FetchHandler } from "../../../lib/server/toFetchHandler";
import { toNodeHandler } from "../../../lib/server/toNodeHandler";
import { MemoryStore } from "../../../lib/stores/MemoryStore";
import type { Attachment, UserMessageItem } from "../../../lib/events/threadItems";
import { readEvents } from "../server/sse";

interface User {
  readonly user: string;
}

const TTL = 60_000;
const MAX = 1_000;
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3, 250, 251]);

/** A request body as a Web stream that, once cancelled, drains the rest quietly (as runtimes do). */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let open = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on("data", (chunk: Buffer) => open && controller.enqueue(new Uint8Array(chunk)));
      req.on("end", () => open && ((open = false), controller.close()));
      req.on("close", () => open && ((open = false), controller.error(new Error("client went away"))));
    },
    cancel() {
      open = false;
      req.resume();
    },
  });
}

/** Serves a fetch handler over node:http, as Hono or Bun would (the request body streamed, aborts passed on). */
function fetchBridge(handler: FetchHandler) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const left = new AbortController();
    res.on("close", () => left.abort());
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
      method: req.method ?? "GET",
      headers,
      body: hasBody ? bodyStream(req) : null,
      signal: left.signal,
      ...({ duplex: "half" } as object),
    });
    void handler(request).then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body !== null) for await (const chunk of response.body) res.write(chunk);
      res.end();
    });
  };
}

describe.each(["node", "fetch"] as const)("attachments over HTTP (%s adapter)", (adapter) => {
  let http: Server;
  let base: string;
  let directory: string;
  let now: number;
  let chatkit: ChatKitServer<User>;
  const read: { id: string; bytes: Uint8Array }[] = [];

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "chatkit-attachments-http-"));
    now = Date.UTC(2026, 0, 1);
    read.length = 0;
    const owner = (context: User) => context.user;
    chatkit = new ChatKitServer<User>({
      store: new MemoryStore<User>({ owner }),
      now: () => now,
      attachments: { url: "/chatkit", directory, owner, maxBytes: MAX, tokenTtlMs: TTL },
      async *respond(_thread, message, _context, options) {
        for (const attachment of message?.attachments ?? []) {
          read.push({ id: attachment.id, bytes: await options.readAttachment(attachment.id) });
        }
        yield { type: "notice", level: "info", message: `read ${read.length}` };
      },
    });
    const getContext = (user: string | null | undefined): User => ({ user: user ?? "alice" });
    http = createServer(
      adapter === "node"
        ? toNodeHandler(chatkit, (req) => getContext(req.headers["x-user"] as string | undefined))
        : fetchBridge(toFetchHandler(chatkit, (req) => getContext(req.headers.get("x-user")))),
    );
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
    await rm(directory, { recursive: true, force: true });
  });

  const post = (body: unknown, user = "alice") =>
    fetch(`${base}/chatkit`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-user": user },
      body: JSON.stringify(body),
    });

  async function create(params: { name: string; size: number; mime_type: string }, user = "alice") {
    const response = await post({ type: "attachments.create", params }, user);
    return {
      status: response.status,
      body: (await response.json()) as Attachment & { error?: { code: string } },
    };
  }

  const upload = (attachment: Attachment, bytes: Uint8Array, user = "alice", name = "file") => {
    const form = new FormData();
    form.set(name, new Blob([bytes], { type: attachment.mime_type }), attachment.name);
    return fetch(new URL(attachment.upload_descriptor?.url ?? "", base), {
      method: attachment.upload_descriptor?.method ?? "POST",
      headers: { "x-user": user },
      body: form,
    });
  };

  const files = async () => (await readdir(directory).catch(() => [])).sort();

  async function uploaded(bytes = PNG, user = "alice"): Promise<Attachment> {
    const { body: attachment } = await create(
      { name: "cat.png", size: bytes.byteLength, mime_type: "image/png" },
      user,
    );
    expect((await upload(attachment, bytes, user)).status).toBe(200);
    return attachment;
  }

  async function sendWith(ids: string[], user = "alice"): Promise<UserMessageItem> {
    const response = await post(
      {
        type: "threads.create",
        params: { input: { content: [{ type: "input_text", text: "look" }], attachments: ids } },
      },
      user,
    );
    expect(response.status).toBe(200);
    const events = await readEvents(response);
    const done = events.find(
      (event) => event.type === "thread.item.done" && event.item.type === "user_message",
    );
    if (done?.type !== "thread.item.done" || done.item.type !== "user_message")
      throw new Error("no user message");
    return done.item;
  }

  it("create → upload → message → respond reads the exact bytes → preview → delete removes the bytes", async () => {
    const { status, body: created } = await create({
      name: "cat.png",
      size: PNG.byteLength,
      mime_type: "image/png",
    });
    expect(status).toBe(200);
    expect(created).toMatchObject({
      type: "image",
      name: "cat.png",
      mime_type: "image/png",
      upload_descriptor: {
        method: "POST",
        headers: {},
        url: expect.stringMatching(/^\/chatkit\?attachment=/),
      },
      preview_url: expect.stringMatching(/^\/chatkit\?attachment=/),
    });

    const answer = await upload(created, PNG);
    expect(answer.status).toBe(200);
    const afterUpload = (await answer.json()) as Attachment;
    expect(afterUpload.id).toBe(created.id);
    expect(afterUpload.upload_descriptor).toBeUndefined();
    expect(await files()).toEqual([created.id]);

    const message = await sendWith([created.id]);
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]).toMatchObject({
      id: created.id,
      thread_id: message.thread_id,
      type: "image",
    });
    expect(read).toEqual([{ id: created.id, bytes: PNG }]);

    const preview = message.attachments[0]?.type === "image" ? message.attachments[0].preview_url : "";
    const shown = await fetch(new URL(preview, base));
    expect(shown.status).toBe(200);
    expect(shown.headers.get("content-type")).toBe("image/png");
    expect(shown.headers.get("x-content-type-options")).toBe("nosniff");
    expect(new Uint8Array(await shown.arrayBuffer())).toEqual(PNG);
    const head = await fetch(new URL(preview, base), { method: "HEAD" });
    expect([head.status, head.headers.get("content-length")]).toEqual([200, String(PNG.byteLength)]);

    // A reload gets the message with a preview URL signed now, not the stored one.
    now += TTL / 2;
    const loaded = await (
      await post({ type: "threads.get_by_id", params: { thread_id: message.thread_id } })
    ).json();
    const reloaded = (loaded as { items: { data: UserMessageItem[] } }).items.data[0]?.attachments[0];
    expect(reloaded?.type === "image" && reloaded.preview_url).not.toBe(preview);
    now += TTL;
    const fresh = reloaded?.type === "image" ? reloaded.preview_url : "";
    expect((await fetch(new URL(fresh, base))).status).toBe(200);
    expect((await fetch(new URL(preview, base))).status).toBe(403);

    expect((await post({ type: "attachments.delete", params: { attachment_id: created.id } })).status).toBe(
      200,
    );
    expect(await files()).toEqual([]);
    expect((await fetch(new URL(fresh, base))).status).toBe(404);
    await expect(chatkit.attachments?.read(created.id, { user: "alice" })).rejects.toMatchObject({
      entity: "attachment",
    });
  });

  it("accepts a raw PUT as well as the web component's multipart POST", async () => {
    const { body: created } = await create({
      name: "notes.txt",
      size: 5,
      mime_type: "text/plain; charset=utf-8",
    });
    expect(created).toMatchObject({ type: "file", mime_type: "text/plain" });
    const put = await fetch(new URL(created.upload_descriptor?.url ?? "", base), {
      method: "PUT",
      headers: { "x-user": "alice", "content-type": "application/octet-stream" },
      body: new TextEncoder().encode("hello"),
    });
    expect(put.status).toBe(200);
    await sendWith([created.id]);
    expect(new TextDecoder().decode(read[0]?.bytes)).toBe("hello");
  });

  it("refuses a MIME type not allowed, and a size past the limit, at create, naming the field; nothing is written", async () => {
    const svg = await create({ name: "x.svg", size: 10, mime_type: "image/svg+xml" });
    expect(svg.status).toBe(400);
    expect(svg.body.error).toMatchObject({
      code: "invalid_request",
      issues: [{ field: "params.mime_type" }],
    });
    const big = await create({ name: "big.png", size: MAX + 1, mime_type: "image/png" });
    expect(big.status).toBe(413);
    expect(big.body.error).toMatchObject({ code: "payload_too_large", issues: [{ field: "params.size" }] });
    expect(await files()).toEqual([]);
  });

  it("refuses an upload larger than declared with 413; nothing is written and the attachment stays unusable", async () => {
    const { body: created } = await create({ name: "cat.png", size: 4, mime_type: "image/png" });
    const answer = await upload(created, PNG);
    expect(answer.status).toBe(413);
    expect(await files()).toEqual([]);
    const response = await post({
      type: "threads.create",
      params: { input: { content: [{ type: "input_text", text: "x" }], attachments: [created.id] } },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { issues: [{ field: "params.input.attachments[0]" }] },
    });
  });

  it("refuses an expired or tampered upload URL with 403, writing nothing", async () => {
    const { body: created } = await create({ name: "cat.png", size: PNG.byteLength, mime_type: "image/png" });
    const url = created.upload_descriptor?.url ?? "";
    const tampered = {
      ...created,
      upload_descriptor: { url: `${url.slice(0, -2)}xx`, method: "POST" as const, headers: {} },
    };
    expect((await upload(tampered, PNG)).status).toBe(403);
    now += TTL + 1;
    const expired = await upload(created, PNG);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toMatchObject({
      error: { code: "invalid_token", message: expect.stringMatching(/expired/) },
    });
    expect(await files()).toEqual([]);
  });

  it("another user's attachment does not exist for them: upload, preview, message and delete are refused", async () => {
    const { body: pending } = await create({ name: "cat.png", size: PNG.byteLength, mime_type: "image/png" });
    expect((await upload(pending, PNG, "bob")).status).toBe(404);
    expect(await files()).toEqual([]);
    const alices = await uploaded();
    const preview = alices.type === "image" ? alices.preview_url : "";
    expect((await fetch(new URL(preview, base), { headers: { "x-user": "bob" } })).status).toBe(404);
    const message = await post(
      {
        type: "threads.create",
        params: { input: { content: [{ type: "input_text", text: "x" }], attachments: [alices.id] } },
      },
      "bob",
    );
    expect(message.status).toBe(404);
    expect(await message.json()).toMatchObject({
      error: { issues: [{ field: "params.input.attachments[0]" }] },
    });
    const deleted = await post({ type: "attachments.delete", params: { attachment_id: alices.id } }, "bob");
    expect(deleted.status).toBe(404);
    expect(await files()).toEqual([alices.id]);
    const bobsThreads: unknown = await (await post({ type: "threads.list", params: {} }, "bob")).json();
    expect(bobsThreads).toMatchObject({ data: [] });
  });

  it("a half upload, aborted by the client, leaves nothing behind", async () => {
    const { body: created } = await create({ name: "notes.txt", size: 500, mime_type: "text/plain" });
    const url = new URL(created.upload_descriptor?.url ?? "", base);
    await new Promise<void>((resolve) => {
      const req = httpRequest(url, {
        method: "PUT",
        headers: { "x-user": "alice", "content-length": "500" },
      });
      req.on("error", () => resolve());
      req.write(new Uint8Array(250), () => setTimeout(() => req.destroy(), 50));
      req.on("close", () => resolve());
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await files()).toEqual([]);
    expect((await chatkit.store.loadAttachment(created.id, { user: "alice" })).uploaded).toBe(false);
    // The attachment is still waiting for its bytes: a complete upload now succeeds.
    const complete = await fetch(url, {
      method: "PUT",
      headers: { "x-user": "alice" },
      body: new Uint8Array(500).fill(1),
    });
    expect(complete.status).toBe(200);
    expect(await files()).toEqual([created.id]);
  });

  it("refuses a second upload of the same attachment with 409", async () => {
    const { body: created } = await create({ name: "cat.png", size: PNG.byteLength, mime_type: "image/png" });
    expect((await upload(created, PNG)).status).toBe(200);
    const twice = await upload(created, PNG);
    expect(twice.status).toBe(409);
    expect(await twice.json()).toMatchObject({ error: { code: "already_uploaded" } });
  });

  it("a multipart upload without a `file` field is a 400 naming it", async () => {
    const { body: created } = await create({ name: "cat.png", size: PNG.byteLength, mime_type: "image/png" });
    const answer = await upload(created, PNG, "alice", "document");
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: { issues: [{ field: "file" }] } });
    expect(await files()).toEqual([]);
  });
});

describe("an attachment URL on a server without attachments", () => {
  it("is a 501, and the ChatKit endpoint works as before", async () => {
    const chatkit = new ChatKitServer({ respond: () => EMPTY });
    const http = createServer(toNodeHandler(chatkit));
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      const preview = await fetch(`${base}/chatkit?attachment=abc.def`);
      expect(preview.status).toBe(501);
      expect(await preview.json()).toMatchObject({ error: { code: "not_supported" } });
      const list = await fetch(`${base}/chatkit`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "threads.list", params: {} }),
      });
      expect(list.status).toBe(200);
    } finally {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    }
  });
});
