import type { Observable } from "rxjs";

import { ChatKitRequestError } from "../errors";
import { holdingThread, type ThreadTurn } from "./holdingThread";
import type { ThreadLocks } from "./ThreadLocks";
import { whileHeld } from "./whileHeld";

/**
 * How one server's requests take turns on their threads (see
 * {@link ThreadLocks}): a stream holds its thread from its first write to
 * its end (a cancelled stream's clean-up included), a non-streaming write
 * for its one write. It remembers the threads being given back, so
 * {@link ThreadTurns.idle} can wait for them (tests, graceful shutdown).
 */
export class ThreadTurns {
  /** Threads being given back (clean-up of a cancelled stream, then the release). */
  readonly #releasing = new Set<Promise<void>>();

  /**
   * @param locks What serialises each thread's requests.
   * @param waitMs How long a request waits for the thread's earlier ones.
   * @param report Told when giving a thread back fails.
   */
  constructor(
    readonly locks: ThreadLocks,
    readonly waitMs: number,
    private readonly report: (error: unknown) => void,
  ) {}

  /**
   * `work`'s events while the thread is held (see {@link holdingThread});
   * a thread busy for too long errors with `ThreadBusyError`.
   */
  stream<T>(threadId: string, work: (turn: ThreadTurn) => Observable<T>): Observable<T> {
    return holdingThread(
      {
        locks: this.locks,
        threadId,
        waitMs: this.waitMs,
        onReleased: (released) => this.#track(released),
      },
      work,
    );
  }

  /** Runs `write` while the thread is held; a thread busy for too long is a 409. */
  write<T>(threadId: string, signal: AbortSignal | undefined, write: () => Promise<T>): Promise<T> {
    return whileHeld(
      this.locks,
      threadId,
      { waitMs: this.waitMs, signal },
      (busy) =>
        new ChatKitRequestError({
          status: 409,
          code: "thread_busy",
          field: "params.thread_id",
          message: `params.thread_id: ${busy.message}; try again when it has finished`,
        }),
      write,
    );
  }

  /** Resolves once every thread is given back, each cancelled stream's clean-up done. */
  async idle(): Promise<void> {
    for (let round = 0; round < 1000 && this.#releasing.size > 0; round++) {
      await Promise.allSettled([...this.#releasing]);
    }
  }

  #track(released: Promise<void>): void {
    const settled = released.catch((error: unknown) => this.report(error));
    this.#releasing.add(settled);
    void settled.finally(() => this.#releasing.delete(settled));
  }
}
