import { execFile, execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import ts from "typescript";

/**
 * The published package, as users get it. The project is copied the way a
 * fresh clone has it (tracked and unignored files: no `dist/`), packed with
 * `npm pack` (whose lifecycle must build it), and the tarball is installed
 * into consumer projects under the system's temp dir, outside this tree, so
 * that nothing resolves from our own `node_modules` by accident.
 *
 * Slow by nature (a build, an install, two compiles): everything is done
 * once here and shared by the tests below.
 */
const root = join(__dirname, "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const widget = join(root, "examples", "widgets", "channel_message.widget");

interface PackedFile {
  readonly path: string;
}
interface PackResult {
  readonly filename: string;
  readonly files: readonly PackedFile[];
}
interface Manifest {
  readonly main: string;
  readonly types: string;
  readonly bin: Record<string, string>;
  readonly exports: Record<string, string | Record<string, string>>;
  readonly typesVersions: Record<string, Record<string, string[]>>;
}

/** The environment of a child npm: none of the `npm_*` settings of the `npm test` that may be running us. */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("npm_")));
}

/** Runs a command; on failure, the error carries its output (what a failing test should show). */
function run(command: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, env: childEnv(), encoding: "utf8", maxBuffer: 64 << 20 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} (in ${cwd}) exited with ${String(result.status ?? result.signal)}:\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}

/** Copies what a fresh clone holds: the files git tracks or would track, as they are in the working tree. */
function copyFreshClone(to: string): void {
  const listed = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  for (const file of listed.split("\0")) {
    if (file === "" || !existsSync(join(root, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(join(root, file), join(to, file));
  }
}

/** `tsc -p dir` in the background (the two consumers compile side by side); resolves to its diagnostics. */
function compile(dir: string, source: string, compilerOptions: Record<string, unknown>): Promise<string> {
  writeFileSync(join(dir, "consumer.ts"), source);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        strict: true,
        noEmit: true,
        types: ["node"],
        skipLibCheck: false,
        ...compilerOptions,
      },
      files: ["consumer.ts"],
    }),
  );
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, "-p", dir], { cwd: dir, encoding: "utf8" }, (error, stdout, stderr) =>
      resolve(`${stdout}${stderr}`.trim() || (error === null ? "" : error.message)),
    );
  });
}

/** A consumer of the main entry: no @openai/agents, skipLibCheck off, so every declaration of ours is checked. */
const MAIN_CONSUMER = [
  `import { createServer } from "node:http";`,
  `import { ChatKitServer, MemoryStore, streamWidget, toNodeHandler, type WidgetRoot } from "chatkit-rx";`,
  `const card: WidgetRoot = { type: "Card", children: [{ type: "Text", value: "Hi" }] };`,
  `const server = new ChatKitServer<{ userId: string }>({`,
  `  store: new MemoryStore(),`,
  `  respond: (thread) => streamWidget(thread, card),`,
  `});`,
  `createServer(toNodeHandler(server, () => ({ userId: "ron" })));`,
  // A typo must fail: the compile really checks the consumer against our types.
  `// @ts-expect-error no such export`,
  `import { streamWidgetz } from "chatkit-rx";`,
  `void streamWidgetz;`,
].join("\n");

/** A consumer of chatkit-rx/agents: the SDK's streamed result must fit what our functions take. */
const AGENTS_CONSUMER = [
  `import { Agent, run } from "@openai/agents";`,
  `import type { ThreadMetadata } from "chatkit-rx";`,
  `import { AgentContext, streamAgentResponse, textDeltas } from "chatkit-rx/agents";`,
  `export async function respond(thread: ThreadMetadata) {`,
  `  const context = new AgentContext({ thread, requestContext: { userId: "ron" } });`,
  `  const agent = new Agent<typeof context>({ name: "Assistant", instructions: "Help." });`,
  `  const result = await run(agent, "Hello", { stream: true, context, signal: context.signal });`,
  `  return { text: textDeltas(result), events: streamAgentResponse(context, result) };`,
  `}`,
].join("\n");

let work = "";
let clone = "";
let packed: PackResult;
let consumer = "";
let mainCompiled: Promise<string>;
let agentsCompiled: Promise<string>;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "chatkit-rx-package-"));
  clone = join(work, "clone");
  copyFreshClone(clone);
  // The clone's dependencies are ours (read-only use: pack and build write nothing there).
  symlinkSync(join(root, "node_modules"), join(clone, "node_modules"), "dir");
  const [result] = JSON.parse(
    run("npm", ["pack", "--json", "--pack-destination", work], clone),
  ) as PackResult[];
  if (result === undefined) throw new Error("npm pack reported no package");
  packed = result;

  // A consumer without @openai/agents: the tarball and its dependencies (from npm's cache when it
  // has them), plus @types/node, which a server's consumer has (our .d.ts name node:http).
  consumer = join(work, "consumer");
  mkdirSync(join(consumer, "node_modules", "@types"), { recursive: true });
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
  run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", join(work, packed.filename)],
    consumer,
  );
  symlinkSync(
    join(root, "node_modules", "@types", "node"),
    join(consumer, "node_modules", "@types", "node"),
    "dir",
  );

  // The same consumer plus the SDK, for chatkit-rx/agents.
  const withAgents = join(work, "consumer-with-agents");
  cpSync(consumer, withAgents, { recursive: true, verbatimSymlinks: true });
  mkdirSync(join(withAgents, "node_modules", "@openai"), { recursive: true });
  symlinkSync(
    join(root, "node_modules", "@openai", "agents"),
    join(withAgents, "node_modules", "@openai", "agents"),
    "dir",
  );

  mainCompiled = compile(consumer, MAIN_CONSUMER, { module: "node16", moduleResolution: "node16" });
  // The SDK's own declarations are not ours to check: skipLibCheck on here, off for the main entry.
  agentsCompiled = compile(withAgents, AGENTS_CONSUMER, {
    module: "node16",
    moduleResolution: "node16",
    skipLibCheck: true,
  });
}, 300_000);

