import { Observable } from "rxjs";
import type { RunStreamEvent } from "@openai/agents";

import { AgentStreamConsumedError } from "../errors";

/**
 * What the agents glue needs of a streamed run: its events, and how it
 * ended. `StreamedRunResult` (from `run(agent, input, { stream: true })`)
 * fits; so does a test double.
 */
export interface StreamedRunLike {
  /** The run's events; readable once. */
  toStream(): AsyncIterable<RunStreamEvent>;
  /** Settles when the run ends; rejects with the run's error. */
  readonly completed: Promise<void>;
  /** True when the run was cancelled (its stream then just ends). */
  readonly cancelled: boolean;
}

/** The WHATWG reader, when the runtime's stream has one (Node, browsers): it can cancel a pending read at once. */
interface StreamReader {
  read(): Promise<{ done: boolean; value?: RunStreamEvent | undefined }>;
  cancel(reason?: unknown): Promise<void>;
}

function readerOf(stream: AsyncIterable<RunStreamEvent>): StreamReader | undefined {
  const getReader = (stream as { getReader?: unknown }).getReader;
  if (typeof getReader !== "function") return undefined;
  return (getReader as () => StreamReader).call(stream);
}

/** Adapts an async iterator to the reader shape, for streams without `getReader`. */
function iteratorReader(stream: AsyncIterable<RunStreamEvent>): StreamReader {
  const iterator = stream[Symbol.asyncIterator]();
  return {
    read: async () => {
      const result = await iterator.next();
      return result.done === true ? { done: true } : { done: false, value: result.value };
    },
    cancel: async () => {
      await iterator.return?.();
    },
  };
}

/**
 * The events of a streamed agent run as an Observable.
 *
 * It's like `from(run)`, but unsubscribing *cancels the run*: the stream's
 * reader is cancelled, which the SDK turns into an abort of the run (its
 * model call and tools see the signal), instead of leaving the run going
 * with nobody reading. After the last event it waits for `run.completed`,
 * so a run that fails after its stream closed still errors here.
 *
 * ```
 * run:     -a-b-c-|
 * result:  -a-b-c-|
 * ```
 *
 * A streamed run can be read once: a second subscription errors with
 * {@link AgentStreamConsumedError}.
 *
 * @param run What `run(agent, input, { stream: true })` resolved to.
 * @return A one-shot Observable of the run's events.
 */
export function fromStreamedRun(run: StreamedRunLike): Observable<RunStreamEvent> {
  if (typeof run !== "object" || run === null || typeof run.toStream !== "function") {
    throw new TypeError(
      `fromStreamedRun: run must be a StreamedRunResult (await run(agent, input, { stream: true })), got ${run === null ? "null" : typeof run}`,
    );
  }
  return new Observable<RunStreamEvent>((subscriber) => {
    let reader: StreamReader;
    try {
      const stream = run.toStream();
      reader = readerOf(stream) ?? iteratorReader(stream);
    } catch (error: unknown) {
      subscriber.error(new AgentStreamConsumedError("run", { cause: error }));
      return undefined;
    }

    let active = true;
    const pump = async (): Promise<void> => {
      for (;;) {
        const result = await reader.read();
        if (!active) return;
        if (result.done) break;
        if (result.value !== undefined) subscriber.next(result.value);
      }
      if (!run.cancelled) await run.completed;
      if (active) subscriber.complete();
    };
    pump().catch((error: unknown) => {
      if (active) subscriber.error(error);
    });

    return () => {
      if (!active) return;
      active = false;
      // Cancelling the reader aborts the run; what it rejects with after that concerns nobody.
      reader.cancel().catch(() => undefined);
    };
  });
}
