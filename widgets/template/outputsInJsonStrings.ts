import { tokenize, type Token } from "../engines/jinja/library";
import { SourceMap } from "../engines/jinja/sourceMap";
import type { TemplatePosition } from "../errors";
import type { TemplateEngineName } from "./WidgetDefinition";

/** An expression printed inside a JSON string literal of the template, where data can break out of the string. */
export interface OutputInJsonString extends TemplatePosition {
  /** The expression as written, e.g. `{{ item.name }}`. */
  readonly expression: string;
  readonly message: string;
}

/**
 * Filters whose result cannot hold a quote or a backslash, so printing them
 * inside a JSON string is safe (`"{{ items | length }} items"`).
 */
const SAFE_IN_STRING = new Set(["int", "float", "length", "count", "round", "abs", "wordcount"]);

/**
 * Finds every `{{ expr }}` of a Jinja template that prints inside a JSON
 * string, as in `"value":"{{ name }}"`: Jinja does not escape for JSON, so
 * data holding `","children":[...` closes the string and adds components of
 * its own choosing (and a lone `"` breaks the widget). The fix is to print
 * the whole value with `tojson`: `"value":{{ name | tojson }}`.
 *
 * Read from the template's tokens, not by rendering, so it finds the
 * expression whatever the data; the JSON string state is followed through
 * the template's text in source order (both branches of an `if` count).
 *
 * Handlebars templates have nothing to report: our Handlebars engine prints
 * `{{expr}}` escaped as the inside of a JSON string by construction.
 */
export function findOutputsInJsonStrings(source: string, engine: TemplateEngineName): OutputInJsonString[] {
  if (engine !== "jinja") return [];
  let tokens: Token[];
  try {
    tokens = tokenize(source, {});
  } catch {
    return []; // A template that does not tokenize fails to compile, which is reported on its own.
  }
  const map = new SourceMap(source, tokens, undefined);
  const lines = source.split("\n");
  const found: OutputInJsonString[] = [];
  const text = new JsonStringState();
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] as Token;
    if (token.type === "Text") {
      text.read(token.value);
      continue;
    }
    if (token.type !== "OpenExpression") continue;
    const end = closingIndex(tokens, index);
    if (text.inString && !isSafeInString(tokens.slice(index + 1, end))) {
      const position = map.tokenPosition(index);
      const expression = expressionText(lines, position) ?? "{{ … }}";
      found.push({
        ...position,
        expression,
        message:
          `${expression} is printed inside a JSON string without tojson: data holding a quote can end the string ` +
          `and add components. Print the whole value with tojson instead, e.g. "value":{{ (…) | tojson }}`,
      });
    }
    index = end;
  }
  return found;
}

/** Whether the template text read so far has left an open JSON string (escapes followed across expressions). */
class JsonStringState {
  inString = false;
  #escaped = false;

  read(text: string): void {
    for (const char of text) {
      if (!this.inString) {
        if (char === '"') this.inString = true;
      } else if (this.#escaped) {
        this.#escaped = false;
      } else if (char === "\\") {
        this.#escaped = true;
      } else if (char === '"') {
        this.inString = false;
      }
    }
  }
}

function closingIndex(tokens: readonly Token[], open: number): number {
  for (let index = open + 1; index < tokens.length; index++) {
    if (tokens[index]?.type === "CloseExpression") return index;
  }
  return tokens.length;
}

const OPENING = new Set(["(", "[", "{"]);
const CLOSING = new Set([")", "]", "}"]);

/** A number literal, or an expression whose last top-level filter yields a number (and no top-level `if`). */
function isSafeInString(expression: readonly Token[]): boolean {
  if (expression.length === 1 && expression[0]?.type === "NumericLiteral") return true;
  let depth = 0;
  let lastFilter: string | undefined;
  for (let index = 0; index < expression.length; index++) {
    const token = expression[index] as Token;
    if (OPENING.has(token.value)) depth++;
    else if (CLOSING.has(token.value)) depth--;
    else if (depth > 0) continue;
    else if (token.type === "Identifier" && token.value === "if") return false;
    else if (token.type === "Pipe") lastFilter = expression[index + 1]?.value;
  }
  return lastFilter !== undefined && SAFE_IN_STRING.has(lastFilter);
}

/** `{{ name }}` as written at `position` (the expression's first line). */
function expressionText(lines: readonly string[], position: TemplatePosition): string | undefined {
  if (position.line === undefined || position.column === undefined) return undefined;
  const rest = lines[position.line - 1]?.slice(position.column - 1) ?? "";
  return /^\{\{.*?\}\}/.exec(rest)?.[0];
}
