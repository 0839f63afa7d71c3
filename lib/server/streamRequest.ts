import { catchError, concat, defer, ignoreElements, of, switchMap, type Observable } from "rxjs";

import type { AttachmentRecord } from "../attachments/AttachmentRecord";
import { ChatKitRequestError } from "../errors";
import type { ThreadStreamEvent } from "../events/threadEvents";
import type { ClientToolCallItem, ThreadMetadata } from "../events/threadItems";
import { quoteExcerpt } from "../excerpt";
import { loadStructuredInputAnswer, structuredInputResponse } from "./addStructuredInput";
import { newUserMessage, toClientThread } from "./clientThread";
import { deleteItemsAfter } from "./deleteItemsAfter";
import { findPendingClientToolCall } from "./findPendingClientToolCall";
import { handlerResponse, type HandlerResponseConfig, type ResponseHooks } from "./handlerResponse";
import type { ThreadTurn } from "./holdingThread";
import { loadSender } from "./loadSender";
import { loadOpenThread, loadThread } from "./loadThread";
import { resolveMessageAttachments } from "./requestAttachments";
import { requestedItem } from "./requestedItem";
import type { StreamingRequest, UserMessageInput } from "./requests";
import type { ActionHandler, HandlerOptions, RespondHandler, ThreadEventSource } from "./serverTypes";
import type { ThreadTurns } from "./ThreadTurns";

/**
 * The methods of a server that a streaming request calls. A `ChatKitServer`
 * passes itself, so what a subclass overrides is what runs.
 */
export interface StreamHandlers<TContext> extends ResponseHooks<TContext> {
  readonly respond: RespondHandler<TContext>;
  readonly action: ActionHandler<TContext>;
}

/** What {@link streamRequest} needs of the server. */
export interface StreamRequestConfig<TContext> extends HandlerResponseConfig<TContext> {
  readonly handlers: StreamHandlers<TContext>;
  readonly turns: ThreadTurns;
  /** The largest page the store is read in (a retry deletes the items after the retried one page by page). */
  readonly maxPageSize: number;
  /** Now, as an ISO 8601 `created_at`. */
  readonly isoNow: () => string;
}

/**
 * The answer to a streaming request (PROTOCOL §4), as events. Everything
 * the request names (threads, items, attachments, the sender widget) is
 * checked before this resolves, so a bad request is a
 * {@link ChatKitRequestError} and nothing is written. The Observable is
 * cold: the thread is held, and the writes start, on subscription.
 *
 * What is read before the thread is held is read again once it is (a
 * widget, a pending question): the request before may have changed it.
 *
 * The caller has checked that the server has the handler the request needs.
 */
