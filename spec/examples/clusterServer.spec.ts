/**
 * examples/server/clusterServer.ts as a process, over real HTTP: two
 * workers on one port and one PostgreSQL server. A thread created through
 * one worker streams its replies through both (each answer names its
 * worker in `x-served-by`) and continues across them; a worker killed
 * outright is replaced; SIGTERM lets a stream in flight finish, then stops every process. Two processes cannot
 * share a PGlite, so without DATABASE_URL the cluster suite says it did not
 * run (the refusal runs anyway).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

import type { ThreadStreamEvent } from "../../lib/events/threadEvents";
import type { ThreadItem } from "../../lib/events/threadItems";
import { parseFrame } from "../lib/server/sse";
import { onPostgresServer } from "../helpers/postgresEngines";
import { input } from "../helpers/userInput";

const root = join(__dirname, "../..");
const script = join(root, "examples/server/clusterServer.ts");

interface Cluster {
  readonly child: ChildProcess;
  readonly url: Promise<string>;
  /** The pids of the workers that said they listen, in order. */
  readonly listening: number[];
  stderr(): string;
}

function startCluster(env: Record<string, string>): Cluster {
  const child = spawn(process.execPath, ["--import", pathToFileURL(require.resolve("tsx")).href, script], {
    cwd: root,
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const listening: number[] = [];
  const url = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      const worker = /^worker (\d+) listening /.exec(line);
      if (worker !== null) listening.push(Number(worker[1]));
      const primary = /^primary \d+: \d+ workers on (\S+)$/.exec(line);
      if (primary?.[1] !== undefined) resolve(primary[1]);
    });
    child.once("exit", (code) =>
      reject(new Error(`cluster exited (${String(code)}) before listening: ${stderr}`)),
    );
  });
  return { child, url, listening, stderr: () => stderr };
}

interface Answer {
  readonly status: number;
  /** The worker that answered (`x-served-by`). */
  readonly pid: number;
  readonly body: string;
}

