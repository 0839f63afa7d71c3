import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { startPreviewServer } from "../../lib/cli/previewServer";
import { previewState } from "../../lib/cli/previewState";
import { WIDGET_COMPONENT_TYPES, WIDGET_ROOT_TYPES } from "../../widgets/components";
import { componentsOf, launchChromium, watchProblems } from "./browser";

/**
 * Every widget of the fixture corpus (with its Studio default data), and a
 * widget holding every component type the library knows, drawn by the
 * page's renderer in Chromium: no console error, no request off the page's
 * origin, and every component of the tree present in the DOM (an unknown
 * one as a labelled box, never dropped).
 */
const corpus = resolve(__dirname, "../fixtures/widgets");
const dir = mkdtempSync(join(tmpdir(), "chatkit-rx-corpus-"));
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
});

/** Draws `file` in a preview; returns the widget it built and the problems seen. */
async function draw(file: string): Promise<{ widget: unknown; problems: string[] }> {
  const state = await previewState(file);
  if (!("widget" in state)) throw new Error(state.error);
  const server = await startPreviewServer({ file });
  try {
    const origin = new URL(server.url).origin;
    const problems = watchProblems(page, origin);
    await page.goto(server.url);
    await page.waitForSelector("body[data-renders]");
    page.removeAllListeners();
    return { widget: state.widget, problems };
  } finally {
    await server.close();
  }
}

/** How many components of each type the tree has, and how many elements the page drew for each. */
async function counts(
  widget: unknown,
): Promise<{ tree: Record<string, number>; dom: Record<string, number> }> {
  const tree: Record<string, number> = {};
  for (const node of componentsOf(widget)) tree[node.type] = (tree[node.type] ?? 0) + 1;
  const dom = await page.evaluate<Record<string, number>>(`(() => {
    const counts = {};
    for (const el of document.querySelectorAll("#widget [data-component]"))
      counts[el.dataset.component] = (counts[el.dataset.component] ?? 0) + 1;
    return counts;
  })()`);
  return { tree, dom };
}

const fixtures = readdirSync(corpus).filter((name) => name.endsWith(".widget"));

it("has fixtures to draw", () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(15);
});

it.each(fixtures)("draws %s with every component and no error", async (name) => {
  const { widget, problems } = await draw(join(corpus, name));
  const { tree, dom } = await counts(widget);
  expect(dom).toEqual(tree);
  expect(await page.locator("[data-unknown]").count()).toBe(0);
  expect(problems).toEqual([]);
});

/** Minimal valid props for each known type, so one widget can hold them all. */
const SAMPLES: Record<string, unknown> = {
  Box: { type: "Box", children: [{ type: "Text", value: "in a box" }] },
  Row: { type: "Row", children: [{ type: "Text", value: "in a row" }] },
  Col: { type: "Col", children: [] },
  Form: { type: "Form", onSubmitAction: { type: "f.submit" }, children: [] },
  Spacer: { type: "Spacer" },
  Divider: { type: "Divider" },
  Transition: { type: "Transition", children: { type: "Text", value: "transition child" } },
  Title: { type: "Title", value: "A title" },
  Caption: { type: "Caption", value: "A caption" },
  Text: { type: "Text", value: "Some text", streaming: true },
  Markdown: {
    type: "Markdown",
    value: "**bold** <script>window.__pwned = true</script> ![x](https://example.com/x.png)",
  },
  Badge: { type: "Badge", label: "New" },
  Icon: { type: "Icon", name: "star" },
  Image: { type: "Image", src: "https://example.com/remote.png", alt: "remote" },
  Button: { type: "Button", label: "Go", onClickAction: { type: "go" } },
  Input: { type: "Input", name: "a.b" },
  Textarea: { type: "Textarea", name: "notes" },
  Select: { type: "Select", name: "pick", options: [{ value: "x", label: "X" }] },
  DatePicker: { type: "DatePicker", name: "when" },
  Checkbox: { type: "Checkbox", name: "ok", label: "OK" },
  RadioGroup: { type: "RadioGroup", name: "r", options: [{ value: "1", label: "One" }] },
  Label: { type: "Label", value: "Label", fieldName: "a.b" },
  Chart: { type: "Chart", data: [{ m: "Jan", v: 3 }], series: [{ type: "bar", dataKey: "v" }], xAxis: "m" },
  Table: {
    type: "Table",
    children: [
      { type: "Table.Row", children: [{ type: "Table.Cell", children: [{ type: "Text", value: "cell" }] }] },
    ],
  },
};

it("draws every component type the library knows, and an unknown one as a labelled box with its children", async () => {
  const nested = new Set(["Table.Row", "Table.Cell", "ListViewItem"]);
  const missing = WIDGET_COMPONENT_TYPES.filter((type) => !nested.has(type) && SAMPLES[type] === undefined);
  expect(missing).toEqual([]);
  const everything = {
    type: "Basic",
    children: [
      {
        type: "Card",
        children: WIDGET_COMPONENT_TYPES.flatMap((type) => (SAMPLES[type] ? [SAMPLES[type]] : [])),
      },
      {
        type: "ListView",
        limit: 1,
        children: [1, 2].map((n) => ({
          type: "ListViewItem",
          children: [{ type: "Text", value: `item ${n}` }],
        })),
      },
      {
        type: "Card",
        children: [{ type: "Sparkline", children: [{ type: "Text", value: "inside the unknown" }] }],
      },
    ],
  };
  const file = join(dir, "everything.widget");
  writeFileSync(
    file,
    JSON.stringify({
      version: "1.0",
      name: "Everything",
      template: JSON.stringify(everything),
      jsonSchema: {},
    }),
  );
  const { widget, problems } = await draw(file);
  const { tree, dom } = await counts(widget);
  expect(dom).toEqual(tree);
  for (const type of [...WIDGET_ROOT_TYPES, ...WIDGET_COMPONENT_TYPES]) expect(dom[type]).toBeGreaterThan(0);
  expect(await page.textContent('[data-component="Sparkline"]')).toBe(
    "Unsupported component: Sparkline" + "inside the unknown",
  );
  // Markdown is sanitised (no script ran) and a remote image in it is not loaded.
  expect(await page.evaluate("window.__pwned")).toBeUndefined();
  expect(await page.locator(".ck-markdown strong").textContent()).toBe("bold");
  expect(await page.locator("img").count()).toBe(0);
  expect(problems).toEqual([]);
});
