import { connect } from "node:net";
import { request } from "node:http";

import { toFetchHandler } from "../../../../lib/server/toFetchHandler";
import { toNodeHandler } from "../../../../lib/server/toNodeHandler";
import { eventually } from "../sse";
import { countingServer, JSON_HEADERS, serve } from "./httpTestKit";

const CHUNK = 64 * 1024;
const LIMIT = 100_000;

/** A body that would never end: counts what the adapter pulled from it. */
function endlessBody(): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += CHUNK;
      controller.enqueue(new Uint8Array(CHUNK).fill(32));
    },
  });
  return { stream, pulled: () => pulled };
}

describe("body limit while reading", () => {
  it("toFetchHandler: a chunked body with no Content-Length is cancelled at the limit and answered 413", async () => {
    const { server, processed } = countingServer();
    const body = endlessBody();
    const response = await toFetchHandler(server, undefined, { maxBodyBytes: LIMIT })(
      new Request("http://127.0.0.1/chatkit", {
        method: "POST",
        headers: JSON_HEADERS,
        body: body.stream,
        duplex: "half",
      }),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: { code: "payload_too_large", message: `the body is larger than ${LIMIT} bytes`, issues: [] },
    });
    // The limit, the chunk that crossed it, and at most one chunk the stream queued ahead.
    expect(body.pulled()).toBeLessThanOrEqual(LIMIT + 2 * CHUNK);
    expect(processed()).toBe(0);
  });

  it("toFetchHandler: a body within the limit is read whole", async () => {
    const { server, processed } = countingServer();
    const text = new TextEncoder().encode('{"type":"threads.list","params":{}}');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of text) controller.enqueue(Uint8Array.of(byte));
        controller.close();
      },
    });
    const response = await toFetchHandler(server, undefined, { maxBodyBytes: text.length })(
      new Request("http://127.0.0.1/chatkit", {
        method: "POST",
        headers: JSON_HEADERS,
        body: stream,
        duplex: "half",
      }),
    );
    expect([response.status, await response.json()]).toEqual([200, { data: [], has_more: false }]);
    expect(processed()).toBe(1);
  });

  it("toNodeHandler: a chunked upload past the limit is answered 413 and no longer read", async () => {
    const { server, processed } = countingServer();
    const handle = toNodeHandler(server, undefined, { maxBodyBytes: LIMIT });
    let bytesRead = 0;
    const http = await serve((req, res) => {
      const socket = req.socket;
      socket.on("close", () => (bytesRead = socket.bytesRead));
      handle(req, res);
    });
    try {
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({
          host: "127.0.0.1",
          port: http.port,
          method: "POST",
          path: "/chatkit",
          headers: { ...JSON_HEADERS, "transfer-encoding": "chunked" },
        });
        let answered = false;
        req.on("response", (res) => {
          answered = true;
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (body += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("error", reject);
        // Up to 64 MB, as fast as the socket takes it, until the answer comes.
        let sent = 0;
        const pump = (): void => {
          while (!answered && sent < 64 * 1024 * 1024) {
            sent += CHUNK;
            if (!req.write(Buffer.alloc(CHUNK, 32))) {
              req.once("drain", pump);
              return;
            }
          }
        };
        pump();
      });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "payload_too_large" } });
      await eventually(() => bytesRead > 0, "the connection to close");
      // The limit plus what sat in socket buffers, far from the 64 MB on offer.
      expect(bytesRead).toBeLessThan(8 * 1024 * 1024);
      expect(processed()).toBe(0);
    } finally {
      await http.close();
    }
  });
});

describe("a client that leaves mid-upload", () => {
  it("toNodeHandler: is not reported to onError nor logged, and nothing runs", async () => {
    const { server, processed } = countingServer();
    const reported: unknown[] = [];
    const logged = jest.spyOn(console, "error").mockImplementation(() => undefined);
    const handle = toNodeHandler(server, undefined, { onError: (error) => reported.push(error) });
    let closed = false;
    const http = await serve((req, res) => {
      res.on("close", () => (closed = true));
      handle(req, res);
    });
    try {
      // The scenario of shared/repro/g_node_body_abort.js: 1000 bytes announced, 8 sent, then the socket is gone.
      const socket = connect(http.port, "127.0.0.1");
      await new Promise((resolve) => socket.once("connect", resolve));
      socket.write(
        'POST /chatkit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"type":',
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      await eventually(() => closed, "the response to close");
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(reported).toEqual([]);
      expect(logged).not.toHaveBeenCalled();
      expect(processed()).toBe(0);
    } finally {
      logged.mockRestore();
      await http.close();
    }
  });

  it.each([
    ["the body stream errors", "error"],
    ["request.signal aborts", "abort"],
  ] as const)(
    "toFetchHandler: when %s mid-upload, it answers 400 without onError, and nothing runs",
    async (_, how) => {
      const { server, processed } = countingServer();
      const reported: unknown[] = [];
      const logged = jest.spyOn(console, "error").mockImplementation(() => undefined);
      try {
        const abort = new AbortController();
        let pulls = 0;
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (pulls++ === 0) controller.enqueue(new TextEncoder().encode('{"type":'));
            else if (how === "error") controller.error(new Error("aborted"));
            else abort.abort();
          },
        });
        const response = await toFetchHandler(server, undefined, {
          onError: (error) => reported.push(error),
        })(
          new Request("http://127.0.0.1/chatkit", {
            method: "POST",
            headers: JSON_HEADERS,
            body,
            duplex: "half",
            signal: abort.signal,
          }),
        );
        expect(response.status).toBe(400);
        expect(reported).toEqual([]);
        expect(logged).not.toHaveBeenCalled();
        expect(processed()).toBe(0);
      } finally {
        logged.mockRestore();
      }
    },
  );
});
