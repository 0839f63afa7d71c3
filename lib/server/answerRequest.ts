import type { ServerAttachments } from "../attachments/ServerAttachments";
import { transcribeRequest } from "../attachments/transcribeRequest";
import { ActionPayloadError, ChatKitRequestError } from "../errors";
import { isHiddenItem, type ThreadItem, type ThreadMetadata, type WidgetItem } from "../events/threadItems";
import { toClientThread } from "./clientThread";
import { findOrNotFound } from "./findOrNotFound";
import { loadSender } from "./loadSender";
import { loadThread } from "./loadThread";
import { attachmentReader, presentItems, requireAttachments } from "./requestAttachments";
import type { Action, NonStreamingRequest } from "./requests";
import type { SyncActionHandler, TranscribeHandler } from "./serverTypes";
import type { Store } from "./Store";
import type { ThreadTurns } from "./ThreadTurns";

/**
 * The methods of a server that a non-streaming answer calls. A
 * `ChatKitServer` passes itself, so what a subclass overrides is what runs.
 */
export interface AnswerHandlers<TContext> {
  readonly syncAction: SyncActionHandler<TContext>;
  addFeedback(
    threadId: string,
    itemIds: readonly string[],
    kind: "positive" | "negative",
    context: TContext,
  ): Promise<void>;
}

/** What {@link answerRequest} needs of the server. */
export interface AnswerRequestConfig<TContext> {
  readonly store: Store<TContext>;
  readonly attachments: ServerAttachments<TContext> | undefined;
  readonly transcribe: TranscribeHandler<TContext> | undefined;
  readonly handlers: AnswerHandlers<TContext>;
  readonly turns: ThreadTurns;
  /** Items per page when the client does not say. */
  readonly pageSize: number;
  /** The largest page a client may ask for. */
  readonly maxPageSize: number;
}

/**
 * The JSON answer to a non-streaming request (PROTOCOL §4). Reads answer at
 * once; a write (a title, a deletion, a sync action) first waits for the
 * thread's earlier requests (see {@link ThreadTurns.write}). What the
 * request names is checked before that wait, and checked again after it.
 *
 * The caller has checked that the server has the handler the request needs.
 *
 * @param signal The client went away: stops the wait and aborts `syncAction`.
 * @throws {ChatKitRequestError} for a request that names what does not exist or the server cannot do.
 */
export async function answerRequest<TContext>(
  config: AnswerRequestConfig<TContext>,
  request: NonStreamingRequest,
  context: TContext,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const { store, turns } = config;
  /** A client's page size, or the default, never past the maximum. */
  const limitOf = (limit: number | null | undefined): number =>
    Math.min(limit ?? config.pageSize, config.maxPageSize);

  switch (request.type) {
    case "threads.get_by_id": {
      const thread = await loadThread(store, request.params.thread_id, context);
      const items = await store.loadThreadItems(
        thread.id,
        { limit: config.pageSize, order: "asc", visibleOnly: true },
        context,
      );
      return toClientThread(thread, {
        ...items,
        data: presentItems(config.attachments, items.data, context),
      });
    }
    case "threads.list": {
      const { limit, order, after } = request.params;
      const page = await findOrNotFound("params.after", () =>
        store.loadThreads({ limit: limitOf(limit), order, after: after ?? undefined }, context),
      );
      return { ...page, data: page.data.map((thread) => toClientThread(thread)) };
    }
    case "items.list": {
      const { thread_id, limit, order, after } = request.params;
      await loadThread(store, thread_id, context);
      const page = await findOrNotFound("params.after", () =>
        store.loadThreadItems(
          thread_id,
          // Hidden items are left out by the store before the limit, so a page is never short.
          { limit: limitOf(limit), order, after: after ?? undefined, visibleOnly: true },
          context,
        ),
      );
      return {
        ...page,
        data: presentItems(
          config.attachments,
          page.data.filter((item) => !isHiddenItem(item)),
          context,
        ),
      };
    }
    case "items.feedback": {
      const { thread_id, item_ids, kind } = request.params;
      await loadThread(store, thread_id, context);
      await config.handlers.addFeedback(thread_id, item_ids, kind, context);
      return {};
    }
    case "threads.update": {
      const threadId = request.params.thread_id;
      await loadThread(store, threadId, context);
      return turns.write(threadId, signal, async () => {
        const thread = await loadThread(store, threadId, context);
        const updated: ThreadMetadata = { ...thread, title: request.params.title };
        await store.saveThread(updated, context);
        return toClientThread(updated);
      });
    }
    case "threads.delete": {
      const threadId = request.params.thread_id;
      await loadThread(store, threadId, context);
      return turns.write(threadId, signal, async () => {
        await store.deleteThread(threadId, context);
        return {};
      });
    }
    case "threads.sync_custom_action": {
      const { thread_id: threadId, item_id: itemId, action } = request.params;
      const thread = await loadThread(store, threadId, context);
      await loadSender(store, thread, itemId, action, context);
      return turns.write(threadId, signal, async () => {
        const sender = await loadSender(store, thread, itemId, action, context);
        const updated = await syncAction(config, thread, action, sender, context, signal);
        if (updated !== null) await store.saveItem(thread.id, updated, context);
        return { updated_item: updated };
      });
    }
    case "attachments.create":
      return requireAttachments(config.attachments, "type").create(request.params, context);
    case "attachments.delete":
      await requireAttachments(config.attachments, "type").delete(request.params.attachment_id, context);
      return {};
    case "input.transcribe":
      return transcribeRequest(config.transcribe, request.params, context);
  }
}

/** `syncAction` with a rejected payload answered as a 400 naming the payload's field. */
async function syncAction<TContext>(
  config: AnswerRequestConfig<TContext>,
  thread: ThreadMetadata,
  action: Action,
  sender: WidgetItem | null,
  context: TContext,
  signal: AbortSignal | undefined,
): Promise<ThreadItem | null> {
  try {
    return await config.handlers.syncAction(thread, action, sender, context, {
      signal: signal ?? new AbortController().signal,
      readAttachment: attachmentReader(config.attachments, context),
    });
  } catch (error) {
    if (!(error instanceof ActionPayloadError)) throw error;
    throw new ChatKitRequestError({
      status: 400,
      code: "invalid_request",
      field:
        error.issues[0] === undefined ? "params.action.payload" : `params.action.${error.issues[0].field}`,
      issues: error.issues.map((issue) => ({ ...issue, field: `params.action.${issue.field}` })),
      message: error.message,
    });
  }
}
