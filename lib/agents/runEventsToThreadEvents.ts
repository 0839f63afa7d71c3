import {
  asyncScheduler,
  catchError,
  concat,
  concatMap,
  defer,
  EMPTY,
  from,
  mergeAll,
  throwError,
  type Observable,
  type OperatorFunction,
} from "rxjs";
import type { RunStreamEvent } from "@openai/agents";

import type { ThreadStreamEvent } from "../events/threadEvents";
import type {
  Annotation,
  AssistantMessageContent,
  AssistantMessageItem,
  GeneratedImageItem,
} from "../events/threadItems";
import { defaultGenerateId, type IdGenerator } from "../ids";
import { ActiveWorkflow } from "./ActiveWorkflow";
import { isGuardrailTripwire } from "./isGuardrailTripwire";
import { generatedImageSteps, type Steps } from "./generatedImageSteps";
import { reasoningSteps } from "./reasoningSteps";
import { ResponseStreamConverter } from "./ResponseStreamConverter";
import type { ThreadRef } from "../../operators/toThreadEvents";

/** Options of {@link runEventsToThreadEvents}. */
export interface RunEventsToThreadEventsConfig {
  /** Makes each assistant message's id, called with `"message"`. Default {@link defaultGenerateId}. */
  readonly generateId?: IdGenerator | undefined;
  /** The clock for `created_at`, in epoch milliseconds. Default `asyncScheduler.now`. */
  readonly now?: (() => number) | undefined;
  /**
   * The workflow reasoning summaries stream into. `streamAgentResponse`
   * passes its context's, so the model's thoughts and the tools' workflow
   * helpers share one; default: one of this stream's own.
   */
  readonly workflow?: ActiveWorkflow | undefined;
  /**
   * How generated images get their URL and citations become annotations.
   * Default: a plain {@link ResponseStreamConverter} (images as data URLs).
   */
  readonly converter?: ResponseStreamConverter | undefined;
}

/** The assistant message being streamed. */
interface OpenMessage {
  readonly item: AssistantMessageItem;
  /** The model's id of the message (`itemId` of its deltas), when it gives one. */
  readonly modelItemId: string | undefined;
  text: string;
  /** Citations the model added, in order: `annotation_index` is their position here. */
  readonly annotations: Annotation[];
}

function content(text: string, annotations: readonly Annotation[] = []): AssistantMessageContent {
  return { type: "output_text", text, annotations: [...annotations] };
}

/** The events of one step, at once or once a promise settles, in order. */
function emit(steps: Steps): Observable<ThreadStreamEvent> {
  if (!(steps instanceof Promise)) return from(steps);
  return from(steps).pipe(mergeAll<readonly ThreadStreamEvent[]>());
}

/** The text of a `message_output_created` item, or undefined for anything else. */
function messageOutput(
  event: RunStreamEvent,
  converter: ResponseStreamConverter,
):
  | { readonly id: string | undefined; readonly text: string; readonly annotations: readonly Annotation[] }
  | undefined {
  if (event.type !== "run_item_stream_event" || event.name !== "message_output_created") return undefined;
  const raw = event.item.rawItem as { id?: unknown; content?: unknown };
  const parts = Array.isArray(raw.content)
    ? (raw.content as { type?: unknown; text?: unknown; refusal?: unknown; annotations?: unknown }[])
    : [];
  const texts = parts.filter((part) => part.type === "output_text" && typeof part.text === "string");
  // A refusal is what the model said instead of an answer: shown as text, as the reference does.
  const text = parts
    .flatMap((part) =>
      part.type === "output_text" && typeof part.text === "string"
        ? [part.text]
        : part.type === "refusal" && typeof part.refusal === "string"
          ? [part.refusal]
          : [],
    )
    .join("");
  const annotations = texts.flatMap((part) =>
    Array.isArray(part.annotations)
      ? part.annotations.flatMap((raw: unknown) => converter.annotation(raw) ?? [])
      : [],
  );
  return { id: typeof raw.id === "string" ? raw.id : undefined, text, annotations };
}

