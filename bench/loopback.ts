/**
 * What the loopback workloads (many streams, slow reader) share: a real
 * `toNodeHandler` server on 127.0.0.1, clients in a child process (so the
 * server's CPU is measured on its own), a clock both processes read, and
 * the client side of SSE (frames in, widget rebuilt with `applyThreadEvent`).
 */
import { fork, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

import type { ThreadStreamEvent } from "../lib/events/threadEvents";
import type { ThreadItem, WidgetItem } from "../lib/events/threadItems";
import { applyThreadEvent } from "../lib/reducer/applyThreadEvent";
import type { ChatKitServer } from "../lib/server/ChatKitServer";
import { toNodeHandler } from "../lib/server/toNodeHandler";
import { findComponent, type WidgetNode } from "../lib/widgetTree";
import type { WidgetRoot } from "../widgets/components";

/** Epoch milliseconds with sub-millisecond resolution: comparable between the server and the client process. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The `p`-th percentile (0..100) of ascending `sorted`, nearest rank. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** A ChatKit request that starts a thread with `text` as the user message. */
export function createThreadBody(text: string): string {
  const input = { content: [{ type: "input_text", text }], attachments: [], inference_options: {} };
  return JSON.stringify({ type: "threads.create", params: { input } });
}

/** The user message's text, as `respond` receives it. */
export function userText(message: { content: readonly { type: string; text?: string }[] } | null): string {
  return message?.content.map((part) => part.text ?? "").join("") ?? "";
}

/** `server` behind `toNodeHandler` on 127.0.0.1, on a free port. */
export async function listen(server: ChatKitServer<undefined>): Promise<{ http: Server; port: number }> {
  const http = createServer(toNodeHandler(server, () => undefined));
  await new Promise<void>((resolve) => http.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, resolve));
  return { http, port: (http.address() as AddressInfo).port };
}

export async function close(http: Server): Promise<void> {
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
}

/**
 * Runs `script` (a bench client, TypeScript run by tsx) in a child
 * process, with `args`. Once it has loaded (it sends `"ready"`), calls
 * `onStart` and sends it `request`; resolves with its one reply. So the
 * client's start-up is not in the server's figures.
 */
export function runClient<TRequest, TReply>(
  script: string,
  request: TRequest,
  onStart: () => void,
  args: readonly string[] = [],
): Promise<TReply> {
  return new Promise((resolve, reject) => {
    const child = forkBenchScript(script, process.env, args);
    let reply: { ok: TReply } | undefined;
    child.on("message", (message) => {
      if (message === "ready") {
        onStart();
        child.send(request as object);
        return;
      }
      reply = { ok: message as TReply };
      child.disconnect();
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (reply !== undefined) resolve(reply.ok);
      else reject(new Error(`${script} exited with code ${String(code)} before replying`));
    });
  });
}

/**
 * Forks the bench script `script` (a file of bench/, named as its .ts): compiled (`npm run bench`), the
 * .js beside this file; run from source, the .ts with tsx's loader (by path, so it runs whatever the
 * working directory).
 */
export function forkBenchScript(
  script: string,
  env: NodeJS.ProcessEnv = process.env,
  args: readonly string[] = [],
): ChildProcess {
  const compiled = extname(__filename) === ".js";
  const file = join(__dirname, compiled ? script.replace(/\.ts$/, ".js") : script);
  const execArgv = compiled ? [] : ["--import", pathToFileURL(require.resolve("tsx")).href];
  return fork(file, [...args], { execArgv, env, stdio: "inherit" });
}

/** The client side of {@link runClient}: says it is ready, runs the request, replies. */
export function serveClient<TRequest, TReply>(run: (request: TRequest) => Promise<TReply>): void {
  process.once("message", (message) => {
    void run(message as TRequest).then((reply) => process.send?.(reply));
  });
  process.send?.("ready");
}

