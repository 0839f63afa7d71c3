import type { IncomingMessage, ServerResponse } from "node:http";

import type { HttpHandlerConfig } from "../../../../lib/server/http/config";
import { toFetchHandler } from "../../../../lib/server/toFetchHandler";
import { toNodeHandler } from "../../../../lib/server/toNodeHandler";
import { countingServer, JSON_HEADERS, LIST_BODY, send, serve } from "./httpTestKit";

const APP = "https://app.example.com";
const EVIL = "https://evil.example";

/**
 * Serves the fetch adapter through node:http too, the way a Node bridge
 * does (a real `Request` with a `ReadableStream` body), so both adapters
 * answer the same raw HTTP requests.
 */
function fetchOverNode(handler: (request: Request) => Promise<Response>) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const body = hasBody
      ? new ReadableStream<Uint8Array>({
          start(controller) {
            req.on("data", (chunk: Buffer) => controller.enqueue(new Uint8Array(chunk)));
            req.on("end", () => controller.close());
          },
          cancel() {
            req.removeAllListeners("data").removeAllListeners("end").resume();
          },
        })
      : null;
    void handler(
      new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`, {
        method: req.method ?? "GET",
        headers,
        body,
        ...(hasBody ? { duplex: "half" } : {}),
      }),
    ).then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  };
}

const adapters = [
  ["toNodeHandler", (server, config) => toNodeHandler(server, undefined, config)],
  ["toFetchHandler", (server, config) => fetchOverNode(toFetchHandler(server, undefined, config))],
] as const satisfies ReadonlyArray<
  readonly [
    string,
    (
      server: ReturnType<typeof countingServer>["server"],
      config: HttpHandlerConfig,
    ) => (req: IncomingMessage, res: ServerResponse) => void,
  ]
>;

/** A counting server behind `adapter`, on 127.0.0.1. */
async function setUp(adapter: (typeof adapters)[number][1], config: HttpHandlerConfig = {}) {
  const { server, processed } = countingServer();
  const http = await serve(adapter(server, config));
  return { ...http, processed };
}

const corsHeaders = (headers: Record<string, unknown>): string[] =>
  Object.keys(headers).filter((name) => name.startsWith("access-control-"));

describe.each(adapters)("%s admission", (_, adapter) => {
  describe("Content-Type", () => {
    it.each(["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", undefined])(
      "refuses a POST sent as %s with 415, and nothing runs",
      async (contentType) => {
        const http = await setUp(adapter);
        try {
          const answer = await send(http.port, {
            headers: contentType === undefined ? {} : { "content-type": contentType },
            body: LIST_BODY,
          });
          expect(answer.status).toBe(415);
          expect(JSON.parse(answer.body)).toMatchObject({
            error: { code: "unsupported_media_type", field: "content-type" },
          });
          expect(http.processed()).toBe(0);
        } finally {
          await http.close();
        }
      },
    );

    it.each(["application/json", "application/json; charset=utf-8", 'Application/JSON;Charset="UTF-8"'])(
      "accepts %s",
      async (contentType) => {
        const http = await setUp(adapter);
        try {
          const answer = await send(http.port, { headers: { "content-type": contentType }, body: LIST_BODY });
          expect([answer.status, JSON.parse(answer.body)]).toEqual([200, { data: [], has_more: false }]);
        } finally {
          await http.close();
        }
      },
    );

    it("refuses a JSON body in another charset, and quotes only an excerpt of the header", async () => {
      const http = await setUp(adapter);
      try {
        const latin = await send(http.port, {
          headers: { "content-type": "application/json; charset=latin1" },
          body: LIST_BODY,
        });
        expect(latin.status).toBe(415);
        const long = await send(http.port, {
          headers: { "content-type": `text/${"x".repeat(5000)}` },
          body: "{}",
        });
        const message = (JSON.parse(long.body) as { error: { message: string } }).error.message;
        expect(long.status).toBe(415);
        expect(message.length).toBeLessThan(160);
        expect(http.processed()).toBe(0);
      } finally {
        await http.close();
      }
    });
  });

  describe("CORS, not configured (the default)", () => {
    it("approves no preflight and sends no CORS header", async () => {
      const http = await setUp(adapter);
      try {
        const preflight = await send(http.port, {
          method: "OPTIONS",
          headers: { origin: APP, "access-control-request-method": "POST" },
        });
        expect(preflight.status).toBe(405);
        expect(corsHeaders(preflight.headers)).toEqual([]);
        const post = await send(http.port, { headers: { ...JSON_HEADERS, origin: APP }, body: LIST_BODY });
        expect(corsHeaders(post.headers)).toEqual([]);
      } finally {
        await http.close();
      }
    });
  });

  describe("CORS, with origins", () => {
    const config: HttpHandlerConfig = { cors: { origins: [APP], allowHeaders: ["x-tenant-id"] } };

    it("answers a preflight from an allowed origin with 204 and what ChatKit clients send", async () => {
      const http = await setUp(adapter, config);
      try {
        const preflight = await send(http.port, {
          method: "OPTIONS",
          headers: {
            origin: APP,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type, authorization",
          },
        });
        expect(preflight.status).toBe(204);
        expect(preflight.headers).toMatchObject({
          "access-control-allow-origin": APP,
          "access-control-allow-methods": "POST",
          "access-control-allow-headers": "content-type, authorization, x-tenant-id",
          "access-control-max-age": "600",
          vary: "origin",
        });
        expect(preflight.headers["access-control-allow-credentials"]).toBeUndefined();
        expect(http.processed()).toBe(0);
      } finally {
        await http.close();
      }
    });

    it("adds the allowed origin and vary: origin to real answers, streaming or not", async () => {
      const http = await setUp(adapter, config);
      try {
        const list = await send(http.port, { headers: { ...JSON_HEADERS, origin: APP }, body: LIST_BODY });
        expect([list.status, list.headers["access-control-allow-origin"], list.headers.vary]).toEqual([
          200,
          APP,
          "origin",
        ]);
        const input = {
          content: [{ type: "input_text", text: "hi" }],
          attachments: [],
          inference_options: {},
        };
        const stream = await send(http.port, {
          headers: { ...JSON_HEADERS, origin: APP },
          body: JSON.stringify({ type: "threads.create", params: { input } }),
        });
        expect(stream.headers["content-type"]).toMatch(/^text\/event-stream/);
        expect([stream.headers["access-control-allow-origin"], stream.headers.vary]).toEqual([APP, "origin"]);
      } finally {
        await http.close();
      }
    });

    it("refuses a request or preflight from another origin with 403 before anything runs", async () => {
      const http = await setUp(adapter, config);
      try {
        for (const origin of [EVIL, "null", `${APP}.evil.example`]) {
          const post = await send(http.port, { headers: { ...JSON_HEADERS, origin }, body: LIST_BODY });
          expect(post.status).toBe(403);
          expect(JSON.parse(post.body)).toMatchObject({
            error: { code: "forbidden_origin", field: "origin" },
          });
          expect(corsHeaders(post.headers)).toEqual([]);
          const preflight = await send(http.port, {
            method: "OPTIONS",
            headers: { origin, "access-control-request-method": "POST" },
          });
          expect(preflight.status).toBe(403);
          expect(corsHeaders(preflight.headers)).toEqual([]);
        }
        expect(http.processed()).toBe(0);
      } finally {
        await http.close();
      }
    });

    it("lets same-origin pages and clients without Origin through", async () => {
      const http = await setUp(adapter, config);
      try {
        const same = await send(http.port, {
          headers: { ...JSON_HEADERS, origin: `http://127.0.0.1:${http.port}` },
          body: LIST_BODY,
        });
        expect(same.status).toBe(200);
        expect(same.headers["access-control-allow-origin"]).toBeUndefined();
        const server = await send(http.port, { headers: JSON_HEADERS, body: LIST_BODY });
        expect(server.status).toBe(200);
      } finally {
        await http.close();
      }
    });

    it("with credentials, says so; with '*', approves any origin by echoing it", async () => {
      const withCredentials = await setUp(adapter, { cors: { origins: [APP], credentials: true } });
      try {
        const answer = await send(withCredentials.port, {
          headers: { ...JSON_HEADERS, origin: APP },
          body: LIST_BODY,
        });
        expect(answer.headers["access-control-allow-credentials"]).toBe("true");
      } finally {
        await withCredentials.close();
      }
      const any = await setUp(adapter, { cors: { origins: ["*"] } });
      try {
        const answer = await send(any.port, { headers: { ...JSON_HEADERS, origin: EVIL }, body: LIST_BODY });
        expect([answer.status, answer.headers["access-control-allow-origin"]]).toEqual([200, EVIL]);
      } finally {
        await any.close();
      }
    });
  });
});

