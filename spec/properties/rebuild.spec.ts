import fc from "fast-check";
import { Subject } from "rxjs";

import type { ThreadStreamEvent } from "../../lib/events/threadEvents";
import type { ThreadItem } from "../../lib/events/threadItems";
import { serializeEvent } from "../../lib/events/serializeEvent";
import { applyThreadEvent } from "../../lib/reducer/applyThreadEvent";
import { applyWidgetUpdate } from "../../lib/reducer/applyWidgetUpdate";
import { diffWidgetStates } from "../../operators/diffWidgets";
import { toThreadEvents } from "../../operators/toThreadEvents";
import type { WidgetRoot } from "../../widgets/components";
import { anyWidgetStatesArb } from "./arbitraries";

const thread = { id: "thr_1" };
const generateId = (): string => "msg_1";
const now = (): number => 0;

/** The JSON a client would receive: what it can tell apart. */
const wire = (value: unknown): unknown => JSON.parse(serializeEvent(value));

describe.each([false, true])("rebuilding widget states (componentUpdates: %s)", (componentUpdates) => {
  it("applying each diff to the previous state gives the next state", () => {
    fc.assert(
      fc.property(anyWidgetStatesArb, (states) => {
        let client = states[0] as WidgetRoot;
        for (const state of states.slice(1)) {
          const updates = diffWidgetStates(client, state, { componentUpdates });
          client = updates.reduce(applyWidgetUpdate, client);
          expect(client).toEqual(state);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("a client applying the events of toThreadEvents holds every state, and done holds the last", () => {
    fc.assert(
      fc.property(anyWidgetStatesArb, fc.boolean(), (states, viaWire) => {
        const source = new Subject<WidgetRoot>();
        let items: readonly ThreadItem[] = [];
        const received: ThreadStreamEvent[] = [];
        source.pipe(toThreadEvents(thread, { componentUpdates, generateId, now })).subscribe({
          next: (event) => {
            received.push(event);
            // Over the wire the client sees JSON; in process it sees the very objects.
            items = applyThreadEvent(items, viaWire ? (wire(event) as ThreadStreamEvent) : event);
          },
        });
        for (const state of states) {
          source.next(state);
          expect(items).toHaveLength(1);
          const item = items[0];
          expect(item?.type === "widget" && (viaWire ? item.widget : wire(item.widget))).toEqual(wire(state));
        }
        source.complete();
        const done = received[received.length - 1];
        expect(done?.type).toBe("thread.item.done");
        expect(received[0]?.type).toBe("thread.item.added");
        expect(received.slice(1, -1).every((event) => event.type === "thread.item.updated")).toBe(true);
        if (done?.type === "thread.item.done" && done.item.type === "widget") {
          expect(done.item.widget).toBe(states[states.length - 1]);
          expect(wire(items[0])).toEqual(wire(done.item));
        }
      }),
      { numRuns: 300 },
    );
  });
});
