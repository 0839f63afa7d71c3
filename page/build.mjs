// Bundles the browser page (npm run build): page/chat.ts and page/preview.ts with
// everything they import (the library's reducer, marked, DOMPurify, eventsource-parser)
// into dist/page/assets as ES modules, and copies the HTML next to them. The demo and
// `chatkit-rx preview` serve these files; nothing is built at run time.
import { build } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const pageDir = dirname(fileURLToPath(import.meta.url));
const outDir = join(pageDir, "..", "dist", "page");

await mkdir(join(outDir, "assets"), { recursive: true });
await build({
  entryPoints: [join(pageDir, "chat.ts"), join(pageDir, "preview.ts")],
  outdir: join(outDir, "assets"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  legalComments: "linked",
  tsconfig: join(pageDir, "tsconfig.json"),
  logLevel: "warning",
});
await copyFile(join(pageDir, "page.css"), join(outDir, "assets", "page.css"));
for (const html of ["index.html", "preview.html"]) await copyFile(join(pageDir, html), join(outDir, html));
