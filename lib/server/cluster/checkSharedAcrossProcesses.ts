import type { Store } from "../Store";
import type { ThreadLocks } from "../ThreadLocks";

/** What {@link checkSharedAcrossProcesses} reads of a `ChatKitServer`. */
export interface SharedStateOf {
  readonly store: Store<never>;
  readonly threadLocks: ThreadLocks;
  /** `ChatKitServer.attachments`: its signed URLs must verify in every worker. */
  readonly attachments?: { readonly notSharedAcrossProcesses: string | undefined } | undefined;
  /** Resolves once every thread is given back (`ChatKitServer.idle`): awaited on a graceful stop. */
  idle?(): Promise<void>;
}

function nameOf(value: object): string {
  return value.constructor?.name ?? "an object";
}

/**
 * Throws a `TypeError` unless `server` may run in several processes at
 * once: its store must keep threads outside the process
 * (`store.sharedAcrossProcesses`, true for `PostgresStore` on `fromPgPool`)
 * and its thread locks must hold across processes (the store's own, or
 * locks that say `sharedAcrossProcesses`).
 *
 * Why refuse rather than warn: with a `MemoryStore` (or a PGlite, which
 * lives in one process's memory) each worker would keep threads of its
 * own, so a thread made through one worker would be a 404 on the next
 * request that another worker takes; and with in-process locks two workers
 * could answer one thread at once and interleave its items.
 *
 * @param server The `ChatKitServer` a worker is about to serve.
 * @param caller Named in the error, e.g. `"serveOnAllCores"`.
 */
export function checkSharedAcrossProcesses(server: SharedStateOf, caller: string): void {
  const { store, threadLocks, attachments } = server;
  if (store.sharedAcrossProcesses !== true) {
    const what = nameOf(store) === "PostgresStore" ? "PostgresStore on an embedded PGlite" : nameOf(store);
    throw new TypeError(
      `${caller}: the server's store (${what}) lives in one process: each worker would keep threads of its own, ` +
        "and a thread created through one worker would be missing on the others. Use a store the processes " +
        "share: new PostgresStore({ driver: fromPgPool(new Pool({ connectionString: process.env.DATABASE_URL })) }), " +
        "or your own store with sharedAcrossProcesses: true.",
    );
  }
  if (threadLocks !== store.threadLocks && threadLocks.sharedAcrossProcesses !== true) {
    throw new TypeError(
      `${caller}: the server's threadLocks (${nameOf(threadLocks)}) hold a thread in one process only, so two ` +
        "workers could answer one thread at once. Leave ChatKitServer's threadLocks out to use the store's " +
        "(PostgresStore's leases), or give locks with sharedAcrossProcesses: true.",
    );
  }
  const attachmentsProblem = attachments?.notSharedAcrossProcesses;
  if (attachmentsProblem !== undefined) {
    throw new TypeError(
      `${caller}: the server's attachments cannot be shared by the workers: ${attachmentsProblem}.`,
    );
  }
}