afterAll(() => {
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

describe("npm pack of a fresh clone", () => {
  const paths = () => new Set(packed.files.map((file) => file.path));

  it("builds dist/ in its lifecycle and ships it", () => {
    expect([...paths()].filter((path) => path.startsWith("dist/")).length).toBeGreaterThan(50);
    for (const path of ["dist/index.js", "dist/index.d.ts", "dist/agents.js", "dist/agents.d.ts"]) {
      expect(paths()).toContain(path);
    }
  });

  it("ships every file its package.json points at (main, types, exports, typesVersions, bin)", () => {
    const manifest = JSON.parse(readFileSync(join(clone, "package.json"), "utf8")) as Manifest;
    const targets = [
      manifest.main,
      manifest.types,
      ...Object.values(manifest.bin),
      ...Object.values(manifest.exports).flatMap((target) =>
        typeof target === "string" ? [target] : Object.values(target),
      ),
      ...Object.values(manifest.typesVersions).flatMap((map) => Object.values(map).flat()),
    ].map((target) => posix.normalize(target));
    const missing = targets.filter((target) => !paths().has(target));
    expect(missing).toEqual([]);
  });

  it("ships no source map whose sources it does not ship, and no .ts sources", () => {
    const broken: string[] = [];
    for (const path of paths()) {
      if (!path.endsWith(".map")) continue;
      const map = JSON.parse(readFileSync(join(clone, path), "utf8")) as { sources: string[] };
      for (const source of map.sources) {
        const shipped = posix.normalize(posix.join(posix.dirname(path), source));
        if (!paths().has(shipped)) broken.push(`${path} -> ${shipped}`);
      }
    }
    expect(broken).toEqual([]);
    expect([...paths()].filter((path) => path.endsWith(".ts") && !path.endsWith(".d.ts"))).toEqual([]);
  });

  it("leaves a working command line in the clone (npm install runs the same prepare script)", () => {
    const result = spawnSync(process.execPath, [join(clone, "bin", "chatkit-rx.js"), "check", widget], {
      cwd: clone,
      encoding: "utf8",
    });
    expect(result.stderr).toContain("checked 1 file: 0 errors, 0 warnings");
    expect(result.status).toBe(0);
  });
});

describe("the tarball, installed into a consumer project", () => {
  it("has no @openai/agents (the optional peer is not installed for the consumer)", () => {
    expect(existsSync(join(consumer, "node_modules", "@openai", "agents"))).toBe(false);
    expect(existsSync(join(consumer, "node_modules", "chatkit-rx", "dist", "index.d.ts"))).toBe(true);
  });

  it("runs its installed command: npx chatkit-rx check", () => {
    const bin = join(consumer, "node_modules", ".bin", "chatkit-rx");
    const result = spawnSync(bin, ["check", widget], { cwd: consumer, encoding: "utf8" });
    expect(result.stderr).toContain("checked 1 file: 0 errors, 0 warnings");
    expect(result.status).toBe(0);
  });

  it("resolves chatkit-rx/agents types under node16, bundler and node10 (typesVersions) resolution", () => {
    const from = join(consumer, "consumer.ts");
    const resolved = (moduleResolution: ts.ModuleResolutionKind, module: ts.ModuleKind) =>
      ts.resolveModuleName("chatkit-rx/agents", from, { moduleResolution, module }, ts.sys).resolvedModule
        ?.resolvedFileName;
    const expected = join(consumer, "node_modules", "chatkit-rx", "dist", "agents.d.ts");
    expect([
      resolved(ts.ModuleResolutionKind.Node16, ts.ModuleKind.Node16),
      resolved(ts.ModuleResolutionKind.Bundler, ts.ModuleKind.ESNext),
      resolved(ts.ModuleResolutionKind.Node10, ts.ModuleKind.CommonJS),
    ]).toEqual([expected, expected, expected]);
  });

  it("compiles a consumer of the main entry without @openai/agents, with skipLibCheck off", async () => {
    expect(await mainCompiled).toBe("");
  }, 180_000);

  it("compiles a consumer of chatkit-rx/agents once @openai/agents is installed", async () => {
    expect(await agentsCompiled).toBe("");
  }, 180_000);
});

describe("package-lock.json", () => {
  it("is what npm install makes of package.json: a fresh clone's install leaves it unchanged", () => {
    // `--package-lock-only` computes the same tree as `npm install` (from package.json and the lock)
    // and writes the lock, without touching node_modules or running scripts.
    const dir = join(work, "lock");
    mkdirSync(dir);
    for (const file of ["package.json", "package-lock.json"]) cpSync(join(root, file), join(dir, file));
    run(
      "npm",
      ["install", "--package-lock-only", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"],
      dir,
    );
    const written = readFileSync(join(dir, "package-lock.json"), "utf8");
    const committed = readFileSync(join(root, "package-lock.json"), "utf8");
    expect(written === committed).toBe(true);
  }, 120_000);
});
