import type { ServerAttachments } from "../attachments/ServerAttachments";
import { ActionPayloadError, ChatKitRequestError, ThreadBusyError } from "../errors";
import type { ErrorEvent } from "../events/threadEvents";
import type { ThreadItem, ThreadMetadata, UserMessageItem, WidgetItem } from "../events/threadItems";
import { answerRequest, type AnswerRequestConfig } from "./answerRequest";
import { applyFormValues } from "./applyFormValues";
import { parseRequest } from "./parseRequest";
import { isStreamingRequest, type Action, type ChatKitRequest } from "./requests";
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
  /** What the non-streaming requests need; its `handlers` is this server too. */
  readonly #answering: AnswerRequestConfig<TContext>;

  constructor(config: ChatKitServerConfig<TContext> = {}) {
    const resolved = resolveServerConfig(config);
    this.#config = config;
    this.store = resolved.store;
    this.attachments = resolved.attachments;
    this.#now = resolved.now;
    this.#report = resolved.report;
    this.#turns = new ThreadTurns(resolved.locks, resolved.busyWaitMs, resolved.report);
    const shared = { store: this.store, attachments: this.attachments, turns: this.#turns, handlers: this };
    this.#streaming = {
      ...shared,
      maxPageSize: resolved.maxPageSize,
      isoNow: () => this.#isoNow(),
      report: resolved.report,
    };
    this.#answering = {
      ...shared,
      transcribe: config.transcribe,
      pageSize: resolved.pageSize,
      maxPageSize: resolved.maxPageSize,
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
      return { kind: "json", body: await answerRequest(this.#answering, request, context, options.signal) };
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

  #isoNow(): string {
    return new Date(this.#now()).toISOString();
  }
}
