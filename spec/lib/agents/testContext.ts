import type { ThreadMetadata } from "chatkit-rx";
import { AgentContext } from "../../../lib/agents/AgentContext";

/**
 * An `AgentContext` for specs: ids counted per context (`message_1`,
 * `workflow_2`, ...) so expected events can name them, and a clock that
 * stands at 0 unless the spec gives one.
 */
export function testContext<TRequest = undefined>(
  thread: ThreadMetadata,
  options: { readonly requestContext?: TRequest; readonly now?: () => number } = {},
): AgentContext<TRequest> {
  let n = 0;
  return new AgentContext<TRequest>({
    thread,
    requestContext: options.requestContext as TRequest,
    generateId: (type) => `${type}_${++n}`,
    now: options.now ?? (() => 0),
  });
}
