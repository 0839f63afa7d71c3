import type { RunStreamEvent } from "@openai/agents";
import { lastValueFrom, take, toArray } from "rxjs";
import { fromStreamedRun, type StreamedRunLike } from "../../../lib/agents/fromStreamedRun";
import { AgentStreamConsumedError } from "../../../lib/errors";
import { textDeltas } from "../../../lib/agents/textDeltas";

const delta = (text: string) =>
  ({
    type: "raw_model_stream_event",
    source: undefined,
    data: { type: "output_text_delta", delta: text },
  }) as RunStreamEvent;
const other = { type: "agent_updated_stream_event", agent: {} } as unknown as RunStreamEvent;

/** A run double over a real ReadableStream, recording cancellation like the SDK (which aborts the run). */
function fakeRun(events: RunStreamEvent[], completed: Promise<void> = Promise.resolve()) {
  let cancelled = false;
  const stream = new ReadableStream<RunStreamEvent>({
    start(controller) {
      for (const event of events) controller.enqueue(event);
    },
    cancel() {
      cancelled = true;
    },
  });
  const run: StreamedRunLike & { readonly wasCancelled: boolean } = {
    toStream: () => stream,
    completed,
    get cancelled() {
      return false;
    },
    get wasCancelled() {
      return cancelled;
    },
  };
  return run;
}

describe("textDeltas", () => {
  it("yields the output-text deltas only, and cancels the run when unsubscribed early", async () => {
    const run = fakeRun([other, delta("a"), other, delta("b"), delta("c")]);
    expect(await lastValueFrom(textDeltas(run).pipe(take(2), toArray()))).toEqual(["a", "b"]);
    await new Promise((r) => setTimeout(r, 0));
    expect(run.wasCancelled).toBe(true);
  });

  it("errors with the run's error when the run fails", async () => {
    const events = [delta("a")];
    const stream = new ReadableStream<RunStreamEvent>({
      start(controller) {
        for (const event of events) controller.enqueue(event);
        controller.close();
      },
    });
    const failed = Promise.reject(new Error("model down"));
    failed.catch(() => undefined);
    const run: StreamedRunLike = { toStream: () => stream, completed: failed, cancelled: false };
    await expect(lastValueFrom(textDeltas(run))).rejects.toThrow("model down");
  });
});

describe("fromStreamedRun", () => {
  it("a streamed run can be read once", async () => {
    const run = fakeRun([delta("a")]);
    fromStreamedRun(run).subscribe();
    await expect(lastValueFrom(fromStreamedRun(run))).rejects.toBeInstanceOf(AgentStreamConsumedError);
  });

  it("rejects a non-run at call time", () => {
    expect(() => fromStreamedRun({} as StreamedRunLike)).toThrow(TypeError);
  });
});
