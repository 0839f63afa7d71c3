import type { Browser, Page } from "playwright-core";
import { startDemoServer } from "../../examples/server/demoServer";
import { componentsOf, launchChromium, watchProblems } from "./browser";

/**
 * The demo's page in a real Chromium, end to end over HTTP: what a user
 * does (type, watch, click, reload), checked against what the server
 * stored. One browser for the file.
 */
let browser: Browser;
let demo: Awaited<ReturnType<typeof startDemoServer>>;
let origin: string;

beforeAll(async () => {
  browser = await launchChromium();
  demo = await startDemoServer({ port: 0, tokenDelayMs: 15 });
  origin = new URL(demo.url).origin;
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

const TEXT_PROPS: Readonly<Record<string, string>> = {
  Text: "value",
  Title: "value",
  Caption: "value",
  Markdown: "value",
  Badge: "label",
  Button: "label",
};

/** The texts a widget shows, in tree order. */
function widgetTexts(widget: unknown): string[] {
  return componentsOf(widget).flatMap((node) => {
    const prop = TEXT_PROPS[node.type];
    const text = prop === undefined ? undefined : node[prop];
    return typeof text === "string" ? [text] : [];
  });
}

/** The same texts as the page drew them, for the item `itemId`. */
function domTexts(page: Page, itemId: string): Promise<string[]> {
  const selector = Object.keys(TEXT_PROPS)
    .map((type) => `[data-item-id="${itemId}"] [data-component="${type}"]`)
    .join(", ");
  return page.evaluate<string[]>(
    `Array.from(document.querySelectorAll(${JSON.stringify(selector)}), (e) => e.textContent.trim())`,
  );
}

async function chatkit<T>(body: unknown): Promise<T> {
  const response = await fetch(demo.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await response.json()) as T;
}

type Item = { id: string; type: string; widget?: unknown };

it("streams the channel message token by token, ends with the stored widget's text, updates on a click and keeps the thread on reload", async () => {
  const page = await browser.newPage();
  const problems = watchProblems(page, origin);
  // Record every text the streaming Markdown shows, as the DOM changes.
  await page.addInitScript(`
    window.__seen = [];
    new MutationObserver(() => {
      const el = document.querySelector('[data-component="Markdown"][data-id="message"]');
      const text = el && el.textContent.trim();
      if (text && window.__seen[window.__seen.length - 1] !== text) window.__seen.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  `);
  await page.goto(`${origin}/`);
  await page.waitForSelector("body[data-ready]");
  await page.fill("#message", "Hello browser");
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-component="Button"][data-id="like"]');

  // Token by token: many partial texts, each extending the one before.
  const seen = await page.evaluate<string[]>("window.__seen");
  expect(seen.length).toBeGreaterThanOrEqual(5);
  for (let i = 1; i < seen.length; i++) expect(seen[i]!.startsWith(seen[i - 1]!)).toBe(true);

  // The final DOM text equals the text of the widget the server stored.
  const threadId = decodeURIComponent(new URL(page.url()).hash.replace("#thread=", ""));
  const stored = await chatkit<{ data: Item[] }>({
    type: "items.list",
    params: { thread_id: threadId, order: "asc" },
  });
  const [message, reactions] = stored.data.filter((item) => item.type === "widget");
  expect(seen[seen.length - 1]).toBe(widgetTexts(message!.widget)[2]);
  expect(await domTexts(page, message!.id)).toEqual(widgetTexts(message!.widget));
  expect(await page.locator('[data-item-type="user_message"]').textContent()).toBe("Hello browser");
  expect(await page.locator('[data-component="Markdown"].ck-streaming').count()).toBe(0);

  // Clicking sends threads.custom_action; the page shows the server's update.
  const actionRequest = page.waitForRequest(
    (request) => request.postDataJSON()?.type === "threads.custom_action",
  );
  await page.click('[data-id="like"]');
  const sent = (await actionRequest).postDataJSON();
  expect(sent.params).toEqual({
    thread_id: threadId,
    item_id: reactions!.id,
    action: { type: "demo.like", payload: { likes: 0 } },
  });
  await page.waitForFunction(`document.querySelector('[data-id="likes"]').textContent === "1 like"`);
  await page.click('[data-id="like"]');
  await page.waitForFunction(`document.querySelector('[data-id="likes"]').textContent === "2 likes"`);

  // The thread list shows the thread; a reload shows the saved thread, with the new count.
  expect(await page.locator(`[data-thread-id="${threadId}"]`).count()).toBe(1);
  await page.reload();
  await page.waitForSelector("body[data-ready]");
  expect(await page.textContent('[data-id="likes"]')).toBe("2 likes");
  const afterReload = await chatkit<{ data: Item[] }>({
    type: "items.list",
    params: { thread_id: threadId, order: "asc" },
  });
  expect(await domTexts(page, message!.id)).toEqual(widgetTexts(message!.widget));
  expect(await domTexts(page, reactions!.id)).toEqual(
    widgetTexts(afterReload.data.find((i) => i.id === reactions!.id)!.widget),
  );

  // A second thread, then back to the first through the side bar.
  await page.click("#new-thread");
  await page.fill("#message", "Second thread");
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-component="Button"][data-id="like"]');
  await page.waitForSelector(`[data-thread-id]:nth-child(2)`);
  await page.click(`[data-thread-id="${threadId}"]`);
  await page.waitForFunction(
    `document.querySelector('[data-item-type="user_message"]')?.textContent === "Hello browser"`,
  );
  expect(await page.textContent('[data-id="likes"]')).toBe("2 likes");

  expect(problems).toEqual([]);
  await page.close();
});
