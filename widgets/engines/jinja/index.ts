/**
 * The Jinja engine: renders the ChatKit Widget Studio's templates the way
 * the reference does, i.e. Python's Jinja2 3.1 configured as the ChatKit
 * server configures it: `Environment(undefined=StrictUndefined)` and nothing
 * else (no autoescape, no `trim_blocks`/`lstrip_blocks`, no extensions,
 * `tojson` with sorted keys and HTML-safe escapes).
 *
 * Why `@huggingface/jinja`: it is a maintained, dependency-free Jinja
 * implementation whose lexer, parser and interpreter are public, so its
 * `Interpreter` can be subclassed. We keep its lexer, parser, control flow,
 * calls, macros and literals, and fill its gaps by extension, never by
 * rewriting template text: `compile` parses once, then instruments the
 * parsed AST with a few guard nodes that our `Interpreter` subclass
 * understands (`Output`, `Strict`, `Iterate`, `Scope`), then compiles the
 * instrumented AST to closures (`compiler.ts`) that call the same operations
 * as the interpreter without walking the AST; a template using a construct
 * the closures leave to the interpreter (macros, call and filter blocks, the
 * library's own filters...) is interpreted instead, a choice made once per
 * template (`JinjaTemplate.strategy` says which). `render` never parses.
 *
 * Files: `library.ts` (the library's API and AST, typed), `values.ts`
 * (Python's view of values), `json.ts` (`tojson`), `strings.ts`,
 * `lookup.ts` (attributes and items), `filters.ts`, `arithmetic.ts`,
 * `operations.ts` (operators on evaluated values, shared by both
 * strategies), `globals.ts`, `interpreter.ts`, `compiler.ts`,
 * `instrument.ts` (compile-time checks, guards, scoping analysis),
 * `sourceMap.ts` (positions for errors), `slots.ts` (how `renderParsed`
 * skips escaping and parsing long strings, and reuses parsed skeletons),
 * `skeletonMemo.ts` (which skeletons a stream, or a one-off render, keeps),
 * `slotOnlyNames.ts` (when a stream's next render is its last skeleton
 * filled again, without running the template),
 * `valueBuilder.ts`, `valueAssembler.ts` and `jsonTokens.ts` (how
 * `renderParsed` builds a Studio template's value with no text at all) and
 * this file (compiling, errors).
 *
 * Gaps filled (each one found by rendering the same template with Jinja2):
 *
 * - **StrictUndefined.** The library renders missing variables as empty. A
 *   missing variable or attribute now evaluates to a `StrictUndefined` value
 *   that throws `TemplateUndefinedError` (naming the expression as written,
 *   e.g. `user.name`, and its line/column) when printed, serialised, tested
 *   for truth, compared, iterated, indexed, called or used in arithmetic,
 *   while `is defined`, `is undefined`, `is none`, `default(...)` and plain
 *   assignment keep working, exactly as in Jinja2.
 * - **`list.append(x)`** (and `extend`) mutate the list and return `None`.
 * - **Scoping.** A `{% set %}` inside a `for` body lives for one iteration,
 *   and one inside a `{% set x %}...{% endset %}` block stays in the block
 *   (the library leaked both); names resolve per frame the way Jinja2's
 *   compile-time analysis decides (see `missingAtFrameStart`).
 * - **Python semantics** for `==`/`!=`/`in` (no JavaScript loose equality),
 *   `~` and printing (`None`, `True`, `1.0`, `1e+16`, Python reprs of
 *   lists and dicts), arithmetic (`%` sign, `//`, `**`, division by zero),
 *   string comparison, string length and indexing by code point, slices
 *   with `None` bounds, iteration over strings, unpacking tuples in loops.
 * - **Python attribute lookup**: `d.items` is the dict method (not the key
 *   `items`), `s.length` is undefined, `x.0` indexes, misses on `None` are
 *   undefined rather than errors.
 * - **`tojson`** byte for byte as Jinja2's (`json.dumps(sort_keys=True)`,
 *   ASCII-only, `<`, `>`, `&`, `'` escaped, optional `indent`); `default`,
 *   `length`/`count`, `first`, `last`, `join`, `string`, `list`, `items`,
 *   `capitalize`, `title` with Jinja2's rules; the globals `range` and
 *   `dict`; `true`/`none`/... as constants that data cannot shadow.
 * - **Errors**: syntax errors carry a line and column (found by mapping the
 *   library's tokens back to the source); `break`/`continue` (an extension
 *   Jinja2 does not enable) and unknown filters/tests are rejected at compile
 *   time as Jinja2 does, except inside `if` and inline-`if`, where Jinja2
 *   defers them to run time.
 *
 * What still differs from Jinja2 is what the library's lexer and parser
 * decide: no `1e3` or `1_000` literals, no `(1,)` tuples, no tests with
 * arguments (`is divisibleby(3)`), no `{% raw %}`, `{%+`, `recursive` loops
 * or chained comparisons (`a < b < c`), `~` at the precedence of `+`,
 * unknown string escapes (`'\d'`) rejected, and U+FEFF stripped by `-`.
 * JavaScript data has no float/int distinction either: `2.0` prints as `2`.
 */
