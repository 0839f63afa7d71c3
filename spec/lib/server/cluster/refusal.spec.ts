/**
 * `serveOnAllCores` with a store one process owns, from outside, as a
 * process: the workers refuse it, the primary stops them and exits with
 * code 1 naming the store, and never restarts a worker. Needs no database.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const root = join(__dirname, "../../../..");
const script = join(root, "spec/helpers/clusterOfMemoryStores.ts");

function run(store: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", pathToFileURL(require.resolve("tsx")).href, script], {
    cwd: root,
    env: { ...process.env, STORE: store },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

describe("serveOnAllCores with a store that lives in one process", () => {
  it.each([
    ["memory", "the server's store (MemoryStore) lives in one process"],
    ["pglite", "the server's store (PostgresStore on an embedded PGlite) lives in one process"],
  ])(
    "(%s) refuses: the primary stops its workers and exits 1 naming the store, restarting none",
    async (store, named) => {
      const { code, stdout, stderr } = await run(store);
      expect(code).toBe(1);
      expect(stderr).toContain(`refused: serveOnAllCores: ${named}`);
      expect(stderr).toContain("fromPgPool");
      expect(stderr).not.toContain("a new one starts");
      expect(stdout).not.toContain("served");
    },
    60_000,
  );

  it("stops a worker that is still starting when another refuses, as soon as it listens (not after the kill deadline)", async () => {
    const started = Date.now();
    const { code, stderr } = await run("memory-then-slow");
    expect(code).toBe(1);
    expect(stderr).toContain(
      "refused: serveOnAllCores: the server's store (MemoryStore) lives in one process",
    );
    // The slow worker listens after 2 s and stops at once; ignoring the stop would take gracefulStopMs + 5 s.
    expect(Date.now() - started).toBeLessThan(13_000);
  }, 60_000);
});