/**
 * Converts the events of a streamed `@openai/agents` run into the ChatKit
 * events of the assistant messages it writes.
 *
 * It's like the reference SDK's `stream_agent_response` loop, but for the JS
 * SDK's event shapes: text arrives as `raw_model_stream_event` with
 * `data.type === "output_text_delta"` (not Python's
 * `response.output_text.delta`), and a response ends with `response_done`.
 * For each message: `thread.item.added` (empty content),
 * `assistant_message.content_part.added`, one
 * `assistant_message.content_part.text_delta` per delta, then
 * `assistant_message.content_part.done` and `thread.item.done` with the
 * whole text when the model's response ends (or a delta of another message
 * starts). A message the model returned without streaming it (a
 * `message_output_created` no delta announced) is sent as one
 * `thread.item.done`.
 *
 * From the raw Responses events the SDK forwards (`data.type === "model"`):
 * reasoning summaries stream as a `reasoning` workflow of thought tasks
 * (see `reasoningSteps`), ended before the next message; output text
 * annotations (file, URL and container-file citations) become
 * `assistant_message.content_part.annotation_added` updates of the open
 * message, counted per content part (a citation that cannot be shown leaves
 * no gap), and stay in its `content_part.done` and `thread.item.done`;
 * the image generation tool's partial and final images become a
 * `generated_image` item with `generated_image.updated` progress (see
 * `generatedImageSteps`; URLs from `config.converter`, which may upload
 * them first: the events after wait, in order).
 * Our messages have one content part: the model's parts are joined into it.
 * Every other run event is dropped.
 *
 * ```
 * source:  -s-a-b-r-m-|   a, b = deltas; r = response_done; m = message_output_created
 * result:  ---(AP)a-b-(DE)--|   A = added, P = part added, D = part done, E = item done
 * ```
 *
 * If the source completes or errors with a message open, the message is
 * closed first (with the text so far), so no client keeps a half-open item;
 * unless the error is a guardrail tripwire: the message is then taken back
 * (`streamAgentResponse` removes it), not closed.
 *
 * @param thread The thread the messages belong to (only its `id` is used).
 * @param config Id generator and clock.
 * @return An operator from run events to thread stream events.
 */
