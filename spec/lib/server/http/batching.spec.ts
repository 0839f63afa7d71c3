import { request } from "node:http";
import { concat, concatMap, ignoreElements, map, NEVER, of, tap, timer, type Observable } from "rxjs";

import type { ThreadStreamEvent } from "../../../../lib/events/threadEvents";
import type { WidgetItem } from "../../../../lib/events/threadItems";
import { ChatKitServer } from "../../../../lib/server/ChatKitServer";
import { toFetchHandler } from "../../../../lib/server/toFetchHandler";
import { toNodeHandler } from "../../../../lib/server/toNodeHandler";
import { JSON_HEADERS, serve } from "./httpTestKit";

const input = { content: [{ type: "input_text", text: "hi" }], attachments: [], inference_options: {} };
const CREATE = JSON.stringify({ type: "threads.create", params: { input } });
const BURST = 50;

function widgetItem(threadId: string): WidgetItem {
  return {
    type: "widget",
    id: "msg_burst",
    thread_id: threadId,
    created_at: "1970-01-01T00:00:00.000Z",
    widget: { type: "Card", children: [{ type: "Markdown", id: "m", value: "", streaming: true }] },
  };
}

const delta = (text: string): ThreadStreamEvent => ({
  type: "thread.item.updated",
  item_id: "msg_burst",
  update: { type: "widget.streaming_text.value_delta", component_id: "m", delta: text, done: false },
});

/**
 * A reply that adds a widget, then (after a timer, in a turn of its own)
 * sends `BURST` deltas at once, and ends a little later (so the burst is
 * written, not sent with the end).
 */
function burstServer(): ChatKitServer<undefined> {
  return new ChatKitServer<undefined>({
    respond: (thread) =>
      concat(
        of<ThreadStreamEvent>({ type: "thread.item.added", item: widgetItem(thread.id) }),
        timer(20).pipe(concatMap(() => Array.from({ length: BURST }, (_, n) => delta(`${n} `)))),
        timer(20).pipe(ignoreElements()),
      ),
  });
}

/** A reply that sends one delta, notes when, then stays silent: the delta must not wait for company. */
function loneFrameServer(sentAt: { ms: number }): ChatKitServer<undefined> {
  return new ChatKitServer<undefined>({
    respond: (thread): Observable<ThreadStreamEvent> =>
      concat(
        of<ThreadStreamEvent>({ type: "thread.item.added", item: widgetItem(thread.id) }),
        timer(50).pipe(map(() => delta("lone"))),
        NEVER,
      ).pipe(tap((event) => event.type === "thread.item.updated" && (sentAt.ms = Date.now()))),
  });
}

describe("frames of one turn leave together", () => {
  it("toNodeHandler: a burst of frames is one res.write, each write whole frames", async () => {
    const handle = toNodeHandler(burstServer());
    const writes: string[] = [];
    const http = await serve((req, res) => {
      const write = res.write.bind(res) as (chunk: string) => boolean;
      res.write = ((chunk: string) => {
        writes.push(chunk);
        return write(chunk);
      }) as typeof res.write;
      handle(req, res);
    });
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const req = request(
          { host: "127.0.0.1", port: http.port, method: "POST", path: "/chatkit", headers: JSON_HEADERS },
          (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => (body += chunk));
            res.on("end", () => resolve(body));
          },
        );
        req.on("error", reject);
        req.end(CREATE);
      });
      const deltaWrites = writes.filter((chunk) => chunk.includes("value_delta"));
      expect(text.split("value_delta").length - 1).toBe(BURST);
      expect(deltaWrites).toHaveLength(1);
      expect(writes.every((chunk) => chunk.endsWith("\n\n"))).toBe(true);
    } finally {
      await http.close();
    }
  });

  it("toFetchHandler: a burst of frames is one chunk", async () => {
    const response = await toFetchHandler(burstServer())(
      new Request("http://127.0.0.1/chatkit", { method: "POST", headers: JSON_HEADERS, body: CREATE }),
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const chunks: string[] = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(decoder.decode(value));
    }
    const deltaChunks = chunks.filter((chunk) => chunk.includes("value_delta"));
    expect(chunks.join("").split("value_delta").length - 1).toBe(BURST);
    expect(deltaChunks).toHaveLength(1);
    expect(chunks.every((chunk) => chunk.endsWith("\n\n"))).toBe(true);
  });

  it("toNodeHandler: a lone frame is not held back for the next one", async () => {
    const sentAt = { ms: 0 };
    const http = await serve(toNodeHandler(loneFrameServer(sentAt), undefined, { heartbeatMs: 0 }));
    try {
      const receivedAt = await new Promise<number>((resolve, reject) => {
        const req = request(
          { host: "127.0.0.1", port: http.port, method: "POST", path: "/chatkit", headers: JSON_HEADERS },
          (res) => {
            res.setEncoding("utf8");
            res.on("data", (chunk: string) => {
              if (chunk.includes("lone")) {
                resolve(Date.now());
                res.destroy();
              }
            });
          },
        );
        req.on("error", reject);
        req.end(CREATE);
      });
      // The stream stays silent after the frame, so waiting for company would mean never arriving.
      expect(receivedAt - sentAt.ms).toBeLessThan(1000);
    } finally {
      await http.close();
    }
  });

  it("toFetchHandler: a lone frame is not held back for the next one", async () => {
    const sentAt = { ms: 0 };
    const response = await toFetchHandler(loneFrameServer(sentAt), undefined, { heartbeatMs: 0 })(
      new Request("http://127.0.0.1/chatkit", { method: "POST", headers: JSON_HEADERS, body: CREATE }),
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("lone")) text += decoder.decode((await reader.read()).value);
    expect(Date.now() - sentAt.ms).toBeLessThan(1000);
    await reader.cancel();
  });
});
