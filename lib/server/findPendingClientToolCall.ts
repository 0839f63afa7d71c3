import type { ClientToolCallItem, ThreadMetadata } from "../events/threadItems";
import type { Store } from "./Store";

/** Items read per store call while looking back. */
const PAGE = 50;
/** How far back to look: a pending call sits behind at most a workflow, hidden notes and the like. */
const MAX_ITEMS = 500;

/**
 * The client tool call a `threads.add_client_tool_output` completes: the
 * newest `client_tool_call` of the thread, if it is still pending and no
 * user message came after it. The reference only looks at the very last
 * item, so a workflow ended or a note saved after the call broke the round
 * trip; this looks back past such items.
 */
export async function findPendingClientToolCall<TContext>(
  store: Store<TContext>,
  thread: ThreadMetadata,
  context: TContext,
): Promise<ClientToolCallItem | undefined> {
  let after: string | undefined;
  for (let read = 0; read < MAX_ITEMS; read += PAGE) {
    const page = await store.loadThreadItems(thread.id, { limit: PAGE, order: "desc", after }, context);
    for (const item of page.data) {
      if (item.type === "user_message") return undefined;
      if (item.type === "client_tool_call") return item.status === "pending" ? item : undefined;
    }
    if (!page.has_more || page.after === undefined) return undefined;
    after = page.after;
  }
  return undefined;
}
