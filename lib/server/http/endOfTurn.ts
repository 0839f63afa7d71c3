/**
 * Runs `callback` when the current turn of the event loop is done: after
 * every tick and microtask queued so far, so the frames of a burst (each
 * forwarded after a promise-based save) are all in, and before any I/O or
 * timer, so a lone frame waits for nothing. That is Node's (and Bun's,
 * Deno's) `process.nextTick`; elsewhere a microtask, which batches less
 * but never delays.
 */
export const endOfTurn: (callback: () => void) => void =
  typeof process === "object" && typeof process.nextTick === "function"
    ? (callback) => process.nextTick(callback)
    : (callback) => queueMicrotask(callback);