describe("cors misuse is a TypeError naming the adapter and the value", () => {
  const { server } = countingServer();
  it.each([
    [
      { origins: ["https://app.example.com/"] },
      /toNodeHandler: cors\.origins .*did you mean "https:\/\/app\.example\.com"/,
    ],
    [{ origins: ["app.example.com"] }, /toNodeHandler: cors\.origins .*"app\.example\.com"/],
    [{ origins: ["null"] }, /toNodeHandler: cors\.origins/],
    [{ origins: ["*"], credentials: true }, /toNodeHandler: cors\.origins "\*" with credentials/],
    [{ origins: [APP], allowHeaders: ["bad header"] }, /toNodeHandler: cors\.allowHeaders .*"bad header"/],
    [{ origins: APP }, /toNodeHandler: cors must be \{ origins: string\[\] \}/],
  ])("%j", (cors, message) => {
    expect(() => toNodeHandler(server, undefined, { cors } as HttpHandlerConfig)).toThrow(
      expect.objectContaining({
        name: "TypeError",
        message: expect.stringMatching(message) as unknown,
      }) as Error,
    );
  });

  it("names toFetchHandler too", () => {
    expect(() => toFetchHandler(server, undefined, { cors: { origins: ["https://a.b/"] } })).toThrow(
      /^toFetchHandler: cors\.origins/,
    );
  });
});
