import {
  asyncScheduler,
  catchError,
  concat,
  defer,
  from,
  ignoreElements,
  map,
  of,
  type Observable,
} from "rxjs";
import type { z } from "zod";

import type { ErrorEvent, ThreadStreamEvent } from "../events/threadEvents";
import type {
  ClientToolCallItem,
  Page,
  Thread,
  ThreadItem,
  ThreadMetadata,
  UserMessageItem,
  WidgetItem,
} from "../events/threadItems";
import { loadStructuredInputAnswer, structuredInputResponse } from "./addStructuredInput";
import { applyFormValues } from "./applyFormValues";
import { MemoryStore } from "./MemoryStore";
import { persistEvents } from "./persistEvents";
import {
  ChatKitRequestSchema,
  isStreamingRequest,
  type Action,
  type ChatKitRequest,
  type NonStreamingRequest,
  type StreamingRequest,
  type UserMessageInput,
} from "./requests";
import { ActionPayloadError, ChatKitRequestError, StoreNotFoundError, type RequestIssue } from "../errors";
import type { Store } from "./Store";

/** What `respond` and `action` may return: events as an Observable or an async iterable (an async generator, say). */
export type ThreadEventSource = Observable<ThreadStreamEvent> | AsyncIterable<ThreadStreamEvent>;

/** `respond(thread, userMessage, context)`: `userMessage` is `null` after a client tool output or a structured input. */
export type RespondHandler<TContext> = (
  thread: ThreadMetadata,
  userMessage: UserMessageItem | null,
  context: TContext,
) => ThreadEventSource;

/** `action(thread, action, sender, context)`: `sender` is the widget item that fired it, if any. */
export type ActionHandler<TContext> = (
  thread: ThreadMetadata,
  action: Action,
  sender: WidgetItem | null,
  context: TContext,
) => ThreadEventSource;

/** `syncAction(...)`: the updated item (saved, then sent back), or `null` for no change. */
export type SyncActionHandler<TContext> = (
  thread: ThreadMetadata,
  action: Action,
  sender: WidgetItem | null,
  context: TContext,
) => Promise<ThreadItem | null> | ThreadItem | null;

/** Options of {@link ChatKitServer}: configure it with these, or subclass it and override the methods. */
export interface ChatKitServerConfig<TContext> {
  /** Where threads live. Default: a new {@link MemoryStore}. */
  readonly store?: Store<TContext> | undefined;
  readonly respond?: RespondHandler<TContext> | undefined;
  readonly action?: ActionHandler<TContext> | undefined;
  readonly syncAction?: SyncActionHandler<TContext> | undefined;
  /** Items per page when the client does not say. Default 20, as the reference SDK. */
  readonly pageSize?: number | undefined;
  /** The clock for `created_at`, in epoch milliseconds. Default `asyncScheduler.now`. */
  readonly now?: (() => number) | undefined;
  /** Told about unexpected failures (a throwing `respond`, a failing store). Default `console.error`. */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/**
 * What {@link ChatKitServer.process} answers. Errors are data, as with zod's
 * `safeParse`: an adapter maps each kind to HTTP without try/catch.
 */
export type ProcessResult =
  /** Send as Server-Sent Events (`toServerSentEvents`); unsubscribe when the client goes away. */
  | { readonly kind: "stream"; readonly events: Observable<ThreadStreamEvent> }
  /** Send `body` as JSON with status 200. */
  | { readonly kind: "json"; readonly body: unknown }
  /** Send `error.toJSON()` with `error.status`; the store was not changed. */
  | { readonly kind: "error"; readonly error: ChatKitRequestError };

/** The note saved (never shown) when the client cancels, so the next response does not carry on the old one. */
export const CANCELLED_STREAM_NOTE = "The user cancelled the stream. Stop responding to the prior request.";

const MAX_PAGES = 100_000;

function isAsyncIterable(value: object): value is AsyncIterable<unknown> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function";
}

/** A cheap guard against handing the client something that is not an event (a full parse per event would cost too much). */
function checkEvent(event: ThreadStreamEvent): ThreadStreamEvent {
  if (typeof event !== "object" || event === null || typeof (event as { type?: unknown }).type !== "string") {
    throw new TypeError(
      `ChatKitServer: respond()/action() emitted ${Array.isArray(event) ? "an array" : (JSON.stringify(event) ?? typeof event)}, not a thread stream event`,
    );
  }
  return event;
}

