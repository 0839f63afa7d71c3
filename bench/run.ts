import { fork } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";

import { diffWorkload } from "./diff";
import { distinctCardsWorkload } from "./distinctCards";
import { fastModelWorkload } from "./fastModel";
import { formatTable, repoPath, type BenchResult } from "./harness";
import { manyStreams2000Workload, manyStreamsClusterWorkload, manyStreamsWorkload } from "./manyStreams";
import { slowReaderWorkload } from "./slowReader";
import { storeWorkload } from "./store";
import { streamingWorkload } from "./streaming";
import { templateBuildWorkload } from "./templateBuild";
import { validationWorkload } from "./validation";

/** Every workload by the name `npm run bench -- <name>...` selects it with, in the order they run. */
const WORKLOADS: Readonly<Record<string, () => BenchResult[] | Promise<BenchResult[]>>> = {
  validation: () => validationWorkload(),
  streaming: () => streamingWorkload(), // W0 floor, W1 naive reference, seed pattern, Rx pipeline
  "fast-model": () => fastModelWorkload(), // W1r
  diff: () => diffWorkload(), // W2
  "template-build": () => templateBuildWorkload(), // W3
  "distinct-cards": () => distinctCardsWorkload(), // per-stream builds (issue #13)
  "many-streams": () => manyStreamsWorkload(), // W4
  "many-streams-2000": () => manyStreams2000Workload(), // W4 at S = 2000 (opt-in)
  "many-streams-cluster": () => manyStreamsClusterWorkload(), // W4 on 2 workers, needs DATABASE_URL (opt-in)
  "slow-reader": () => slowReaderWorkload(), // W5
  store: () => storeWorkload(), // W6
};

/**
 * Workloads that measure a process (its RSS, its heap after GC, its CPU)
 * run in a child process of their own, so what earlier workloads left
 * behind does not count.
 */
const OWN_PROCESS: ReadonlySet<string> = new Set([
  "many-streams",
  "many-streams-2000",
  "many-streams-cluster",
  "slow-reader",
  "store",
]);

/** Workloads that run only when named (`npm run bench -- many-streams-2000`): long, or needing a database server. */
const OPT_IN: ReadonlySet<string> = new Set(["many-streams-2000", "many-streams-cluster"]);

/** Runs workload `name` in a child process (this script with `--child name`), which sends its results back. */
function inChildProcess(name: string): Promise<BenchResult[]> {
  return new Promise((resolve, reject) => {
    // The child inherits this process's execArgv, so under tsx it runs under tsx too.
    const child = fork(__filename, ["--child", name], { stdio: "inherit" });
    let results: BenchResult[] | undefined;
    child.on("message", (message) => (results = message as BenchResult[]));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (results !== undefined) resolve(results);
      else reject(new Error(`bench: the ${name} workload exited with code ${String(code)} without results`));
    });
  });
}

/**
 * `npm run bench [-- name...]`: runs every workload (or the ones named),
 * prints a table as each finishes and writes the results to
 * bench/results.json (a partial run replaces only the cases it measured:
 * several runs share a workload, as `many-streams-cluster` shares W4's).
 */
async function main(names: readonly string[]): Promise<void> {
  const unknown = names.filter((name) => !(name in WORKLOADS));
  if (unknown.length > 0) {
    throw new TypeError(
      `bench: unknown workload ${unknown.join(", ")}; the workloads are ${Object.keys(WORKLOADS).join(", ")}`,
    );
  }
  const selected = names.length > 0 ? names : Object.keys(WORKLOADS).filter((name) => !OPT_IN.has(name));
  const results: BenchResult[] = [];
  for (const name of selected) {
    const workload = OWN_PROCESS.has(name) ? await inChildProcess(name) : await WORKLOADS[name]!();
    console.log(`${formatTable(workload)}\n`);
    results.push(...workload);
  }
  const machine = `${cpus()[0]?.model ?? "unknown cpu"} x${cpus().length}, node ${process.version}`;
  const file = repoPath("bench", "results.json");
  const fresh = new Set(results.map(caseKey));
  const kept = names.length > 0 ? previousResults(file).filter((result) => !fresh.has(caseKey(result))) : [];
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), machine, results: [...kept, ...results] }, null, 2)}\n`,
  );
  console.log(`${machine}; written to bench/results.json`);
}

/** What names one measured case across runs: its workload and its name. */
function caseKey(result: BenchResult): string {
  return `${result.workload}\u0000${result.name}`;
}

/** The results a previous run wrote, so that running a few workloads replaces only their cases. */
function previousResults(file: string): BenchResult[] {
  if (!existsSync(file)) return [];
  const previous = JSON.parse(readFileSync(file, "utf8")) as { results?: BenchResult[] };
  return previous.results ?? [];
}

/** The child side of {@link inChildProcess}: runs one workload and sends its results to the parent. */
async function child(name: string): Promise<void> {
  const results = await WORKLOADS[name]!();
  process.send?.(results);
  process.disconnect?.();
}

const [first, ...rest] = process.argv.slice(2);
const run = first === "--child" && rest[0] !== undefined ? child(rest[0]) : main(process.argv.slice(2));
run.catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
