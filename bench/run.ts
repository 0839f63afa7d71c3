import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { formatTable, type BenchResult } from "./harness";
import { streamingWorkload } from "./streaming";
import { validationWorkload } from "./validation";

/** `npm run bench`: runs every workload, prints a table and writes bench/results.json. */
function main(): void {
  const results: BenchResult[] = [...validationWorkload(), ...streamingWorkload()];
  console.log(formatTable(results));
  const machine = `${cpus()[0]?.model ?? "unknown cpu"} x${cpus().length}, node ${process.version}`;
  writeFileSync(
    join(__dirname, "results.json"),
    `${JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2)}\n`,
  );
  console.log(`\n${machine}; written to bench/results.json`);
}

main();
