import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { EMPTY, finalize, interval, map, of } from "rxjs";

import type { WidgetItem } from "../../../lib/events/threadItems";
import { streamWidget } from "../../../lib/streamWidget";
import { ChatKitServer } from "../../../lib/server/ChatKitServer";
import { toFetchHandler } from "../../../lib/server/toFetchHandler";
import { toNodeHandler } from "../../../lib/server/toNodeHandler";
import type { WidgetRoot } from "../../../widgets/components";
import { eventually, readEvents } from "./sse";

const JSON_HEADERS = { "content-type": "application/json" };
const input = { content: [{ type: "input_text", text: "hi" }], attachments: [], inference_options: {} };
const card = (n: number): WidgetRoot => ({
  type: "Card",
  children: [{ type: "Text", id: "n", value: `tick ${n}` }],
});

/** A server whose reply ticks forever until the client leaves; `stopped` counts finalisers. */
function tickingServer() {
  const state = { stopped: 0 };
  const server = new ChatKitServer<undefined>({
    onError: () => undefined,
    respond: (thread) =>
      streamWidget(
        thread,
        interval(5).pipe(
          map(card),
          finalize(() => state.stopped++),
        ),
      ),
  });
  return { server, state };
}

describe("toFetchHandler (Web-standard Request -> Response)", () => {
  it("streams SSE, and cancelling the body stops the upstream and saves the widget", async () => {
    const { server, state } = tickingServer();
    const handler = toFetchHandler(server, () => undefined);
    const response = await handler(
      new Request("http://127.0.0.1/chatkit", {
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify({ type: "threads.create", params: { input } }),
      }),
    );
    expect(response.status).toBe(200);
    let threadId = "";
    await readEvents(response, (event) => {
      if (event.type === "thread.created") threadId = event.thread.id;
      return event.type === "thread.item.updated" ? "stop" : undefined;
    });
    await response.body?.cancel();
    expect(state.stopped).toBe(1);
    await server.idle();
    const items = await server.store.loadThreadItems(threadId, { limit: 10, order: "asc" }, undefined);
    expect(items.data.map((item) => item.type)).toEqual(["user_message", "widget", "sdk_hidden_context"]);
    expect((items.data[1] as WidgetItem).widget.type).toBe("Card");
  });

  it("answers JSON requests, errors, and other methods", async () => {
    const { server } = tickingServer();
    const handler = toFetchHandler(server, () => undefined, { maxBodyBytes: 100 });
    const list = await handler(
      new Request("http://x/chatkit", {
        method: "POST",
        headers: JSON_HEADERS,
        body: '{"type":"threads.list","params":{}}',
      }),
    );
    expect(await list.json()).toEqual({ data: [], has_more: false });
    const get = await handler(new Request("http://x/chatkit", { method: "GET" }));
    expect(get.status).toBe(405);
    const big = await handler(
      new Request("http://x/chatkit", { method: "POST", headers: JSON_HEADERS, body: "x".repeat(101) }),
    );
    expect(big.status).toBe(413);
    const bad = await handler(
      new Request("http://x/chatkit", { method: "POST", headers: JSON_HEADERS, body: '{"type":"nope"}' }),
    );
    expect([bad.status, ((await bad.json()) as { error: { field: string } }).error.field]).toEqual([
      400,
      "type",
    ]);
  });
});

describe("toNodeHandler (node:http on 127.0.0.1)", () => {
  let http: Server;
  let url: string;
  const ticking = tickingServer();

  beforeAll(async () => {
    http = createServer(toNodeHandler(ticking.server, () => undefined, { maxBodyBytes: 1000 }));
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });

  it("an aborted fetch unsubscribes: the upstream's finaliser runs and the pending widget is saved", async () => {
    const abort = new AbortController();
    const response = await fetch(url, {
      method: "POST",
      headers: JSON_HEADERS,
      body: JSON.stringify({ type: "threads.create", params: { input } }),
      signal: abort.signal,
    });
    let threadId = "";
    let last: WidgetRoot | undefined;
    await readEvents(response, (event) => {
      if (event.type === "thread.created") threadId = event.thread.id;
      if (event.type === "thread.item.added" && event.item.type === "widget") last = event.item.widget;
      return event.type === "thread.item.updated" ? "stop" : undefined;
    });
    abort.abort();
    await eventually(() => ticking.state.stopped === 1, "the upstream finaliser");
    await ticking.server.idle();
    const items = await ticking.server.store.loadThreadItems(
      threadId,
      { limit: 10, order: "asc" },
      undefined,
    );
    expect(items.data.map((item) => item.type)).toEqual(["user_message", "widget", "sdk_hidden_context"]);
    expect(last).toBeDefined();
  });

  it("answers 405 and 413 as JSON", async () => {
    const get = await fetch(url);
    expect([get.status, get.headers.get("allow")]).toEqual([405, "POST"]);
    const big = await fetch(url, { method: "POST", headers: JSON_HEADERS, body: "x".repeat(2000) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: "payload_too_large" } });
  });
});

