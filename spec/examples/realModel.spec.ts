import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { ThreadStreamEvent } from "../../lib/events/threadEvents";
import type { WidgetItem } from "../../lib/events/threadItems";
import { startFakeResponsesApi, type FakeReply, type RecordedRequest } from "../helpers/fakeResponsesApi";
import { readEvents } from "../lib/server/sse";

const root = join(__dirname, "..", "..");

/** Starts `npm start`'s program as a user would, with the environment given; resolves with its ChatKit URL. */
function startDemo(env: NodeJS.ProcessEnv): Promise<{ url: string; banner: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [join(root, "node_modules/tsx/dist/cli.mjs"), "examples/server/demoServer.ts"],
    {
      cwd: root,
      // Its PGlite data directory is a fresh one, not the repository's .data/.
      env: {
        ...process.env,
        PORT: "0",
        CHATKIT_DATA_DIR: mkdtempSync(join(tmpdir(), "chatkit-demo-")),
        DATABASE_URL: "",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const page = /open (http:\/\/\S+\/) \(/.exec(output)?.[1];
      if (page !== undefined) resolve({ url: `${page}chatkit`, banner: output, child });
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`the demo exited (${code}) before listening:\n${output}`)));
  });
}

/** `threads.create` with one text message, over HTTP; resolves with every event of the answer. */
async function createThread(url: string, text: string): Promise<ThreadStreamEvent[]> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      type: "threads.create",
      params: { input: { content: [{ type: "input_text", text }], attachments: [], inference_options: {} } },
    }),
  });
  return readEvents(response);
}

const hasFunctionOutput = (request: RecordedRequest) =>
  JSON.stringify(request.body.input).includes("function_call_output");

/** The fake model: the assistant calls the draft tool, the writer writes, the assistant sums up. */
function script(request: RecordedRequest): FakeReply {
  if (request.body.instructions?.includes("channel message to Harry")) {
    return { text: ["Dear ", "Harry, ", "Quidditch ", "is on!"] };
  }
  if (hasFunctionOutput(request)) return { text: ["I drafted ", "it."] };
  return { call: { name: "draft_message_to_harry", arguments: { topic: "Quidditch" } } };
}

// Each case starts the demo as its own process, PGlite included: slow on a loaded machine.
jest.setTimeout(120_000);

describe("npm start with OPENAI_API_KEY: the seed's agent on the real openai client, against a fake Responses API", () => {
  it("streams the drafted card and the assistant's answer, with the tool's output fed back to the model", async () => {
    const api = await startFakeResponsesApi(script);
    const demo = await startDemo({
      OPENAI_API_KEY: "sk-test-key",
      OPENAI_BASE_URL: api.baseURL,
      OPENAI_AGENTS_DISABLE_TRACING: "1",
    });
    try {
      expect(demo.banner).toContain("the OpenAI agent answers");
      const events: ThreadStreamEvent[] = await createThread(
        demo.url,
        "Draft a message to Harry about Quidditch",
      );
      const done = events.flatMap((event) => (event.type === "thread.item.done" ? [event.item] : []));
      const card = done.find((item): item is WidgetItem => item.type === "widget");
      expect(JSON.stringify(card?.widget)).toContain('"value":"Dear Harry, Quidditch is on!"');
      const answer = done.find((item) => item.type === "assistant_message");
      expect(answer?.type === "assistant_message" && answer.content.map((part) => part.text).join("")).toBe(
        "I drafted it.",
      );
      expect(events.some((event) => event.type === "error")).toBe(false);

      expect(api.requests).toHaveLength(3);
      expect(api.requests.every((request) => request.authorization === "Bearer sk-test-key")).toBe(true);
      expect(api.requests.every((request) => request.body.stream === true)).toBe(true);
      expect(api.requests[0]!.body.tools?.map((tool) => tool.name).sort()).toEqual([
        "draft_message_to_harry",
        "sample_widget",
      ]);
      expect(JSON.stringify(api.requests[0]!.body.input)).toContain(
        "Draft a message to Harry about Quidditch",
      );
      expect(JSON.stringify(api.requests[1]!.body.input)).toContain("Topic: Quidditch");
      expect(JSON.stringify(api.requests[2]!.body.input)).toContain("Drafted: Dear Harry, Quidditch is on!");
    } finally {
      demo.child.kill();
      await api.close();
    }
  });

  it("without a key, the scripted model answers and nothing is sent to any API", async () => {
    const api = await startFakeResponsesApi(script);
    const demo = await startDemo({ OPENAI_API_KEY: "", OPENAI_BASE_URL: api.baseURL });
    try {
      expect(demo.banner).toContain("the scripted model answers");
      const events = await createThread(demo.url, "Hi");
      expect(events.filter((event) => event.type === "thread.item.done")).toHaveLength(3);
      expect(api.requests).toHaveLength(0);
    } finally {
      demo.child.kill();
      await api.close();
    }
  });
});
