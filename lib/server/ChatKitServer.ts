import type { ServerAttachments } from "../attachments/ServerAttachments";
import { transcribeRequest } from "../attachments/transcribeRequest";
import { ActionPayloadError, ChatKitRequestError, ThreadBusyError } from "../errors";
import type { ErrorEvent } from "../events/threadEvents";
import {
  isHiddenItem,
  type ThreadItem,
  type ThreadMetadata,
  type UserMessageItem,
  type WidgetItem,
} from "../events/threadItems";
import { toClientThread } from "./clientThread";
import { findOrNotFound } from "./findOrNotFound";
import { loadSender } from "./loadSender";
import { loadThread } from "./loadThread";
import { attachmentReader, presentItems, requireAttachments } from "./requestAttachments";
import { applyFormValues } from "./applyFormValues";
import { parseRequest } from "./parseRequest";
import { isStreamingRequest, type Action, type ChatKitRequest, type NonStreamingRequest } from "./requests";
import { resolveServerConfig } from "./serverConfig";
import type {
  ChatKitServerConfig,
  HandlerOptions,
  ProcessOptions,
  ProcessResult,
  ThreadEventSource,
} from "./serverTypes";
import type { Store } from "./Store";
import { streamRequest, type StreamRequestConfig } from "./streamRequest";
import type { ThreadLocks } from "./ThreadLocks";
import { ThreadTurns } from "./ThreadTurns";

export type {
  ActionHandler,
  AudioInput,
  ChatKitServerConfig,
  HandlerOptions,
  ProcessOptions,
  ProcessResult,
  RespondHandler,
  SyncActionHandler,
  ThreadEventSource,
  TranscribeHandler,
} from "./serverTypes";

/** The note saved (never shown) when the client cancels, so the next response does not carry on the old one. */
export const CANCELLED_STREAM_NOTE = "The user cancelled the stream. Stop responding to the prior request.";

type HandlerName = "respond" | "action" | "syncAction";

/** The handler each request needs: a server with none (in its config or a subclass) answers it with a 501. */
const HANDLER_OF: Partial<Record<ChatKitRequest["type"], HandlerName>> = {
  "threads.create": "respond",
  "threads.add_user_message": "respond",
  "threads.add_client_tool_output": "respond",
  "threads.add_structured_input": "respond",
  "threads.retry_after_item": "respond",
  "threads.custom_action": "action",
  "threads.sync_custom_action": "syncAction",
};

/**
 * A ChatKit backend (PROTOCOL §4) over RxJS: it parses each request,
 * keeps the store up to date and streams the answer, while you write only
 * `respond` (a user message came in) and `action` (a widget fired an
 * action), each returning an Observable of thread events.
 *
 * Why Observables: the response is the composition of streams (model
 * tokens, widget states), and unsubscribing is how a client disconnect
 * stops all of them at once. The HTTP adapters (`toNodeHandler`,
 * `toFetchHandler`) unsubscribe when the connection closes.
 *
 * Event order follows the reference SDK: `threads.create` sends
 * `thread.created`, then the user message (`thread.item.done`), then
 * `stream_options`, then the response; every streaming answer starts its
 * response with `stream_options`. Persistence goes further than the
 * reference SDK (see `persistEvents`): widget updates to saved items
 * are saved, and a cancelled stream keeps its pending widgets.
 *
 * @example
 * ```ts
 * const server = new ChatKitServer({
 *   respond: (thread, message) => streamWidget(thread, card(message)),
 * });
 * http.createServer(toNodeHandler(server, () => ({}))).listen(8000, "127.0.0.1");
 * ```
 */
export class ChatKitServer<TContext = unknown> {
  readonly store: Store<TContext>;
  /** Uploads, previews and bytes of attachments (the HTTP adapters serve them); `undefined` without `attachments`. */
  readonly attachments: ServerAttachments<TContext> | undefined;
  readonly #config: ChatKitServerConfig<TContext>;
  readonly #now: () => number;
  readonly #report: (error: unknown) => void;
  readonly #turns: ThreadTurns;
  /** What the streaming requests need; its `handlers` is this server, so a subclass's overrides run. */
  readonly #streaming: StreamRequestConfig<TContext>;
  readonly #pageSize: number;
  readonly #maxPageSize: number;