/** A POST on a new connection each time (no keep-alive), so the primary hands each one to the next worker. */
function post(url: string, body: unknown, onData: (text: string) => void = () => undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", agent: false, headers: { "content-type": "application/json", "x-user-id": "ada" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => onData((text += chunk)));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, pid: Number(res.headers["x-served-by"]), body: text }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

const events = (answer: Answer): ThreadStreamEvent[] =>
  answer.body
    .split("\n\n")
    .filter((frame) => frame !== "")
    .map(parseFrame);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until<T>(what: string, attempt: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await attempt();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("examples/server/clusterServer", () => {
  it("refuses to start without DATABASE_URL, naming it", async () => {
    const { child, url, stderr } = startCluster({ DATABASE_URL: "" });
    await expect(url).rejects.toThrow("cluster exited (1) before listening");
    expect(stderr()).toContain("clusterServer: DATABASE_URL must be set");
    expect(child.exitCode).toBe(1);
  }, 60_000);
});

function clusterOn(databaseUrl: string): void {
  describe("examples/server/clusterServer on two workers and one PostgreSQL server", () => {
    let cluster: Cluster;
    let url: string;

    beforeAll(async () => {
      cluster = startCluster({ DATABASE_URL: databaseUrl, WORKERS: "2", TOKEN_DELAY_MS: "20" });
      url = await cluster.url;
      // The workers' lines and the primary's come through one pipe from three processes, in any order.
      await until("both workers' lines", () => (cluster.listening.length === 2 ? true : undefined));
    }, 120_000);

    afterAll(() => {
      if (cluster.child.exitCode === null) cluster.child.kill("SIGKILL");
      for (const pid of cluster.listening) if (alive(pid)) process.kill(pid, "SIGKILL");
    });

    const items = async (threadId: string): Promise<ThreadItem[]> => {
      const answer = await post(url, {
        type: "items.list",
        params: { thread_id: threadId, limit: 100, order: "asc" },
      });
      return (JSON.parse(answer.body) as { data: ThreadItem[] }).data;
    };

    const say = async (threadId: string, text: string): Promise<Answer> => {
      const answer = await post(url, {
        type: "threads.add_user_message",
        params: { thread_id: threadId, input: input(text) },
      });
      expect(answer.status).toBe(200);
      expect(events(answer).filter((event) => event.type === "error")).toEqual([]);
      expect(events(answer).filter((event) => event.type === "thread.item.done").length).toBeGreaterThan(0);
      return answer;
    };

    it("streams one thread's replies through both workers and continues it across them; a killed worker is replaced; SIGTERM lets the stream in flight finish, then stops all", async () => {
      expect(cluster.listening).toHaveLength(2);
      const created = await post(url, { type: "threads.create", params: { input: input("hello") } });
      const threadId = (events(created)[0] as Extract<ThreadStreamEvent, { type: "thread.created" }>).thread
        .id;

      // Connections go to the workers in turn: four replies, two per worker, one thread.
      const replies = [];
      for (let turn = 1; turn <= 4; turn++) replies.push(await say(threadId, `turn ${turn}`));
      const servedBy = new Set([created, ...replies].map((answer) => answer.pid));
      expect([...servedBy].sort()).toEqual([...cluster.listening].sort());
      const saved = await items(threadId);
      expect(saved.filter((item) => item.type === "user_message")).toHaveLength(5);
      // Each turn: the user message, the streamed channel message, the reactions card.
      expect(saved.map((item) => item.type)).toEqual(
        Array.from({ length: 5 }, () => ["user_message", "widget", "widget"]).flat(),
      );

      // A worker killed outright is replaced, and the thread goes on through the new one.
      const [victim, survivor] = cluster.listening as [number, number];
      process.kill(victim, "SIGKILL");
      const replacement = await until("a new worker", () =>
        cluster.listening.find((pid) => pid !== victim && pid !== survivor),
      );
      expect(cluster.stderr()).toMatch(
        new RegExp(`worker ${victim} exited \\(SIGKILL\\); a new one starts in \\d+ ms`),
      );
      const after = [];
      for (let turn = 5; turn <= 8; turn++) after.push(await say(threadId, `turn ${turn}`));
      expect(new Set(after.map((answer) => answer.pid))).toEqual(new Set([survivor, replacement]));
      expect((await items(threadId)).filter((item) => item.type === "user_message")).toHaveLength(9);

      // SIGTERM mid-stream: the stream in flight finishes, every worker stops, then the primary exits cleanly.
      const exited = new Promise<number | null>((resolve) =>
        cluster.child.once("exit", (code) => resolve(code)),
      );
      let signalled = false;
      const last = await post(
        url,
        { type: "threads.add_user_message", params: { thread_id: threadId, input: input("the last turn") } },
        (text) => {
          if (!signalled && text.includes('"thread.item.updated"')) {
            signalled = true;
            cluster.child.kill("SIGTERM");
          }
        },
      );
      expect(signalled).toBe(true);
      expect(events(last).filter((event) => event.type === "error")).toEqual([]);
      // The whole reply arrived: the user message, the finished channel message and the reactions card.
      const done = events(last).flatMap((event) => (event.type === "thread.item.done" ? [event.item] : []));
      expect(done.map((item) => item.type)).toEqual(["user_message", "widget", "widget"]);
      expect(done[1]).toMatchObject({
        copy_text: 'You said: "the last turn". Scripted reply, token by token.',
      });
      expect(await exited).toBe(0);
      expect(cluster.stderr()).toContain("serveOnAllCores: SIGTERM: stopping 2 workers");
      expect([survivor, replacement].filter(alive)).toEqual([]);
    }, 120_000);
  });
}

onPostgresServer("examples/server/clusterServer on two workers", clusterOn, "workers cannot share a PGlite");
