import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { concat, concatMap, defer, from, interval, of, take } from "rxjs";

import type { ThreadStreamEvent } from "../../../lib/events/threadEvents";
import type { ThreadItem, WidgetItem } from "../../../lib/events/threadItems";
import { applyThreadEvent } from "../../../lib/reducer/applyThreadEvent";
import { ChatKitServer } from "../../../lib/server/ChatKitServer";
import { toFetchHandler } from "../../../lib/server/toFetchHandler";
import { toNodeHandler } from "../../../lib/server/toNodeHandler";
import type { WidgetRoot } from "../../../widgets/components";
import { parseFrame } from "./sse";

const input = { content: [{ type: "input_text", text: "hi" }], attachments: [], inference_options: {} };
const body = JSON.stringify({ type: "threads.create", params: { input } });

/** Far more than loopback's socket buffers take (about 4 MB here) while the reader does not read. */
const BATCHES = 60;
const DELTAS_PER_BATCH = 100;
const CHARS_PER_DELTA = 2000;

const card = (value: string, streaming: boolean): WidgetRoot => ({
  type: "Card",
  children: [{ type: "Markdown", id: "m", value, streaming }],
});

/**
 * A server whose reply streams 12 MB of text as 6000 deltas in 60 bursts
 * (one per timer tick), much faster than a stalled client reads;
 * `finished` resolves when the reply's source has emitted everything.
 */
function floodingServer() {
  let markFinished = (): void => undefined;
  const finished = new Promise<void>((resolve) => (markFinished = resolve));
  const deltaText = (n: number): string => String(n % 10).repeat(CHARS_PER_DELTA);
  const text = Array.from({ length: BATCHES * DELTAS_PER_BATCH }, (_, n) => deltaText(n)).join("");
  const server = new ChatKitServer<undefined>({
    onError: () => undefined,
    respond: (thread) => {
      const item: WidgetItem = {
        type: "widget",
        id: "msg_flood",
        thread_id: thread.id,
        created_at: "1970-01-01T00:00:00.000Z",
        widget: card("", true),
      };
      const delta = (chars: string, done: boolean): ThreadStreamEvent => ({
        type: "thread.item.updated",
        item_id: item.id,
        update: { type: "widget.streaming_text.value_delta", component_id: "m", delta: chars, done },
      });
      return concat(
        of<ThreadStreamEvent>({ type: "thread.item.added", item }),
        interval(0).pipe(
          take(BATCHES),
          concatMap((batch) =>
            from(
              Array.from({ length: DELTAS_PER_BATCH }, (_, k) =>
                delta(deltaText(batch * DELTAS_PER_BATCH + k), false),
              ),
            ),
          ),
        ),
        defer(() => {
          markFinished();
          return from<ThreadStreamEvent[]>([
            delta("", true),
            { type: "thread.item.done", item: { ...item, widget: card(text, false) } },
          ]);
        }),
      );
    },
  });
  return { server, finished, text };
}

/**
 * Resolves once the reply's source has emitted its last event and the
 * server has passed every event on to the adapter: the server forwards
 * each event after its (promise-based) save, in microtasks that all run
 * before the next macrotask.
 */
async function producedEverything(finished: Promise<void>): Promise<void> {
  await finished;
  await new Promise((resolve) => setImmediate(resolve));
}

/** What the server's response went through: writes made while Node's buffer was full, and the most it buffered. */
interface WriteLog {
  writes: number;
  writesWhileFull: number;
  maxBuffered: number;
  largestFrame: number;
  /** Writes that do not end on a frame boundary. */
  splitWrites: number;
}

/** Records every `res.write` of the handler, then lets it through. */
function logWrites(res: ServerResponse, log: WriteLog): void {
  const write = res.write.bind(res) as (chunk: string) => boolean;
  res.write = ((chunk: string) => {
    log.writes++;
    if (!chunk.endsWith("\n\n")) log.splitWrites++;
    if (res.writableNeedDrain) log.writesWhileFull++;
    log.largestFrame = Math.max(log.largestFrame, Buffer.byteLength(chunk));
    const ok = write(chunk);
    log.maxBuffered = Math.max(log.maxBuffered, res.writableLength);
    return ok;
  }) as typeof res.write;
}

/** Rebuilds the client's items from SSE frames, the way the browser does. */
function rebuild(text: string): { items: readonly ThreadItem[]; frames: number } {
  const frames = text.split("\n\n").filter((frame) => frame !== "");
  let items: readonly ThreadItem[] = [];
  for (const frame of frames) items = applyThreadEvent(items, parseFrame(frame));
  return { items, frames: frames.length };
}

describe("backpressure: a slow reader", () => {
  describe("toNodeHandler on 127.0.0.1", () => {
    let http: Server;
    let port: number;
    const flood = floodingServer();
    const log: WriteLog = { writes: 0, writesWhileFull: 0, maxBuffered: 0, largestFrame: 0, splitWrites: 0 };

    beforeAll(async () => {
      const handle = toNodeHandler(flood.server, () => undefined);
      http = createServer((req, res) => {
        logWrites(res, log);
        handle(req, res);
      });
      await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
      port = (http.address() as AddressInfo).port;
    });
    afterAll(async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    });

    it("never writes into a full buffer, merges the text the client has not read, and loses nothing", async () => {
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(
          {
            host: "127.0.0.1",
            port,
            method: "POST",
            path: "/",
            headers: { "content-type": "application/json" },
          },
          resolve,
        );
        req.on("error", reject);
        req.end(body);
      });
      // The client reads nothing until the server has produced everything.
      response.pause();
      await producedEverything(flood.finished);
      response.setEncoding("utf8");
      let received = "";
      response.on("data", (chunk: string) => (received += chunk));
      response.resume();
      await new Promise((resolve) => response.on("end", resolve));

      const { items, frames } = rebuild(received);
      const widget = items.find((item): item is WidgetItem => item.type === "widget");
      expect(widget?.widget).toEqual(card(flood.text, false));
      // Node's buffer only ever held its high-water mark plus the frame that crossed it.
      expect(log.writesWhileFull).toBe(0);
      expect(log.maxBuffered).toBeLessThanOrEqual(16 * 1024 + log.largestFrame);
      // The deltas sent while the socket was full went out merged.
      expect(frames).toBeLessThan(BATCHES * DELTAS_PER_BATCH);
      // Frames of one turn leave in one write, never split across writes.
      expect(log.writes).toBeLessThanOrEqual(frames);
      expect(log.splitWrites).toBe(0);
    });
  });

  describe("toFetchHandler", () => {
    it("merges the text the reader has not pulled, and loses nothing", async () => {
      const flood = floodingServer();
      const response = await toFetchHandler(
        flood.server,
        () => undefined,
      )(
        new Request("http://127.0.0.1/chatkit", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        }),
      );
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      // Nothing is pulled until the server has produced everything.
      await producedEverything(flood.finished);
      const decoder = new TextDecoder();
      let received = "";
      let chunks = 0;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        chunks++;
        received += decoder.decode(value, { stream: true });
      }
      const { items, frames } = rebuild(received);
      const widget = items.find((item): item is WidgetItem => item.type === "widget");
      expect(widget?.widget).toEqual(card(flood.text, false));
      expect(chunks).toBeLessThanOrEqual(frames);
      expect(frames).toBeLessThan(BATCHES);
    });
  });
});
