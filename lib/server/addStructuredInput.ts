/**
 * `threads.add_structured_input` (PROTOCOL §4): the user answered (or
 * skipped) the questions of a pending `structured_input` item. As the
 * reference SDK does (`chatkit/server.py`, v1.6.5), the server records the
 * answers in the item, sends it as `thread.item.replaced` (saved like any
 * other replacement), then lets `respond(thread, null, context)` carry on.
 */
import { concat, defer, from, of, type Observable } from "rxjs";

import { ChatKitRequestError } from "../errors";
import type { ThreadStreamEvent } from "../events/threadEvents";
import type { StructuredInputItem, ThreadMetadata } from "../events/threadItems";
import { findOrNotFound } from "./findOrNotFound";
import { requestedItem } from "./requestedItem";
import type { StructuredInputSubmission, ThreadsAddStructuredInputRequest } from "./requests";
import type { Store } from "./Store";

/** What a handler returns: events as an Observable or an async iterable (as `ChatKitServer` takes them). */
type EventSource = Observable<ThreadStreamEvent> | AsyncIterable<ThreadStreamEvent>;

/**
 * The item with the submission recorded, as the reference records it:
 *
 * - Every question gets an `answer`. It is `{ values: [], skipped: true }`
 *   when the whole submission is skipped, when the question has no answer
 *   in it, or when its answer is skipped or has no values.
 * - A `multiple_choice` without `multiple` keeps only the first value.
 *   Values are kept as typed, even when no option has them (the client
 *   offers a free "other" answer next to the options).
 * - The item's `status` becomes the submission's (`answered` or `skipped`).
 * - Answers for question ids the item does not have are ignored (the
 *   reference logs and ignores them too).
 *
 * `item` is not changed.
 *
 * @param item The pending item.
 * @param submission What the client sent.
 * @return The answered (or skipped) item.
 * @throws {ChatKitRequestError} (400, field `params.item_id`) when the item is not pending.
 */
export function answerStructuredInput(
  item: StructuredInputItem,
  submission: StructuredInputSubmission,
): StructuredInputItem {
  if (item.status !== "pending") {
    throw new ChatKitRequestError({
      status: 400,
      code: "invalid_request",
      field: "params.item_id",
      message: `params.item_id: structured input "${item.id}" is ${item.status} already; only a pending one takes answers`,
    });
  }
  const inputs = item.inputs.map((question) => {
    // Own keys only: a question id such as "constructor" must not find Object.prototype's.
    const answer = Object.hasOwn(submission.answers, question.id)
      ? submission.answers[question.id]
      : undefined;
    if (
      submission.status === "skipped" ||
      answer === undefined ||
      answer.skipped ||
      answer.values.length === 0
    ) {
      return { ...question, answer: { values: [], skipped: true } };
    }
    const single = question.type === "multiple_choice" && !question.multiple;
    const values = single ? answer.values.slice(0, 1) : [...answer.values];
    return { ...question, answer: { values, skipped: false } };
  });
  return { ...item, status: submission.status, inputs };
}

/**
 * Loads what a `threads.add_structured_input` request names and records the
 * answers, before anything is written or sent.
 *
 * @param store Where the thread lives.
 * @param request The parsed request.
 * @param context Passed to the store.
 * @return The thread, and the item with its answers (not saved yet: it is saved when its `thread.item.replaced` goes out).
 * @throws {ChatKitRequestError} 404 for an unknown thread or item; 400 for an item that is not a
 * pending `structured_input`.
 */
export async function loadStructuredInputAnswer<TContext>(
  store: Store<TContext>,
  request: ThreadsAddStructuredInputRequest,
  context: TContext,
): Promise<{ thread: ThreadMetadata; answered: StructuredInputItem }> {
  const { thread_id, item_id, input } = request.params;
  const thread = await findOrNotFound("params.thread_id", () => store.loadThread(thread_id, context));
  const item = await requestedItem(
    store,
    thread.id,
    item_id,
    "structured_input",
    ", not a structured_input",
    context,
  );
  return { thread, answered: answerStructuredInput(item, input) };
}

/**
 * The events of the answer: the answered item as `thread.item.replaced`,
 * then whatever `respond` sends. `respond` is called on subscription, after
 * the replacement went out.
 *
 * ```
 * respond():  -a-b-|
 * result:     ra-b-|      r: { type: "thread.item.replaced", item: answered }
 * ```
 *
 * @param answered The item with its answers (see {@link loadStructuredInputAnswer}).
 * @param respond Produces the response that follows, e.g. `() => server.respond(thread, null, context)`.
 * @return The events, for `ChatKitServer` to persist and send.
 */
export function structuredInputResponse(
  answered: StructuredInputItem,
  respond: () => EventSource,
): Observable<ThreadStreamEvent> {
  return concat(
    of<ThreadStreamEvent>({ type: "thread.item.replaced", item: answered }),
    defer(() => {
      const source = respond();
      if (typeof source !== "object" || source === null) {
        throw new TypeError(
          "ChatKitServer: respond() must return an Observable or an AsyncIterable of events (after threads.add_structured_input)",
        );
      }
      return from(source);
    }),
  );
}
