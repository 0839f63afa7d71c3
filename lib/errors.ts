/**
 * The runtime failures of the reducers, the server and the agents glue. The
 * widget-template errors and the shared base class `ChatKitRxError` live in
 * `widgets/errors.ts` (the widget layer imports nothing from `lib/`) and are
 * re-exported here, so callers branch with `instanceof` on classes from one
 * module whichever layer raised them. Misuse of an API (a bad argument)
 * throws a plain `TypeError` instead.
 */
import { ChatKitRxError } from "../widgets/errors";
import { cutText, quoteExcerpt } from "./excerpt";

export {
  ChatKitRxError,
  WidgetTemplateError,
  WidgetFileError,
  TemplateSyntaxError,
  TemplateUndefinedError,
  TemplateRenderError,
  TemplateOutputError,
  WidgetRootError,
  WidgetDataError,
} from "../widgets/errors";
export type { WidgetErrorContext, TemplatePosition, DataIssue } from "../widgets/errors";

/** Why an update could not be applied. */
export type WidgetUpdateErrorReason =
  /** No item with `item_id` in the list. */
  | "unknown-item"
  /** The update does not fit the item (a widget update for an assistant message...). */
  | "wrong-item-type"
  /** No component with `component_id` in the widget. */
  | "unknown-component"
  /** More than one component has `component_id`, so the target is ambiguous. */
  | "duplicate-component"
  /** A text delta names a component that is not a `Text`/`Markdown` with a string `value`. */
  | "not-streaming-text";

/**
 * A client-side reducer was given an update it cannot apply to the state it
 * holds: the events are out of order, belong to another stream, or the
 * server broke the protocol. The state is left as it was; resynchronise by
 * reloading the item (or the thread).
 */
export class WidgetUpdateError extends ChatKitRxError {
  override readonly name: string = "WidgetUpdateError";
  readonly reason: WidgetUpdateErrorReason;
  /** The update's `type`, e.g. `widget.streaming_text.value_delta`. */
  readonly updateType: string;
  /** The `item_id` of the event, when the failure was found at item level. */
  readonly itemId: string | undefined;
  /** The `component_id` of the update, when it has one. */
  readonly componentId: string | undefined;
  /** The message without the update type and item prefix and the advice. */
  readonly detail: string;

  constructor(fields: {
    readonly reason: WidgetUpdateErrorReason;
    readonly updateType: string;
    readonly itemId?: string | undefined;
    readonly componentId?: string | undefined;
    readonly detail: string;
  }) {
    const item = fields.itemId === undefined ? "" : ` (item "${fields.itemId}")`;
    super(`${fields.updateType}${item}: ${fields.detail}. Reload the item to resynchronise.`);
    this.detail = fields.detail;
    this.reason = fields.reason;
    this.updateType = fields.updateType;
    this.itemId = fields.itemId;
    this.componentId = fields.componentId;
  }
}

// The server layer.

/** One reason a request body was refused: where (a dotted path such as `params.thread_id`) and what. */
export interface RequestIssue {
  readonly field: string;
  readonly message: string;
}

/** What went wrong with a request, as the JSON body says it. */
export type RequestErrorCode =
  | "invalid_json"
  | "invalid_request"
  | "not_found"
  | "not_supported"
  | "payload_too_large"
  | "method_not_allowed"
  | "thread_busy"
  | "thread_not_active"
  | "unsupported_media_type"
  | "forbidden_origin"
  | "invalid_token"
  | "already_uploaded"
  | "attachment_busy";

/** The longest message (or issue field/message) a request error carries back to the client. */
const MAX_REQUEST_MESSAGE_CHARS = 500;
/** The most issues a request error lists. */
const MAX_REQUEST_ISSUES = 20;

/**
 * A request the server refuses before touching the store: bad JSON, an
 * unknown `type`, a missing or mistyped param (400), an unknown thread or
 * item (404), a feature that is not there yet (501). Adapters answer it
 * with `status` and `toJSON()` as the body.
 */
export class ChatKitRequestError extends ChatKitRxError {
  override readonly name: string = "ChatKitRequestError";
  readonly status: number;
  readonly code: RequestErrorCode;
  /** The first offending field, e.g. `params.thread_id`; `undefined` when the body as a whole is at fault. */
  readonly field: string | undefined;
  readonly issues: readonly RequestIssue[];

  constructor(fields: {
    readonly status: number;
    readonly code: RequestErrorCode;
    readonly message: string;
    readonly field?: string | undefined;
    readonly issues?: readonly RequestIssue[] | undefined;
  }) {
    // The message and issues go back to the client: never let them grow with the input.
    super(cutText(fields.message, MAX_REQUEST_MESSAGE_CHARS));
    this.status = fields.status;
    this.code = fields.code;
    this.field = fields.field;
    this.issues = (
      fields.issues ?? (fields.field === undefined ? [] : [{ field: fields.field, message: fields.message }])
    )
      .slice(0, MAX_REQUEST_ISSUES)
      .map((issue) => ({
        field: cutText(issue.field, MAX_REQUEST_MESSAGE_CHARS),
        message: cutText(issue.message, MAX_REQUEST_MESSAGE_CHARS),
      }));
  }

  /** The JSON body of the HTTP answer: `{ error: { code, message, field?, issues } }`. */
  toJSON(): {
    error: { code: RequestErrorCode; message: string; field?: string; issues: readonly RequestIssue[] };
  } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field === undefined ? {} : { field: this.field }),
        issues: this.issues,
      },
    };
  }
}