  constructor(config: ChatKitServerConfig<TContext> = {}) {
    const resolved = resolveServerConfig(config);
    this.#config = config;
    this.store = resolved.store;
    this.attachments = resolved.attachments;
    this.#now = resolved.now;
    this.#report = resolved.report;
    this.#turns = new ThreadTurns(resolved.locks, resolved.busyWaitMs, resolved.report);
    this.#pageSize = resolved.pageSize;
    this.#maxPageSize = resolved.maxPageSize;
    this.#streaming = {
      store: this.store,
      attachments: this.attachments,
      turns: this.#turns,
      handlers: this,
      maxPageSize: resolved.maxPageSize,
      isoNow: () => this.#isoNow(),
      report: resolved.report,
    };
  }

  // -------------------------------------------------------------------------
  // What users write (override, or pass in the config)

  /** Answers a user message. Override it, or pass `respond` in the config. */
  respond(
    thread: ThreadMetadata,
    userMessage: UserMessageItem | null,
    context: TContext,
    options: HandlerOptions,
  ): ThreadEventSource {
    const respond = this.#config.respond;
    if (respond === undefined) {
      throw new TypeError(
        "ChatKitServer: no respond(); pass { respond } to the constructor or override respond()",
      );
    }
    return respond(thread, userMessage, context, options);
  }

  /** Answers a widget action with a stream. Override it, or pass `action` in the config. */
  action(
    thread: ThreadMetadata,
    action: Action,
    sender: WidgetItem | null,
    context: TContext,
    options: HandlerOptions,
  ): ThreadEventSource {
    const handler = this.#config.action;
    if (handler === undefined) {
      throw new TypeError(
        `ChatKitServer: no action() for "${action.type}"; pass { action } to the constructor or override action()`,
      );
    }
    return handler(thread, action, sender, context, options);
  }

  /** Answers a widget action with the updated item at once (no stream). Override it, or pass `syncAction`. */
  syncAction(
    thread: ThreadMetadata,
    action: Action,
    sender: WidgetItem | null,
    context: TContext,
    options: HandlerOptions,
  ): Promise<ThreadItem | null> | ThreadItem | null {
    const handler = this.#config.syncAction;
    if (handler === undefined) {
      throw new TypeError(
        `ChatKitServer: no syncAction() for "${action.type}"; pass { syncAction } to the constructor or override syncAction()`,
      );
    }
    return handler(thread, action, sender, context, options);
  }

  /** Records thumbs up/down. Does nothing by default. */
  addFeedback(
    _threadId: string,
    _itemIds: readonly string[],
    _kind: "positive" | "negative",
    _context: TContext,
  ): Promise<void> {
    return Promise.resolve();
  }

  /** Options sent in `stream_options` before each response. Default: the user may cancel. */
  streamOptions(_thread: ThreadMetadata, _context: TContext): { allow_cancel: boolean } {
    return { allow_cancel: true };
  }

  /**
   * The `error` event sent when `respond`/`action` (or the store) fails
   * mid-stream. The default hides the cause from the browser (it may hold
   * secrets) except for a rejected action payload and a busy thread, and
   * reports it to `onError`.
   */
  toErrorEvent(error: unknown): ErrorEvent {
    if (error instanceof ActionPayloadError) {
      return {
        type: "error",
        code: "custom",
        message: `The action "${error.actionType}" was rejected: invalid payload.`,
        allow_retry: false,
      };
    }
    if (error instanceof ThreadBusyError) {
      return {
        type: "error",
        code: "custom",
        message: "This conversation is still busy with another request. Try again when it has finished.",
        allow_retry: true,
      };
    }
    this.#report(error);
    return { type: "error", code: "stream.error", allow_retry: true };
  }

  /**
   * Runs when the client went away mid-stream. Saves each pending widget
   * item in the last state the server produced (the reference SDK drops
   * them) and each non-empty assistant message, then a hidden note that
   * the user cancelled, so the next response does not continue this one.
   * The thread's next request starts only once this has settled.
   */
  async handleStreamCancelled(
    thread: ThreadMetadata,
    pendingItems: readonly ThreadItem[],
    context: TContext,
  ): Promise<void> {
    for (const item of pendingItems) {
      const keep =
        item.type === "widget" ||
        (item.type === "assistant_message" && item.content.some((part) => part.text.trim() !== ""));
      if (keep) await this.store.addThreadItem(thread.id, item, context);
    }
    await this.store.addThreadItem(
      thread.id,
      {
        type: "sdk_hidden_context",
        id: this.store.generateItemId("sdk_hidden_context", thread, context),
        thread_id: thread.id,
        created_at: this.#isoNow(),
        content: CANCELLED_STREAM_NOTE,
      },
      context,
    );
  }

  /** What serialises each thread's requests: `config.threadLocks`, else the store's, else one process's queues. */
  get threadLocks(): ThreadLocks {
    return this.#turns.locks;
  }

  /** Resolves once every thread is given back, each cancelled stream's clean-up done (for tests and graceful shutdown). */
  idle(): Promise<void> {
    return this.#turns.idle();
  }

  /**
   * Writes the form values of an action payload back into the stored widget
   * that sent it (see {@link applyFormValues}), so a reload shows what the
   * user typed. Call it from `action`/`syncAction` with the action's
   * payload (a payload that is not an object holds no form values and
   * leaves the widget as it was): they run while their request holds the
   * thread, so no other request's write comes between this load and save.
   *
   * @return The updated item (also saved).
   */
  async saveFormValues(
    thread: ThreadMetadata,
    sender: WidgetItem,
    payload: unknown,
    context: TContext,
  ): Promise<WidgetItem> {
    const stored = await this.store.loadItem(thread.id, sender.id, context);
    const base = stored.type === "widget" ? stored : sender;
    const updated: WidgetItem = { ...base, widget: applyFormValues(base.widget, payload) };
    await this.store.saveItem(thread.id, updated, context);
    return updated;
  }

  // -------------------------------------------------------------------------
  // Requests

  /**
   * Parses one request body and answers it. Everything the request names
   * is checked before anything is written: bad JSON, JSON nested too deep,
   * an unknown `type`, missing params, unknown threads/items, an action
   * its sender widget does not declare, and a request no handler answers
   * come back as `{ kind: "error" }` (400/404/501, the field named), and
   * the store is unchanged.
   *
   * The requests of one thread take turns (see {@link ThreadLocks}): a
   * streaming answer starts its writes once the thread's earlier requests
   * (a cancelled stream's clean-up included) are done, and holds the thread
   * until it ends; a non-streaming write waits the same way.
   *
   * @param body The raw body (text or bytes), or the already parsed JSON.
   * @param context Passed through to the store and to your handlers.
   * @param options `signal`: the client went away (non-streaming requests).
   * @return What to send; rejects only on an unexpected failure (answer 500).
   */
  async process(body: unknown, context: TContext, options: ProcessOptions = {}): Promise<ProcessResult> {
    try {
      const request = parseRequest(body);
      this.#requireHandler(HANDLER_OF[request.type]);
      if (isStreamingRequest(request))
        return { kind: "stream", events: await streamRequest(this.#streaming, request, context) };
      return { kind: "json", body: await this.#answer(request, context, options.signal) };
    } catch (error) {
      if (error instanceof ChatKitRequestError) return { kind: "error", error };
      throw error;
    }
  }

  /** A 501 when neither the config nor a subclass gives the handler `name`. */
  #requireHandler(name: HandlerName | undefined): void {
    if (name === undefined) return;
    const overridden = this[name] !== ChatKitServer.prototype[name];
    if (overridden || this.#config[name] !== undefined) return;
    throw new ChatKitRequestError({
      status: 501,
      code: "not_supported",
      field: "type",
      message: `this server has no ${name}() handler; pass { ${name} } to the ChatKitServer constructor or override ${name}()`,
    });
  }

  /** A client's page size, or the default, never past the maximum. */
  #limit(limit: number | null | undefined): number {
    return Math.min(limit ?? this.#pageSize, this.#maxPageSize);
  }

  async #answer(
    request: NonStreamingRequest,
    context: TContext,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    switch (request.type) {
      case "threads.get_by_id": {
        const thread = await loadThread(this.store, request.params.thread_id, context);
        const items = await this.store.loadThreadItems(
          thread.id,
          { limit: this.#pageSize, order: "asc", visibleOnly: true },
          context,
        );
        return toClientThread(thread, {
          ...items,
          data: presentItems(this.attachments, items.data, context),
        });
      }
      case "threads.list": {
        const { limit, order, after } = request.params;
        const page = await findOrNotFound("params.after", () =>
          this.store.loadThreads({ limit: this.#limit(limit), order, after: after ?? undefined }, context),
        );
        return { ...page, data: page.data.map((thread) => toClientThread(thread)) };
      }
      case "items.list": {
        const { thread_id, limit, order, after } = request.params;
        await loadThread(this.store, thread_id, context);
        const page = await findOrNotFound("params.after", () =>
          this.store.loadThreadItems(
            thread_id,
            // Hidden items are left out by the store before the limit, so a page is never short.
            { limit: this.#limit(limit), order, after: after ?? undefined, visibleOnly: true },
            context,
          ),
        );
        return {
          ...page,
          data: presentItems(
            this.attachments,
            page.data.filter((item) => !isHiddenItem(item)),
            context,
          ),
        };
      }
      case "items.feedback": {
        const { thread_id, item_ids, kind } = request.params;
        await loadThread(this.store, thread_id, context);
        await this.addFeedback(thread_id, item_ids, kind, context);
        return {};
      }
      case "threads.update": {
        const threadId = request.params.thread_id;
        await loadThread(this.store, threadId, context);
        return this.#turns.write(threadId, signal, async () => {
          const thread = await loadThread(this.store, threadId, context);
          const updated: ThreadMetadata = { ...thread, title: request.params.title };
          await this.store.saveThread(updated, context);
          return toClientThread(updated);
        });
      }
      case "threads.delete": {
        const threadId = request.params.thread_id;
        await loadThread(this.store, threadId, context);
        return this.#turns.write(threadId, signal, async () => {
          await this.store.deleteThread(threadId, context);
          return {};
        });
      }
      case "threads.sync_custom_action": {
        const { thread_id: threadId, item_id: itemId, action } = request.params;
        const thread = await loadThread(this.store, threadId, context);
        await loadSender(this.store, thread, itemId, action, context);
        return this.#turns.write(threadId, signal, async () => {
          const sender = await loadSender(this.store, thread, itemId, action, context);
          const updated = await this.#syncAction(thread, action, sender, context, signal);
          if (updated !== null) await this.store.saveItem(thread.id, updated, context);
          return { updated_item: updated };
        });
      }
      case "attachments.create":
        return requireAttachments(this.attachments, "type").create(request.params, context);
      case "attachments.delete":
        await requireAttachments(this.attachments, "type").delete(request.params.attachment_id, context);
        return {};
      case "input.transcribe":
        return transcribeRequest(this.#config.transcribe, request.params, context);
    }
  }

  /** `syncAction` with a rejected payload answered as a 400 naming the payload's field. */
  async #syncAction(
    thread: ThreadMetadata,
    action: Action,
    sender: WidgetItem | null,
    context: TContext,
    signal: AbortSignal | undefined,
  ): Promise<ThreadItem | null> {
    try {
      return await this.syncAction(thread, action, sender, context, {
        signal: signal ?? new AbortController().signal,
        readAttachment: attachmentReader(this.attachments, context),
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

  #isoNow(): string {
    return new Date(this.#now()).toISOString();
  }
}
