import type { ThreadItemDoneEvent, ThreadStreamEvent } from "../events/threadEvents";
import type { ThreadItem } from "../events/threadItems";
import { applyThreadEvent } from "../reducer/applyThreadEvent";

/**
 * The items a response has opened (`thread.item.added`) and not yet closed
 * (`thread.item.done`), each in the state the client holds. It is what lets
 * a cancelled or failed response close every item with its last state, so
 * a client (or a store) never keeps a half-open widget or message.
 */
export class PendingItems {
  private readonly items = new Map<string, ThreadItem>();

  /** Follows one event that was sent to the client. */
  observe(event: ThreadStreamEvent): void {
    switch (event.type) {
      case "thread.item.added":
        this.items.set(event.item.id, event.item);
        return;
      case "thread.item.replaced":
        if (this.items.has(event.item.id)) this.items.set(event.item.id, event.item);
        return;
      case "thread.item.done":
        this.items.delete(event.item.id);
        return;
      case "thread.item.removed":
        this.items.delete(event.item_id);
        return;
      case "thread.item.updated": {
        const item = this.items.get(event.item_id);
        if (item === undefined) return; // opened by an earlier response: not ours to close
        const [updated] = applyThreadEvent([item], event);
        if (updated !== undefined) this.items.set(item.id, updated);
        return;
      }
      default:
        return;
    }
  }

  get size(): number {
    return this.items.size;
  }

  /**
   * A `thread.item.done` for every pending item, in the order they were
   * opened, with its last state; afterwards nothing is pending.
   */
  close(): ThreadItemDoneEvent[] {
    const done = [...this.items.values()].map((item): ThreadItemDoneEvent => ({
      type: "thread.item.done",
      item,
    }));
    this.items.clear();
    return done;
  }
}
