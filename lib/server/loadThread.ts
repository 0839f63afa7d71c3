import { ChatKitRequestError } from "../errors";
import type { ThreadMetadata } from "../events/threadItems";
import { findOrNotFound } from "./findOrNotFound";
import type { Store } from "./Store";

/** The thread a request names in `params.thread_id`; an unknown one is a 404 naming that field. */
export function loadThread<TContext>(
  store: Store<TContext>,
  threadId: string,
  context: TContext,
): Promise<ThreadMetadata> {
  return findOrNotFound("params.thread_id", () => store.loadThread(threadId, context));
}

/**
 * A thread that takes new input: a `locked` or `closed` thread (the
 * status the client shows over its composer) refuses messages, retries
 * and tool outputs with a 409, which the reference never enforced.
 */
export async function loadOpenThread<TContext>(
  store: Store<TContext>,
  threadId: string,
  context: TContext,
): Promise<ThreadMetadata> {
  const thread = await loadThread(store, threadId, context);
  if (thread.status.type !== "active") {
    const reason = thread.status.reason === undefined ? "" : ` (${thread.status.reason})`;
    throw new ChatKitRequestError({
      status: 409,
      code: "thread_not_active",
      field: "params.thread_id",
      message: `params.thread_id: the thread is ${thread.status.type}${reason} and takes no new input`,
    });
  }
  return thread;
}
