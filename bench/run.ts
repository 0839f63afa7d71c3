import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";

import { diffWorkload } from "./diff";
import { fastModelWorkload } from "./fastModel";
import { formatTable, repoPath, type BenchResult } from "./harness";
import { manyStreamsWorkload } from "./manyStreams";
import { slowReaderWorkload } from "./slowReader";
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
  "many-streams": () => manyStreamsWorkload(), // W4
  "slow-reader": () => slowReaderWorkload(), // W5
};

/**
 * `npm run bench [-- name...]`: runs every workload (or the ones named),
 * prints a table as each finishes and writes the results to
 * bench/results.json (a partial run replaces only its workloads' results).
 */
async function main(names: readonly string[]): Promise<void> {
  const unknown = names.filter((name) => !(name in WORKLOADS));
  if (unknown.length > 0) {
    throw new TypeError(
      `bench: unknown workload ${unknown.join(", ")}; the workloads are ${Object.keys(WORKLOADS).join(", ")}`,
    );
  }
  const selected = names.length > 0 ? names : Object.keys(WORKLOADS);
  const results: BenchResult[] = [];
  for (const name of selected) {
    const workload = await WORKLOADS[name]!();
    console.log(`${formatTable(workload)}\n`);
    results.push(...workload);
  }
  const machine = `${cpus()[0]?.model ?? "unknown cpu"} x${cpus().length}, node ${process.version}`;
  const file = repoPath("bench", "results.json");
  const fresh = new Set(results.map((result) => result.workload));
  const kept = names.length > 0 ? previousResults(file).filter((result) => !fresh.has(result.workload)) : [];
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), machine, results: [...kept, ...results] }, null, 2)}\n`,
  );
  console.log(`${machine}; written to bench/results.json`);
}

/** The results a previous run wrote, so that running a few workloads replaces only theirs. */
function previousResults(file: string): BenchResult[] {
  if (!existsSync(file)) return [];
  const previous = JSON.parse(readFileSync(file, "utf8")) as { results?: BenchResult[] };
  return previous.results ?? [];
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
