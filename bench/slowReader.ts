/**
 * Workload W5 (issue #6), a slow reader: a widget whose message streams
 * 10k tokens/s, one text delta per token (what `toThreadEvents` sends for
 * an unthrottled token stream: the most frames a server can owe a client),
 * to a client that takes one SSE frame every 100 ms. The server's memory is
 * sampled while the client reads slowly; afterwards the client reads the
 * rest at full speed and checks that its rebuilt widget is exact.
 *
 * Two adapters, two token counts: `toNodeHandler` (which stops writing when
 * the socket is full and merges text until it drains) and, for contrast,
 * the handler as it was before backpressure (`res.write` of every frame,
 * its return value ignored). With backpressure the server's memory must
 * not grow with the token count; without it, every frame waits in Node.
 *
 * The client connects over a Unix socket: its kernel buffers are small and
 * fixed (`net.core.wmem_default`, ~208 KB), where loopback TCP autotunes up
 * to 4 MB per direction, which would hold the whole of the smaller run and
 * hide the server's behaviour behind the kernel's.
 *
 * Run alone: `npx tsx bench/slowReader.ts`.
 */
import { rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { asyncScheduler, concat, from, map, Observable, of } from "rxjs";

import type { ThreadStreamEvent } from "../lib/events/threadEvents";
import type { WidgetItem } from "../lib/events/threadItems";
import { ChatKitServer } from "../lib/server/ChatKitServer";
import { toNodeHandler } from "../lib/server/toNodeHandler";
import { toServerSentEvents } from "../operators/toServerSentEvents";
import type { BenchResult } from "./harness";
import { epochMs, percentile, runClient } from "./loopback";
import type { SlowReaderReply, SlowReaderRequest } from "./slowReaderClient";
import { channelMessage, loadChannelMessage, loremTokens } from "./streaming";

const TOKENS_PER_SECOND = 10_000;
const FRAME_EVERY_MS = 100;
const TOKEN_COUNTS: readonly number[] = [20_000, 100_000];

type Adapter = "toNodeHandler" | "no backpressure";

/**
 * A full garbage collection, to tell what the server retains from what it
 * has not collected yet (`--expose-gc` set at run time, so the bench needs
 * no node flags).
 */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

/** `tokens` at `perSecond`, on time whatever the timer's granularity: each tick sends what is due. */
function tokenStream(tokens: readonly string[], perSecond: number): Observable<string> {
  return new Observable<string>((subscriber) => {
    const start = epochMs();
    let sent = 0;
    return asyncScheduler.schedule(function tick() {
      const due = Math.min(tokens.length, Math.floor(((epochMs() - start) * perSecond) / 1000));
      while (sent < due && !subscriber.closed) subscriber.next(tokens[sent++] ?? "");
      if (sent === tokens.length) subscriber.complete();
      else this.schedule(undefined, 1);
    }, 1);
  });
}

/** The ChatKit server: the channel-message widget, its message streamed one delta per token. */
function slowServer(count: number): ChatKitServer<undefined> {
  const template = loadChannelMessage();
  const tokens = loremTokens(count);
  return new ChatKitServer<undefined>({
    respond: (thread) => {
      const item: WidgetItem = {
        type: "widget",
        id: `msg_${thread.id}`,
        thread_id: thread.id,
        created_at: new Date(0).toISOString(),
        widget: template.build(channelMessage("", true)),
      };
      const delta = (text: string, done: boolean): ThreadStreamEvent => ({
        type: "thread.item.updated",
        item_id: item.id,
        update: { type: "widget.streaming_text.value_delta", component_id: "message", delta: text, done },
      });
      return concat(
        of<ThreadStreamEvent>({ type: "thread.item.added", item }),
        tokenStream(tokens, TOKENS_PER_SECOND).pipe(map((token) => delta(token, false))),
        from<ThreadStreamEvent[]>([
          delta("", true),
          {
            type: "thread.item.done",
            item: { ...item, widget: template.build(channelMessage(tokens.join(""), false)) },
          },
        ]),
      );
    },
  });
}

/** The HTTP adapter as it was before backpressure: every frame written at once, `write`'s answer ignored. */
function withoutBackpressure(server: ChatKitServer<undefined>) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void server.process(Buffer.concat(chunks), undefined).then((result) => {
        if (result.kind !== "stream") {
          res.writeHead(400).end();
          return;
        }
        res.writeHead(200, { "content-type": "text/event-stream" });
        const subscription = result.events.pipe(toServerSentEvents()).subscribe({
          next: (frame) => void res.write(frame),
          complete: () => res.end(),
        });
        res.once("close", () => subscription.unsubscribe());
      });
    });
  };
}

interface Samples {
  heapUsed: number[];
  rss: number[];
  buffered: number[];
}

