import type { RunContext, ToolsToFinalOutputResult } from "@openai/agents";

import { AgentContext } from "./AgentContext";

/**
 * An agent's `toolUseBehavior` that ends the run once a tool marked a
 * client tool call (`context.clientToolCall(...)`): the model must not go
 * on before the client ran it. Otherwise the model sees the tool results
 * and runs again, as by default.
 *
 * It's the reference SDK's `StopAtTools` for client tools, but it looks at
 * the context rather than at tool names, so one tool can decide at run time.
 *
 * @example
 * ```ts
 * const agent = new Agent<AgentContext>({ name, tools: [pickColor], toolUseBehavior: stopAtClientToolCall });
 * ```
 */
export function stopAtClientToolCall(
  runContext: RunContext,
  _toolResults: unknown,
): ToolsToFinalOutputResult {
  const context = runContext.context;
  if (context instanceof AgentContext && context.pendingClientToolCall !== undefined) {
    return { isFinalOutput: true, isInterrupted: undefined, finalOutput: "" };
  }
  return { isFinalOutput: false, isInterrupted: undefined };
}
