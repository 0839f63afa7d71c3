import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/**
 * The command line, end to end: the published `bin/chatkit-rx.js`, spawned
 * as a process over the compiled `dist/` (the test command builds first).
 */
const root = resolve(__dirname, "../../..");
const bin = join(root, "bin", "chatkit-rx.js");
const dir = mkdtempSync(join(tmpdir(), "chatkit-rx-cli-"));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function writeWidget(name: string, definition: Record<string, unknown>): string {
  writeFileSync(join(dir, name), JSON.stringify(definition));
  return name;
}

const template = `{"type":"Card","children":[{"type":"Text","id":"t","value":{{ text | tojson }}}]}`;
const good = writeWidget("good.widget", {
  version: "1.0",
  name: "Good",
  template,
  jsonSchema: { type: "object", required: ["text"], properties: { text: { type: "string" } } },
  outputJsonPreview: { type: "Card", children: [{ type: "Text", id: "t", value: "hi" }] },
  encodedWidget: encode({ view: "<Card/>", defaultState: { text: "hi" } }),
});

beforeAll(() => {
  if (!existsSync(join(root, "dist", "lib", "cli", "main.js"))) {
    throw new Error(
      "dist/ is missing: run `npm run build` (the test command `npm test` does it) before this spec",
    );
  }
});

