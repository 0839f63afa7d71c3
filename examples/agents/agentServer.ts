import type { Model } from "@openai/agents";
import { from, switchMap } from "rxjs";
import { ChatKitServer, MemoryStore, type Store } from "chatkit-rx";
import { loadAgentInput } from "chatkit-rx/agents";
import { respond } from "./respond";

/** Options of {@link createAgentServer}. */
export interface AgentServerConfig<TContext> {
  /** Default: a new `MemoryStore`. */
  readonly store?: Store<TContext>;
  /** The models; the SDK's default model (OPENAI_API_KEY) for what is left out. */
  readonly model?: Model;
  readonly writerModel?: Model;
}

/**
 * A multi-turn ChatKit server on the seed's agent: each `respond` gives the
 * model the thread so far (`loadAgentInput`: the user's messages, the
 * agent's answers, the widgets it showed), so the conversation has memory.
 */
export function createAgentServer<TContext>(
  config: AgentServerConfig<TContext> = {},
): ChatKitServer<TContext> {
  const store = config.store ?? new MemoryStore<TContext>();
  const models = {
    ...(config.model === undefined ? {} : { model: config.model }),
    ...(config.writerModel === undefined ? {} : { writerModel: config.writerModel }),
  };
  return new ChatKitServer<TContext>({
    store,
    respond: (thread, _message, context) =>
      from(loadAgentInput(store, thread, context, { maxTokens: 50_000 })).pipe(
        switchMap((input) => respond(thread, input, models)),
      ),
  });
}
