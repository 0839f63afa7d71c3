import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startPreviewServer } from "./previewServer";
import { PreviewFailedError, screenshotPreview, ScreenshotUnavailableError } from "./screenshot";
import { parsing, UsageError, type ConsoleOutput } from "./usage";

export const PREVIEW_USAGE = `  chatkit-rx preview <file.widget> [--data data.json] [--port N] [--screenshot out.png]
      Serve a page that draws the widget (Studio's default data, or the data file) and
      draws it again when either file changes; errors show on the page as check prints
      them. With --screenshot, write a PNG of the widget instead (needs Chromium:
      /usr/bin/chromium or CHATKIT_RX_CHROMIUM, and playwright-core).
`;

/** Resolves on Ctrl-C / SIGTERM: the preview serves until then. */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}

/** `chatkit-rx preview`: serves the preview page, or with `--screenshot` writes a PNG and exits. */
export async function preview(
  args: readonly string[],
  output: ConsoleOutput,
  stopped: () => Promise<void> = untilStopped,
): Promise<number> {
  const { values, positionals } = parsing(() =>
    parseArgs({
      args: [...args],
      options: {
        data: { type: "string", short: "d" },
        port: { type: "string", short: "p" },
        host: { type: "string" },
        screenshot: { type: "string" },
      },
      allowPositionals: true,
    }),
  );
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError("name exactly one .widget file");
  const port = values.port === undefined ? (values.screenshot === undefined ? 4000 : 0) : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number, got ${values.port}`);
  const server = await startPreviewServer({
    file: resolve(file),
    dataFile: values.data === undefined ? undefined : resolve(values.data),
    port,
    host: values.host,
  });
  try {
    if (values.screenshot !== undefined) {
      try {
        const { width, height } = await screenshotPreview(server.url, values.screenshot);
        output.err(`wrote ${values.screenshot} (${width}×${height})`);
        return 0;
      } catch (error) {
        if (error instanceof ScreenshotUnavailableError) {
          output.err(`chatkit-rx preview: cannot take a screenshot: ${error.message}`);
          return 1;
        }
        if (error instanceof PreviewFailedError) {
          output.err(error.message);
          return 1;
        }
        throw error;
      }
    }
    output.out(`Previewing ${file} at ${server.url} (Ctrl-C to stop)`);
    await stopped();
    return 0;
  } finally {
    await server.close();
  }
}
