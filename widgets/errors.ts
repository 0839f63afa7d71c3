/**
 * The errors of the widget layer: loading, compiling and building widget
 * templates, and the base class every runtime error of the library shares.
 * They live in `widgets/` so that this layer imports nothing from `lib/`;
 * `lib/errors.ts` builds the server, store and reducer errors on the same
 * base. Callers branch with `instanceof` and read structured fields instead
 * of parsing messages; misuse of an API (a bad argument) throws a plain
 * `TypeError` instead.
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

/** Which check the data failed: the definition's `jsonSchema`, the zod `schema` given to the template, or being JSON at all. */
export type DataCheck = "jsonSchema" | "schema" | "json";

const DATA_CHECK_HEADLINES: Readonly<Record<DataCheck, string>> = {
  jsonSchema: "the data does not match the widget's jsonSchema",
  schema: "the data does not match the schema given to the template",
  json: "the data cannot be read as JSON (cyclic, too deep, a BigInt, or reading it threw)",
};

/** The data passed to `build` does not fit: it fails the zod schema or the `jsonSchema`, or is not JSON at all. */
export class WidgetDataError extends WidgetTemplateError {
  override readonly name: string = "WidgetDataError";
  readonly issues: readonly DataIssue[];
  /** Which check failed. */
  readonly check: DataCheck;

  constructor(
    context: WidgetErrorContext,
    issues: readonly DataIssue[],
    options: { readonly check?: DataCheck; readonly cause?: unknown } = {},
  ) {
    const check = options.check ?? "jsonSchema";
    super(
      context,
      `${DATA_CHECK_HEADLINES[check]}:\n` +
        issues.map((issue) => `  ${issue.path}: ${issue.message}`).join("\n"),
      "cause" in options ? { cause: options.cause } : undefined,
    );
    this.issues = issues;
    this.check = check;
  }
}

function formatPosition(position: TemplatePosition): string {
  if (position.line === undefined) return "";
  return position.column === undefined
    ? ` (template line ${position.line})`
    : ` (template line ${position.line}, column ${position.column})`;
}
