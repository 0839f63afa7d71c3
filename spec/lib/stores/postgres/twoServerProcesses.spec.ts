/**
 * Two demo server processes on one PostgreSQL server, over real HTTP: what
 * one process writes the other lists, reads and continues, and a thread's
 * requests are serialised across the processes by the store's leases
 * (`PostgresThreadLocks`), so two replies on one thread never interleave.
 * Only a PostgreSQL server can be shared by two processes (PGlite cannot),
 * so without DATABASE_URL this suite says it did not run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

import type { ThreadStreamEvent } from "../../../../lib/events/threadEvents";
import type { ThreadItem } from "../../../../lib/events/threadItems";
import { readEvents } from "../../server/sse";
import { onPostgresServer } from "../../../helpers/postgresEngines";
import { input } from "../../../helpers/userInput";

const root = join(__dirname, "../../../..");
const tsx = join(root, "node_modules/tsx/dist/cli.mjs");
const script = join(root, "spec/helpers/demoServerProcess.ts");

interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
}

/** Starts one demo process; resolves with its URL once it prints `listening <url>`. */
function startProcess(env: Record<string, string>): { child: ChildProcess; ready: Promise<ServerProcess> } {
  const child = spawn(process.execPath, [tsx, script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<ServerProcess>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      const match = /^listening (\S+)$/.exec(line);
      if (match?.[1] !== undefined) resolve({ url: match[1], child });
    });
    child.once("exit", (code) =>
      reject(new Error(`demo process exited (${String(code)}) before listening: ${stderr}`)),
    );
  });
  return { child, ready };
}

function post(url: string, body: unknown, user = "alice"): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-user-id": user },
    body: JSON.stringify(body),
  });
}

/** The message widget's text (the scripted reply names the user message it answers). */
function replyText(item: ThreadItem): string | undefined {
  if (item.type !== "widget") return undefined;
  // jsonb reorders keys, so find the node by walking the tree rather than matching its JSON.
  const find = (node: unknown): string | undefined => {
    if (typeof node !== "object" || node === null) return undefined;
    const record = node as { id?: unknown; value?: unknown; children?: unknown };
    if (record.id === "message" && typeof record.value === "string") return record.value;
    return Array.isArray(record.children)
      ? record.children.map(find).find((text) => text !== undefined)
      : undefined;
  };
  return find(item.widget);
}

