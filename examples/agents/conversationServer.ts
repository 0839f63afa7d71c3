// examples/agents/conversationServer.ts; run it: OPENAI_API_KEY=sk-... npx tsx examples/agents/conversationServer.ts
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, run, tool, type Model, type RunContext } from "@openai/agents";
import { concatMap, defer, delay, from, map, of, scan, switchAll } from "rxjs";
import { z } from "zod";
import { ChatKitServer, MemoryStore, toNodeHandler, type WidgetRoot } from "chatkit-rx";
import { AgentContext, loadAgentInput, stopAtClientToolCall, streamAgentResponse } from "chatkit-rx/agents";

const forecastCard = (text: string, streaming: boolean): WidgetRoot => ({
  type: "Card",
  children: [{ type: "Markdown", id: "forecast", value: text, streaming }],
});

/** Streams a card a word at a time without waiting for it: the model's reply streams meanwhile. */
const showForecast = tool({
  name: "show_forecast",
  description: "Show the week's forecast for a city as a card.",
  parameters: z.object({ city: z.string() }),
  execute: ({ city }, runContext?: RunContext<AgentContext>) => {
    const words = `Sunny in ${city} all week, up to 24 °C.`.split(/(?<= )/);
    const states$ = from(words).pipe(
      concatMap((word) => of(word).pipe(delay(20))),
      scan((text, word) => text + word, ""),
      map((text, index) => forecastCard(text, index < words.length - 1)),
    );
    // The response ends once the card is done too; a failure closes it with its last state.
    runContext?.context.streamWidget(states$, { copyText: `Forecast for ${city}` }).catch(() => undefined);
    return `The forecast card for ${city} is showing.`;
  },
});

/** A client tool: the page runs it (ChatKit's onClientTool) and its result is the run's next input. */
const pickColor = tool({
  name: "pick_color",
  description: "Ask the user to pick a color in the page.",
  parameters: z.object({}),
  execute: (_input, runContext?: RunContext<AgentContext>, details?) => {
    runContext?.context.clientToolCall({
      name: "pick_color",
      arguments: {},
      callId: details?.toolCall?.callId,
    });
    return "The user is picking a color.";
  },
});

/** A ChatKit server whose every response is an agent run on the thread so far. */
export function createConversationServer(model?: Model, store = new MemoryStore<undefined>()) {
  const agent = new Agent<AgentContext>({
    name: "Assistant",
    instructions: "Help the user. show_forecast shows a forecast; pick_color asks the user for a color.",
    tools: [showForecast, pickColor],
    toolUseBehavior: stopAtClientToolCall, // the run stops at a client tool call; the output resumes it
    ...(model === undefined ? {} : { model }),
  });
  return new ChatKitServer<undefined>({
    store,
    // After a client tool output `userMessage` is null: the history holds the call and its output.
    respond: (thread, _userMessage, requestContext, { signal }) =>
      defer(async () => {
        const input = await loadAgentInput(store, thread, requestContext, { maxTokens: 50_000 });
        const context = new AgentContext({ thread, store, requestContext });
        return streamAgentResponse(context, await run(agent, input, { stream: true, context, signal }));
      }).pipe(switchAll()),
  });
}

if (require.main === module) {
  const http = createServer(toNodeHandler(createConversationServer(), () => undefined));
  http.listen(Number(process.env["PORT"] ?? 8000), "127.0.0.1", () => {
    console.log(`ChatKit on http://127.0.0.1:${(http.address() as AddressInfo).port}/chatkit`);
  });
}
