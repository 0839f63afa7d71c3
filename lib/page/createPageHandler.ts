import { existsSync, readFile } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve } from "node:path";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/** A file name inside `assets/`: no folders, no dot files, so no way out of the folder. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/**
 * Where `npm run build` put the page: `dist/page`, seen from this file
 * compiled (`dist/lib/page/`) or run from source (`lib/page/`, as `tsx` and
 * jest do).
 */
export function findPageDirectory(): string | undefined {
  return [resolve(__dirname, "../../page"), resolve(__dirname, "../../dist/page")].find((dir) =>
    existsSync(join(dir, "assets", "chat.js")),
  );
}

/** Options of {@link createPageHandler}. */
export interface PageHandlerConfig {
  /** The HTML answered at `/`: the chat (`index.html`, default) or the widget preview (`preview.html`). */
  readonly page?: "index.html" | "preview.html";
  /** Where the built page is. Default: {@link findPageDirectory}. */
  readonly directory?: string | undefined;
}

/**
 * Serves the built-in browser page: `GET /` answers the page, `GET
 * /assets/<file>` its bundled scripts and stylesheet (built by `npm run
 * build`; nothing is compiled at run time). Everything else is left to the
 * caller, so it sits in front of a ChatKit handler:
 *
 * ```ts
 * const page = createPageHandler();
 * createServer((req, res) => page(req, res) || chatkit(req, res));
 * ```
 *
 * When the page was never built, `/` answers 503 with the command to run.
 *
 * @return A handler that answers and returns `true` for the page's URLs, else returns `false`.
 */
export function createPageHandler(
  config: PageHandlerConfig = {},
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const page = config.page ?? "index.html";
  if (page !== "index.html" && page !== "preview.html")
    throw new TypeError(
      `createPageHandler: page must be "index.html" or "preview.html", got ${String(page)}`,
    );
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    let file: string;
    if (path === "/" || path === "/index.html") file = page;
    else if (path.startsWith("/assets/") && ASSET_NAME.test(path.slice("/assets/".length)))
      file = join("assets", path.slice("/assets/".length));
    else return false;
    const directory = config.directory ?? findPageDirectory();
    if (directory === undefined || !existsSync(join(directory, "assets", "chat.js"))) {
      res
        .writeHead(503, { "content-type": "text/plain; charset=utf-8" })
        .end("The browser page is not built yet: run `npm run build` (it bundles page/ into dist/page).\n");
      return true;
    }
    readFile(join(directory, file), (error, body) => {
      if (error !== null) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`Not found: ${path}\n`);
        return;
      }
      res
        .writeHead(200, {
          "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
          "cache-control": "no-cache",
          "x-content-type-options": "nosniff",
        })
        .end(req.method === "HEAD" ? undefined : body);
    });
    return true;
  };
}
