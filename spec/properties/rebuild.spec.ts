import { isDeepStrictEqual } from "node:util";

import fc from "fast-check";
import { Subject } from "rxjs";
import { TestScheduler } from "rxjs/testing";

import type { ThreadStreamEvent } from "../../lib/events/threadEvents";
import type { ThreadItem } from "../../lib/events/threadItems";
import { serializeEvent } from "../../lib/events/serializeEvent";
import { applyThreadEvent } from "../../lib/reducer/applyThreadEvent";
import { applyWidgetUpdate } from "../../lib/reducer/applyWidgetUpdate";
import { diffWidgetStates, type DiffWidgetsConfig } from "../../operators/diffWidgets";
import { throttleTextDeltas } from "../../operators/throttleTextDeltas";
import { toThreadEvents } from "../../operators/toThreadEvents";
import type { WidgetRoot } from "../../widgets/components";
import { anyWidgetStatesArb } from "./arbitraries";
import { applyThreadEventAppendOnly, applyWidgetUpdateAppendOnly } from "../helpers/appendOnlyClient";

const thread = { id: "thr_1" };
const generateId = (): string => "msg_1";
const now = (): number => 0;

/** The JSON a client would receive: what it can tell apart. */
const wire = (value: unknown): unknown => JSON.parse(serializeEvent(value));

/**
 * The clients the properties run against: our reducers (which also turn
 * `streaming` off on a done delta, so `doneDeltaEndsStreaming` may be on),
 * and a client that only appends `delta` to `value` and ignores `done`, the
 * least the protocol promises, for which the default encoding must suffice.
 */
interface Client {
  readonly client: string;
  readonly applyUpdate: typeof applyWidgetUpdate;
  readonly applyEvent: typeof applyThreadEvent;
  readonly config: DiffWidgetsConfig;
}

const CLIENTS: readonly Client[] = [
  {
    client: "applyWidgetUpdate",
    applyUpdate: applyWidgetUpdate,
    applyEvent: applyThreadEvent,
    config: { doneDeltaEndsStreaming: true },
  },
  {
    client: "append-only",
    applyUpdate: applyWidgetUpdateAppendOnly,
    applyEvent: applyThreadEventAppendOnly,
    config: {},
  },
];

describe.each(
  [false, true].flatMap((componentUpdates) => CLIENTS.map((client) => ({ componentUpdates, ...client }))),
)("rebuilding widget states (componentUpdates: $componentUpdates, client: $client)", (setup) => {
  const { componentUpdates, applyUpdate, applyEvent } = setup;
  const config: DiffWidgetsConfig = { componentUpdates, ...setup.config };

  it("applying each diff to the previous state gives the next state", () => {
    fc.assert(
      fc.property(anyWidgetStatesArb, (states) => {
        let client = states[0] as WidgetRoot;
        for (const state of states.slice(1)) {
          const updates = diffWidgetStates(client, state, config);
          client = updates.reduce(applyUpdate, client);
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
        source.pipe(toThreadEvents(thread, { ...config, generateId, now })).subscribe({
          next: (event) => {
            received.push(event);
            // Over the wire the client sees JSON; in process it sees the very objects.
            items = applyEvent(items, viaWire ? (wire(event) as ThreadStreamEvent) : event);
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

  it("a client applying the throttled events rests on an input state after every instant, and done holds the last", () => {
    fc.assert(
      fc.property(
        anyWidgetStatesArb,
        // Frames before each state (0: the same instant as the one before) and before completion.
        fc.array(fc.nat(4), { minLength: 22, maxLength: 22 }),
        fc.nat(6),
        fc.boolean(),
        (states, gaps, windowMs, viaWire) => {
          const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
          const received: { time: number; event: ThreadStreamEvent }[] = [];
          scheduler.run(() => {
            const source = new Subject<WidgetRoot>();
            source
              .pipe(
                toThreadEvents(thread, { ...config, generateId, now }),
                throttleTextDeltas({ windowMs, scheduler }),
              )
              .subscribe({
                next: (event) => received.push({ time: scheduler.now(), event }),
                error: (error: unknown) => {
                  throw error;
                },
              });
            let time = 0;
            states.forEach((state, index) => {
              time += gaps[index] ?? 1;
              scheduler.schedule(() => source.next(state), time);
            });
            scheduler.schedule(() => source.complete(), time + (gaps[states.length] ?? 1));
          });

          // Applied one instant at a time: within an instant, the updates of
          // one state go out together, so only instants end on a state.
          const inputStates = states.map((state) => wire(state));
          let items: readonly ThreadItem[] = [];
          let cursor = 0;
          for (let i = 0; i < received.length;) {
            const at = received[i]?.time;
            for (; i < received.length && received[i]?.time === at; i++) {
              const event = received[i]?.event as ThreadStreamEvent;
              items = applyEvent(items, viaWire ? (wire(event) as ThreadStreamEvent) : event);
            }
            expect(items).toHaveLength(1);
            const item = items[0];
            const held = item?.type === "widget" ? wire(item.widget) : item;
            // The states a client goes through follow the input: never back to an earlier one.
            const ahead = inputStates.slice(cursor);
            expect(ahead).toContainEqual(held);
            cursor += ahead.findIndex((state) => isDeepStrictEqual(state, held));
          }

          const events = received.map(({ event }) => event);
          const done = events[events.length - 1];
          expect(events[0]?.type).toBe("thread.item.added");
          expect(done?.type).toBe("thread.item.done");
          expect(events.slice(1, -1).every((event) => event.type === "thread.item.updated")).toBe(true);
          if (done?.type === "thread.item.done" && done.item.type === "widget") {
            expect(done.item.widget).toBe(states[states.length - 1]);
            expect(wire(items[0])).toEqual(wire(done.item));
          }
          const last = items[0];
          expect(last?.type === "widget" && wire(last.widget)).toEqual(inputStates[inputStates.length - 1]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
