import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { main, type ConsoleOutput } from "../../lib/cli/main";
import { startPreviewServer, type PreviewServer } from "../../lib/cli/previewServer";
import { launchChromium, watchProblems } from "./browser";

/**
 * `chatkit-rx preview` in Chromium: the page draws the widget file, draws it
 * again when the file or its data changes, shows errors as `check` prints
 * them, and `--screenshot` writes a PNG of the widget.
 */
const dir = mkdtempSync(join(tmpdir(), "chatkit-rx-preview-"));
let browser: Browser;
let page: Page;
let server: PreviewServer | undefined;

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await browser?.close();
});

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function widgetFile(name: string, template: string, defaultState: object = { text: "first" }): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({
      version: "1.0",
      name,
      template,
      jsonSchema: {},
      encodedWidget: encode({ defaultState }),
    }),
  );
  return file;
}

const CARD = `{"type":"Card","children":[{"type":"Text","id":"t","value":{{ text | tojson }}}]}`;

async function open(file: string, dataFile?: string): Promise<string[]> {
  server = await startPreviewServer({ file, dataFile });
  const problems = watchProblems(page, new URL(server.url).origin);
  await page.goto(server.url);
  await page.waitForSelector('body[data-renders="1"]');
  return problems;
}

async function captured(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: ConsoleOutput = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const code = await main(argv, output);
  return { code, out, err };
}

it("draws the widget and draws it again when the file changes", async () => {
  const file = widgetFile("live.widget", CARD);
  const problems = await open(file);
  expect(await page.textContent('[data-id="t"]')).toBe("first");
  widgetFile("live.widget", CARD.replace('"type":"Text"', '"type":"Title"'));
  await page.waitForSelector('body[data-renders="2"]');
  expect(await page.getAttribute('[data-id="t"]', "data-component")).toBe("Title");
  expect(problems).toEqual([]);
});

it("draws it with the data file, and again when the data changes", async () => {
  const file = widgetFile("data.widget", CARD);
  const data = join(dir, "data.json");
  writeFileSync(data, JSON.stringify({ text: "from the data file" }));
  await open(file, data);
  expect(await page.textContent('[data-id="t"]')).toBe("from the data file");
  writeFileSync(data, JSON.stringify({ text: "changed data" }));
  await page.waitForFunction(`document.querySelector('[data-id="t"]')?.textContent === "changed data"`);
});

it("shows errors with the same text as check, and the widget again once fixed", async () => {
  const file = widgetFile("broken.widget", CARD);
  await open(file);
  const cases = [
    "{ not json",
    JSON.stringify({ version: "1.0", name: "b", template: "{% if %}", jsonSchema: {} }),
    JSON.stringify({
      version: "1.0",
      name: "b",
      template: CARD.replace("text |", "missing_variable |"),
      jsonSchema: {},
      encodedWidget: encode({ defaultState: { text: "x" } }),
    }),
  ];
  let renders = 1;
  for (const content of cases) {
    writeFileSync(file, content);
    await page.waitForSelector(`body[data-renders="${++renders}"]`);
    const check = await captured(["check", file]);
    const line = check.out.find((l) => l.includes(": error: "));
    expect(line).toBeDefined();
    expect(await page.textContent("#error")).toBe(line);
    expect(await page.isVisible("#error")).toBe(true);
    expect(await page.locator("#widget > *").count()).toBe(0);
  }
  writeFileSync(
    file,
    JSON.stringify({
      version: "1.0",
      name: "b",
      template: CARD,
      jsonSchema: {},
      encodedWidget: encode({ defaultState: { text: "fixed" } }),
    }),
  );
  await page.waitForFunction(`document.querySelector('[data-id="t"]')?.textContent === "fixed"`);
  expect(await page.isVisible("#error")).toBe(false);
});

it("puts a form's values into the action payload, dotted names nested", async () => {
  await open(resolve(__dirname, "../fixtures/widgets/todo-form.widget"));
  await page.fill('input[name="todo.title"]', "Buy milk");
  await page.check('input[name="todo.priority"][value="low"]');
  await page.check('input[name="todo.done"]');
  await page.click('button[type="submit"]');
  const line = (await page.locator("#actions li").first().textContent()) ?? "";
  const [type, json] = [line.slice(0, line.indexOf(" ")), line.slice(line.indexOf(" ") + 1)];
  expect(type).toBe("todo.save");
  const payload = JSON.parse(json);
  expect(payload.todo).toMatchObject({ title: "Buy milk", priority: "low", done: true });
  expect(Object.keys(payload.todo).sort()).toEqual(["done", "due", "list", "notes", "priority", "title"]);
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

it("--screenshot writes a PNG of the widget at twice its size", async () => {
  const fixture = resolve(__dirname, "../fixtures/widgets/flight-booking.widget");
  await open(fixture);
  await page.setViewportSize({ width: 800, height: 600 });
  const box = await page.locator("#widget > *").first().boundingBox();
  const out = join(dir, "flight.png");
  const result = await captured(["preview", fixture, "--screenshot", out]);
  expect(result.code).toBe(0);
  const { width, height } = pngSize(out);
  expect(Math.abs(width - 2 * box!.width)).toBeLessThanOrEqual(2);
  expect(Math.abs(height - 2 * box!.height)).toBeLessThanOrEqual(2);
  expect(result.err).toEqual([`wrote ${out} (${width}×${height})`]);
});

it("--screenshot says clearly when there is no Chromium, and prints the widget's error when it does not build", async () => {
  const file = widgetFile("shot.widget", CARD);
  const saved = process.env["CHATKIT_RX_CHROMIUM"];
  process.env["CHATKIT_RX_CHROMIUM"] = join(dir, "no-such-chromium");
  try {
    const result = await captured(["preview", file, "--screenshot", join(dir, "x.png")]);
    expect(result.code).toBe(1);
    expect(result.err.join("\n")).toContain(`no Chromium at ${join(dir, "no-such-chromium")}`);
  } finally {
    if (saved === undefined) delete process.env["CHATKIT_RX_CHROMIUM"];
    else process.env["CHATKIT_RX_CHROMIUM"] = saved;
  }
  writeFileSync(file, "{ not json");
  const broken = await captured(["preview", file, "--screenshot", join(dir, "y.png")]);
  const check = await captured(["check", file]);
  expect(broken.code).toBe(1);
  expect(broken.err).toEqual(check.out.filter((l) => l.includes(": error: ")));
});
