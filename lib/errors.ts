/**
 * Every runtime failure the library raises, in one place, so callers can
 * branch with `instanceof` and read structured fields instead of parsing
 * messages. Misuse of an API (a bad argument) throws a plain `TypeError`
 * instead.
 */

/** Where a widget-template failure happened; every field is optional because not every stage knows all of them. */
export interface WidgetErrorContext {
  /** The `.widget` file (absolute path) the template came from, when it came from a file. */
  readonly file?: string | undefined;
  /** The widget's `name` from its definition. */
  readonly widget?: string | undefined;
}

/** Base class of every error this library raises at run time. */
export class ChatKitRxError extends Error {
  override readonly name: string = "ChatKitRxError";
}

function locate(context: WidgetErrorContext): string {
  const parts: string[] = [];
  if (context.widget !== undefined) parts.push(`widget "${context.widget}"`);
  if (context.file !== undefined) parts.push(`(${context.file})`);
  return parts.length > 0 ? `${parts.join(" ")}: ` : "";
}

/** Base class of everything that can go wrong loading, compiling or building a widget template. */
export class WidgetTemplateError extends ChatKitRxError {
  override readonly name: string = "WidgetTemplateError";
  readonly file: string | undefined;
  readonly widget: string | undefined;
  /** The message without the widget/file prefix. */
  readonly detail: string;

  constructor(context: WidgetErrorContext, detail: string, options?: { cause?: unknown }) {
    super(`${locate(context)}${detail}`, options);
    this.file = context.file;
    this.widget = context.widget;
    this.detail = detail;
  }
}

/** The `.widget` file could not be read, is not JSON, or is not a widget definition (e.g. an unsupported `version`). */
export class WidgetFileError extends WidgetTemplateError {
  override readonly name: string = "WidgetFileError";
}

/** A position in template source, 1-based, when the engine reports one. */
export interface TemplatePosition {
  readonly line?: number | undefined;
  readonly column?: number | undefined;
}

/** The template source does not compile. */
export class TemplateSyntaxError extends WidgetTemplateError {
  override readonly name: string = "TemplateSyntaxError";
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    context: WidgetErrorContext,
    detail: string,
    position: TemplatePosition = {},
    options?: { cause?: unknown },
  ) {
    super(context, detail + formatPosition(position), options);
    this.line = position.line;
    this.column = position.column;
  }
}

/** The template used a variable (or attribute) the data does not have: Jinja's `StrictUndefined`. */
export class TemplateUndefinedError extends WidgetTemplateError {
  override readonly name: string = "TemplateUndefinedError";
  /** The undefined expression as written in the template, e.g. `user.name`. */
  readonly variable: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    context: WidgetErrorContext,
    variable: string,
    position: TemplatePosition = {},
    options?: { cause?: unknown },
  ) {
    super(
      context,
      `"${variable}" is undefined: the data has no such value${formatPosition(position)}. ` +
        `Pass it in the data, or guard it in the template ` +
        `(Jinja: \`is defined\` or \`| default(...)\`; Handlebars: \`{{#if ...}}\`).`,
      options,
    );
    this.variable = variable;
    this.line = position.line;
    this.column = position.column;
  }
}

/** Rendering failed at run time for another reason (a type error inside an expression, a failing filter...). */
export class TemplateRenderError extends WidgetTemplateError {
  override readonly name: string = "TemplateRenderError";
}

/** The rendered text is not valid JSON; `excerpt` shows the text around the fault. */
export class TemplateOutputError extends WidgetTemplateError {
  override readonly name: string = "TemplateOutputError";
  readonly excerpt: string;
  /** 0-based offset of the fault in the rendered text, when the JSON parser reports it. */
  readonly offset: number | undefined;

  constructor(context: WidgetErrorContext, detail: string, excerpt: string, offset: number | undefined) {
    super(context, `${detail}\n  near: ${excerpt}`);
    this.excerpt = excerpt;
    this.offset = offset;
  }
}

/** The built value is not a widget root (`Card`, `ListView` or `Basic`). */
export class WidgetRootError extends WidgetTemplateError {
  override readonly name: string = "WidgetRootError";
  /** What was found instead, e.g. `type "Text"` or `an array`. */
  readonly found: string;

  constructor(context: WidgetErrorContext, found: string, detail?: string) {
    super(
      context,
      detail ?? `the template must render a widget root (Card, ListView or Basic), but rendered ${found}`,
    );
    this.found = found;
  }
}

/** One reason the data does not match the template's `jsonSchema`. */
export interface DataIssue {
  /** Where in the data, written as `data.user.name` or `data.items[2]`. */
  readonly path: string;
  /** What was expected there, e.g. `required`, `must be string`. */
  readonly message: string;
}

/** The data passed to `build` does not match the template's `jsonSchema`. */
export class WidgetDataError extends WidgetTemplateError {
  override readonly name: string = "WidgetDataError";
  readonly issues: readonly DataIssue[];

  constructor(context: WidgetErrorContext, issues: readonly DataIssue[]) {
    super(
      context,
      `the data does not match the widget's jsonSchema:\n` +
        issues.map((issue) => `  ${issue.path}: ${issue.message}`).join("\n"),
    );
    this.issues = issues;
  }
}

function formatPosition(position: TemplatePosition): string {
  if (position.line === undefined) return "";
  return position.column === undefined
    ? ` (template line ${position.line})`
    : ` (template line ${position.line}, column ${position.column})`;
}

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
  | "unsupported_media_type"
  | "forbidden_origin";

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
    super(fields.message);
    this.status = fields.status;
    this.code = fields.code;
    this.field = fields.field;
    this.issues =
      fields.issues ?? (fields.field === undefined ? [] : [{ field: fields.field, message: fields.message }]);
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
export type StoreEntity = "thread" | "item" | "cursor";

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
        ? `${entity} "${id}" not found`
        : `${entity} "${id}" not found in thread "${threadId}"`,
    );
    this.entity = entity;
    this.id = id;
    this.threadId = threadId;
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
export type AgentContextOperation = "stream" | "streamWidget";

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
