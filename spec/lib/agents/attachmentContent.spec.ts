import { Agent, OpenAIProvider, Runner } from "@openai/agents";

import { attachmentContent } from "../../../lib/agents/attachmentContent";
import { ThreadItemConverter } from "../../../lib/agents/ThreadItemConverter";
import type { Attachment, ThreadItem } from "../../../lib/events/threadItems";
import { startFakeResponsesApi } from "../../helpers/fakeResponsesApi";

const image: Attachment = {
  type: "image",
  id: "a1",
  name: "cat.png",
  mime_type: "image/png",
  preview_url: "/p",
};
const pdf: Attachment = { type: "file", id: "a2", name: "report.pdf", mime_type: "application/pdf" };
const BYTES: Record<string, Uint8Array> = {
  a1: new Uint8Array([1, 2, 3]),
  a2: new TextEncoder().encode("%PDF-1"),
};

const message: ThreadItem = {
  type: "user_message",
  id: "m",
  thread_id: "t",
  created_at: "2025-01-01T00:00:00.000Z",
  content: [{ type: "input_text", text: "see" }],
  attachments: [image, pdf],
  inference_options: {},
};

describe("attachmentContent and ThreadItemConverter({ readAttachment })", () => {
  it("sends an image as input_image and a file as input_file, both inline as data URLs", () => {
    expect(attachmentContent(image, BYTES["a1"] ?? new Uint8Array())).toEqual({
      type: "input_image",
      image: "data:image/png;base64,AQID",
      detail: "auto",
    });
    expect(attachmentContent(pdf, BYTES["a2"] ?? new Uint8Array())).toEqual({
      type: "input_file",
      file: "data:application/pdf;base64,JVBERi0x",
      filename: "report.pdf",
    });
  });

  it("reads each attachment's bytes through readAttachment", async () => {
    const asked: string[] = [];
    const converter = new ThreadItemConverter({
      readAttachment: (attachment) => {
        asked.push(attachment.id);
        return Promise.resolve(BYTES[attachment.id] ?? new Uint8Array());
      },
    });
    expect(await converter.toAgentInput([message])).toEqual([
      {
        role: "user",
        content: [
          { type: "input_text", text: "see" },
          attachmentContent(image, BYTES["a1"] ?? new Uint8Array()),
          attachmentContent(pdf, BYTES["a2"] ?? new Uint8Array()),
        ],
      },
    ]);
    expect(asked).toEqual(["a1", "a2"]);
  });

  it("the Responses API receives the image as image_url and the file as file_data with its name", async () => {
    const api = await startFakeResponsesApi(() => ({ text: ["ok"] }));
    try {
      const converter = new ThreadItemConverter({
        readAttachment: (attachment) => Promise.resolve(BYTES[attachment.id] ?? new Uint8Array()),
      });
      const runner = new Runner({
        modelProvider: new OpenAIProvider({ apiKey: "sk-test", baseURL: api.baseURL, useResponses: true }),
        tracingDisabled: true,
      });
      // The fake answers streaming requests, as the server's agents glue makes them.
      const result = await runner.run(
        new Agent({ name: "a", model: "gpt-test" }),
        await converter.toAgentInput([message]),
        { stream: true },
      );
      for await (const event of result) void event;
      await result.completed;
      expect(result.finalOutput).toBe("ok");
      const sent = JSON.stringify(api.requests[0]?.body.input);
      expect(sent).toContain('"image_url":"data:image/png;base64,AQID"');
      expect(sent).toContain('"file_data":"data:application/pdf;base64,JVBERi0x"');
      expect(sent).toContain('"filename":"report.pdf"');
    } finally {
      await api.close();
    }
  });
});