function isHidden(item: ThreadItem): boolean {
  return item.type === "hidden_context_item" || item.type === "sdk_hidden_context";
}

function fieldOf(path: readonly PropertyKey[]): string {
  return path
    .map((key) => (typeof key === "number" ? `[${key}]` : String(key)))
    .join(".")
    .replaceAll(".[", "[");
}

function issuesOf(error: z.ZodError): RequestIssue[] {
  return error.issues.map((issue) => ({ field: fieldOf(issue.path), message: issue.message }));
}

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
 * reference SDK (see {@link persistEvents}): widget updates to saved items
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
  readonly #config: ChatKitServerConfig<TContext>;
  readonly #pageSize: number;
  readonly #now: () => number;
  readonly #cleanups = new Set<Promise<void>>();

  constructor(config: ChatKitServerConfig<TContext> = {}) {
    const pageSize = config.pageSize ?? 20;
    if (!Number.isInteger(pageSize) || pageSize < 1) {
      throw new TypeError(`ChatKitServer: pageSize must be a positive integer, got ${String(pageSize)}`);
    }
    this.#config = config;
    this.store = config.store ?? new MemoryStore<TContext>();
    this.#pageSize = pageSize;
    this.#now = config.now ?? (() => asyncScheduler.now());
  }

  // -------------------------------------------------------------------------
  // What users write (override, or pass in the config)

  /** Answers a user message. Override it, or pass `respond` in the config. */
  respond(thread: ThreadMetadata, userMessage: UserMessageItem | null, context: TContext): ThreadEventSource {
    const respond = this.#config.respond;
    if (respond === undefined) {
      throw new TypeError(
        "ChatKitServer: no respond(); pass { respond } to the constructor or override respond()",
      );
    }
    return respond(thread, userMessage, context);
  }

  /** Answers a widget action with a stream. Override it, or pass `action` in the config. */
  action(
    thread: ThreadMetadata,
    action: Action,
    sender: WidgetItem | null,
    context: TContext,
  ): ThreadEventSource {
    const handler = this.#config.action;
    if (handler === undefined) {
      throw new TypeError(
        `ChatKitServer: no action() for "${action.type}"; pass { action } to the constructor or override action()`,
      );
    }
    return handler(thread, action, sender, context);
  }

  /** Answers a widget action with the updated item at once (no stream). Override it, or pass `syncAction`. */
  syncAction(
    thread: ThreadMetadata,
    action: Action,
    sender: WidgetItem | null,
    context: TContext,
  ): Promise<ThreadItem | null> | ThreadItem | null {
    const handler = this.#config.syncAction;
    if (handler === undefined) {
      throw new TypeError(
        `ChatKitServer: no syncAction() for "${action.type}"; pass { syncAction } to the constructor or override syncAction()`,
      );
    }
    return handler(thread, action, sender, context);
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
   * secrets) except for a rejected action payload, and reports it to `onError`.
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
    this.#report(error);
    return { type: "error", code: "stream.error", allow_retry: true };
  }

  /**
   * Runs when the client went away mid-stream. Saves each pending widget
   * item in the last state the server produced (the reference SDK drops
   * them) and each non-empty assistant message, then a hidden note that
   * the user cancelled, so the next response does not continue this one.
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

  /** Resolves once every cancellation clean-up started so far has settled (for tests and graceful shutdown). */
  async idle(): Promise<void> {
    for (let round = 0; round < 1000 && this.#cleanups.size > 0; round++) {
      await Promise.allSettled([...this.#cleanups]);
    }
  }

  /**
   * Writes the form values of an action payload back into the stored widget
   * that sent it (see {@link applyFormValues}), so a reload shows what the
   * user typed. Call it from `action`/`syncAction` with the action's
   * payload; a payload that is not an object holds no form values and
   * leaves the widget as it was.
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
   * is checked before anything is written: bad JSON, an unknown `type`,
   * missing params, unknown threads/items and a `custom_action` whose
   * sender is not a widget come back as `{ kind: "error" }` (400/404, the
   * field named), and the store is unchanged. A streaming answer does its
   * writes only while subscribed.
   *
   * @param body The raw body (text or bytes), or the already parsed JSON.
   * @param context Passed through to the store and to your handlers.
   * @return What to send; rejects only on an unexpected failure (answer 500).
   */
  async process(body: unknown, context: TContext): Promise<ProcessResult> {
    try {
      const request = this.#parse(body);
      if (isStreamingRequest(request))
        return { kind: "stream", events: await this.#stream(request, context) };
      return { kind: "json", body: await this.#answer(request, context) };
    } catch (error) {
      if (error instanceof ChatKitRequestError) return { kind: "error", error };
      throw error;
    }
  }

  #parse(body: unknown): ChatKitRequest {
    let json: unknown = body;
    if (typeof body === "string" || body instanceof Uint8Array) {
      const text = typeof body === "string" ? body : new TextDecoder().decode(body);
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new ChatKitRequestError({
          status: 400,
          code: "invalid_json",
          message: `the body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw new ChatKitRequestError({
        status: 400,
        code: "invalid_request",
        message: 'the body must be a JSON object with a string "type"',
        field: "type",
      });
    }
    const type = (json as { type?: unknown }).type;
    const known = ChatKitRequestSchema.options.map((option) => option.shape.type.value);
    if (typeof type !== "string" || !(known as string[]).includes(type)) {
      throw new ChatKitRequestError({
        status: 400,
        code: "invalid_request",
        field: "type",
        message: `unknown request type ${JSON.stringify(type) ?? "undefined"}; expected one of ${known.join(", ")}`,
      });
    }
    const result = ChatKitRequestSchema.safeParse(json);
    if (!result.success) {
      const issues = issuesOf(result.error);
      const first = issues[0];
      throw new ChatKitRequestError({
        status: 400,
        code: "invalid_request",
        field: first?.field,
        issues,
        message: `invalid ${type} request: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join("; ")}`,
      });
    }
    return result.data;
  }

  /** Runs a store read; a missing thread/item becomes a 404 naming `field`. */
  async #find<T>(field: string, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof StoreNotFoundError) {
        throw new ChatKitRequestError({
          status: 404,
          code: "not_found",
          field,
          message: `${field}: ${error.message}`,
        });
      }
      throw error;
    }
  }

  #loadThread(threadId: string, context: TContext): Promise<ThreadMetadata> {
    return this.#find("params.thread_id", () => this.store.loadThread(threadId, context));
  }

  async #loadSender(
    thread: ThreadMetadata,
    itemId: string | null | undefined,
    context: TContext,
  ): Promise<WidgetItem | null> {
    if (itemId === undefined || itemId === null) return null;
    const item = await this.#find("params.item_id", () => this.store.loadItem(thread.id, itemId, context));
    if (item.type !== "widget") {
      throw new ChatKitRequestError({
        status: 400,
        code: "invalid_request",
        field: "params.item_id",
        message: `params.item_id: item "${itemId}" is a ${item.type} item; an action's sender must be a widget`,
      });
    }
    return item;
  }

  #checkInput(input: UserMessageInput): void {
    if (input.attachments.length > 0) {
      throw new ChatKitRequestError({
        status: 501,
        code: "not_supported",
        field: "params.input.attachments",
        message: "params.input.attachments: attachments are not supported by this server yet",
      });
    }
  }

  #userMessage(input: UserMessageInput, thread: ThreadMetadata, context: TContext): UserMessageItem {
    const options = input.inference_options ?? {};
    return {
      type: "user_message",
      id: this.store.generateItemId("message", thread, context),
      thread_id: thread.id,
      created_at: this.#isoNow(),
      content: input.content,
      attachments: [],
      ...(typeof input.quoted_text === "string" ? { quoted_text: input.quoted_text } : {}),
      inference_options: {
        ...(options.tool_choice ? { tool_choice: options.tool_choice } : {}),
        ...(typeof options.model === "string" ? { model: options.model } : {}),
      },
    };
  }

  async #stream(request: StreamingRequest, context: TContext): Promise<Observable<ThreadStreamEvent>> {
    switch (request.type) {
      case "threads.create": {
        this.#checkInput(request.params.input);
        return defer(() => {
          const thread: ThreadMetadata = {
            id: this.store.generateThreadId(context),
            created_at: this.#isoNow(),
            status: { type: "active" },
          };
          return concat(
            defer(async () => {
              await this.store.saveThread(thread, context);
              return { type: "thread.created", thread: this.#threadResponse(thread) } as const;
            }),
            this.#respondTo(thread, this.#userMessage(request.params.input, thread, context), context),
          ).pipe(catchError((error: unknown) => of(this.toErrorEvent(error))));
        });
      }
      case "threads.add_user_message": {
        this.#checkInput(request.params.input);
        const thread = await this.#loadThread(request.params.thread_id, context);
        return defer(() =>
          this.#respondTo(thread, this.#userMessage(request.params.input, thread, context), context),
        ).pipe(catchError((error: unknown) => of(this.toErrorEvent(error))));
      }
      case "threads.add_client_tool_output": {
        const thread = await this.#loadThread(request.params.thread_id, context);
        const last = await this.store.loadThreadItems(thread.id, { limit: 1, order: "desc" }, context);
        const call = last.data[0];
        if (call?.type !== "client_tool_call" || call.status !== "pending") {
          throw new ChatKitRequestError({
            status: 400,
            code: "invalid_request",
            field: "params.thread_id",
            message: `params.thread_id: the last item of thread "${thread.id}" is not a pending client tool call`,
          });
        }
        const completed: ClientToolCallItem = { ...call, status: "completed", output: request.params.result };
        return concat(
          defer(() => this.store.saveItem(thread.id, completed, context)).pipe(ignoreElements()),
          this.#response(thread, context, () => this.respond(thread, null, context)),
        ).pipe(catchError((error: unknown) => of(this.toErrorEvent(error))));
      }
      case "threads.add_structured_input": {
        const { thread, answered } = await loadStructuredInputAnswer(this.store, request, context);
        return this.#response(thread, context, () =>
          structuredInputResponse(answered, () => this.respond(thread, null, context)),
        );
      }
      case "threads.retry_after_item": {
        const thread = await this.#loadThread(request.params.thread_id, context);
        const itemId = request.params.item_id;
        const item = await this.#find("params.item_id", () =>
          this.store.loadItem(thread.id, itemId, context),
        );
        if (item.type !== "user_message") {
          throw new ChatKitRequestError({
            status: 400,
            code: "invalid_request",
            field: "params.item_id",
            message: `params.item_id: item "${itemId}" is a ${item.type} item; only a user message can be retried`,
          });
        }
        return concat(
          defer(() => this.#deleteItemsAfter(thread, item.id, context)).pipe(ignoreElements()),
          this.#response(thread, context, () => this.respond(thread, item, context)),
        ).pipe(catchError((error: unknown) => of(this.toErrorEvent(error))));
      }
      case "threads.custom_action": {
        const thread = await this.#loadThread(request.params.thread_id, context);
        const sender = await this.#loadSender(thread, request.params.item_id, context);
        const action = request.params.action;
        return this.#response(thread, context, () => this.action(thread, action, sender, context));
      }
    }
  }

  /** The user message saved and sent, then the response to it. */
  #respondTo(
    thread: ThreadMetadata,
    message: UserMessageItem,
    context: TContext,
  ): Observable<ThreadStreamEvent> {
    return concat(
      defer(async () => {
        await this.store.addThreadItem(thread.id, message, context);
        return { type: "thread.item.done", item: message } as const;
      }),
      this.#response(thread, context, () => this.respond(thread, message, context)),
    );
  }

  /** `stream_options`, then the handler's events with their bookkeeping (persistence, errors, cancellation). */
  #response(
    thread: ThreadMetadata,
    context: TContext,
    run: () => ThreadEventSource,
  ): Observable<ThreadStreamEvent> {
    return concat(
      defer(() =>
        of({ type: "stream_options", stream_options: this.streamOptions(thread, context) } as const),
      ),
      defer(() => {
        const source = run();
        if (
          typeof source !== "object" ||
          source === null ||
          !(isAsyncIterable(source) || "subscribe" in source)
        ) {
          throw new TypeError(
            "ChatKitServer: respond()/action() must return an Observable or an AsyncIterable of events",
          );
        }
        return from(source).pipe(map(checkEvent));
      }).pipe(
        persistEvents({
          store: this.store,
          thread,
          context,
          toErrorEvent: (error) => this.toErrorEvent(error),
          onCancel: (pending) => this.#cancelled(thread, pending, context),
        }),
      ),
    );
  }

  #cancelled(thread: ThreadMetadata, pending: readonly ThreadItem[], context: TContext): void {
    const cleanup = this.handleStreamCancelled(thread, pending, context)
      .catch((error: unknown) => this.#report(error))
      .finally(() => this.#cleanups.delete(cleanup));
    this.#cleanups.add(cleanup);
  }

  async #deleteItemsAfter(thread: ThreadMetadata, itemId: string, context: TContext): Promise<void> {
    const doomed: string[] = [];
    let after: string | undefined = itemId;
    for (let pageNo = 0; pageNo < MAX_PAGES && after !== undefined; pageNo++) {
      const page: Page<ThreadItem> = await this.store.loadThreadItems(
        thread.id,
        { limit: this.#pageSize, order: "asc", after },
        context,
      );
      doomed.push(...page.data.map((entry) => entry.id));
      after = page.has_more ? page.after : undefined;
    }
    for (const id of doomed) await this.store.deleteThreadItem(thread.id, id, context);
  }

  async #answer(request: NonStreamingRequest, context: TContext): Promise<unknown> {
    switch (request.type) {
      case "threads.get_by_id": {
        const thread = await this.#loadThread(request.params.thread_id, context);
        const items = await this.store.loadThreadItems(
          thread.id,
          { limit: this.#pageSize, order: "asc" },
          context,
        );
        return this.#threadResponse(thread, items);
      }
      case "threads.list": {
        const { limit, order, after } = request.params;
        const page = await this.#find("params.after", () =>
          this.store.loadThreads(
            { limit: limit ?? this.#pageSize, order, after: after ?? undefined },
            context,
          ),
        );
        return { ...page, data: page.data.map((thread) => this.#threadResponse(thread)) };
      }
      case "items.list": {
        const { thread_id, limit, order, after } = request.params;
        await this.#loadThread(thread_id, context);
        const page = await this.#find("params.after", () =>
          this.store.loadThreadItems(
            thread_id,
            { limit: limit ?? this.#pageSize, order, after: after ?? undefined },
            context,
          ),
        );
        return { ...page, data: page.data.filter((item) => !isHidden(item)) };
      }
      case "items.feedback": {
        const { thread_id, item_ids, kind } = request.params;
        await this.#loadThread(thread_id, context);
        await this.addFeedback(thread_id, item_ids, kind, context);
        return {};
      }
      case "threads.update": {
        const thread = await this.#loadThread(request.params.thread_id, context);
        const updated: ThreadMetadata = { ...thread, title: request.params.title };
        await this.store.saveThread(updated, context);
        return this.#threadResponse(updated);
      }
      case "threads.delete": {
        await this.#loadThread(request.params.thread_id, context);
        await this.store.deleteThread(request.params.thread_id, context);
        return {};
      }
      case "threads.sync_custom_action": {
        const thread = await this.#loadThread(request.params.thread_id, context);
        const sender = await this.#loadSender(thread, request.params.item_id, context);
        let updated: ThreadItem | null;
        try {
          updated = await this.syncAction(thread, request.params.action, sender, context);
        } catch (error) {
          if (!(error instanceof ActionPayloadError)) throw error;
          throw new ChatKitRequestError({
            status: 400,
            code: "invalid_request",
            field:
              error.issues[0] === undefined
                ? "params.action.payload"
                : `params.action.${error.issues[0].field}`,
            issues: error.issues.map((issue) => ({ ...issue, field: `params.action.${issue.field}` })),
            message: error.message,
          });
        }
        if (updated !== null) await this.store.saveItem(thread.id, updated, context);
        return { updated_item: updated };
      }
      case "attachments.create":
      case "attachments.delete":
      case "input.transcribe":
        throw new ChatKitRequestError({
          status: 501,
          code: "not_supported",
          field: "type",
          message: `${request.type} is not supported by this server yet`,
        });
    }
  }

  /** A thread as the client sees it: no server metadata, no hidden items. */
  #threadResponse(thread: ThreadMetadata, items?: Page<ThreadItem>): Thread {
    const page = items ?? { data: [], has_more: false };
    return {
      id: thread.id,
      ...(thread.title === undefined ? {} : { title: thread.title }),
      created_at: thread.created_at,
      status: thread.status,
      items: { ...page, data: page.data.filter((item) => !isHidden(item)) },
    };
  }

  #isoNow(): string {
    return new Date(this.#now()).toISOString();
  }

  #report(error: unknown): void {
    const onError = this.#config.onError ?? ((cause: unknown) => console.error("ChatKitServer:", cause));
    try {
      onError(error);
    } catch {
      // A failing logger must not break the stream.
    }
  }
}