import {
  TemplateRenderError,
  TemplateSyntaxError,
  TemplateUndefinedError,
  WidgetTemplateError,
  type TemplatePosition,
  type WidgetErrorContext,
} from "../../errors";
import type { CompiledTemplate, RenderParsedResult, StreamRenderer, TemplateEngine } from "../TemplateEngine";
import { parse, type Program, StringValue, type Token, tokenize } from "./library";
import { pyStr, UndefinedUse } from "./values";
import { frame, GLOBALS } from "./globals";
import { INTERPRETER } from "./interpreter";
import { SourceMap } from "./sourceMap";
import { CompileError, Instrumenter, missingAtFrameStart } from "./instrument";
import { compileClosures } from "./compiler";
import { fillSkeleton, skeletonOf, slotPrefix, type Skeleton, type Slots } from "./slots";
import { LastSkeleton, RecentSkeletons, type SkeletonMemo } from "./skeletonMemo";
import { slotOnlyNames } from "./slotOnlyNames";
import { compileValueBuilder, type ValueBuild } from "./valueBuilder";
import { SlotsServeBetter } from "./valueAssembler";

function lexerErrorPosition(source: string, map: SourceMap): TemplatePosition {
  const closers: Readonly<Record<string, string>> = { "{{": "}}", "{%": "%}", "{#": "#}" };
  for (let at = source.search(/\{[{%#]/); at >= 0;) {
    const open = source.slice(at, at + 2);
    const close = source.indexOf(closers[open] ?? "}}", at + 2);
    const end = close < 0 ? source.length : close + 2;
    try {
      tokenize(source.slice(at, end), {});
    } catch {
      return map.position(at);
    }
    const next = source.slice(end).search(/\{[{%#]/);
    at = next < 0 ? -1 : end + next;
  }
  return {};
}

const BLOCK_TAGS = new Set(["if", "for", "macro", "call", "filter", "set"]);

/** Jinja2-style "unexpected end of template", naming the innermost block left open. */
function unexpectedEnd(tokens: readonly Token[], map: SourceMap): string {
  const open: { tag: string; index: number }[] = [];
  tokens.forEach((token, i) => {
    if (token.type !== "Identifier" || tokens[i - 1]?.type !== "OpenStatement") return;
    if (token.value.startsWith("end")) {
      if (open.at(-1)?.tag === token.value.slice(3)) open.pop();
    } else if (BLOCK_TAGS.has(token.value)) {
      // `{% set x = ... %}` is a statement, `{% set x %}...{% endset %}` a block.
      const close = tokens.findIndex((t, j) => j > i && t.type === "CloseStatement");
      const isBlock =
        token.value !== "set" ||
        !tokens.slice(i, close < 0 ? undefined : close).some((t) => t.type === "Equals");
      if (isBlock) open.push({ tag: token.value, index: i - 1 });
    }
  });
  const innermost = open.at(-1);
  if (innermost === undefined) return "unexpected end of template: a tag is unfinished";
  const at = map.tokenPosition(innermost.index);
  const where = at.line === undefined ? "" : ` at line ${at.line}, column ${at.column ?? 1}`;
  return `unexpected end of template: the {% ${innermost.tag} %} block opened${where} is never closed (missing {% end${innermost.tag} %})`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function compileJinja(source: string, context: WidgetErrorContext): CompiledTemplate {
  if (typeof source !== "string") {
    throw new TypeError(`jinjaEngine.compile: the template must be a string, got ${typeof source}`);
  }
  let tokens: Token[];
  try {
    tokens = tokenize(source, {});
  } catch (error) {
    const position = lexerErrorPosition(source, new SourceMap(source, [], undefined));
    throw new TemplateSyntaxError(context, `syntax error: ${message(error)}`, position, { cause: error });
  }
  let program: Program;
  try {
    program = parse(tokens);
  } catch (error) {
    // Parse again, watching how far the parser read: the furthest token is where it gave up.
    let furthest = -1;
    const watched = new Proxy(tokens, {
      get(target, key, receiver) {
        if (typeof key === "string") {
          const index = Number(key);
          if (Number.isInteger(index) && index > furthest) furthest = index;
        }
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    try {
      parse(watched);
    } catch {
      // the same error again
    }
    const map = new SourceMap(source, tokens, undefined);
    const detail = furthest >= tokens.length ? unexpectedEnd(tokens, map) : message(error);
    throw new TemplateSyntaxError(
      context,
      `syntax error: ${detail}`,
      map.tokenPosition(Math.max(0, furthest)),
      {
        cause: error,
      },
    );
  }
  const map = new SourceMap(source, tokens, program);
  const missing = missingAtFrameStart(program);
  const rootMissing = missing.get(program.body) ?? [];
  try {
    program.body = new Instrumenter(map, missing).block(program.body, false);
  } catch (error) {
    if (error instanceof CompileError) {
      throw new TemplateSyntaxError(context, `syntax error: ${error.message}`, error.position(), {
        cause: error,
      });
    }
    throw error;
  }
  return new JinjaTemplate(program, map, context, rootMissing);
}

/**
 * How a template renders: with closures (`compiler.ts`), or, for a template
 * using a construct the closures leave to it, with the interpreter; chosen
 * once, when the template is compiled.
 */
export type JinjaStrategy =
  { readonly kind: "closures" } | { readonly kind: "interpreter"; readonly reason: string };

/**
 * How `renderParsed` makes its value: with a value builder, no text (see
 * `valueBuilder.ts`), or from the rendered text, and why; chosen once, when
 * the template is compiled.
 */
export type JinjaValueStrategy =
  { readonly kind: "builder" } | { readonly kind: "text"; readonly reason: string };

/** A compiled Jinja template; both strategies throw the same errors, translated here. */
export class JinjaTemplate implements CompiledTemplate {
  readonly strategy: JinjaStrategy;
  readonly valueStrategy: JinjaValueStrategy;
  /** Renders; with `slots` (compiled templates only), long `tojson` strings become slot markers. */
  readonly #run: (data: Readonly<Record<string, unknown>>, slots?: Slots) => string;
  readonly #slotPrefix = slotPrefix();
  /** The skeletons of one-off renders (see `skeletonMemo.ts`); a stream keeps its own (`streamRenderer`). */
  readonly #recent = new RecentSkeletons(SKELETONS_KEPT);
  /** Builds `renderParsed`'s value without text, for a template that is JSON with `tojson` holes (see `valueBuilder.ts`). */
  readonly #buildValue: ValueBuild | undefined;
  /** The data names that reach the output only through slots (see `slotOnlyNames.ts`); none when interpreted. */
  readonly #slotOnly: ReadonlySet<string>;

  constructor(
    program: Program,
    private readonly map: SourceMap,
    private readonly context: WidgetErrorContext,
    rootMissing: readonly string[],
  ) {
    const compiled = compileClosures(program, rootMissing);
    if ("body" in compiled) {
      const values = compileValueBuilder(program, rootMissing);
      this.#buildValue = "build" in values ? values.build : undefined;
      this.strategy = { kind: "closures" };
      this.valueStrategy =
        "build" in values ? { kind: "builder" } : { kind: "text", reason: values.notCompiled };
      this.#run = compiled.body;
      this.#slotOnly = slotOnlyNames(program.body);
    } else {
      this.#slotOnly = new Set();
      this.strategy = { kind: "interpreter", reason: compiled.notCompiled };
      this.valueStrategy = { kind: "text", reason: "the template is interpreted" };
      this.#buildValue = undefined;
      this.#run = (data) => interpret(program, rootMissing, data);
    }
  }

  render(data: Readonly<Record<string, unknown>>): string {
    try {
      return this.#run(data);
    } catch (error) {
      throw this.translate(error);
    }
  }

  /**
   * `JSON.parse(render(data))` without escaping and parsing back the long
   * strings the template prints with `tojson` (see `slots.ts`); the text,
   * when it is not JSON. Reuses the skeletons of the last few texts any
   * caller rendered; a stream of renders should use `streamRenderer`.
   */
  renderParsed(data: Readonly<Record<string, unknown>>): RenderParsedResult {
    return this.#renderParsed(data, this.#recent);
  }

  /** `renderParsed` for one stream: it reuses the skeleton of this stream's last text, whatever other streams render. */
  streamRenderer(): StreamRenderer {
    const memo = new LastSkeleton();
    return { renderParsed: (data) => this.#renderParsed(data, memo) };
  }

  #renderParsed(data: Readonly<Record<string, unknown>>, memo: SkeletonMemo): RenderParsedResult {
    if (this.#buildValue !== undefined && !memo.prefersSlots) {
      const built = this.#tryBuildValue(this.#buildValue, data, memo);
      if (built !== undefined) return { ok: true, value: built.value, nullFree: built.nullFree };
    }
    try {
      if (this.strategy.kind === "interpreter") return parseRendered(this.#run(data));
      // A stream's memo keeps its last render, when some names only fill slots: data that changed only
      // there (a message streaming in) fills the last skeleton again, without running the template.
      const keepsRenders = this.#slotOnly.size > 0 && memo.refill !== undefined;
      const refilled = keepsRenders ? memo.refill?.(data, this.#slotOnly) : undefined;
      if (refilled !== undefined) {
        const { skeleton, values } = refilled;
        return { ok: true, value: fillSkeleton(skeleton, values), nullFree: skeleton.nullFree };
      }
      const slots: Slots = { prefix: this.#slotPrefix, values: [], names: keepsRenders ? [] : undefined };
      const text = this.#run(data, slots);
      if (slots.values.length === 0) {
        memo.prefersSlots = false;
        return parseRendered(text);
      }
      let skeleton = memo.get(text);
      if (skeleton === undefined) {
        skeleton = learnSkeleton(text, slots);
        memo.remember(text, skeleton);
      }
      // Without a skeleton, render again without slots: a JSON error then names a position in the real text.
      if (skeleton === null) return parseRendered(this.#run(data));
      if (keepsRenders) memo.rememberRender?.(data, slots, skeleton);
      return { ok: true, value: fillSkeleton(skeleton, slots.values), nullFree: skeleton.nullFree };
    } catch (error) {
      throw this.translate(error);
    }
  }

  /**
   * The value builder's value, or `undefined` when it stopped: the text path
   * then renders from the start, so the result or the error is exactly the
   * text's (data is converted afresh by each render, so the stopped build
   * left nothing behind). When it stopped at a long string printed into the
   * output, this caller's next renders go through slots too, until one
   * prints no such string.
   */
  #tryBuildValue(build: ValueBuild, data: Readonly<Record<string, unknown>>, memo: SkeletonMemo) {
    try {
      return build(data);
    } catch (error) {
      if (error === SlotsServeBetter.INSTANCE) memo.prefersSlots = true;
      return undefined;
    }
  }

  private translate(error: unknown): Error {
    if (error instanceof UndefinedUse) {
      return new TemplateUndefinedError(this.context, error.expression, this.map.nodePosition(error.node), {
        cause: error,
      });
    }
    if (error instanceof WidgetTemplateError) return error;
    return new TemplateRenderError(this.context, `the template failed while rendering: ${message(error)}`, {
      cause: error,
    });
  }
}

/** How many skeletons a template keeps for one-off renders: enough for a few generators building per token. */
const SKELETONS_KEPT = 16;

/** Parses a text with markers into its skeleton; `null`: not JSON, or a marker misplaced. */
function learnSkeleton(text: string, slots: Slots): Skeleton | null {
  try {
    return skeletonOf(JSON.parse(text), slots) ?? null;
  } catch {
    // Not JSON: `null`, so the caller renders the real text and reports it.
    return null;
  }
}

/** `JSON.parse`, saying whether the value can hold a `null` (a text without "null" cannot). */
function parseRendered(text: string): RenderParsedResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, text };
  }
  return { ok: true, value, nullFree: !text.includes("null") };
}

function interpret(
  program: Program,
  rootMissing: readonly string[],
  data: Readonly<Record<string, unknown>>,
) {
  const environment = frame(GLOBALS, rootMissing);
  for (const [key, value] of Object.entries(data)) {
    // A name the template assigns before reading it starts missing, data or not (Jinja2's scoping).
    if (value === undefined || rootMissing.includes(key)) continue;
    environment.variables.delete(key); // every library Environment predeclares `namespace`
    environment.set(key, value);
  }
  const result = INTERPRETER.evaluate(program, environment);
  return result instanceof StringValue ? result.value : pyStr(result, undefined);
}

/**
 * Jinja templates as the ChatKit Widget Studio exports them, rendered like
 * Jinja2 with `StrictUndefined` (see this file's doc comment for how).
 */
export const jinjaEngine: TemplateEngine = {
  name: "jinja",
  compile: compileJinja,
};
