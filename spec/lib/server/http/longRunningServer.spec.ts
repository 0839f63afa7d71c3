import { request } from "node:http";
import { asyncScheduler, concat, interval, map, take, throwError, type Observable } from "rxjs";

import type { ThreadStreamEvent } from "../../../../lib/events/threadEvents";
import type { ThreadMetadata } from "../../../../lib/events/threadItems";
import { ChatKitServer } from "../../../../lib/server/ChatKitServer";
import { LocalThreadLocks } from "../../../../lib/server/LocalThreadLocks";
import { MemoryStore } from "../../../../lib/stores/MemoryStore";
import { toFetchHandler } from "../../../../lib/server/toFetchHandler";
import { toNodeHandler } from "../../../../lib/server/toNodeHandler";
import { accumulateText } from "../../../../operators/accumulateText";
import { renderTemplate } from "../../../../operators/renderTemplate";
import { throttleTextDeltas } from "../../../../operators/throttleTextDeltas";
import { toThreadEvents } from "../../../../operators/toThreadEvents";
import { WidgetTemplate } from "../../../../widgets/template/WidgetTemplate";
import { collectGarbage } from "../../../helpers/collectGarbage";
import { watchLibraryTimers } from "../../../helpers/pendingTimers";
import { input } from "../../../helpers/userInput";
import { parseFrame, readEvents } from "../sse";
import { JSON_HEADERS, send, serve } from "./httpTestKit";

/**
 * A server that has served many streams is back where it started once
 * their threads are deleted: no lock, timer or subscription of a stream
 * outlives it, whether it finished, the client left in the middle, or the
 * handler failed, through either adapter. A leak of one stream's pipeline
 * (its widget, text and closures, several kB) times the streams run here
 * is far above the bound.
 */

/** Tokens per stream, each about 100 characters: a finished message of 4 kB, a card of about 5. */
const TOKENS = 40;
const TOKEN_PADDING = " lorem ipsum dolor sit amet,".repeat(3);
/**
 * Streams per phase. The first phases warm up: V8 compiles and keeps
 * feedback through the first thousand streams or so, 1.5–2 MB here, in
 * steps. The last is measured: without a leak it moved the heap by
 * 0.6–1.1 MB (three runs in Jest), where a stream's pipeline kept alive
 * (its text, card and events, 10 kB or more) would be 3.6 MB or more.
 * Leaks smaller than that (an entry in a table) are what `locks.held` and
 * the timers check for.
 */
const STREAMS = 360;
const WARM_UP_PHASES = 2;
/** The growth allowed in the measured phase. */
const HEAP_SLACK_BYTES = 2 << 20;
const AT_ONCE = 24;

type Ending = "finishes" | "client leaves" | "handler fails";
const ENDINGS: readonly Ending[] = ["finishes", "client leaves", "handler fails"];

/** The channel card, its message streaming a token per millisecond, rendered and throttled as a server would. */
function streamingServer(threadLocks: LocalThreadLocks): ChatKitServer<undefined> {
  const card = WidgetTemplate.fromFile("examples/widgets/channel_message.widget");
  return new ChatKitServer<undefined>({
    store: new MemoryStore(),
    threadLocks,
    onError: () => undefined, // the failing handlers' errors, expected here
    respond: (thread: ThreadMetadata, message) => {
      const ask = (message?.content ?? []).map((part) => ("text" in part ? part.text : "")).join("");
      const tokens = interval(1).pipe(
        take(TOKENS),
        map((k) => ` word${k}${TOKEN_PADDING}`),
      );
      const source: Observable<string> =
        ask === "handler fails"
          ? concat(
              tokens.pipe(take(TOKENS / 2)),
              throwError(() => new Error("the model went away")),
            )
          : tokens;
      return source.pipe(
        accumulateText(),
        renderTemplate(
          card,
          (text: string, k) => ({
            user_name: "Ron",
            channel: "general",
            message: text,
            streaming: k < TOKENS - 1,
          }),
          { scheduler: asyncScheduler, frameMs: 5 },
        ),
        toThreadEvents(thread),
        throttleTextDeltas({ windowMs: 3 }),
      );
    },
  });
}

/** One stream's thread and the type of the last event the client read. */
interface StreamSeen {
  readonly threadId: string;
  readonly lastType: string;
}

/** How a test reaches the server: one adapter, driven as its clients drive it. */
interface Client {
  /** One stream, read to its end, or (the client leaving) dropped at the first widget update. */
  stream(ending: Ending): Promise<StreamSeen>;
  /** Sends one non-streaming request; resolves with the status. */
  post(body: string): Promise<number>;
}

/** Follows SSE frames as they come, telling `onEvent` each event (heartbeats skipped). */
function frameReader(onEvent: (event: ThreadStreamEvent) => void): (chunk: string) => void {
  let buffer = "";
  return (chunk) => {
    buffer += chunk;
    for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (!frame.startsWith(":")) onEvent(parseFrame(frame));
    }
  };
}

const createBody = (ending: Ending): string =>
  JSON.stringify({ type: "threads.create", params: { input: input(ending) } });

