/** Test helpers for the HTTP adapters: a node:http server on 127.0.0.1 and a raw request that reports status, headers and body. */
import {
  createServer,
  request,
  type IncomingHttpHeaders,
  type RequestListener,
  type Server,
} from "node:http";
import type { AddressInfo } from "node:net";
import { EMPTY } from "rxjs";

import { ChatKitServer } from "../../../../lib/server/ChatKitServer";

export const JSON_HEADERS: Readonly<Record<string, string>> = { "content-type": "application/json" };
export const LIST_BODY = '{"type":"threads.list","params":{}}';

/** Serves `listener` on a free port of 127.0.0.1. */
export async function serve(
  listener: RequestListener,
): Promise<{ port: number; close: () => Promise<void> }> {
  const http: Server = createServer(listener);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    port: (http.address() as AddressInfo).port,
    close: async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One request through `node:http` (which, unlike a browser, lets a test set `Origin`). */
export function send(
  port: number,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/chatkit",
        method: options.method ?? "POST",
        headers: options.headers ?? {},
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** A server with nothing to stream whose `process` calls are counted, to prove a refused request ran nothing. */
export function countingServer(): { server: ChatKitServer<undefined>; processed: () => number } {
  const server = new ChatKitServer<undefined>({ respond: () => EMPTY });
  const process = jest.spyOn(server, "process");
  return { server, processed: () => process.mock.calls.length };
}
