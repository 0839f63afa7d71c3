import Handlebars from "handlebars";
import {
  TemplateRenderError,
  TemplateSyntaxError,
  TemplateUndefinedError,
  type WidgetErrorContext,
} from "../errors";
import type { CompiledTemplate, TemplateEngine } from "./TemplateEngine";

/**
 * Handlebars for hand-written widget templates, made safe for JSON output.
 *
 * Handlebars escapes for HTML, which is wrong twice over in JSON: `&amp;`
 * leaks into values, and a `"` in the data still ends a JSON string. So the
 * parsed template is rewritten (as an AST, never as text) before compiling:
 *
 * - `{{expr}}` prints `expr` escaped as the *inside of a JSON string*, so
 *   `"title": "{{title}}"` holds any string the data has;
 * - `{{json expr}}` prints `expr` as a JSON value (`"value": {{json user}}`);
 * - raw `{{{expr}}}` is refused at compile time (it could break the JSON),
 *   except `{{{json expr}}}`.
 *
 * Missing fields are errors (Handlebars' `strict` mode), like Jinja's
 * `StrictUndefined` in Studio templates. Note that `}}}` closes a
 * triple-stash in Handlebars: write `{{/if}} }`, not `{{/if}}}`.
 */
const hb = Handlebars.create();

/** The helpers escaped mustaches are routed through: a plain path (missing = error), or a helper call's result. */
const JSON_TEXT_OF_PATH = "__chatkitJsonTextOfPath";
const JSON_TEXT_OF_CALL = "__chatkitJsonTextOfCall";

/**
 * Handlebars' `strict` mode does not cover helper arguments, so our helpers
 * check for themselves. Data is normalised to JSON first, where `undefined`
 * cannot occur: an `undefined` argument is a missing field.
 */
class MissingField extends Error {
  constructor(readonly position: string) {
    super("missing field");
  }
}

interface HelperOptions {
  loc?: { start: { line: number; column: number } };
}

function positionOf(options: HelperOptions): string {
  return options.loc === undefined ? "" : `${options.loc.start.line}:${options.loc.start.column}`;
}

/** The inside of a JSON string holding `value`; objects print as their JSON text rather than "[object Object]". */
function jsonText(value: unknown): hbs.SafeString {
  if (value instanceof hb.SafeString) return value;
  let text = "";
  if (typeof value === "object" && value !== null) text = JSON.stringify(value);
  else if (typeof value === "string") text = value;
  else if (typeof value === "number" || typeof value === "boolean") text = String(value);
  return new hb.SafeString(JSON.stringify(text).slice(1, -1));
}

hb.registerHelper("json", (value: unknown, options: HelperOptions) => {
  if (value === undefined) throw new MissingField(positionOf(options));
  return new hb.SafeString(JSON.stringify(value));
});
hb.registerHelper(JSON_TEXT_OF_PATH, (value: unknown, options: HelperOptions) => {
  if (value === undefined) throw new MissingField(positionOf(options));
  return jsonText(value);
});
hb.registerHelper(JSON_TEXT_OF_CALL, (value: unknown) => jsonText(value));

type Mustache = hbs.AST.MustacheStatement;

function isPath(node: hbs.AST.PathExpression | hbs.AST.Literal): node is hbs.AST.PathExpression {
  return node.type === "PathExpression";
}

/** Rewrites every mustache as described above; remembers what each mustache printed, by position, for error messages. */
class JsonSafeRewriter extends Handlebars.Visitor {
  readonly pathsByPosition = new Map<string, string>();
  readonly rawOutputs: Mustache[] = [];

