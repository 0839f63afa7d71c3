import type { RunStreamEvent } from "@openai/agents";
import { TestScheduler } from "rxjs/testing";
import type { ThreadStreamEvent } from "chatkit-rx";
import { runEventsToThreadEvents } from "../../../lib/agents/runEventsToThreadEvents";

const thread = { id: "thr_1" };
const at = "1970-01-01T00:00:00.000Z";

function delta(text: string, itemId?: string): RunStreamEvent {
  return {
    type: "raw_model_stream_event",
    source: undefined,
    data: { type: "output_text_delta", delta: text, ...(itemId === undefined ? {} : { itemId }) },
  };
}
const responseDone = {
  type: "raw_model_stream_event",
  source: undefined,
  data: { type: "response_done", response: { id: "r", usage: {}, output: [] } },
} as unknown as RunStreamEvent;
function messageCreated(text: string, id?: string): RunStreamEvent {
  return {
    type: "run_item_stream_event",
    name: "message_output_created",
    item: { rawItem: { type: "message", role: "assistant", id, content: [{ type: "output_text", text }] } },
  } as unknown as RunStreamEvent;
}
const toolCalled = {
  type: "run_item_stream_event",
  name: "tool_called",
  item: { rawItem: {} },
} as unknown as RunStreamEvent;

function ids(): () => string {
  let n = 0;
  return () => `msg_${++n}`;
}
const part = (text: string) => ({ type: "output_text" as const, text, annotations: [] });
const added = (id: string): ThreadStreamEvent => ({
  type: "thread.item.added",
  item: { type: "assistant_message", id, thread_id: "thr_1", created_at: at, content: [] },
});
const partAdded = (id: string): ThreadStreamEvent => ({
  type: "thread.item.updated",
  item_id: id,
  update: { type: "assistant_message.content_part.added", content_index: 0, content: part("") },
});
const textDelta = (id: string, text: string): ThreadStreamEvent => ({
  type: "thread.item.updated",
  item_id: id,
  update: { type: "assistant_message.content_part.text_delta", content_index: 0, delta: text },
});
const partDone = (id: string, text: string): ThreadStreamEvent => ({
  type: "thread.item.updated",
  item_id: id,
  update: { type: "assistant_message.content_part.done", content_index: 0, content: part(text) },
});
const done = (id: string, text: string): ThreadStreamEvent => ({
  type: "thread.item.done",
  item: { type: "assistant_message", id, thread_id: "thr_1", created_at: at, content: [part(text)] },
});

describe("runEventsToThreadEvents", () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });
  const operator = () => runEventsToThreadEvents(thread, { generateId: ids(), now: () => 0 });

  it("streams a message: added, part added, deltas, part done, done (response_done closes it)", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a 9ms b 9ms r 9ms m 9ms |", {
        a: delta("Hel", "m1"),
        b: delta("lo", "m1"),
        r: responseDone,
        m: messageCreated("Hello", "m1"),
      });
      expectObservable(source.pipe(operator())).toBe("- (xyz) 5ms w 9ms (uv) 16ms |", {
        x: added("msg_1"),
        y: partAdded("msg_1"),
        z: textDelta("msg_1", "Hel"),
        w: textDelta("msg_1", "lo"),
        u: partDone("msg_1", "Hello"),
        v: done("msg_1", "Hello"),
      });
      expectSubscriptions(source.subscriptions).toBe("^ 40ms !");
    });
  });

  it("never: nothing; empty: completes; other run events are dropped", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<RunStreamEvent>("-").pipe(operator())).toBe("-");
      expectObservable(cold<RunStreamEvent>("|").pipe(operator())).toBe("|");
      expectObservable(cold("-t-|", { t: toolCalled }).pipe(operator())).toBe("---|");
    });
  });

  it("a delta of another model item closes the open message first", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-a 9ms b 9ms |", { a: delta("A", "m1"), b: delta("B", "m2") });
      expectObservable(source.pipe(operator())).toBe("- (xyz) 5ms (uvpqr) 3ms (st|)", {
        x: added("msg_1"),
        y: partAdded("msg_1"),
        z: textDelta("msg_1", "A"),
        u: partDone("msg_1", "A"),
        v: done("msg_1", "A"),
        p: added("msg_2"),
        q: partAdded("msg_2"),
        r: textDelta("msg_2", "B"),
        // The open message is closed when the source completes.
        s: partDone("msg_2", "B"),
        t: done("msg_2", "B"),
      });
    });
  });

  it("closes an open message when the source completes or errors", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const events = { a: delta("Hi") };
      const values = {
        x: added("msg_1"),
        y: partAdded("msg_1"),
        z: textDelta("msg_1", "Hi"),
        u: partDone("msg_1", "Hi"),
        v: done("msg_1", "Hi"),
      };
      expectObservable(cold("-a 9ms |", events).pipe(operator())).toBe("- (xyz) 5ms (uv|)", values);
      expectObservable(cold("-a 9ms #", events).pipe(operator())).toBe("- (xyz) 5ms (uv#)", values);
    });
  });

  it("a message that was never streamed is one thread.item.done; a streamed one is not sent twice", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold("-m 9ms a 9ms r 9ms n 9ms |", {
        m: messageCreated("Whole"),
        a: delta("X"),
        r: responseDone,
        n: messageCreated("X"),
      });
      expectObservable(source.pipe(operator())).toBe("-d 9ms (xyz) 5ms (uv) 16ms |", {
        d: done("msg_1", "Whole"),
        x: added("msg_2"),
        y: partAdded("msg_2"),
        z: textDelta("msg_2", "X"),
        u: partDone("msg_2", "X"),
        v: done("msg_2", "X"),
      });
    });
  });

  it("a refusal the model returned is shown as the message's text, as the reference does", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const refusal = {
        type: "run_item_stream_event",
        name: "message_output_created",
        item: {
          rawItem: {
            type: "message",
            role: "assistant",
            content: [{ type: "refusal", refusal: "I can't help with that." }],
          },
        },
      } as unknown as RunStreamEvent;
      expectObservable(cold("-r|", { r: refusal }).pipe(operator())).toBe("-d|", {
        d: done("msg_1", "I can't help with that."),
      });
    });
  });

  it("unsubscribing early unsubscribes from the run events", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-a-a-a-|", { a: delta("x") });
      expectObservable(source.pipe(operator()), "^--!").toBe("-(xyz)-", {
        x: added("msg_1"),
        y: partAdded("msg_1"),
        z: textDelta("msg_1", "x"),
      });
      expectSubscriptions(source.subscriptions).toBe("^--!");
    });
  });

  it("a throwing id generator errors the output", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const boom = new Error("no ids");
      const op = runEventsToThreadEvents(thread, {
        generateId: () => {
          throw boom;
        },
      });
      expectObservable(cold("-a-|", { a: delta("x") }).pipe(op)).toBe("-#", undefined, boom);
    });
  });

  it("rejects a thread without an id at call time", () => {
    expect(() => runEventsToThreadEvents({} as { id: string })).toThrow(TypeError);
  });
});
