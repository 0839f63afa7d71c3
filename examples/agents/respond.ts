import { Agent, run, type AgentInputItem, type Model } from "@openai/agents";
import { defer, switchMap, type Observable } from "rxjs";
import { toServerSentEvents, type ThreadMetadata, type ThreadStreamEvent } from "chatkit-rx";
import { AgentContext, streamAgentResponse, type StreamAgentResponseConfig } from "chatkit-rx/agents";
import { draftMessageToHarry } from "./draftMessageToHarry";
import { sampleWidget } from "./sampleWidget";

/** Which models to use; the SDK's default model (OPENAI_API_KEY) for what is left out. */
export interface RespondConfig extends StreamAgentResponseConfig {
  readonly model?: Model | undefined;
  readonly writerModel?: Model | undefined;
}

/**
 * One assistant turn, as a ChatKit server streams it: the agent's text as
 * an assistant message, and the widgets its tools stream, merged in the
 * order they happen. Nothing runs until subscription; unsubscribing (the
 * client went away) cancels the run.
 *
 * @param thread The thread being answered.
 * @param input The user's message, or the conversation so far (`loadAgentInput`).
 * @param config Models, graceful cancellation, what to do with items left open.
 */
export function respond(
  thread: ThreadMetadata,
  input: string | AgentInputItem[],
  config: RespondConfig = {},
): Observable<ThreadStreamEvent> {
  const { model, writerModel, ...streamConfig } = config;
  const agent = new Agent<AgentContext>({
    name: "Assistant",
    instructions:
      "Help the user. Use sample_widget to show a widget, draft_message_to_harry to write to Harry.",
    tools: [sampleWidget, draftMessageToHarry(writerModel)],
    ...(model === undefined ? {} : { model }),
  });
  return defer(() => {
    // One context per response: it is what the tools receive as runContext.context.
    const context = new AgentContext({ thread, requestContext: undefined });
    return defer(() => run(agent, input, { stream: true, context, signal: context.signal })).pipe(
      switchMap((result) => streamAgentResponse(context, result, streamConfig)),
    );
  });
}

if (require.main === module) {
  const thread: ThreadMetadata = {
    id: "thr_example",
    created_at: new Date().toISOString(),
    status: { type: "active" },
  };
  respond(
    thread,
    process.argv[2] ?? "Show me the sample widget, then draft a message to Harry about Quidditch.",
  )
    .pipe(toServerSentEvents())
    .subscribe((frame) => process.stdout.write(frame));
}