export function runEventsToThreadEvents(
  thread: ThreadRef,
  config: RunEventsToThreadEventsConfig = {},
): OperatorFunction<RunStreamEvent, ThreadStreamEvent> {
  if (typeof thread !== "object" || thread === null || typeof thread.id !== "string") {
    throw new TypeError(
      "runEventsToThreadEvents: thread must be an object with a string id (a ThreadMetadata)",
    );
  }
  const threadId = thread.id;
  const generateId = config.generateId ?? defaultGenerateId;
  const now = config.now ?? (() => asyncScheduler.now());
  const converter = config.converter ?? new ResponseStreamConverter();

  return (source) =>
    defer(() => {
      const workflow = config.workflow ?? new ActiveWorkflow(threadId, generateId, now);
      const reasoning = reasoningSteps(workflow);
      const images = generatedImageSteps({
        converter,
        newItem: (): GeneratedImageItem => ({
          type: "generated_image",
          id: generateId("message"),
          thread_id: threadId,
          created_at: new Date(now()).toISOString(),
        }),
        before: (item) => workflow.endBefore(item),
      });
      let open: OpenMessage | undefined;
      /** Model ids of messages already streamed, so their `message_output_created` is not sent again. */
      const streamedIds = new Set<string>();
      /** Messages streamed without a model id: each absorbs one later `message_output_created`. */
      let streamedWithoutId = 0;

      const close = (): ThreadStreamEvent[] => {
        const message = open;
        if (message === undefined) return [];
        open = undefined;
        if (message.modelItemId === undefined) streamedWithoutId++;
        else streamedIds.add(message.modelItemId);
        const final = content(message.text, message.annotations);
        return [
          {
            type: "thread.item.updated",
            item_id: message.item.id,
            update: { type: "assistant_message.content_part.done", content_index: 0, content: final },
          },
          { type: "thread.item.done", item: { ...message.item, content: [final] } },
        ];
      };

      const newItem = (): AssistantMessageItem => ({
        type: "assistant_message",
        id: generateId("message"),
        thread_id: threadId,
        created_at: new Date(now()).toISOString(),
        content: [],
      });

      const step = (event: RunStreamEvent): Steps => {
        if (event.type === "raw_model_stream_event") {
          const data = event.data;
          if (data.type === "response_done") return close();
          if (data.type === "model") return modelEvent(data.event);
          if (data.type !== "output_text_delta") return [];
          const events: ThreadStreamEvent[] = [];
          if (
            open !== undefined &&
            data.itemId !== undefined &&
            open.modelItemId !== undefined &&
            data.itemId !== open.modelItemId
          ) {
            events.push(...close());
          }
          if (open === undefined) {
            const item = newItem();
            open = { item, modelItemId: data.itemId, text: "", annotations: [] };
            events.push(
              // A workflow still open (the model's reasoning) ends before the message shows.
              ...workflow.endBefore(item),
              { type: "thread.item.added", item },
              {
                type: "thread.item.updated",
                item_id: item.id,
                update: {
                  type: "assistant_message.content_part.added",
                  content_index: 0,
                  content: content(""),
                },
              },
            );
          }
          open.text += data.delta;
          events.push({
            type: "thread.item.updated",
            item_id: open.item.id,
            update: {
              type: "assistant_message.content_part.text_delta",
              content_index: 0,
              delta: data.delta,
            },
          });
          return events;
        }
        if (event.type === "run_item_stream_event" && event.name === "tool_called") {
          const raw = event.item.rawItem as {
            type?: unknown;
            name?: unknown;
            id?: unknown;
            output?: unknown;
          };
          if (raw.type !== "hosted_tool_call" || raw.name !== "image_generation_call") return [];
          const providerData = (raw as { providerData?: { output_format?: unknown } }).providerData;
          return images.hostedCall(raw.id, raw.output, providerData?.output_format);
        }
        const message = messageOutput(event, converter);
        if (message === undefined) return [];
        if (message.id !== undefined && streamedIds.delete(message.id)) return [];
        if (open !== undefined && (message.id === undefined || message.id === open.modelItemId)) {
          // The message ended without a response_done first: close it now, with the model's final text.
          const modelItemId = open.modelItemId;
          if (message.text.startsWith(open.text)) open.text = message.text;
          const events = close();
          if (modelItemId === undefined) streamedWithoutId--;
          else streamedIds.delete(modelItemId);
          return events;
        }
        if (message.id === undefined && streamedWithoutId > 0) {
          streamedWithoutId--;
          return [];
        }
        if (message.text === "") return [];
        const item: AssistantMessageItem = {
          ...newItem(),
          content: [content(message.text, message.annotations)],
        };
        return [...workflow.endBefore(item), { type: "thread.item.done", item }];
      };

      /** A raw Responses event (`model`): reasoning summaries, citations and images; the rest is dropped. */
      const modelEvent = (raw: unknown): Steps => {
        if (typeof raw !== "object" || raw === null) return [];
        const image = images.raw(raw);
        if (image !== undefined) return image;
        const rawEvent = raw as { type?: unknown; item_id?: unknown; annotation?: unknown };
        if (rawEvent.type !== "response.output_text.annotation.added") return reasoning(rawEvent);
        const message = open;
        if (
          message === undefined ||
          (message.modelItemId !== undefined && rawEvent.item_id !== message.modelItemId)
        ) {
          return [];
        }
        const annotation = converter.annotation(rawEvent.annotation);
        // Counted here, not taken from the event: a citation we cannot show (no filename) leaves no gap.
        if (annotation === undefined) return [];
        message.annotations.push(annotation);
        return [
          {
            type: "thread.item.updated",
            item_id: message.item.id,
            update: {
              type: "assistant_message.content_part.annotation_added",
              content_index: 0,
              annotation_index: message.annotations.length - 1,
              annotation,
            },
          },
        ];
      };

      return concat(
        source.pipe(
          concatMap((event) => emit(step(event))),
          catchError((error: unknown) =>
            concat(
              // A guardrail's tripwire takes the message back (removed), so it is not closed.
              isGuardrailTripwire(error) ? EMPTY : from([...close(), ...images.closeAll()]),
              throwError(() => error),
            ),
          ),
        ),
        defer(() => (open === undefined ? EMPTY : from(close()))),
        // An image whose call never finished: kept with its last partial image, or taken back.
        defer(() => from(images.closeAll())),
        // A workflow of this stream's own is ended with it; a shared one is its owner's to end.
        defer(() => (config.workflow === undefined ? from(workflow.end()) : EMPTY)),
      );
    });
}
