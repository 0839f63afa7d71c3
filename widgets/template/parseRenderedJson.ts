import { TemplateOutputError, type WidgetErrorContext } from "../errors";

const EXCERPT_RADIUS = 40;

/**
 * `JSON.parse` for rendered template text, failing with the text around the
 * fault: the usual cause is a template that prints a value without
 * `tojson`, and the excerpt shows which one.
 */
export function parseRenderedJson(text: string, context: WidgetErrorContext): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = faultOffset(message, text);
    throw new TemplateOutputError(
      context,
      `the rendered template is not valid JSON (${message}); ` +
        `print values with \`| tojson\` (Jinja) or {{json ...}} (Handlebars)`,
      excerptAround(text, offset),
      offset,
    );
  }
}

/** How many characters V8 quotes on each side of an unexpected token. */
const V8_CONTEXT_RADIUS = 10;

/**
 * Where the parser stopped. V8 says "at position N" for some faults and, for
 * an unexpected token, quotes the text around it instead
 * (`Unexpected token 'h', ..."value":hello}, {"... is not valid JSON`);
 * the quoted context is found in the text to recover the offset.
 */
function faultOffset(message: string, text: string): number | undefined {
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return Number(position);
  if (/end of JSON input/i.test(message)) return text.length;
  const quoted = /^Unexpected token .*?, (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(message);
  if (quoted === null) return undefined;
  const [, leading, context = "", trailing] = quoted;
  const at = text.indexOf(context);
  if (at < 0) return undefined;
  if (leading !== undefined) return at + V8_CONTEXT_RADIUS;
  if (trailing !== undefined) return at + context.length - V8_CONTEXT_RADIUS;
  return undefined;
}

function excerptAround(text: string, offset: number | undefined): string {
  if (offset === undefined) {
    return text.length > 2 * EXCERPT_RADIUS ? `${text.slice(0, 2 * EXCERPT_RADIUS)}…` : text;
  }
  const start = Math.max(0, offset - EXCERPT_RADIUS);
  const end = Math.min(text.length, offset + EXCERPT_RADIUS);
  const marked = `${text.slice(start, offset)}⟪HERE⟫${text.slice(offset, end)}`;
  return `${start > 0 ? "…" : ""}${marked}${end < text.length ? "…" : ""}`.replace(/\n/g, "\\n");
}
