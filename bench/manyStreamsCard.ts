/**
 * The card each W4 stream streams, as the server builds it and the client
 * expects it: the same Studio card for every stream ("shared", one user,
 * one channel), or each stream's own user and channel ("distinct", the
 * normal case: every conversation's card differs, so nothing built for
 * one stream can be reused for another).
 */
import { channelMessage, type ChannelMessageData } from "./streaming";

export type CardData = "shared" | "distinct";

export const CARD_DATA: readonly CardData[] = ["shared", "distinct"];

/** The card's data for stream `index` holding `message`. */
export function streamCard(
  cards: CardData,
  index: number,
  message: string,
  streaming: boolean,
): ChannelMessageData {
  if (cards === "shared") return channelMessage(message, streaming);
  return { user_name: `User ${index}`, channel: `channel-${index}`, message, streaming };
}

/** What the user message of a stream asks for: which stream (seeding its text and card), how many tokens. */
export interface StreamAsk {
  readonly index: number;
  readonly tokens: number;
}

/** The user message of a stream; the server seeds its tokens and its card from it. */
export function streamMessage({ index, tokens }: StreamAsk): string {
  return `stream ${index} of ${tokens} tokens`;
}

/** What a stream's user message asks for (the inverse of {@link streamMessage}). */
export function parseStreamMessage(text: string): StreamAsk {
  const found = /^stream (\d+) of (\d+) tokens$/.exec(text);
  if (found === null) throw new Error(`many streams: not a stream's message: ${text}`);
  return { index: Number(found[1]), tokens: Number(found[2]) };
}