function twoProcessesOn(databaseUrl: string): void {
  describe("two demo server processes on one PostgreSQL server, over HTTP", () => {
    const children: ChildProcess[] = [];
    let patient: ServerProcess; // waits up to 30 s for a busy thread
    let hasty: ServerProcess; // gives up after 150 ms

    beforeAll(async () => {
      const env = { DATABASE_URL: databaseUrl, TOKEN_DELAY_MS: "40" };
      const one = startProcess(env);
      const two = startProcess({ ...env, THREAD_BUSY_WAIT_MS: "150" });
      children.push(one.child, two.child);
      [patient, hasty] = await Promise.all([one.ready, two.ready]);
    }, 120_000);

    afterAll(async () => {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once("exit", () => resolve());
              child.kill("SIGTERM");
            }),
        ),
      );
    });

    const items = async (url: string, threadId: string): Promise<ThreadItem[]> => {
      const response = await post(url, {
        type: "items.list",
        params: { thread_id: threadId, limit: 100, order: "asc" },
      });
      return ((await response.json()) as { data: ThreadItem[] }).data;
    };

    const createThread = async (url: string, text: string): Promise<string> => {
      const events = await readEvents(
        await post(url, { type: "threads.create", params: { input: input(text) } }),
      );
      return (events[0] as Extract<ThreadStreamEvent, { type: "thread.created" }>).thread.id;
    };

    it("a thread created through one process is listed, read and continued through the other", async () => {
      const threadId = await createThread(patient.url, "made on one");
      const listed = await post(hasty.url, { type: "threads.list", params: { limit: 100, order: "desc" } });
      expect(((await listed.json()) as { data: { id: string }[] }).data.map((thread) => thread.id)).toContain(
        threadId,
      );
      const read = await post(hasty.url, { type: "threads.get_by_id", params: { thread_id: threadId } });
      expect(((await read.json()) as { id: string }).id).toBe(threadId);
      expect(await items(hasty.url, threadId)).toEqual(await items(patient.url, threadId));

      const continued = await readEvents(
        await post(hasty.url, {
          type: "threads.add_user_message",
          params: { thread_id: threadId, input: input("continued on the other") },
        }),
      );
      expect(continued.filter((event) => event.type === "error")).toEqual([]);
      const saved = await items(patient.url, threadId);
      expect(saved.map((item) => item.type)).toEqual([
        "user_message",
        "widget",
        "widget",
        "user_message",
        "widget",
        "widget",
      ]);
      expect(replyText(saved[4]!)).toBe(
        'You said: "continued on the other". Scripted reply, token by token.',
      );
      // Another user still sees none of it, on either process.
      const bobs = await post(
        hasty.url,
        { type: "threads.get_by_id", params: { thread_id: threadId } },
        "bob",
      );
      expect(bobs.status).toBe(404);
    });

    /** Starts a reply through `first`; once it streams, sends a second request on the thread through `second`. */
    const overlap = async (first: ServerProcess, second: ServerProcess) => {
      const threadId = await createThread(first.url, "start");
      const arrivals: { reply: "first" | "second"; event: ThreadStreamEvent }[] = [];
      let streaming!: () => void;
      const firstStreams = new Promise<void>((resolve) => (streaming = resolve));
      const firstReply = post(first.url, {
        type: "threads.add_user_message",
        params: { thread_id: threadId, input: input("first") },
      }).then((response) =>
        readEvents(response, (event) => {
          arrivals.push({ reply: "first", event });
          if (event.type === "thread.item.updated") streaming();
        }),
      );
      await firstStreams;
      const secondReply = readEvents(
        await post(second.url, {
          type: "threads.add_user_message",
          params: { thread_id: threadId, input: input("second") },
        }),
        (event) => void arrivals.push({ reply: "second", event }),
      );
      await Promise.all([firstReply, secondReply]);
      return { threadId, arrivals };
    };

    it("a second request on a streaming thread, sent to the other process, waits until the first reply ends", async () => {
      const { threadId, arrivals } = await overlap(hasty, patient);
      const order = arrivals.map((arrival) => arrival.reply);
      const firstCount = order.filter((reply) => reply === "first").length;
      // Every event of the first reply arrived before any of the second's: no interleaving.
      expect(order).toEqual([
        ...Array<string>(firstCount).fill("first"),
        ...Array<string>(order.length - firstCount).fill("second"),
      ]);
      expect(arrivals.filter((arrival) => arrival.event.type === "error")).toEqual([]);
      const saved = await items(hasty.url, threadId);
      expect(saved.map((item) => item.type)).toEqual([
        ...["user_message", "widget", "widget"],
        ...["user_message", "widget", "widget"],
        ...["user_message", "widget", "widget"],
      ]);
      expect(saved.map(replyText).filter((text) => text !== undefined)).toEqual([
        'You said: "start". Scripted reply, token by token.',
        'You said: "first". Scripted reply, token by token.',
        'You said: "second". Scripted reply, token by token.',
      ]);
    });

    it("a process that waits only 150 ms answers the second request with the busy error and writes nothing", async () => {
      const { threadId, arrivals } = await overlap(patient, hasty);
      const second = arrivals.filter((arrival) => arrival.reply === "second").map((arrival) => arrival.event);
      expect(second).toEqual([
        {
          type: "error",
          code: "custom",
          message: "This conversation is still busy with another request. Try again when it has finished.",
          allow_retry: true,
        },
      ]);
      expect(
        arrivals.filter((arrival) => arrival.reply === "first").some((a) => a.event.type === "error"),
      ).toBe(false);
      const saved = await items(patient.url, threadId);
      expect(saved.map(replyText).filter((text) => text !== undefined)).toEqual([
        'You said: "start". Scripted reply, token by token.',
        'You said: "first". Scripted reply, token by token.',
      ]);
      expect(saved.filter((item) => item.type === "user_message")).toHaveLength(2);
    });
  });
}

describe("the demo server process script", () => {
  it("refuses to start without DATABASE_URL, naming it", async () => {
    const { child, ready } = startProcess({ DATABASE_URL: "" });
    try {
      await expect(ready).rejects.toThrow("demoServerProcess: DATABASE_URL must be set");
    } finally {
      if (child.exitCode === null) child.kill("SIGTERM");
    }
  }, 60_000);
});

onPostgresServer(
  "two demo server processes on one PostgreSQL server",
  twoProcessesOn,
  "two processes cannot share a PGlite",
);
