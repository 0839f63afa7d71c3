import { Agent, run, tool, type Model, type RunContext } from "@openai/agents";
import { concatWith, defer, map, of, tap } from "rxjs";
import { z } from "zod";
import { accumulateText, renderTemplate } from "chatkit-rx";
import { textDeltas, type AgentContext } from "chatkit-rx/agents";
import { channelMessage } from "../channelMessage";

/**
 * The seed's `draft_message_to_harry`: a nested agent writes the message,
 * and its text grows the channel-message widget's Markdown while the outer
 * agent's run goes on. The whole widget is one pipe: the nested run's text
 * deltas, accumulated, rendered through the template; the last state (with
 * `streaming: false`) closes it.
 *
 * @param writerModel The model of the nested writer agent (the SDK's default when omitted).
 */
export function draftMessageToHarry(writerModel?: Model) {
  const writer = new Agent({
    name: "Message writer",
    instructions: "Write a short, warm channel message to Harry Potter. Markdown is fine.",
    ...(writerModel === undefined ? {} : { model: writerModel }),
  });

  return tool({
    name: "draft_message_to_harry",
    description: "Draft a channel message to Harry, shown to the user as it is written.",
    parameters: z.object({ topic: z.string() }),
    execute: async ({ topic }, runContext?: RunContext<AgentContext>) => {
      if (runContext === undefined)
        throw new Error("draft_message_to_harry needs the AgentContext as run context");
      const context = runContext.context;
      const draft = await run(writer, `Topic: ${topic}`, { stream: true, signal: context.signal });
      const data = (message: string, streaming: boolean) => ({
        user_name: "Harry Potter",
        channel: "hogwarts",
        message,
        streaming,
      });
      let message = "";
      await context.streamWidget(
        textDeltas(draft).pipe(
          accumulateText(),
          tap((text) => (message = text)),
          map((text) => data(text, true)),
          // The same message, no longer streaming: the last state, which the client keeps.
          concatWith(defer(() => of(data(message, false)))),
          renderTemplate(channelMessage),
        ),
        { copyText: (_widget) => message },
      );
      return `Drafted: ${message}`;
    },
  });
}
