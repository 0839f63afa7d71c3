import { tool, type RunContext } from "@openai/agents";
import { z } from "zod";
import type { Card } from "chatkit-rx";
import type { AgentContext } from "chatkit-rx/agents";

/** The seed's `sample_widget`: a finished card, so the client gets one `thread.item.done`. */
export const sampleCard: Card = {
  type: "Card",
  children: [
    { type: "Title", value: "Sample widget" },
    { type: "Text", value: "Streamed from a tool while the agent keeps talking." },
  ],
};

/**
 * A tool that shows a widget. The tool gets the `AgentContext` as
 * `runContext.context` and awaits `streamWidget`, so it returns only once
 * the widget has been sent.
 */
export const sampleWidget = tool({
  name: "sample_widget",
  description: "Show the user a sample widget.",
  parameters: z.object({}),
  execute: async (_input, runContext?: RunContext<AgentContext>) => {
    if (runContext === undefined) throw new Error("sample_widget needs the AgentContext as run context");
    await runContext.context.streamWidget(sampleCard, { copyText: "Sample widget" });
    return "The sample widget is shown to the user.";
  },
});
