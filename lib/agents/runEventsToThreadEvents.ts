import {
  asyncScheduler,
  catchError,
  concat,
  concatMap,
  defer,
  EMPTY,
  from,
  throwError,
  type OperatorFunction,
} from "rxjs";
import type { RunStreamEvent } from "@openai/agents";

import type { ThreadStreamEvent } from "../events/threadEvents";
import type { AssistantMessageContent, AssistantMessageItem } from "../events/threadItems";
import { defaultGenerateId, type IdGenerator } from "../ids";
import type { ThreadRef } from "../../operators/toThreadEvents";

/** Options of {@link runEventsToThreadEvents}. */
export interface RunEventsToThreadEventsConfig {
  /** Makes each assistant message's id, called with `"message"`. Default {@link defaultGenerateId}. */
  readonly generateId?: IdGenerator | undefined;
  /** The clock for `created_at`, in epoch milliseconds. Default `asyncScheduler.now`. */
  readonly now?: (() => number) | undefined;
}

/** The assistant message being streamed. */
interface OpenMessage {
  readonly item: AssistantMessageItem;
  /** The model's id of the message (`itemId` of its deltas), when it gives one. */
  readonly modelItemId: string | undefined;
  text: string;
}

function content(text: string): AssistantMessageContent {
  return { type: "output_text", text, annotations: [] };
}

/** The text of a `message_output_created` item, or undefined for anything else. */
function messageOutput(
  event: RunStreamEvent,
): { readonly id: string | undefined; readonly text: string } | undefined {
  if (event.type !== "run_item_stream_event" || event.name !== "message_output_created") return undefined;
  const raw = event.item.rawItem as { id?: unknown; content?: unknown };
  const parts = Array.isArray(raw.content) ? (raw.content as { type?: unknown; text?: unknown }[]) : [];
  const text = parts
    .filter((part) => part.type === "output_text" && typeof part.text === "string")
    .map((part) => part.text as string)
    .join("");
  return { id: typeof raw.id === "string" ? raw.id : undefined, text };
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
 * `thread.item.done`. Every other run event is dropped.
 *
 * ```
 * source:  -s-a-b-r-m-|   a, b = deltas; r = response_done; m = message_output_created
 * result:  ---(AP)a-b-(DE)--|   A = added, P = part added, D = part done, E = item done
 * ```
 *
 * If the source completes or errors with a message open, the message is
 * closed first (with the text so far), so no client keeps a half-open item.
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

  return (source) =>
    defer(() => {
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
        const final = content(message.text);
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

      const step = (event: RunStreamEvent): ThreadStreamEvent[] => {
        if (event.type === "raw_model_stream_event") {
          const data = event.data;
          if (data.type === "response_done") return close();
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
            open = { item, modelItemId: data.itemId, text: "" };
            events.push(
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
        const message = messageOutput(event);
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
        return [{ type: "thread.item.done", item: { ...newItem(), content: [content(message.text)] } }];
      };

      return concat(
        source.pipe(
          concatMap((event) => from(step(event))),
          catchError((error: unknown) =>
            concat(
              from(close()),
              throwError(() => error),
            ),
          ),
        ),
        defer(() => (open === undefined ? EMPTY : from(close()))),
      );
    });
}
