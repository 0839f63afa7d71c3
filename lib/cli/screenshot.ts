import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where Debian's `chromium` package puts the browser; `CHATKIT_RX_CHROMIUM` overrides it. */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/** Flags for a quiet, local-only headless Chromium: no first-run work, no calls home. */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** No browser to take the picture with (Chromium or playwright-core missing); the message says what to install. */
export class ScreenshotUnavailableError extends Error {
  override readonly name = "ScreenshotUnavailableError";
}

/** The preview drew an error instead of the widget: nothing to take a picture of. */
export class PreviewFailedError extends Error {
  override readonly name = "PreviewFailedError";
}

export function chromiumPath(): string {
  return process.env["CHATKIT_RX_CHROMIUM"] ?? DEFAULT_CHROMIUM;
}

/**
 * Writes a PNG of the widget drawn by a preview page: the widget's own box,
 * at twice its CSS size (device scale 2), with a headless Chromium driven
 * by playwright-core in a fresh profile that is removed afterwards.
 *
 * @param url The preview page.
 * @param out Where the PNG goes.
 * @return The picture's size in pixels.
 * @throws {ScreenshotUnavailableError} without Chromium or playwright-core.
 * @throws {PreviewFailedError} when the widget does not build (the message is the error `check` prints).
 */
export async function screenshotPreview(
  url: string,
  out: string,
): Promise<{ width: number; height: number }> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new ScreenshotUnavailableError(
      `no Chromium at ${executablePath}: install one (Debian: apt-get install chromium) or set CHATKIT_RX_CHROMIUM to its path`,
    );
  }
  let playwright: typeof import("playwright-core");
  try {
    // Loaded only here: the rest of the command line works without it (it is an optional peer).
    playwright = createRequire(__filename)("playwright-core") as typeof import("playwright-core");
  } catch {
    throw new ScreenshotUnavailableError(
      "playwright-core is not installed: npm install --save-dev playwright-core",
    );
  }
  const profile = await mkdtemp(join(tmpdir(), "chatkit-rx-chromium-"));
  const context = await playwright.chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [...CHROMIUM_FLAGS],
    viewport: { width: 800, height: 600 },
    deviceScaleFactor: 2,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    await page.waitForSelector("body[data-renders]");
    const error = await page
      .locator("#error:not([hidden])")
      .textContent({ timeout: 100 })
      .catch(() => null);
    if (error !== null) throw new PreviewFailedError(error);
    const widget = page.locator("#widget > *").first();
    await page.evaluate("document.fonts.ready");
    await widget.screenshot({ path: out });
    const box = await widget.boundingBox();
    return { width: Math.round((box?.width ?? 0) * 2), height: Math.round((box?.height ?? 0) * 2) };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}
