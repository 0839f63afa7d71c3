import { ChatKitRequestError, ThreadBusyError } from "../errors";
import type { AcquireThreadOptions, ThreadLocks } from "./ThreadLocks";

/**
 * Runs `work` while `locks` hold `key`, and gives it back however `work`
 * ends. Waiting longer than `options.waitMs` throws what `busy` makes of
 * the `ThreadBusyError` (the caller's 409, naming its field); any other
 * failure to acquire is rethrown as it is.
 */
export async function whileHeld<T>(
  locks: ThreadLocks,
  key: string,
  options: AcquireThreadOptions,
  busy: (error: ThreadBusyError) => ChatKitRequestError,
  work: () => Promise<T>,
): Promise<T> {
  let release: () => Promise<void>;
  try {
    release = await locks.acquire(key, options);
  } catch (error) {
    if (!(error instanceof ThreadBusyError)) throw error;
    throw busy(error);
  }
  try {
    return await work();
  } finally {
    await release();
  }
}
