/**
 * Text deltas held back and merged per target: the shared core of the
 * operators that coalesce token-rate text (`throttleTextDeltas` on time,
 * `mergeTextDeltasWhilePaused` on a slow client).
 */
import type {
  ThreadItemUpdatedEvent,
  ThreadItemUpdate,
  ThreadStreamEvent,
} from "../../lib/events/threadEvents";
import { ownString } from "./ownString";

type WidgetTextDelta = Extract<ThreadItemUpdate, { type: "widget.streaming_text.value_delta" }>;
type MessageTextDelta = Extract<ThreadItemUpdate, { type: "assistant_message.content_part.text_delta" }>;

/** A `thread.item.updated` event that appends text: the events {@link PendingDeltas} merges. */
export type TextDeltaEvent = ThreadItemUpdatedEvent & { readonly update: WidgetTextDelta | MessageTextDelta };

/**
 * Whether `event` is a text delta (a widget's streaming text or an
 * assistant message's content part growing), which {@link PendingDeltas}
 * can hold and merge. Throws on a malformed event (`null`, an update that
 * is not an object, a delta without an item id).
 */
export function isTextDelta(event: ThreadStreamEvent): event is TextDeltaEvent {
  if (event.type !== "thread.item.updated") return false;
  const { type } = event.update;
  if (type !== "widget.streaming_text.value_delta" && type !== "assistant_message.content_part.text_delta") {
    return false;
  }
  // A delta without an item id is malformed: throw here, not when it is merged.
  void event.item_id.length;
  return true;
}

/**
 * What a text delta appends to, as a map key: the component of a widget
 * item, or the content part of an assistant message. The item id is
 * length-prefixed, so no two targets share a key whatever their ids contain.
 */
function targetOf(event: TextDeltaEvent): string {
  const { item_id: itemId, update } = event;
  return update.type === "widget.streaming_text.value_delta"
    ? `${itemId.length}:${itemId}/component:${update.component_id}`
    : `${itemId.length}:${itemId}/content:${update.content_index}`;
}

/** Whether two deltas append to the same target: when it says so, {@link targetOf} gives both the same key. */
function sameTarget(a: TextDeltaEvent, b: TextDeltaEvent): boolean {
  if (a.item_id !== b.item_id) return false;
  const x = a.update;
  const y = b.update;
  if (x.type === "widget.streaming_text.value_delta") {
    return y.type === "widget.streaming_text.value_delta" && x.component_id === y.component_id;
  }
  return y.type === "assistant_message.content_part.text_delta" && x.content_index === y.content_index;
}

/**
 * How many chunks are joined into one string while text is held: a long
 * pause (a stalled client) then costs about the text's own size instead of
 * a string and a pointer per token, and each character is still copied
 * only twice.
 */
const CHUNKS_PER_RUN = 256;

/**
 * Pending text of one target, kept as chunks and joined at flush: 8 bytes
 * per token instead of the ~32 of a V8 cons-string, and no quadratic
 * copying (measured: 16k tokens join in ~1 ms). Every
 * {@link CHUNKS_PER_RUN} chunks are joined into one run, so the held
 * pieces stay few however long the text is held.
 */
interface PendingText {
  readonly first: TextDeltaEvent;
  /** Joined runs of earlier chunks, then the chunks not joined yet. */
  readonly runs: string[];
  chunks: string[];
  /** The last `done` seen (widget text only; message text has none). */
  done: boolean;
}

/**
 * Text deltas held back, one entry per target (item and component, or item
 * and content part) in order of first appearance. Deltas of different
 * targets commute (they append to different strings), so merging across
 * targets loses no ordering.
 */
export class PendingDeltas {
  private entries: PendingText[] = [];
  /** The entry of each target that can still take text: not yet `done`. */
  private open = new Map<string, PendingText>();
  /**
   * The open entry the last delta went to: a stream's deltas mostly append
   * to one target in a row, and finding it here costs no key string and no
   * map lookup per token.
   */
  private last: PendingText | undefined;

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  add(event: TextDeltaEvent): void {
    const { update } = event;
    let entry = this.last;
    if (entry === undefined || !sameTarget(entry.first, event)) {
      const target = targetOf(event);
      entry = this.open.get(target);
      if (entry === undefined) {
        entry = { first: event, runs: [], chunks: [], done: false };
        this.entries.push(entry);
        this.open.set(target, entry);
      }
      this.last = entry;
    }
    // A copy of its own: a held delta cut from the text would keep the whole text alive (see ownString).
    if (update.delta !== "" && entry.chunks.push(ownString(update.delta)) === CHUNKS_PER_RUN) {
      entry.runs.push(entry.chunks.join(""));
      entry.chunks = [];
    }
    if (update.type === "widget.streaming_text.value_delta") {
      entry.done = update.done;
      // A `done: true` delta closes the entry: text after it starts a new
      // one, so the `done` a client sees falls at the same character.
      if (update.done) {
        this.open.delete(targetOf(event));
        this.last = undefined;
      }
    }
  }

  /** Moves every pending delta, merged per target, to `out`; leaves this empty. */
  drainInto(out: ThreadStreamEvent[]): void {
    if (this.entries.length === 0) return;
    const entries = this.entries;
    this.entries = [];
    this.open = new Map();
    this.last = undefined;
    for (const { first, runs, chunks, done } of entries) {
      if (chunks.length > 0) runs.push(chunks.length === 1 ? (chunks[0] ?? "") : chunks.join(""));
      out.push(merged(first, runs, done));
    }
  }
}

/** `first` carrying all of `runs` (and `done`), or `first` itself if that is what it already carries. */
function merged(first: TextDeltaEvent, runs: readonly string[], done: boolean): TextDeltaEvent {
  const delta = runs.length === 1 ? (runs[0] ?? "") : runs.join("");
  const { update } = first;
  if (update.type === "widget.streaming_text.value_delta") {
    if (delta === update.delta && done === update.done) return first;
    return { ...first, update: { ...update, delta, done } };
  }
  if (delta === update.delta) return first;
  return { ...first, update: { ...update, delta } };
}
