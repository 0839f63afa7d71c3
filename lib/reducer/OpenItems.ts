import { isTextDelta, PendingDeltas, type TextDeltaEvent } from "../../operators/internal/PendingDeltas";
import type { ThreadItemDoneEvent, ThreadItemUpdatedEvent, ThreadStreamEvent } from "../events/threadEvents";
import type { ThreadItem } from "../events/threadItems";
import { applyThreadEvent } from "./applyThreadEvent";

/**
 * Told about an update that could not be applied to a tracked item (it names
 * no component, does not fit the item's type...). The item keeps its last
 * good state, as a client keeps what it shows when an update fails.
 */
export type DroppedUpdateHandler = (error: unknown, event: ThreadItemUpdatedEvent) => void;

/**
 * Items in the state a client holds, for whoever must close or save them
 * if the stream stops early: `streamAgentResponse` (the items a response
 * opened) and `persistEvents` (the items not saved yet).
 *
 * It's like folding the events with `applyThreadEvent`, but:
 * - lazy: text deltas are held merged per component (or content part), and
 *   applied only when an item's state is asked for or another kind of update
 *   needs it; a whole item (`added`, `done`, `replaced`), or a new root of a
 *   widget item (`widget.root.updated`: a stream's last state that changes
 *   more than text), drops what is held.
 *   Applying each token with immer as it came was about a tenth of a
 *   server's CPU with 1000 streams, and most items end with a `done` that
 *   carries their final state anyway;
 * - never throws: an update that does not apply is left out (the item keeps
 *   its last good state, which is what the client shows too) and reported to
 *   `onDroppedUpdate`. A held delta is reported when it is applied, so one
 *   superseded by a whole item is never checked.
 *
 * Held text merges exactly as a sequence of deltas applies: deltas of one
 * target append to one string, every other update of the item first applies
 * what is held, and deltas of different targets commute.
 */
export class OpenItems {
  /** Tracked items by id, in the order they were first tracked, without their held text. */
  private readonly items = new Map<string, ThreadItem>();
  /** Text deltas of tracked items not applied yet, merged per target. */
  private readonly heldText = new Map<string, PendingDeltas>();

  constructor(private readonly onDroppedUpdate: DroppedUpdateHandler = () => {}) {}

  /** How many items are tracked. */
  get size(): number {
    return this.items.size;
  }

  /**
   * Follows one event sent to a client, by the client's rules for the items
   * a stream opened: `added` opens an item, `done` and `removed` close it,
   * `replaced` and `updated` change an open one. Events of other items (saved
   * earlier, not this stream's to close) are ignored.
   */
  observe(event: ThreadStreamEvent): void {
    switch (event.type) {
      case "thread.item.added":
        this.set(event.item);
        return;
      case "thread.item.replaced":
        if (this.items.has(event.item.id)) this.set(event.item);
        return;
      case "thread.item.done":
        this.delete(event.item.id);
        return;
      case "thread.item.removed":
        this.delete(event.item_id);
        return;
      case "thread.item.updated":
        this.update(event);
        return;
      default:
        return;
    }
  }

  /** Tracks `item` in this state (a new item keeps its place if it was tracked already). */
  set(item: ThreadItem): void {
    this.heldText.delete(item.id);
    this.items.set(item.id, item);
  }

  /**
   * Applies `event` to its item if it is tracked (text deltas are held);
   * `false` if the item is not tracked.
   */
  update(event: ThreadItemUpdatedEvent): boolean {
    const id = event.item_id;
    if (!this.items.has(id)) return false;
    let isText: boolean;
    try {
      isText = isTextDelta(event);
    } catch (error: unknown) {
      // An update that is not an object: nothing can apply it.
      this.onDroppedUpdate(error, event);
      return true;
    }
    if (isText) {
      let held = this.heldText.get(id);
      if (held === undefined) this.heldText.set(id, (held = new PendingDeltas()));
      held.add(event as TextDeltaEvent);
      return true;
    }
    // A new root replaces a widget whole: the text held for the old one is moot, as under a whole item.
    // (`isTextDelta` has read `event.update.type` already: it threw if the update could not have one.)
    if (this.items.get(id)?.type === "widget" && event.update.type === "widget.root.updated") {
      this.heldText.delete(id);
    }
    this.items.set(id, this.apply(this.get(id) as ThreadItem, event));
    return true;
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  /** The item's current state (its held text applied now), or `undefined` if it is not tracked. */
  get(id: string): ThreadItem | undefined {
    let item = this.items.get(id);
    const held = this.heldText.get(id);
    if (item === undefined || held === undefined) return item;
    this.heldText.delete(id);
    const deltas: ThreadStreamEvent[] = [];
    held.drainInto(deltas);
    for (const delta of deltas) item = this.apply(item, delta as ThreadItemUpdatedEvent);
    this.items.set(id, item);
    return item;
  }

  /** Stops tracking the item; `false` if it was not tracked. */
  delete(id: string): boolean {
    this.heldText.delete(id);
    return this.items.delete(id);
  }

  /** Every tracked item in its current state, in the order they were first tracked. */
  list(): ThreadItem[] {
    return [...this.items.keys()].map((id) => this.get(id) as ThreadItem);
  }

  /**
   * A `thread.item.done` for every tracked item, in the order they were
   * first tracked, with its current state; afterwards nothing is tracked.
   */
  close(): ThreadItemDoneEvent[] {
    const done = this.list().map((item): ThreadItemDoneEvent => ({ type: "thread.item.done", item }));
    this.items.clear();
    this.heldText.clear();
    return done;
  }

  /** `item` with `event` applied, or `item` itself (reported) if it does not apply. */
  private apply(item: ThreadItem, event: ThreadItemUpdatedEvent): ThreadItem {
    try {
      return applyThreadEvent([item], event)[0] ?? item;
    } catch (error: unknown) {
      this.onDroppedUpdate(error, event);
      return item;
    }
  }
}
