import type { AgentInputItem } from "@openai/agents";

import type { ThreadMetadata } from "../events/threadItems";
import type { Store } from "../server/Store";
import { inputList, ThreadItemConverter } from "./ThreadItemConverter";

/** Options of {@link loadAgentInput}. */
export interface LoadAgentInputConfig {
  /** The newest items to read at most. Default 100. */
  readonly maxItems?: number | undefined;
  /**
   * Older items are left out once the input would pass this many tokens,
   * estimated as characters / 4 of each item's input (the newest item is
   * always kept). Default: no budget beyond `maxItems`.
   */
  readonly maxTokens?: number | undefined;
  /** How items become input. Default: a plain {@link ThreadItemConverter}. */
  readonly converter?: ThreadItemConverter | undefined;
}

/** Items read per store call. */
const PAGE = 50;

const estimateTokens = (input: readonly AgentInputItem[]): number =>
  Math.ceil(JSON.stringify(input).length / 4);

/**
 * The thread so far as the input of `run(agent, input)`: the newest items
 * (up to `maxItems`, within `maxTokens`), oldest first, through the
 * converter. Call it from `respond`: the user's new message is saved
 * before `respond` runs, so it is the last item of the input.
 *
 * @example
 * ```ts
 * respond: (thread, _message, context, { signal }) =>
 *   defer(async () => {
 *     const input = await loadAgentInput(store, thread, context, { maxTokens: 50_000 });
 *     const agentContext = new AgentContext({ thread, store, requestContext: context });
 *     return streamAgentResponse(agentContext, await run(agent, input, { stream: true, context: agentContext, signal }));
 *   }).pipe(switchAll()),
 * ```
 *
 * @param store Where the thread's items are.
 * @param thread The thread being answered.
 * @param context The request context, passed to the store.
 * @param config How much history, and how to convert it.
 * @return Input items, oldest first.
 */
export async function loadAgentInput<TContext>(
  store: Store<TContext>,
  thread: ThreadMetadata,
  context: TContext,
  config: LoadAgentInputConfig = {},
): Promise<AgentInputItem[]> {
  const maxItems = config.maxItems ?? 100;
  const maxTokens = config.maxTokens ?? Number.POSITIVE_INFINITY;
  if (!Number.isInteger(maxItems) || maxItems < 1) {
    throw new TypeError(`loadAgentInput: maxItems must be a positive integer, got ${String(maxItems)}`);
  }
  if (!(maxTokens > 0)) {
    throw new TypeError(`loadAgentInput: maxTokens must be a positive number, got ${String(maxTokens)}`);
  }
  const converter = config.converter ?? new ThreadItemConverter();

  /** Converted items, newest first. */
  const newestFirst: AgentInputItem[][] = [];
  let tokens = 0;
  let read = 0;
  let after: string | undefined;
  for (;;) {
    const page = await store.loadThreadItems(
      thread.id,
      { limit: Math.min(PAGE, maxItems - read), order: "desc", after },
      context,
    );
    for (const item of page.data) {
      const converted = [...inputList(await converter.itemToInput(item, read === 0))];
      const cost = estimateTokens(converted);
      if (read > 0 && tokens + cost > maxTokens) return newestFirst.reverse().flat();
      tokens += cost;
      read++;
      newestFirst.push(converted);
    }
    if (!page.has_more || read >= maxItems || page.after === undefined) break;
    after = page.after;
  }
  return newestFirst.reverse().flat();
}
