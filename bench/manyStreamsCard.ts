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

/** The user message of stream `index`; the server seeds its tokens and its card from it. */
export function streamMessage(index: number): string {
  return `stream ${index}`;
}

/** Stream `index` from its user message (the inverse of {@link streamMessage}). */
export function streamIndex(text: string): number {
  const index = Number(text.replace("stream ", ""));
  if (!Number.isInteger(index) || index < 0) throw new Error(`many streams: not a stream's message: ${text}`);
  return index;
}
