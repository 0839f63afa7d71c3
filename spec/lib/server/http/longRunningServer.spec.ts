import { request } from "node:http";
import { asyncScheduler, concat, interval, map, take, throwError, type Observable } from "rxjs";

import type { ThreadStreamEvent } from "../../../../lib/events/threadEvents";
import type { ThreadMetadata } from "../../../../lib/events/threadItems";
import { ChatKitServer } from "../../../../lib/server/ChatKitServer";
import { LocalThreadLocks } from "../../../../lib/server/LocalThreadLocks";
import { MemoryStore } from "../../../../lib/stores/MemoryStore";
import { toNodeHandler } from "../../../../lib/server/toNodeHandler";
import { accumulateText } from "../../../../operators/accumulateText";
import { renderTemplate } from "../../../../operators/renderTemplate";
import { throttleTextDeltas } from "../../../../operators/throttleTextDeltas";
import { toThreadEvents } from "../../../../operators/toThreadEvents";
import { WidgetTemplate } from "../../../../widgets/template/WidgetTemplate";
import { collectGarbage } from "../../../helpers/collectGarbage";
import { watchLibraryTimers } from "../../../helpers/pendingTimers";
import { input } from "../../../helpers/userInput";
import { parseFrame } from "../sse";
import { JSON_HEADERS, send, serve } from "./httpTestKit";

/**
 * A server that has served many streams is back where it started once
 * their threads are deleted: no timer, socket or subscription of a stream
 * outlives it, whether it finished, the client left in the middle, or the
 * handler failed. A leak of one stream's pipeline (its widget, text and
 * closures, several kB) times the streams run here is far above the bound.
 */

/** Tokens per stream, each about 100 characters: a finished message of 4 kB, a card of about 5. */
const TOKENS = 40;
const TOKEN_PADDING = " lorem ipsum dolor sit amet,".repeat(3);
/**
 * Streams per phase. The first phases warm up: V8 compiles and keeps
 * feedback through the first thousand streams or so, 1.5–2 MB here, in
 * steps. The last is measured: without a leak it moves the heap by
 * -0.5 to +0.7 MB (Jest, 2 cores under load), where a stream's pipeline
 * kept alive (its text, card and events, 10 kB or more) would be 3.6 MB.
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

/**
 * One stream over its own connection: reads it to the end, or (the client
 * leaving) closes the connection at the first widget update. Resolves with
 * the thread's id and the events read.
 */
function stream(port: number, ending: Ending): Promise<{ threadId: string; events: ThreadStreamEvent[] }> {
  return new Promise((resolve, reject) => {
    const events: ThreadStreamEvent[] = [];
    let threadId = "";
    const req = request(
      { host: "127.0.0.1", port, path: "/chatkit", method: "POST", headers: JSON_HEADERS, agent: false },
      (res) => {
        let buffer = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (frame.startsWith(":")) continue; // a heartbeat
            const event = parseFrame(frame);
            events.push(event);
            if (event.type === "thread.created") threadId = event.thread.id;
            if (ending === "client leaves" && event.type === "thread.item.updated") {
              req.destroy();
              resolve({ threadId, events });
              return;
            }
          }
        });
        res.on("end", () => resolve({ threadId, events }));
        res.on("error", reject);
      },
    );
    req.on("error", (error) => (ending === "client leaves" ? undefined : reject(error)));
    req.end(JSON.stringify({ type: "threads.create", params: { input: input(ending) } }));
  });
}

/**
 * Runs `count` streams, `AT_ONCE` at a time, cycling through the endings;
 * then deletes their threads. Keeps only each stream's last event type (by
 * ending), so the test itself holds nothing that could hide a leak.
 */
async function serveStreams(port: number, count: number): Promise<Map<Ending, string[]>> {
  const byEnding = new Map<Ending, string[]>(ENDINGS.map((ending) => [ending, []]));
  const threadIds: string[] = [];
  for (let first = 0; first < count; first += AT_ONCE) {
    const batch = Array.from({ length: Math.min(AT_ONCE, count - first) }, (_, k) => {
      const ending = ENDINGS[(first + k) % ENDINGS.length] ?? "finishes";
      return stream(port, ending).then(({ threadId, events }) => {
        threadIds.push(threadId);
        byEnding.get(ending)?.push(events.at(-1)?.type ?? "nothing");
      });
    });
    await Promise.all(batch);
  }
  for (const threadId of threadIds) {
    // A left stream's turn may still be closing its items: the delete waits for the thread (or retries).
    for (let attempt = 0; ; attempt++) {
      const answer = await send(port, {
        headers: JSON_HEADERS,
        body: JSON.stringify({ type: "threads.delete", params: { thread_id: threadId } }),
      });
      if (answer.status === 200) break;
      if (attempt === 50) throw new Error(`threads.delete ${threadId}: ${answer.status} ${answer.body}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  return byEnding;
}

describe("a long-running server returns to where it started", () => {
  it(`after ${STREAMS} streams (finished, left by the client, failed) and their threads deleted: no lock, timer or heap left behind`, async () => {
    const locks = new LocalThreadLocks();
    const server = streamingServer(locks);
    const http = await serve(toNodeHandler(server, undefined, { onError: () => undefined }));
    const timers = watchLibraryTimers();
    try {
      for (let warmUp = 0; warmUp < WARM_UP_PHASES; warmUp++) await serveStreams(http.port, STREAMS);
      await server.idle();
      collectGarbage();
      const heapBefore = process.memoryUsage().heapUsed;

      const served = await serveStreams(http.port, STREAMS);
      await server.idle();
      collectGarbage();

      // Each ending happened as intended, so each was exercised.
      expect(served.get("finishes")).toEqual(Array(STREAMS / 3).fill("thread.item.done"));
      expect(served.get("client leaves")).toEqual(Array(STREAMS / 3).fill("thread.item.updated"));
      expect(served.get("handler fails")).toEqual(Array(STREAMS / 3).fill("error"));

      expect(locks.held).toBe(0);
      const pending = timers.pending();
      expect({ pendingTimers: pending.length, first: pending[0] }).toEqual({
        pendingTimers: 0,
        first: undefined,
      });
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(HEAP_SLACK_BYTES);
    } finally {
      timers.stop();
      await http.close();
    }
  }, 120_000);
});
