import { StoreNotFoundError } from "../errors";
import {
  isHiddenItem,
  type Page,
  type ThreadItem,
  type ThreadMetadata,
  type WorkflowItem,
} from "../events/threadItems";
import type { Store } from "../server/Store";

/** How far back to look: an open workflow sits behind at most a client tool call, a user message and notes. */
const LOOK_BACK = 20;

/** A workflow an earlier response left open, and whether this response goes on with it. */
export interface OpenWorkflow {
  readonly item: WorkflowItem;
  /**
   * True when this response continues the round trip that left it open (the
   * newest items are the completed client tool call, or the workflow itself):
   * the response adds to it. False when the user moved on (a user message
   * came after it): it is ended.
   */
  readonly resume: boolean;
}

/**
 * The workflow an earlier response left open, if any: a response that ends
 * with a pending client tool call keeps its workflow open (saved without a
 * summary), so the response that follows the client's output goes on in it,
 * as the reference SDK does.
 *
 * The reference looks only at the last item, or the one before a client
 * tool call, and takes any workflow there, so a workflow that was ended
 * before the call got new tasks after its summary; and a workflow left open
 * when the user wrote instead of answering stayed open for good. This
 * skips hidden items, takes only a workflow without a summary (one never
 * ended), and reports one the user moved on from so it can be ended.
 */
export async function openWorkflowOf<TContext>(
  store: Store<TContext>,
  thread: ThreadMetadata,
  context: TContext,
): Promise<OpenWorkflow | undefined> {
  let page: Page<ThreadItem>;
  try {
    page = await store.loadThreadItems(thread.id, { limit: LOOK_BACK, order: "desc" }, context);
  } catch (error: unknown) {
    // A thread not saved yet (the context's store only makes its ids) has nothing to go on with.
    if (error instanceof StoreNotFoundError && error.entity === "thread") return undefined;
    throw error;
  }
  let movedOn = false;
  for (const item of page.data) {
    if (isHiddenItem(item) || item.type === "client_tool_call") continue;
    if (item.type === "user_message" && !movedOn) {
      movedOn = true;
      continue;
    }
    if (item.type !== "workflow" || item.workflow.summary !== undefined) return undefined;
    return { item, resume: !movedOn };
  }
  return undefined;
}
