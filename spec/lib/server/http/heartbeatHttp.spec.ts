import { request, type IncomingMessage } from "node:http";
import {
  asyncScheduler,
  concat,
  ignoreElements,
  NEVER,
  timer,
  type SchedulerLike,
  type Subscription,
} from "rxjs";

import type { HttpHandlerConfig } from "../../../../lib/server/http/config";
import { ChatKitServer } from "../../../../lib/server/ChatKitServer";
import { toFetchHandler } from "../../../../lib/server/toFetchHandler";
import { toNodeHandler } from "../../../../lib/server/toNodeHandler";
import { streamWidget } from "../../../../lib/streamWidget";
import { eventually } from "../sse";
import { JSON_HEADERS, serve } from "./httpTestKit";

const input = { content: [{ type: "input_text", text: "hi" }], attachments: [], inference_options: {} };
const CREATE = JSON.stringify({ type: "threads.create", params: { input } });
const HEARTBEAT = ": keep-alive\n\n";

/** A reply that shows a card, then says nothing for `silenceMs` (a slow tool call), then ends; or never ends. */
function silentServer(silenceMs: number | "forever") {
  return new ChatKitServer<undefined>({
    onError: () => undefined,
    respond: (thread) =>
      concat(
        streamWidget(thread, [{ type: "Card", children: [{ type: "Text", value: "thinking…" }] }]),
        silenceMs === "forever" ? NEVER : timer(silenceMs).pipe(ignoreElements()),
      ),
  });
}

/** `asyncScheduler`, keeping every action it schedules so a test can see that none is left running. */
function trackingScheduler(): { scheduler: SchedulerLike; running: () => number; scheduled: () => number } {
  const actions: Subscription[] = [];
  const scheduler: SchedulerLike = {
    now: () => asyncScheduler.now(),
    schedule: (...args: Parameters<typeof asyncScheduler.schedule>) => {
      const action = asyncScheduler.schedule(...args);
      actions.push(action);
      return action;
    },
  };
  return {
    scheduler,
    running: () => actions.filter((action) => !action.closed).length,
    scheduled: () => actions.length,
  };
}

/** POSTs over node:http and collects the raw body; `stopAfter` destroys the response once the text contains it. */
function post(port: number, stopAfter?: string): Promise<{ text: string; response: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method: "POST", path: "/chatkit", headers: JSON_HEADERS },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
          if (stopAfter !== undefined && text.includes(stopAfter)) {
            response.destroy();
            resolve({ text, response });
          }
        });
        response.on("end", () => resolve({ text, response }));
      },
    );
    req.on("error", reject);
    req.end(CREATE);
  });
}

async function readAll(response: Response): Promise<string> {
  return await new Response(response.body).text();
}

const count = (text: string): number => text.split(HEARTBEAT).length - 1;

describe("heartbeat over HTTP", () => {
  describe("toNodeHandler", () => {
    it("sends keep-alive comments through a long silence, then stops with the stream", async () => {
      const clock = trackingScheduler();
      const config: HttpHandlerConfig = { heartbeatMs: 30, scheduler: clock.scheduler };
      const http = await serve(toNodeHandler(silentServer(300), undefined, config));
      try {
        const { text } = await post(http.port);
        expect(count(text)).toBeGreaterThanOrEqual(3);
        // The comments come in the silence after the card.
        expect(text.indexOf(HEARTBEAT)).toBeGreaterThan(text.indexOf("thread.item.done"));
        expect(clock.running()).toBe(0);
      } finally {
        await http.close();
      }
    });

    it("stops beating when the client leaves", async () => {
      const clock = trackingScheduler();
      const http = await serve(
        toNodeHandler(silentServer("forever"), undefined, { heartbeatMs: 20, scheduler: clock.scheduler }),
      );
      try {
        await post(http.port, HEARTBEAT);
        await eventually(() => clock.running() === 0, "the heartbeat to stop");
        const scheduled = clock.scheduled();
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect([clock.running(), clock.scheduled()]).toEqual([0, scheduled]);
      } finally {
        await http.close();
      }
    });

    it("sends none when turned off", async () => {
      const http = await serve(toNodeHandler(silentServer(150), undefined, { heartbeatMs: 0 }));
      try {
        expect(count((await post(http.port)).text)).toBe(0);
      } finally {
        await http.close();
      }
    });
  });

  describe("toFetchHandler", () => {
    const create = (): Request =>
      new Request("http://127.0.0.1/chatkit", { method: "POST", headers: JSON_HEADERS, body: CREATE });

    it("sends keep-alive comments through a long silence, then stops with the stream", async () => {
      const clock = trackingScheduler();
      const handler = toFetchHandler(silentServer(300), undefined, {
        heartbeatMs: 30,
        scheduler: clock.scheduler,
      });
      const text = await readAll(await handler(create()));
      expect(count(text)).toBeGreaterThanOrEqual(3);
      expect(text.indexOf(HEARTBEAT)).toBeGreaterThan(text.indexOf("thread.item.done"));
      expect(clock.running()).toBe(0);
    });

    it("stops beating when the reader cancels", async () => {
      const clock = trackingScheduler();
      const handler = toFetchHandler(silentServer("forever"), undefined, {
        heartbeatMs: 20,
        scheduler: clock.scheduler,
      });
      const reader = (await handler(create())).body?.getReader();
      const decoder = new TextDecoder();
      let text = "";
      while (reader !== undefined && !text.includes(HEARTBEAT)) {
        const { value } = await reader.read();
        text += decoder.decode(value, { stream: true });
      }
      await reader?.cancel();
      expect(clock.running()).toBe(0);
    });

    it("sends none when turned off", async () => {
      const text = await readAll(
        await toFetchHandler(silentServer(150), undefined, { heartbeatMs: false })(create()),
      );
      expect(count(text)).toBe(0);
    });
  });
});
