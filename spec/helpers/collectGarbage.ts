import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Runs V8's full garbage collection twice (Jest does not pass --expose-gc), so `heapUsed` counts what is alive. */
export function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  gc();
}
