/**
 * A `Model` (the `@openai/agents` interface) that plays pre-written turns,
 * so the real `Runner` drives the tests without network. Each model call
 * takes the next turn: text streamed as `output_text_delta` events, then
 * function calls, then `response_done` with the whole output, as the
 * Responses model does. Every step waits `stepMs` on a real timer and
 * stops with an `AbortError` as soon as the request's signal aborts, which
 * is what a network model does when a run is cancelled.
 */
import type {
  Model,
  ModelRequest,
  ModelResponse,
  StreamEvent,
  StreamEventResponseCompleted,
} from "@openai/agents";
import { Usage } from "@openai/agents";

/** One function call the model makes. `args` is JSON-encoded for the tool. */
export interface ScriptedToolCall {
  readonly name: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** Defaults to `call_<turn>_<index>`. */
  readonly callId?: string;
}

/** What the model answers to one call: reasoning, text (as its deltas) and/or tool calls. */
export interface ScriptedTurn {
  /**
   * Reasoning summaries, each as its deltas, streamed before the text as the
   * Responses API does: `response.output_item.added` (a `reasoning` item),
   * then per summary `response.reasoning_summary_text.delta`s and `.done`.
   */
  readonly reasoning?: readonly (readonly string[])[];
  readonly text?: readonly string[];
  /**
   * Raw output-text annotations (`url_citation`, `file_citation`...),
   * streamed after the text as `response.output_text.annotation.added`.
   */
  readonly annotations?: readonly Readonly<Record<string, unknown>>[];
  readonly toolCalls?: readonly ScriptedToolCall[];
  /** More output items the response reports (hosted tool calls...), after the text and tool calls. */
  readonly output?: ModelResponse["output"];
}

export interface ScriptedModelConfig {
  /** Delay before each streamed event, in ms. Default 1. */
  readonly stepMs?: number;
  /** Told each text delta's index (from 0, across turns) as it is streamed: a test can act at a known point. */
  readonly onTextDelta?: (index: number) => void;
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new DOMException("The operation was aborted.", "AbortError");
}

/** Resolves after `ms`, or rejects at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortError(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export class ScriptedModel implements Model {
  /** Requests received, in order. */
  readonly requests: ModelRequest[] = [];
  /** How many streamed calls stopped because their signal aborted. */
  aborts = 0;
  private next = 0;
  private deltas = 0;
  private readonly stepMs: number;
  private readonly onTextDelta: ((index: number) => void) | undefined;

  constructor(
    private readonly turns: readonly ScriptedTurn[],
    config: ScriptedModelConfig = {},
  ) {
    this.stepMs = config.stepMs ?? 1;
    this.onTextDelta = config.onTextDelta;
  }

  /** True once every scripted turn has been played. */
  get exhausted(): boolean {
    return this.next >= this.turns.length;
  }

  private take(request: ModelRequest): { readonly turn: ScriptedTurn; readonly index: number } {
    this.requests.push(request);
    const index = this.next++;
    const turn = this.turns[index];
    if (turn === undefined) {
      throw new Error(`ScriptedModel: no turn ${index + 1} scripted (only ${this.turns.length})`);
    }
    return { turn, index };
  }

  private static response(turn: ScriptedTurn, index: number): ModelResponse {
    const output: ModelResponse["output"] = [];
    if (turn.text !== undefined) {
      output.push({
        type: "message",
        id: `msg_model_${index}`,
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text: turn.text.join("") }],
      });
    }
    (turn.toolCalls ?? []).forEach((call, at) => {
      output.push({
        type: "function_call",
        id: `fc_${index}_${at}`,
        callId: call.callId ?? `call_${index}_${at}`,
        name: call.name,
        arguments: JSON.stringify(call.args),
        status: "completed",
      });
    });
    output.push(...(turn.output ?? []));
    return {
      usage: new Usage({ requests: 1, inputTokens: 1, outputTokens: 1, totalTokens: 2 }),
      output,
      responseId: `resp_${index}`,
    };
  }

  getResponse(request: ModelRequest): Promise<ModelResponse> {
    const { turn, index } = this.take(request);
    return Promise.resolve(ScriptedModel.response(turn, index));
  }

  async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    const { turn, index } = this.take(request);
    const response = ScriptedModel.response(turn, index);
    try {
      yield { type: "response_started" };
      // Raw Responses events reach the run as `model` stream events, as the OpenAI model sends them.
      const raw = (event: Record<string, unknown>): StreamEvent => ({ type: "model", event });
      if (turn.reasoning !== undefined) {
        const itemId = `rs_model_${index}`;
        await sleep(this.stepMs, request.signal);
        yield raw({
          type: "response.output_item.added",
          output_index: 0,
          item: { type: "reasoning", id: itemId, summary: [] },
        });
        for (const [summaryIndex, deltas] of turn.reasoning.entries()) {
          for (const delta of deltas) {
            await sleep(this.stepMs, request.signal);
            yield raw({
              type: "response.reasoning_summary_text.delta",
              item_id: itemId,
              output_index: 0,
              summary_index: summaryIndex,
              delta,
            });
          }
          await sleep(this.stepMs, request.signal);
          yield raw({
            type: "response.reasoning_summary_text.done",
            item_id: itemId,
            output_index: 0,
            summary_index: summaryIndex,
            text: deltas.join(""),
          });
        }
      }
      for (const delta of turn.text ?? []) {
        await sleep(this.stepMs, request.signal);
        this.onTextDelta?.(this.deltas++);
        yield { type: "output_text_delta", delta, itemId: `msg_model_${index}` };
      }
      for (const [annotationIndex, annotation] of (turn.annotations ?? []).entries()) {
        await sleep(this.stepMs, request.signal);
        yield raw({
          type: "response.output_text.annotation.added",
          item_id: `msg_model_${index}`,
          output_index: 1,
          content_index: 0,
          annotation_index: annotationIndex,
          annotation,
        });
      }
      await sleep(this.stepMs, request.signal);
      yield {
        type: "response_done",
        response: {
          id: response.responseId ?? `resp_${index}`,
          usage: { requests: 1, inputTokens: 1, outputTokens: 1, totalTokens: 2 },
          output: response.output as StreamEventResponseCompleted["response"]["output"],
        },
      };
    } catch (error: unknown) {
      if (request.signal?.aborted === true) this.aborts++;
      throw error;
    }
  }
}
