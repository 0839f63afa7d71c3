import { Observable, VirtualTimeScheduler, type Subscription } from "rxjs";

import { accumulateText } from "../operators/accumulateText";
import { renderTemplate } from "../operators/renderTemplate";
import { throttleTextDeltas } from "../operators/throttleTextDeltas";
import { toServerSentEvents } from "../operators/toServerSentEvents";
import { toThreadEvents } from "../operators/toThreadEvents";
import type { WidgetTemplate } from "../widgets/template/WidgetTemplate";
import { measureInterleaved, type BenchCase, type BenchResult, type MeasureConfig } from "./harness";
import {
  channelMessage,
  checkFrames,
  describeOutput,
  EVENTS_CONFIG,
  kilo,
  loadChannelMessage,
  loremTokens,
  outputMetrics,
  THREAD,
  TOKEN_COUNTS,
} from "./streaming";

/** How fast the model streams: 2000 tokens per second, one every 0.5 ms of virtual time. */
const TOKENS_PER_SECOND = 2_000;
/** Renders at most once per frame of this length (`renderTemplate`'s default on a server). */
const FRAME_MS = 16;
/** Text deltas reach the client at most once per window of this length. */
const WINDOW_MS = 50;
/** The target, in CPU microseconds per token, at every N. */
const TARGET_MICROS = 2;

/**
 * `tokens` arriving one per `1000 / TOKENS_PER_SECOND` ms of `scheduler`'s
 * time. One token scheduled at a time, so the scheduler's queue stays short
 * (scheduling all up front would sort a 16k-action queue), and each as a
 * new action (`VirtualAction`'s own rescheduling chains every action to the
 * one before, 16k deep, and unsubscribing that chain overflows the stack).
 */
function modelStream(tokens: readonly string[], scheduler: VirtualTimeScheduler): Observable<string> {
  const gap = 1_000 / TOKENS_PER_SECOND;
  return new Observable<string>((subscriber) => {
    let pending: Subscription;
    const emit = (index: number): void => {
      if (index >= tokens.length) {
        subscriber.complete();
        return;
      }
      subscriber.next(tokens[index]!);
      if (!subscriber.closed) pending = scheduler.schedule(() => emit(index + 1), gap);
    };
    pending = scheduler.schedule(() => emit(0), gap);
    return () => pending.unsubscribe();
  });
}

/** Runs `frames$` to the end of virtual time and returns what it sent. */
function runToEnd(frames$: (scheduler: VirtualTimeScheduler) => Observable<string>): string[] {
  const scheduler = new VirtualTimeScheduler();
  const frames: string[] = [];
  let completed = false;
  let failure: unknown;
  frames$(scheduler).subscribe({
    next: (frame) => frames.push(frame),
    error: (error: unknown) => (failure = error),
    complete: () => (completed = true),
  });
  scheduler.flush();
  if (failure !== undefined) throw new Error("fast-model workload: the pipeline failed", { cause: failure });
  if (!completed) {
    throw new Error(
      `fast-model workload: the pipeline did not complete (${frames.length} frames by ${scheduler.now()} ms)`,
    );
  }
  return frames;
}

function fastModelCases(
  template: WidgetTemplate,
  count: number,
): { pipeline: BenchCase; source: BenchCase; note: string; metrics: Record<string, number> } {
  const tokens = loremTokens(count);
  const last = tokens.length - 1;
  const label = `${kilo(count)} tokens at ${TOKENS_PER_SECOND} tok/s`;
  const pipeline = (scheduler: VirtualTimeScheduler): Observable<string> =>
    modelStream(tokens, scheduler).pipe(
      accumulateText(),
      renderTemplate(template, (text, index) => channelMessage(text, index < last), {
        scheduler,
        frameMs: FRAME_MS,
      }),
      toThreadEvents(THREAD, EVENTS_CONFIG),
      throttleTextDeltas({ windowMs: WINDOW_MS, scheduler }),
      toServerSentEvents(),
    );
  const frames = runToEnd(pipeline);
  const output = checkFrames(
    `fast model, ${label}`,
    frames,
    template.build(channelMessage(tokens.join(""), false)),
  );
  return {
    pipeline: {
      name: `fast model: render per ${FRAME_MS} ms frame, deltas per ${WINDOW_MS} ms, ${label}`,
      operations: count,
      operation: "token",
      run: () => {
        if (runToEnd(pipeline).length !== frames.length)
          throw new Error("fast-model workload: output changed");
      },
    },
    source: {
      name: `the token source alone (virtual-time scheduling), ${label}`,
      operations: count,
      operation: "token",
      run: () => void runToEnd((scheduler) => modelStream(tokens, scheduler)),
    },
    note: describeOutput(output, count),
    metrics: outputMetrics(output, count),
  };
}

/**
 * W1r: the same N-token answer as the streaming workload, but arriving at
 * 2000 tokens per second of virtual time through the idiomatic pipeline
 * (`accumulateText` -> `renderTemplate` with frame coalescing ->
 * `toThreadEvents` -> `throttleTextDeltas` -> SSE). Virtual time runs as
 * fast as the CPU allows, so the wall time of a run is its CPU time;
 * microseconds per token, beside the cost of the token source itself.
 * Each case's frames are checked once: they rebuild the final widget.
 */
export function fastModelWorkload(
  counts: readonly number[] = TOKEN_COUNTS,
  config: MeasureConfig = { warmupRuns: 2, runs: 7, minRunMs: 200 },
): BenchResult[] {
  const template = loadChannelMessage();
  const cases = counts.map((count) => fastModelCases(template, count));
  const timings = measureInterleaved(
    "fast model",
    cases.flatMap((c) => [c.pipeline, c.source]),
    config,
  );
  return cases.flatMap((c, index) => {
    const pipeline = timings[2 * index]!;
    const source = timings[2 * index + 1]!;
    return [
      { ...pipeline, note: `target <= ${TARGET_MICROS} µs/token; ${c.note}`, metrics: c.metrics },
      { ...source, note: "what any pipeline pays to be fed tokens in virtual time" },
    ];
  });
}

if (require.main === module) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { formatTable } = require("./harness") as typeof import("./harness");
  console.log(formatTable(fastModelWorkload()));
}