export async function streamRequest<TContext>(
  config: StreamRequestConfig<TContext>,
  request: StreamingRequest,
  context: TContext,
): Promise<Observable<ThreadStreamEvent>> {
  const { store, handlers } = config;
  const holding = (threadId: string, work: (turn: ThreadTurn) => Observable<ThreadStreamEvent>) =>
    holdingThreadEvents(config, threadId, work);
  const response = (
    thread: ThreadMetadata,
    turn: ThreadTurn,
    run: (options: HandlerOptions) => ThreadEventSource,
  ) => handlerResponse(config, thread, context, turn, run);

  switch (request.type) {
    case "threads.create": {
      const attachments = await resolveMessageAttachments(config.attachments, request.params.input, context);
      return defer(() => {
        const thread: ThreadMetadata = {
          id: store.generateThreadId(context),
          created_at: config.isoNow(),
          status: { type: "active" },
        };
        return holding(thread.id, (turn) =>
          concat(
            defer(async () => {
              await store.createThread(thread, context);
              return { type: "thread.created", thread: toClientThread(thread) } as const;
            }),
            respondTo(config, thread, request.params.input, context, turn, attachments),
          ),
        );
      });
    }
    case "threads.add_user_message": {
      const thread = await loadOpenThread(store, request.params.thread_id, context);
      const attachments = await resolveMessageAttachments(config.attachments, request.params.input, context);
      return holding(thread.id, (turn) =>
        respondTo(config, thread, request.params.input, context, turn, attachments),
      );
    }
    case "threads.add_client_tool_output": {
      const thread = await loadOpenThread(store, request.params.thread_id, context);
      const call = await findPendingClientToolCall(store, thread, context);
      if (call === undefined) {
        throw new ChatKitRequestError({
          status: 400,
          code: "invalid_request",
          field: "params.thread_id",
          message: `params.thread_id: thread ${quoteExcerpt(thread.id)} has no pending client tool call since its last user message`,
        });
      }
      const completed: ClientToolCallItem = { ...call, status: "completed", output: request.params.result };
      return holding(thread.id, (turn) =>
        concat(
          defer(() => store.saveItem(thread.id, completed, context)).pipe(ignoreElements()),
          response(thread, turn, (options) => handlers.respond(thread, null, context, options)),
        ),
      );
    }
    case "threads.add_structured_input": {
      const { thread } = await loadStructuredInputAnswer(store, request, context);
      return holding(thread.id, (turn) =>
        // Answered again once the thread is ours: the request before may have answered it already.
        defer(() => loadStructuredInputAnswer(store, request, context)).pipe(
          switchMap(({ answered }) =>
            response(thread, turn, (options) =>
              structuredInputResponse(answered, () => handlers.respond(thread, null, context, options)),
            ),
          ),
        ),
      );
    }
    case "threads.retry_after_item": {
      const thread = await loadOpenThread(store, request.params.thread_id, context);
      const itemId = request.params.item_id;
      const item = await requestedItem(
        store,
        thread.id,
        itemId,
        "user_message",
        "; only a user message can be retried",
        context,
      );
      return holding(thread.id, (turn) =>
        concat(
          defer(() => deleteItemsAfter(store, thread, item.id, config.maxPageSize, context)).pipe(
            ignoreElements(),
          ),
          response(thread, turn, (options) => handlers.respond(thread, item, context, options)),
        ),
      );
    }
    case "threads.custom_action": {
      const thread = await loadThread(store, request.params.thread_id, context);
      const { item_id: itemId, action } = request.params;
      await loadSender(store, thread, itemId, action, context);
      return holding(thread.id, (turn) =>
        // Loaded again once the thread is ours: the request before may have changed the widget.
        defer(() => loadSender(store, thread, itemId, action, context)).pipe(
          switchMap((sender) =>
            response(thread, turn, (options) => handlers.action(thread, action, sender, context, options)),
          ),
        ),
      );
    }
  }
}

/**
 * `work`'s events while the thread is held (see {@link ThreadTurns.stream}),
 * with any failure, a busy thread included, ending the stream as an
 * `error` event.
 */
function holdingThreadEvents<TContext>(
  config: StreamRequestConfig<TContext>,
  threadId: string,
  work: (turn: ThreadTurn) => Observable<ThreadStreamEvent>,
): Observable<ThreadStreamEvent> {
  return config.turns
    .stream(threadId, work)
    .pipe(catchError((error: unknown) => of(config.handlers.toErrorEvent(error))));
}

/** The user message saved (its attachments now of this thread) and sent, then the response to it. */
function respondTo<TContext>(
  config: StreamRequestConfig<TContext>,
  thread: ThreadMetadata,
  input: UserMessageInput,
  context: TContext,
  turn: ThreadTurn,
  attachments: readonly AttachmentRecord[],
): Observable<ThreadStreamEvent> {
  const draft = newUserMessage(
    input,
    thread,
    config.store.generateItemId("message", thread, context),
    config.isoNow(),
  );
  let message = draft;
  return concat(
    defer(async () => {
      if (attachments.length > 0 && config.attachments !== undefined) {
        message = {
          ...draft,
          attachments: await config.attachments.attachToThread(attachments, thread.id, context),
        };
      }
      await config.store.addThreadItem(thread.id, message, context);
      return { type: "thread.item.done", item: message } as const;
    }),
    handlerResponse(config, thread, context, turn, (options) =>
      config.handlers.respond(thread, message, context, options),
    ),
  );
}
