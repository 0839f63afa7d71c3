import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { from, type Observable } from "rxjs";
import {
  ChatKitServer,
  createPageHandler,
  MemoryStore,
  toNodeHandler,
  type ThreadMetadata,
  type ThreadStreamEvent,
} from "chatkit-rx";
import { CHATKIT_SCRIPT_URL } from "../../page/chat/chatkitScriptUrl";
import { launchChromium, watchProblems } from "./browser";

/**
 * The page against a server of our own (not the demo): assistant messages
 * streamed as text deltas, and the switch that loads the real ChatKit web
 * component (here a stand-in served in its place, since the tests run
 * offline: the real component is not tested).
 */
let browser: Browser;
let server: Server;
let origin: string;

function assistantReply(thread: ThreadMetadata): Observable<ThreadStreamEvent> {
  const base = { id: "msg_reply", thread_id: thread.id, created_at: new Date(0).toISOString() };
  const parts = [
    "Here is **bold** text",
    " and a [link](https://example.com/x)",
    ' <img src="https://example.com/p.png" onerror="window.__pwned = 1">.',
  ];
  return from<ThreadStreamEvent[]>([
    { type: "thread.item.added", item: { ...base, type: "assistant_message", content: [] } },
    {
      type: "thread.item.updated",
      item_id: "msg_reply",
      update: {
        type: "assistant_message.content_part.added",
        content_index: 0,
        content: { type: "output_text", text: "", annotations: [] },
      },
    },
    ...parts.map((delta): ThreadStreamEvent => ({
      type: "thread.item.updated",
      item_id: "msg_reply",
      update: { type: "assistant_message.content_part.text_delta", content_index: 0, delta },
    })),
    {
      type: "thread.item.done",
      item: {
        ...base,
        type: "assistant_message",
        content: [{ type: "output_text", text: parts.join(""), annotations: [] }],
      },
    },
  ]);
}

beforeAll(async () => {
  browser = await launchChromium();
  const chatkit = new ChatKitServer<Record<string, never>>({
    store: new MemoryStore(),
    respond: (thread) => assistantReply(thread),
  });
  const page = createPageHandler();
  const handle = toNodeHandler(chatkit, () => ({}));
  server = createServer((req, res) => page(req, res) || handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  server?.close();
});

it("shows the user's message and the assistant's streamed text as sanitised Markdown", async () => {
  const page = await browser.newPage();
  const problems = watchProblems(page, origin);
  await page.goto(`${origin}/`);
  await page.waitForSelector("body[data-ready]");
  await page.fill("#message", "Say something");
  await page.click('#composer button[type="submit"]');
  await page.waitForSelector('[data-item-type="assistant_message"]');
  await page.waitForFunction(`document.querySelector("#status").dataset.level === "idle"`);
  const reply = page.locator('[data-item-type="assistant_message"]');
  expect((await reply.textContent())?.trim()).toBe(
    "Here is bold text and a link [image: https://example.com/p.png].",
  );
  expect(await reply.locator("strong").textContent()).toBe("bold");
  expect(await reply.locator("a").getAttribute("rel")).toBe("noopener noreferrer");
  // The remote image is not loaded (a placeholder names it), and no handler of the model's HTML ran.
  expect(await reply.locator("img").count()).toBe(0);
  expect(await reply.locator(".ck-remote-image").getAttribute("title")).toBe("https://example.com/p.png");
  expect(await page.evaluate("window.__pwned")).toBeUndefined();
  expect(await page.textContent('[data-item-type="user_message"]')).toBe("Say something");
  expect(problems).toEqual([]);
  await page.close();
});

it("loads the ChatKit web component only when the switch is flipped, pointed at this server's /chatkit", async () => {
  const page = await browser.newPage();
  const requested: string[] = [];
  // A stand-in for the CDN script: defines <openai-chatkit> and records the options it is given.
  await page.route(CHATKIT_SCRIPT_URL, (route) => {
    requested.push(route.request().url());
    return route.fulfill({
      contentType: "text/javascript",
      body: `customElements.define("openai-chatkit", class extends HTMLElement {
        setOptions(options) { this.dataset.options = JSON.stringify(options); }
      });`,
    });
  });
  await page.goto(`${origin}/`);
  await page.waitForSelector("body[data-ready]");
  expect(requested).toEqual([]);
  expect(await page.isChecked("#use-chatkit")).toBe(false);
  await page.check("#use-chatkit");
  await page.waitForSelector("#chatkit-host:not([hidden]) openai-chatkit");
  expect(requested).toEqual([CHATKIT_SCRIPT_URL]);
  expect(JSON.parse((await page.getAttribute("openai-chatkit", "data-options")) ?? "null")).toEqual({
    api: { url: `${origin}/chatkit`, domainKey: "local-dev" },
  });
  expect(await page.isVisible("#built-in")).toBe(false);
  await page.uncheck("#use-chatkit");
  expect(await page.isVisible("#built-in")).toBe(true);
  await page.close();
});