/** Samples the server's memory every `everyMs` until stopped; the peaks, in bytes. */
export function sampleMemory(everyMs = 50): () => { rss: number; heapUsed: number } {
  const peak = { rss: 0, heapUsed: 0 };
  const sample = (): void => {
    const { rss, heapUsed } = process.memoryUsage();
    peak.rss = Math.max(peak.rss, rss);
    peak.heapUsed = Math.max(peak.heapUsed, heapUsed);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return () => {
    clearInterval(timer);
    sample();
    return peak;
  };
}

/** The component with id `id` in `root`, if there is exactly one (the library's lookup, as the reducer uses it). */
function componentById(root: WidgetNode, id: string): WidgetNode | undefined {
  const result = findComponent(root, id);
  return result.found ? result.node : undefined;
}

/**
 * The client side of one SSE stream: splits chunks into frames, applies
 * each event with `applyThreadEvent` (as the browser does), and tracks how
 * long the streamed `message` text is after each chunk, with the chunk's
 * arrival time, to measure how late each token arrives.
 */
export class SseClient {
  items: readonly ThreadItem[] = [];
  threadId = "";
  frames = 0;
  bytes = 0;
  /** Length of the streamed message after each chunk that lengthened it, and when that chunk arrived. */
  readonly lengths: number[] = [];
  readonly times: number[] = [];
  private buffer = "";
  private messageLength = 0;

  /** Takes one chunk received at `at` (epoch ms). */
  receive(chunk: string, at: number): void {
    this.bytes += chunk.length;
    this.buffer += chunk;
    let end = this.buffer.indexOf("\n\n");
    let start = 0;
    while (end !== -1) {
      this.apply(JSON.parse(this.buffer.slice(start + "data: ".length, end)) as ThreadStreamEvent);
      start = end + 2;
      end = this.buffer.indexOf("\n\n", start);
    }
    this.buffer = this.buffer.slice(start);
    if (this.messageLength !== this.lengths[this.lengths.length - 1]) {
      this.lengths.push(this.messageLength);
      this.times.push(at);
    }
  }

  private apply(event: ThreadStreamEvent): void {
    this.frames++;
    if (event.type === "thread.created") this.threadId = event.thread.id;
    if (event.type === "thread.item.added" && event.item.type === "widget") {
      const message = componentById(event.item.widget, "message");
      this.messageLength = typeof message?.["value"] === "string" ? message["value"].length : 0;
    }
    if (
      event.type === "thread.item.updated" &&
      event.update.type === "widget.streaming_text.value_delta" &&
      event.update.component_id === "message"
    ) {
      this.messageLength += event.update.delta.length;
    }
    this.items = applyThreadEvent(this.items, event);
    // The last text may come in a whole widget (a root or component update, or the item's done),
    // not as a delta: read the message's length from the widget the client now holds.
    const whole =
      event.type === "thread.item.done" ||
      (event.type === "thread.item.updated" && event.update.type !== "widget.streaming_text.value_delta");
    if (whole) {
      const message = componentById(this.widget() ?? { type: "Card" }, "message");
      if (typeof message?.["value"] === "string") this.messageLength = message["value"].length;
    }
  }

  /** The widget the client holds at the end (the last widget item), if any. */
  widget(): WidgetRoot | undefined {
    const widgets = this.items.filter((item): item is WidgetItem => item.type === "widget");
    return widgets[widgets.length - 1]?.widget;
  }

  /** Characters of `expected`'s message the client does not hold (0 when it holds exactly that). */
  lostChars(expected: string): number {
    const message = componentById(this.widget() ?? { type: "Card" }, "message");
    const held = typeof message?.["value"] === "string" ? message["value"] : "";
    if (held === expected) return 0;
    let common = 0;
    while (common < held.length && held[common] === expected[common]) common++;
    return Math.max(1, expected.length - common);
  }
}

/**
 * For each token (ending at character `ends[k]`, produced at
 * `producedAt[k]`), the delay until the first chunk that brought the
 * client's text to at least that length; `NaN` for a token never received.
 */
export function tokenDelays(
  ends: readonly number[],
  producedAt: ArrayLike<number>,
  lengths: readonly number[],
  times: readonly number[],
): number[] {
  const delays: number[] = [];
  let at = 0;
  for (let k = 0; k < ends.length; k++) {
    const end = ends[k] ?? 0;
    while (at < lengths.length && (lengths[at] ?? 0) < end) at++;
    delays.push(at < lengths.length ? (times[at] ?? Number.NaN) - (producedAt[k] ?? Number.NaN) : Number.NaN);
  }
  return delays;
}
