import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/**
 * Dependencies point one way: the widget layer (components, templates,
 * engines, their errors) is the base, and imports nothing from `lib/`,
 * `operators/` or the barrel. This reads the import lines of every file
 * under `widgets/`, so a stray `../lib/...` cannot come back unnoticed.
 */
const root = resolve(__dirname, "../..");
const widgetsDir = join(root, "widgets");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every module a file names: `import ... from "x"`, `export ... from "x"`, `import("x")`, `require("x")`. */
function importedSpecifiers(source: string): string[] {
  const pattern =
    /\b(?:import|export)\s[^;"']*?\bfrom\s*["']([^"']+)["']|\bimport\s*["']([^"']+)["']|\b(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/g;
  return [...source.matchAll(pattern)].map((match) => match[1] ?? match[2] ?? match[3] ?? "");
}

describe("the widget layer", () => {
  const files = sourceFiles(widgetsDir);

  it("has source files to check", () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it("finds every kind of import line", () => {
    expect(
      importedSpecifiers(
        [
          `import { a } from "../lib/a";`,
          `import type { B } from '../../lib/b';`,
          `export { c } from "../lib/c";`,
          `import "../lib/d";`,
          `const e = require("../lib/e");`,
          `const f = await import("../lib/f");`,
          `import {\n  g,\n  h,\n} from "../lib/g";`,
        ].join("\n"),
      ),
    ).toEqual(["../lib/a", "../../lib/b", "../lib/c", "../lib/d", "../lib/e", "../lib/f", "../lib/g"]);
  });

  it("imports nothing from outside widgets/ but packages", () => {
    const outside = files.flatMap((file) =>
      importedSpecifiers(readFileSync(file, "utf8"))
        .filter((specifier) => specifier.startsWith("."))
        .filter((specifier) => !resolve(dirname(file), specifier).startsWith(widgetsDir + sep))
        .map((specifier) => `${relative(root, file)} imports ${specifier}`),
    );
    expect(outside).toEqual([]);
  });
});
