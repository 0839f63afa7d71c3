import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { findPageDirectory } from "../../lib/page/createPageHandler";
import { CHROMIUM_FLAGS, chromiumPath } from "../../lib/cli/screenshot";

/**
 * The real browser the page tests run in: Debian's Chromium (installed by
 * .ci/run when missing), driven by playwright-core. No browser is ever
 * downloaded. Missing pieces fail loudly: a browser test never skips.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `no Chromium at ${executablePath}: apt-get install -y chromium (.ci/run does it), or set CHATKIT_RX_CHROMIUM`,
    );
  }
  if (findPageDirectory() === undefined) throw new Error("the page is not built: run `npm run build` first");
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_FLAGS] });
}

/** What went wrong in a page: console errors, uncaught exceptions, and requests to any origin but `origin`. */
export function watchProblems(page: Page, origin: string): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith("data:") && new URL(url).origin !== origin) problems.push(`request to ${url}`);
  });
  return problems;
}

/** Every component of a widget tree (the root, then children depth first), as `[type, node]`. */
export function componentsOf(node: unknown): Array<Record<string, unknown> & { type: string }> {
  if (typeof node !== "object" || node === null || typeof (node as { type?: unknown }).type !== "string")
    return [];
  const component = node as Record<string, unknown> & { type: string };
  const children = component["children"];
  const list = Array.isArray(children) ? children : children === undefined ? [] : [children];
  return [component, ...list.flatMap(componentsOf)];
}