  override MustacheStatement(mustache: Mustache): void {
    super.MustacheStatement(mustache);
    const written = mustache.params[0] ?? mustache.path;
    if ("original" in written) {
      this.pathsByPosition.set(
        `${mustache.loc.start.line}:${mustache.loc.start.column}`,
        String(written.original),
      );
    }
    const isJsonHelper = isPath(mustache.path) && mustache.path.original === "json";
    if (!mustache.escaped) {
      if (!isJsonHelper) this.rawOutputs.push(mustache);
      return;
    }
    if (isJsonHelper) {
      mustache.escaped = false;
      return;
    }
    const original = mustache.path;
    const hasArguments = mustache.params.length > 0 || mustache.hash !== undefined;
    const isHelperCall =
      hasArguments ||
      (isPath(original) && original.parts.length === 1 && hb.helpers[original.original] !== undefined);
    const argument: hbs.AST.Expression = isHelperCall
      ? ({
          type: "SubExpression",
          path: original,
          params: mustache.params,
          hash: mustache.hash,
          loc: mustache.loc,
        } as hbs.AST.SubExpression)
      : original;
    const helper = isHelperCall ? JSON_TEXT_OF_CALL : JSON_TEXT_OF_PATH;
    mustache.path = {
      type: "PathExpression",
      data: false,
      depth: 0,
      parts: [helper],
      original: helper,
      loc: mustache.loc,
    };
    mustache.params = [argument];
    delete (mustache as { hash?: hbs.AST.Hash }).hash;
    mustache.escaped = false;
  }
}

interface HandlebarsException {
  message: string;
  lineNumber?: number;
  column?: number;
}

function asHandlebarsException(error: unknown): HandlebarsException {
  return typeof error === "object" && error !== null && "message" in error
    ? (error as HandlebarsException)
    : { message: String(error) };
}

function compile(source: string, context: WidgetErrorContext): CompiledTemplate {
  let program: hbs.AST.Program;
  try {
    program = hb.parse(source);
  } catch (error) {
    const { message } = asHandlebarsException(error);
    const line = /on line (\d+)/.exec(message)?.[1];
    const hint = message.includes("CLOSE_UNESCAPED")
      ? ' ("}}}" closes a triple-stash in Handlebars: put a space before the JSON brace, "}} }")'
      : "";
    throw new TemplateSyntaxError(
      context,
      `Handlebars syntax error: ${message.split("\n").slice(-1)[0] ?? message}${hint}`,
      { line: line === undefined ? undefined : Number(line) },
      { cause: error },
    );
  }
  const rewriter = new JsonSafeRewriter();
  rewriter.accept(program);
  const raw = rewriter.rawOutputs[0];
  if (raw !== undefined) {
    const written = isPath(raw.path) ? raw.path.original : "expression";
    throw new TemplateSyntaxError(
      context,
      `raw output {{{${written}}}} could break the JSON; write {{json ${written}}} for a JSON value, or "{{${written}}}" inside a string`,
      { line: raw.loc.start.line, column: raw.loc.start.column + 1 },
    );
  }
  const render = hb.compile<Readonly<Record<string, unknown>>>(program, { strict: true, noEscape: true });
  return {
    render(data) {
      try {
        return render(data);
      } catch (error) {
        if (error instanceof MissingField) {
          const [line, column] = error.position.split(":").map(Number);
          const written = rewriter.pathsByPosition.get(error.position) ?? "a field";
          throw new TemplateUndefinedError(context, written, {
            line,
            column: column === undefined ? undefined : column + 1,
          });
        }
        const exception = asHandlebarsException(error);
        const position = {
          line: exception.lineNumber,
          column: exception.column === undefined ? undefined : exception.column + 1,
        };
        const missing = /^"(.+)" not defined in/.exec(exception.message)?.[1];
        if (missing !== undefined) {
          const written =
            rewriter.pathsByPosition.get(`${exception.lineNumber}:${exception.column}`) ?? missing;
          throw new TemplateUndefinedError(context, written, position, { cause: error });
        }
        throw new TemplateRenderError(context, `Handlebars render failed: ${exception.message}`, {
          cause: error,
        });
      }
    },
  };
}

export const handlebarsEngine: TemplateEngine = { name: "handlebars", compile };
