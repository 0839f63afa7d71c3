import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createPageHandler,
  findPageDirectory,
  type PageHandlerConfig,
} from "../../../lib/page/createPageHandler";

/** The page handler over real HTTP, in front of a fallback that answers 418 for whatever it leaves alone. */
async function serve(config: PageHandlerConfig): Promise<{ url: string; server: Server }> {
  const page = createPageHandler(config);
  const server = createServer((req, res) => page(req, res) || res.writeHead(418).end("fallback"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const servers: Server[] = [];
afterAll(() => servers.forEach((server) => server.close()));

it("serves the built page and its assets, and leaves every other request to the next handler", async () => {
  const directory = findPageDirectory();
  if (directory === undefined) throw new Error("the page is not built: run `npm run build` first");
  const { url, server } = await serve({ directory });
  servers.push(server);
  const index = await fetch(`${url}/`);
  expect(index.status).toBe(200);
  expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(await index.text()).toContain('<script type="module" src="/assets/chat.js">');
  const script = await fetch(`${url}/assets/chat.js`);
  expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  expect(script.headers.get("x-content-type-options")).toBe("nosniff");
  expect((await fetch(`${url}/assets/missing.js`)).status).toBe(404);
  for (const path of [
    "/assets/..%2Fpackage.json",
    "/assets/.hidden",
    "/assets/a/b.js",
    "/chatkit",
    "/other",
  ]) {
    expect([path, (await fetch(`${url}${path}`)).status]).toEqual([path, 418]);
  }
  expect((await fetch(`${url}/`, { method: "POST", body: "{}" })).status).toBe(418);
});

it("answers the preview page at / when asked to", async () => {
  const { url, server } = await serve({ page: "preview.html" });
  servers.push(server);
  expect(await (await fetch(`${url}/`)).text()).toContain("assets/preview.js");
});

it("says how to build the page when it is not built", async () => {
  const { url, server } = await serve({ directory: mkdtempSync(join(tmpdir(), "chatkit-rx-nopage-")) });
  servers.push(server);
  const response = await fetch(`${url}/`);
  expect(response.status).toBe(503);
  expect(await response.text()).toContain("npm run build");
});

it("rejects an unknown page with a TypeError naming the function and the value", () => {
  expect(() => createPageHandler({ page: "admin.html" as "index.html" })).toThrow(
    new TypeError('createPageHandler: page must be "index.html" or "preview.html", got admin.html'),
  );
});