describe("getContext", () => {
  it("is optional: a server without a context type is served as the README shows, over real HTTP", async () => {
    // `new ChatKitServer({...})` is a ChatKitServer<unknown>; no cast, no getContext.
    const server = new ChatKitServer({ respond: (thread) => streamWidget(thread, of(card(1))) });
    const contexts: unknown[] = [];
    jest.spyOn(server.store, "loadThreads").mockImplementation((_page, context) => {
      contexts.push(context);
      return Promise.resolve({ data: [], has_more: false });
    });
    const http = createServer(toNodeHandler(server));
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
      const list = await fetch(url, {
        method: "POST",
        headers: JSON_HEADERS,
        body: '{"type":"threads.list","params":{}}',
      });
      expect([list.status, await list.json()]).toEqual([200, { data: [], has_more: false }]);
      const fetched = await toFetchHandler(server)(
        new Request(url, {
          method: "POST",
          headers: JSON_HEADERS,
          body: '{"type":"threads.list","params":{}}',
        }),
      );
      expect(fetched.status).toBe(200);
      expect(contexts).toEqual([undefined, undefined]);
    } finally {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it("is required by the types when the server's context cannot be undefined", () => {
    const server = new ChatKitServer<{ user: string }>({ respond: () => EMPTY });
    // @ts-expect-error a ChatKitServer<{ user: string }> needs a getContext
    expect(() => toNodeHandler(server)).not.toThrow();
    // @ts-expect-error likewise for the fetch adapter
    expect(() => toFetchHandler(server)).not.toThrow();
    expect(typeof toNodeHandler(server, () => ({ user: "u" }))).toBe("function");
    expect(typeof toFetchHandler(new ChatKitServer<undefined>(), undefined, { maxBodyBytes: 10 })).toBe(
      "function",
    );
  });

  it.each([
    ["toNodeHandler", toNodeHandler],
    ["toFetchHandler", toFetchHandler],
  ] as const)(
    "%s: a getContext that is not a function is a TypeError when the handler is made",
    (name, adapter) => {
      const server = new ChatKitServer({ respond: () => EMPTY });
      const make = adapter as (server: unknown, getContext: unknown) => unknown;
      expect(() => make(server, { userId: "u" })).toThrow(
        new TypeError(
          `${name}: getContext must be a function (request) => context, or left out, got an object`,
        ),
      );
      expect(() => make(server, "x".repeat(500))).toThrow(
        /getContext must be a function .*got "x{39}… \(\+\d+ characters\)$/,
      );
      expect(() => make({}, undefined)).toThrow(
        new TypeError(`${name}: server must be a ChatKitServer, got an object`),
      );
    },
  );
});

describe("a non-streaming handler learns that the client left", () => {
  /** A server whose syncAction waits until its signal aborts, and says so. */
  async function waitingServer() {
    const seen = { aborted: false, started: false };
    const server = new ChatKitServer<undefined>({
      syncAction: (_thread, _action, _sender, _context, { signal }) =>
        new Promise<null>((resolve) => {
          seen.started = true;
          signal.addEventListener("abort", () => {
            seen.aborted = true;
            resolve(null);
          });
        }),
    });
    await server.store.saveThread(
      { id: "thr", created_at: new Date().toISOString(), status: { type: "active" } },
      undefined,
    );
    const body = JSON.stringify({
      type: "threads.sync_custom_action",
      params: { thread_id: "thr", action: { type: "go" } },
    });
    return { server, seen, body };
  }

  it("toNodeHandler: the signal aborts when the connection closes before the answer", async () => {
    const { server, seen, body } = await waitingServer();
    const http: Server = createServer(toNodeHandler(server));
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const { port } = http.address() as AddressInfo;
    const client = new AbortController();
    const answer = fetch(`http://127.0.0.1:${port}/`, {
      method: "POST",
      headers: JSON_HEADERS,
      body,
      signal: client.signal,
    });
    await eventually(() => seen.started, "the handler to start");
    client.abort();
    await expect(answer).rejects.toThrow();
    await eventually(() => seen.aborted, "the handler to see the abort");
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });

  it("toFetchHandler: the request's signal is the handler's", async () => {
    const { server, seen, body } = await waitingServer();
    const client = new AbortController();
    const answer = toFetchHandler(server)(
      new Request("http://127.0.0.1/chatkit", {
        method: "POST",
        headers: JSON_HEADERS,
        body,
        signal: client.signal,
      }),
    );
    await eventually(() => seen.started, "the handler to start");
    client.abort();
    await answer;
    expect(seen.aborted).toBe(true);
  });
});