/** `toNodeHandler` on 127.0.0.1, each stream on a connection of its own, closed to leave. */
function nodeClient(port: number): Client {
  return {
    stream: (ending) =>
      new Promise((resolve, reject) => {
        let threadId = "";
        let lastType = "nothing";
        const req = request(
          { host: "127.0.0.1", port, path: "/chatkit", method: "POST", headers: JSON_HEADERS, agent: false },
          (res) => {
            res.setEncoding("utf8");
            res.on(
              "data",
              frameReader((event) => {
                lastType = event.type;
                if (event.type === "thread.created") threadId = event.thread.id;
                if (ending === "client leaves" && event.type === "thread.item.updated" && !req.destroyed) {
                  req.destroy();
                  resolve({ threadId, lastType });
                }
              }),
            );
            res.on("end", () => resolve({ threadId, lastType }));
            res.on("error", reject);
          },
        );
        req.on("error", (error) => (ending === "client leaves" ? undefined : reject(error)));
        req.end(createBody(ending));
      }),
    post: async (body) => (await send(port, { headers: JSON_HEADERS, body })).status,
  };
}

/** `toFetchHandler` called as a runtime calls it; a client leaving cancels the body, as the runtime does. */
function fetchClient(handle: (request: Request) => Promise<Response>): Client {
  const call = (body: string): Promise<Response> =>
    handle(new Request("http://127.0.0.1/chatkit", { method: "POST", headers: JSON_HEADERS, body }));
  return {
    stream: async (ending) => {
      const response = await call(createBody(ending));
      let threadId = "";
      let lastType = "nothing";
      await readEvents(response, (event) => {
        lastType = event.type;
        if (event.type === "thread.created") threadId = event.thread.id;
        return ending === "client leaves" && event.type === "thread.item.updated" ? "stop" : undefined;
      });
      if (ending === "client leaves") await response.body?.cancel();
      return { threadId, lastType };
    },
    post: async (body) => {
      const response = await call(body);
      await response.arrayBuffer();
      return response.status;
    },
  };
}

/**
 * Runs `count` streams, `AT_ONCE` at a time, cycling through the endings;
 * then deletes their threads. Keeps only each stream's last event type (by
 * ending), so the test itself holds nothing that could hide a leak.
 */
async function serveStreams(client: Client, count: number): Promise<Map<Ending, string[]>> {
  const byEnding = new Map<Ending, string[]>(ENDINGS.map((ending) => [ending, []]));
  const threadIds: string[] = [];
  for (let first = 0; first < count; first += AT_ONCE) {
    const batch = Array.from({ length: Math.min(AT_ONCE, count - first) }, (_, k) => {
      const ending = ENDINGS[(first + k) % ENDINGS.length] ?? "finishes";
      return client.stream(ending).then(({ threadId, lastType }) => {
        threadIds.push(threadId);
        byEnding.get(ending)?.push(lastType);
      });
    });
    await Promise.all(batch);
  }
  for (const threadId of threadIds) {
    // A left stream's turn may still be closing its items: the delete waits for the thread.
    const status = await client.post(
      JSON.stringify({ type: "threads.delete", params: { thread_id: threadId } }),
    );
    if (status !== 200) throw new Error(`threads.delete ${threadId}: ${status}`);
  }
  return byEnding;
}

/**
 * Warms up, then serves one measured phase of streams through `client` and
 * checks what is left: thread locks, the library's timers, the heap.
 */
async function expectNothingLeftBehind(
  server: ChatKitServer<undefined>,
  locks: LocalThreadLocks,
  client: Client,
) {
  const timers = watchLibraryTimers();
  try {
    for (let warmUp = 0; warmUp < WARM_UP_PHASES; warmUp++) await serveStreams(client, STREAMS);
    await server.idle();
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;

    const served = await serveStreams(client, STREAMS);
    await server.idle();
    collectGarbage();

    // Each ending happened as intended, so each was exercised.
    expect(served.get("finishes")).toEqual(Array(STREAMS / 3).fill("thread.item.done"));
    expect(served.get("client leaves")).toEqual(Array(STREAMS / 3).fill("thread.item.updated"));
    expect(served.get("handler fails")).toEqual(Array(STREAMS / 3).fill("error"));

    expect(locks.held).toBe(0);
    const pending = await timers.pending();
    expect({ pendingTimers: pending.length, first: pending[0] }).toEqual({
      pendingTimers: 0,
      first: undefined,
    });
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(HEAP_SLACK_BYTES);
  } finally {
    timers.stop();
  }
}

describe("a long-running server returns to where it started", () => {
  const title = `after ${STREAMS} streams (finished, left by the client, failed) and their threads deleted: no lock, timer or heap left behind`;

  it(`toNodeHandler over HTTP: ${title}`, async () => {
    const locks = new LocalThreadLocks();
    const server = streamingServer(locks);
    const http = await serve(toNodeHandler(server, undefined, { onError: () => undefined }));
    try {
      await expectNothingLeftBehind(server, locks, nodeClient(http.port));
    } finally {
      await http.close();
    }
  }, 120_000);

  it(`toFetchHandler: ${title}`, async () => {
    const locks = new LocalThreadLocks();
    const server = streamingServer(locks);
    await expectNothingLeftBehind(
      server,
      locks,
      fetchClient(toFetchHandler(server, undefined, { onError: () => undefined })),
    );
  }, 120_000);
});
