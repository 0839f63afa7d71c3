import { filter, map, type Observable } from "rxjs";
import type { RunRawModelStreamEvent, RunStreamEvent, StreamEventTextStream } from "@openai/agents";

import { fromStreamedRun, type StreamedRunLike } from "./fromStreamedRun";

/** A run event that carries a piece of the model's output text. */
export type TextDeltaRunEvent = RunRawModelStreamEvent & { data: StreamEventTextStream };

/**
 * True for the JS SDK's text deltas: `raw_model_stream_event` whose `data`
 * is `output_text_delta`. (The Python SDK's `response.output_text.delta`
 * never appears at this level in JS; matching on it sees nothing.)
 */
export function isTextDeltaEvent(event: RunStreamEvent): event is TextDeltaRunEvent {
  return event.type === "raw_model_stream_event" && event.data.type === "output_text_delta";
}

/**
 * The output text of a streamed agent run, one string per delta the model
 * streamed.
 *
 * It's like the SDK's `run.toTextStream()`, but an Observable, so it pipes
 * straight into `accumulateText()` and `renderTemplate()`; and
 * unsubscribing cancels the run (see {@link fromStreamedRun}).
 *
 * ```
 * run:     -s-d-t-d-x-|     d = output_text_delta, others: other run events
 * result:  ---a---b---|     a, b = their deltas
 * ```
 *
 * @example
 * ```ts
 * const draft = await run(writer, prompt, { stream: true, signal: context.signal });
 * await context.streamWidget(
 *   textDeltas(draft).pipe(
 *     accumulateText(),
 *     renderTemplate(channelMessage, (message) => ({ user_name: "Harry", channel: "general", message })),
 *   ),
 * );
 * ```
 *
 * @param run What `run(agent, input, { stream: true })` resolved to.
 * @return An Observable of text deltas that completes when the run does.
 */
export function textDeltas(run: StreamedRunLike): Observable<string> {
  return fromStreamedRun(run).pipe(
    filter(isTextDeltaEvent),
    map((event) => event.data.delta),
  );
}
