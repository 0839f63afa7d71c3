import type { OperatorFunction } from "rxjs";
import type { ErrorEvent, ThreadMetadata, ThreadStreamEvent } from "chatkit-rx";
import { AgentContext } from "../../../lib/agents/AgentContext";
import type { Store } from "../../../lib/server/Store";
import { persistEvents } from "../../../lib/server/persistEvents";

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

/**
 * `persistEvents` into `store` as a server with no request context runs it,
 * for specs that check what a response leaves saved: a failure ends as
 * `toErrorEvent` says (by default a custom error without message), and a
 * cancel needs no note.
 */
export function persistForSpec(
  store: Store<undefined>,
  thread: ThreadMetadata,
  toErrorEvent: (error: unknown) => ErrorEvent = () => ({
    type: "error",
    code: "custom",
    allow_retry: false,
  }),
): OperatorFunction<ThreadStreamEvent, ThreadStreamEvent> {
  return persistEvents({ store, thread, context: undefined, toErrorEvent, onCancel: () => undefined });
}
