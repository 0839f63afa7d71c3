import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { startDemoServer } from "../../examples/server/demoServer";
import type { Attachment } from "../../lib/events/threadItems";
import { readEvents } from "../lib/server/sse";

describe("the demo server takes attachments", () => {
  let directory: string;
  let demo: Awaited<ReturnType<typeof startDemoServer>>;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "chatkit-demo-attachments-"));
    demo = await startDemoServer({ port: 0, tokenDelayMs: 1, attachmentsDirectory: directory });
  });
  afterAll(async () => {
    await demo.close();
    await rm(directory, { recursive: true, force: true });
  });

  const post = (body: unknown) =>
    fetch(demo.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-user-id": "ada" },
      body: JSON.stringify(body),
    });

  it("uploads a file to its directory and the scripted reply says what it read", async () => {
    const text = new TextEncoder().encode("twelve bytes");
    const created = (await (
      await post({
        type: "attachments.create",
        params: { name: "notes.txt", size: text.byteLength, mime_type: "text/plain" },
      })
    ).json()) as Attachment;
    const form = new FormData();
    form.set("file", new Blob([text]), "notes.txt");
    const uploaded = await fetch(new URL(created.upload_descriptor?.url ?? "", demo.url), {
      method: "POST",
      headers: { "x-user-id": "ada" },
      body: form,
    });
    expect(uploaded.status).toBe(200);
    expect(await readdir(directory)).toEqual([created.id]);
    const events = await readEvents(
      await post({
        type: "threads.create",
        params: {
          input: { content: [{ type: "input_text", text: "read this" }], attachments: [created.id] },
        },
      }),
    );
    expect(JSON.stringify(events)).toContain("You attached notes.txt (12 bytes).");
  });
});
