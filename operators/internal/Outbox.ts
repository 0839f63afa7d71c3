import type { Subscriber } from "rxjs";

import type { ThreadStreamEvent } from "../../lib/events/threadEvents";

/**
 * The events an operator owes its subscriber, sent in order, and how the
 * output ends once they are all sent. Shared by the operators that hold
 * text deltas back (`throttleTextDeltas`, `mergeTextDeltasWhilePaused`):
 *
 * - Re-entrancy: an event queued from inside the subscriber's `next` is sent
 *   after everything already due, by the send already running.
 * - The ending (completion or error) runs once nothing is left to send; the
 *   first one given wins.
 * - `isPaused` is asked before each event, so a pause raised from inside
 *   `next` stops the very next one; `refill` is asked for more events
 *   (text merged meanwhile) whenever the queue runs dry, before the ending.
 */
export class Outbox {
  /** Events due, in order; `head` is the next to send (no O(n) `shift`). Operators append to it. */
  readonly queue: ThreadStreamEvent[] = [];
  private head = 0;
  private ending: (() => void) | null = null;
  private sending = false;

  constructor(
    private readonly subscriber: Subscriber<ThreadStreamEvent>,
    private readonly isPaused: () => boolean = () => false,
    private readonly refill: (queue: ThreadStreamEvent[]) => void = () => {},
  ) {}

  /** Whether an ending was given (the source is done, or failed). */
  get isEnding(): boolean {
    return this.ending !== null;
  }

  /** Whether a send is running (the caller is inside the subscriber's `next`). */
  get isSending(): boolean {
    return this.sending;
  }

  /** Lets `end` complete or error once everything due is sent; `false` if an ending was already given. */
  end(end: () => void): boolean {
    if (this.ending !== null) return false;
    this.ending = end;
    return true;
  }

  /** Sends what is due while not paused, then the ending; a re-entrant call leaves it to the running one. */
  send(): void {
    if (this.sending) return;
    this.sending = true;
    try {
      while (!this.subscriber.closed && !this.isPaused()) {
        if (this.head < this.queue.length) {
          // Advance before emitting: downstream may re-enter and queue more.
          const event = this.queue[this.head++] as ThreadStreamEvent;
          if (this.head === this.queue.length) this.clearQueue();
          this.subscriber.next(event);
        } else if (this.refillQueue()) {
          continue;
        } else if (this.ending !== null) {
          const end = this.ending;
          this.ending = null;
          end();
        } else {
          break;
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /**
   * Sends `event` behind what is due, as pushing it on the queue and
   * sending would. Due alone and not paused, it goes straight to the
   * subscriber: the queue's push was the operators' dearest allocation per
   * token (the array's storage, emptied after every send, regrown by the
   * next push).
   */
  sendAfterDue(event: ThreadStreamEvent): void {
    if (this.sending || this.head < this.queue.length || this.subscriber.closed || this.isPaused()) {
      this.queue.push(event);
      this.send();
      return;
    }
    this.sending = true;
    try {
      this.subscriber.next(event);
    } finally {
      this.sending = false;
    }
    this.send(); // what the subscriber queued meanwhile, the text merged meanwhile, the ending
  }

  private refillQueue(): boolean {
    this.refill(this.queue);
    return this.queue.length > 0;
  }

  private clearQueue(): void {
    this.queue.length = 0;
    this.head = 0;
  }
}
