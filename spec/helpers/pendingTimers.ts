import { createHook } from "node:async_hooks";
import { resolve, sep } from "node:path";

/** The library's own source folders: a timer whose maker's stack passes through one of them is the library's. */
const LIBRARY_FOLDERS = ["lib", "operators", "widgets"].map(
  (folder) => resolve(__dirname, "..", "..", folder) + sep,
);

/**
 * Watches the timers (`setTimeout`, `setInterval`) made from now on on
 * behalf of the library's code (RxJS's schedulers included, when the
 * library asked them), until each fires for the last time or is cleared.
 * Node's own unref'd timers (the HTTP date cache, socket time-outs) are not
 * counted: they do not keep a process alive and are not ours to release.
 */
export function watchLibraryTimers(): { pending(): Promise<string[]>; stop(): void } {
  const pending = new Map<number, string>();
  const hook = createHook({
    init(asyncId, type) {
      if (type !== "Timeout") return;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 40;
      const stack = new Error().stack ?? "";
      Error.stackTraceLimit = limit;
      const frames = stack.split("\n").slice(1);
      const madePublicly = frames.some((frame) => /at (setTimeout|setInterval) \(node:timers/.test(frame));
      const madeForLibrary = frames.some((frame) => LIBRARY_FOLDERS.some((folder) => frame.includes(folder)));
      if (madePublicly && madeForLibrary) pending.set(asyncId, frames.join("\n"));
    },
    destroy(asyncId) {
      pending.delete(asyncId);
    },
  });
  hook.enable();
  return {
    /** The stacks that made the timers still pending, after a turn of the event loop (Node reports cleared timers' ends then). */
    pending: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return [...pending.values()];
    },
    stop: () => void hook.disable(),
  };
}
