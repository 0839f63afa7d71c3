import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createPageHandler } from "../page/createPageHandler";
import { previewState } from "./previewState";
import { watchFiles } from "./watchFiles";

/** Options of {@link startPreviewServer}. */
export interface PreviewServerConfig {
  readonly file: string;
  readonly dataFile?: string | undefined;
  /** Default 0: any free port. */
  readonly port?: number | undefined;
  readonly host?: string | undefined;
}

/** A running preview: its URL, and `close` to stop serving and watching. */
export interface PreviewServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the widget preview: `GET /` is the preview page (the chat's own
 * renderer), `GET /widget.json` the widget built now (or the error text),
 * and `GET /events` a Server-Sent Events stream that says `changed`
 * whenever the widget file or the data file changes, so the page draws
 * again.
 */
export async function startPreviewServer(config: PreviewServerConfig): Promise<PreviewServer> {
  const page = createPageHandler({ page: "preview.html" });
  const listeners = new Set<ServerResponse>();
  const files = config.dataFile === undefined ? [config.file] : [config.file, config.dataFile];
  const watching = watchFiles(files).subscribe({
    next: () => {
      for (const res of listeners) res.write("data: changed\n\n");
    },
    error: (error: unknown) => console.error(`chatkit-rx preview: stopped watching: ${String(error)}`),
  });
  const server = createServer((req, res) => {
    if (page(req, res)) return;
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/widget.json") {
      previewState(config.file, config.dataFile).then(
        (state) =>
          res
            .writeHead(200, {
              "content-type": "application/json; charset=utf-8",
              "cache-control": "no-store",
            })
            .end(JSON.stringify(state)),
        (error: unknown) => {
          console.error(error);
          res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("internal error\n");
        },
      );
    } else if (req.method === "GET" && path === "/events") {
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
      res.write(": watching\n\n");
      listeners.add(res);
      req.on("close", () => listeners.delete(res));
    } else {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port ?? 0, config.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        watching.unsubscribe();
        for (const res of listeners) res.end();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