async function runSlowReader(adapter: Adapter, count: number): Promise<BenchResult> {
  const server = slowServer(count);
  const handle =
    adapter === "toNodeHandler" ? toNodeHandler(server, () => undefined) : withoutBackpressure(server);
  const responses: ServerResponse[] = [];
  const http = createServer((req, res) => {
    responses.push(res);
    handle(req, res);
  });
  const socketPath = join(tmpdir(), `chatkit-rx-slowReader-${process.pid}.sock`);
  rmSync(socketPath, { force: true });
  await new Promise<void>((resolve) => http.listen(socketPath, resolve));

  const samples: Samples = { heapUsed: [], rss: [], buffered: [] };
  const producingMs = (count / TOKENS_PER_SECOND) * 1000;
  const slowForMs = producingMs + 1000;
  collectGarbage();
  const baseline = process.memoryUsage().heapUsed;
  let retained: number | undefined;
  let sampler: NodeJS.Timeout | undefined;
  let cpu = process.cpuUsage();
  const reply = await runClient<SlowReaderRequest, SlowReaderReply>(
    "slowReaderClient.ts",
    { socketPath, tokens: count, frameEveryMs: FRAME_EVERY_MS, slowForMs },
    () => {
      cpu = process.cpuUsage();
      const start = epochMs();
      sampler = setInterval(() => {
        // Only while the client reads slowly; afterwards it drains everything on purpose.
        const elapsed = epochMs() - start;
        if (elapsed > slowForMs) return;
        if (retained === undefined && elapsed > producingMs + 200) {
          // Production is over and the client is furthest behind: what does the server hold for it?
          collectGarbage();
          retained = process.memoryUsage().heapUsed - baseline;
        }
        const { heapUsed, rss } = process.memoryUsage();
        samples.heapUsed.push(heapUsed);
        samples.rss.push(rss);
        samples.buffered.push(responses.reduce((sum, res) => sum + res.writableLength, 0));
      }, 50);
    },
  );
  clearInterval(sampler);
  const used = process.cpuUsage(cpu);
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  rmSync(socketPath, { force: true });

  const sorted = (values: readonly number[]): Float64Array => Float64Array.from(values).sort();
  const heap = sorted(samples.heapUsed);
  const mb = (bytes: number): number => bytes / 2 ** 20;
  const peakBuffered = Math.max(0, ...samples.buffered);
  const peakRss = Math.max(0, ...samples.rss);
  const metrics = {
    tokens: count,
    retainedHeapBytes: retained ?? Number.NaN,
    peakHeapUsedBytes: heap[heap.length - 1] ?? Number.NaN,
    peakRssBytes: peakRss,
    peakBufferedBytes: peakBuffered,
    slowFrames: reply.slowFrames,
    frames: reply.frames,
    largestFrameChars: reply.largestFrame,
    lostChars: reply.lostChars,
    exact: reply.exact ? 1 : 0,
    serverCpuMs: (used.user + used.system) / 1e3,
    clientCpuMs: reply.cpuMs,
  };
  return {
    workload: "slow reader",
    name: `${adapter}, ${count / 1000}k tokens at ${TOKENS_PER_SECOND / 1000}k/s, client takes a frame per ${FRAME_EVERY_MS} ms`,
    unit: "MB heap retained",
    median: mb(retained ?? Number.NaN),
    min: mb(retained ?? Number.NaN),
    max: mb(retained ?? Number.NaN),
    runs: 1,
    note:
      `heap retained for the client after GC when production ends; heap used p50 ${mb(percentile(heap, 50)).toFixed(0)} MB, ` +
      `peak ${mb(heap[heap.length - 1] ?? Number.NaN).toFixed(0)} MB; ` +
      `peak buffered in Node ${(peakBuffered / 1024).toFixed(0)} KB, peak RSS ${mb(peakRss).toFixed(0)} MB; ` +
      `${reply.frames} frames for ${count} tokens (largest ${(reply.largestFrame / 1024).toFixed(0)} KB); ` +
      `lost ${reply.lostChars} chars, final widget ${reply.exact ? "exact" : "WRONG"}; ` +
      `CPU: server ${metrics.serverCpuMs.toFixed(0)} ms, client ${metrics.clientCpuMs.toFixed(0)} ms`,
    metrics,
  };
}

/**
 * W5: both adapters, two token counts. While the client reads slowly the
 * server's heap, RSS and Node's buffered bytes are sampled every 50 ms;
 * when production ends, a full GC tells what the server retains for the
 * client (the headline figure).
 */
export async function slowReaderWorkload(counts: readonly number[] = TOKEN_COUNTS): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const adapter of ["toNodeHandler", "no backpressure"] as const) {
    for (const count of counts) results.push(await runSlowReader(adapter, count));
  }
  return results;
}

if (require.main === module) {
  void slowReaderWorkload().then((results) => {
    for (const result of results) {
      console.log(`${result.name}: ${result.median.toFixed(2)} MB retained; ${result.note ?? ""}`);
    }
  });
}