/** What a store could not find. */
export type StoreEntity = "thread" | "item" | "cursor" | "attachment";

/** Another request holds the thread longer than the caller would wait (see `ThreadLocks`). */
export class ThreadBusyError extends ChatKitRxError {
  override readonly name: string = "ThreadBusyError";
  readonly threadId: string;

  constructor(threadId: string, waitedMs: number) {
    super(`thread ${quoteExcerpt(threadId)} is busy with another request (waited ${waitedMs} ms)`);
    this.threadId = threadId;
  }
}

/**
 * A store has no thread (or item) with the id asked for. Every `Store`
 * throws this class, so the server can answer 404 whatever the backend.
 */
export class StoreNotFoundError extends ChatKitRxError {
  override readonly name: string = "StoreNotFoundError";
  readonly entity: StoreEntity;
  readonly id: string;
  readonly threadId: string | undefined;

  constructor(entity: StoreEntity, id: string, threadId?: string) {
    super(
      threadId === undefined || entity === "thread"
        ? `${entity} ${quoteExcerpt(id)} not found`
        : `${entity} ${quoteExcerpt(id)} not found in thread ${quoteExcerpt(threadId)}`,
    );
    this.entity = entity;
    this.id = id;
    this.threadId = threadId;
  }
}

/**
 * A store was asked to create a thread (or to put an item in a thread) under
 * an id that another thread or item already holds. Ids are unique in the
 * whole store, whoever owns them, so a collision fails instead of merging
 * two records into one.
 */
export class StoreConflictError extends ChatKitRxError {
  override readonly name: string = "StoreConflictError";
  readonly entity: "thread" | "item";
  readonly id: string;

  constructor(entity: "thread" | "item", id: string) {
    super(`${entity} "${id.slice(0, 64)}" already exists: ids are unique in a store, pick a new one`);
    this.entity = entity;
    this.id = id;
  }
}

/**
 * The database holds a newer store schema than this version of the library
 * knows (another app instance was upgraded first): writing to it could
 * corrupt data the newer code relies on, so the store refuses to start.
 */
export class StoreSchemaError extends ChatKitRxError {
  override readonly name: string = "StoreSchemaError";
  readonly schema: string;
  readonly found: number;
  readonly known: number;

  constructor(schema: string, found: number, known: number) {
    super(
      `schema "${schema}" is at store version ${found}, but this chatkit-rx knows versions up to ${known}: ` +
        `upgrade chatkit-rx in this app instance`,
    );
    this.schema = schema;
    this.found = found;
    this.known = known;
  }
}

/**
 * An action's payload does not match the schema given to `ofActionType`
 * (the browser sent it, so it may be anything). `issues` are zod's, with
 * paths written from the action, e.g. `payload.tags.1`.
 */
export class ActionPayloadError extends ChatKitRxError {
  override readonly name: string = "ActionPayloadError";
  readonly actionType: string;
  readonly issues: readonly RequestIssue[];

  constructor(actionType: string, issues: readonly RequestIssue[]) {
    super(
      `action "${actionType}": the payload does not match its schema:\n` +
        issues.map((issue) => `  ${issue.field}: ${issue.message}`).join("\n"),
    );
    this.actionType = actionType;
    this.issues = issues;
  }
}

// The agents glue.

/** What was attempted on a closed {@link AgentContext}. */
export type AgentContextOperation =
  | "stream"
  | "streamWidget"
  | "startWorkflow"
  | "addWorkflowTask"
  | "updateWorkflowTask"
  | "endWorkflow"
  | "clientToolCall";

/**
 * A tool pushed an event into an `AgentContext` whose response has ended
 * (the run finished, failed or was cancelled), so no client would see it.
 * Usually a tool kept working after it returned (a promise not awaited);
 * await `streamWidget` inside the tool, or check `context.signal.aborted`.
 */
export class AgentContextClosedError extends ChatKitRxError {
  override readonly name: string = "AgentContextClosedError";
  readonly operation: AgentContextOperation;
  /** The thread the context belongs to. */
  readonly threadId: string;

  constructor(operation: AgentContextOperation, threadId: string) {
    super(
      `AgentContext.${operation}: the response for thread "${threadId}" has already ended, so the event would reach no client. ` +
        `Await context.streamWidget(...) inside the tool, or stop when context.signal is aborted.`,
    );
    this.operation = operation;
    this.threadId = threadId;
  }
}

/**
 * The events of an `AgentContext`, or of a streamed run, were asked for a
 * second time. Both are one-shot: a run's stream can be read once, and a
 * context belongs to one response. Create a new `AgentContext` (and run)
 * per request.
 */
export class AgentStreamConsumedError extends ChatKitRxError {
  override readonly name: string = "AgentStreamConsumedError";
  /** `"context"` or `"run"`: which one was consumed twice. */
  readonly source: "context" | "run";

  constructor(source: "context" | "run", options?: { cause?: unknown }) {
    super(
      source === "context"
        ? "AgentContext: its events are already being streamed (streamAgentResponse subscribed twice?). Create one AgentContext per response."
        : "streamed run: its events are already being read (a second subscription, or a for-await loop elsewhere). A streamed run can be read once; share the Observable (share()) instead.",
      options,
    );
    this.source = source;
  }
}