describe("chatkit-rx check", () => {
  it("passes a file whose default data renders its outputJsonPreview", () => {
    const { code, stdout, stderr } = run("check", good);
    expect(stdout).toBe("");
    expect(stderr).toContain("checked 1 file: 0 errors, 0 warnings");
    expect(code).toBe(0);
  });

  it("passes every file of the fixture corpus", () => {
    const corpus = join(root, "spec", "fixtures", "widgets");
    const files = readdirSync(corpus)
      .filter((name) => name.endsWith(".widget"))
      .map((name) => join(corpus, name));
    expect(files.length).toBeGreaterThanOrEqual(15);
    const { code, stdout, stderr } = run("check", ...files);
    expect(stdout).toBe("");
    expect(stderr).toContain(`checked ${files.length} files: 0 errors`);
    expect(code).toBe(0);
  });

  it("prints one line per problem and exits 1", () => {
    const future = writeWidget("future.widget", { version: "2.0", name: "Future", template });
    const drifted = writeWidget("drifted.widget", {
      version: "1.0",
      name: "Drifted",
      template,
      outputJsonPreview: { type: "Card", children: [{ type: "Text", id: "t", value: "old" }] },
      encodedWidget: encode({ defaultState: { text: "new" } }),
    });
    const missing = writeWidget("missing.widget", {
      version: "1.0",
      name: "Missing",
      template,
      encodedWidget: encode({ defaultState: {} }),
    });
    const { code, stdout, stderr } = run("check", good, future, drifted, missing, "nope.widget");
    const lines = stdout.trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^future\.widget: error: unsupported version "2\.0"/),
      'drifted.widget: error: the widget rendered from the default data differs from outputJsonPreview at children[0].value: preview has "old", rendered "new"',
      expect.stringMatching(
        /^missing\.widget: error: rendering the Studio's default data failed: "text" is undefined/,
      ),
      "nope.widget: error: cannot read the widget file: no such file",
    ]);
    expect(stderr).toContain("checked 5 files: 4 errors, 0 warnings");
    expect(code).toBe(1);
  });

  it("reports unknown props as warnings, and fails on them only with --strict", () => {
    const extra = writeWidget("extra.widget", {
      version: "1.0",
      name: "Extra",
      template: `{"type":"Card","sparkle":true,"children":[{"type":"Hologram"}]}`,
      encodedWidget: encode({ defaultState: {} }),
    });
    const relaxed = run("check", extra);
    expect(relaxed.stdout).toMatch(/^extra\.widget: warning: sparkle: /m);
    expect(relaxed.stdout).toMatch(/^extra\.widget: warning: children\[0\]: /m);
    expect(relaxed.code).toBe(0);
    expect(run("check", "--strict", extra).code).toBe(1);
  });

  it("checks the Studio's default data against its jsonSchema (the stale metro-map schema fails)", () => {
    const lineSelect = join(root, "spec", "fixtures", "stale-schema", "line-select.widget");
    const { code, stdout } = run("check", lineSelect);
    expect(stdout).toContain(
      "line-select.widget: error: rendering the Studio's default data failed: the data does not match the widget's jsonSchema",
    );
    expect(stdout).toContain("data.items[0].label: required");
    expect(code).toBe(1);
  });

  it("warns about what it could not check, and fails on it only with --strict", () => {
    const base = { version: "1.0", template };
    const files = [
      writeWidget("no-state.widget", {
        ...base,
        name: "NoState",
        outputJsonPreview: { type: "Text", value: "not a root" },
      }),
      writeWidget("undecodable.widget", { ...base, name: "Undecodable", encodedWidget: "%%%not base64%%%" }),
      writeWidget("stateless.widget", {
        ...base,
        name: "Stateless",
        encodedWidget: encode({ view: "<Card/>" }),
      }),
      writeWidget("unpreviewed.widget", {
        ...base,
        name: "Unpreviewed",
        encodedWidget: encode({ defaultState: { text: "hi" } }),
      }),
    ];
    const { code, stdout, stderr } = run("check", ...files);
    expect(stdout.trim().split("\n")).toEqual([
      "no-state.widget: warning: not rendered: the file has no encodedWidget (the Studio's working copy, which holds the default data), so the template's output was not checked",
      "no-state.widget: warning: outputJsonPreview expected a widget root (Card, ListView or Basic), found a Text",
      expect.stringMatching(
        /^undecodable\.widget: warning: not rendered: its encodedWidget cannot be decoded as base64url JSON \(.+\), so the template's output was not checked$/,
      ),
      "stateless.widget: warning: not rendered: its encodedWidget has no defaultState object (the Studio's default data), so the template's output was not checked",
      "unpreviewed.widget: warning: no outputJsonPreview: the rendered widget was not compared with the Studio's",
    ]);
    expect(stderr).toContain("checked 4 files: 0 errors, 5 warnings");
    expect(code).toBe(0);
    expect(run("check", "--strict", ...files).code).toBe(1);
  });

  it("warns about an expression printed inside a JSON string, naming the template line", () => {
    const injectable = writeWidget("injectable.widget", {
      version: "1.0",
      name: "Injectable",
      template: `{"type":"Card","children":[\n  {"type":"Text","id":"t","value":"Hi {{ name }}"},\n  {"type":"Caption","value":"{{ items | length }} items"}\n]}`,
      outputJsonPreview: {
        type: "Card",
        children: [
          { type: "Text", id: "t", value: "Hi Ann" },
          { type: "Caption", value: "2 items" },
        ],
      },
      encodedWidget: encode({ defaultState: { name: "Ann", items: [1, 2] } }),
    });
    const relaxed = run("check", injectable);
    expect(relaxed.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^injectable\.widget: warning: template line 2, column 39: \{\{ name \}\} is printed inside a JSON string without tojson: data holding a quote can end the string/,
      ),
    ]);
    expect(relaxed.code).toBe(0);
    expect(run("check", "--strict", injectable).code).toBe(1);
  });

  it("exits 2 with the usage on bad arguments", () => {
    expect(run("check").code).toBe(2);
    expect(run("frobnicate").stderr).toContain('unknown command "frobnicate"');
    expect(run().code).toBe(2);
    expect(run("--help").stdout).toContain("chatkit-rx render");
  });
});

describe("chatkit-rx render", () => {
  it("prints the widget for the Studio's default data", () => {
    const { code, stdout } = run("render", good);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ type: "Card", children: [{ type: "Text", id: "t", value: "hi" }] });
  });

  it("prints the widget for a data file", () => {
    writeFileSync(join(dir, "data.json"), JSON.stringify({ text: 'with "quotes" </script>' }));
    const { code, stdout } = run("render", good, "--data", "data.json");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      type: "Card",
      children: [{ type: "Text", id: "t", value: 'with "quotes" </script>' }],
    });
  });

  it("names the field at fault when the data does not fit", () => {
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ text: 5 }));
    const { code, stderr } = run("render", good, "--data", "bad.json");
    expect(code).toBe(1);
    expect(stderr).toContain("good.widget: error: the data does not match the widget's jsonSchema");
    expect(stderr).toContain("data.text: must be string");
  });

  it("names an unreadable data file", () => {
    const { code, stderr } = run("render", good, "--data", "absent.json");
    expect(code).toBe(1);
    expect(stderr).toContain("cannot read the data file absent.json");
  });
});
