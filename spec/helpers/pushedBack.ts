import { Subject, type MonoTypeOperatorFunction } from "rxjs";

import type { ThreadStreamEvent } from "../../lib/events/threadEvents";

/**
 * What a subscriber of `operator` receives when, on the first event, it
 * pushes another into the source from inside its `next`: each event by its
 * text, marked " (nested)" if it came while that `next` was still running.
 * An operator that queues re-entrant events gives `["first", "pushed back"]`.
 */
export function receivedWithPushBack(operator: MonoTypeOperatorFunction<ThreadStreamEvent>): string[] {
  const source = new Subject<ThreadStreamEvent>();
  const received: string[] = [];
  let inside = false;
  source.pipe(operator).subscribe((event) => {
    const text = event.type === "progress_update" ? event.text : event.type;
    received.push(`${text}${inside ? " (nested)" : ""}`);
    inside = true;
    if (received.length === 1) source.next({ type: "progress_update", text: "pushed back" });
    inside = false;
  });
  source.next({ type: "progress_update", text: "first" });
  return received;
}
