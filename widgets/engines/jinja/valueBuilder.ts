/**
 * Value builders: a Studio template compiled to closures that build the
 * widget's objects directly, with no JSON text between the template and
 * the widget (no escaping in `tojson`, no string joined, no `JSON.parse`).
 * Issue #13's W3: at 200 list items, parsing the 67 KB text was about half
 * of `build`.
 *
 * A Studio template is JSON text whose values are printed with `tojson`,
 * arranged by `if` and `for`; lists are written with the join idiom:
 *
 *     [{%- set _c -%}{%- for t in tasks -%},{...}{%- endfor -%}{%- endset -%}
 *      {{- (_c[1:] if _c and _c[0] == ',' else _c) -}}]
 *
 * Compiled here, each literal text becomes its JSON tokens (`jsonTokens.ts`,
 * read once), each `{{ x | tojson }}` the value `JSON.parse` would make of
 * its text, and both go into a `ValueAssembler`, a stack machine over
 * JSON's grammar. The join idiom is recognised as a whole: the block's
 * output goes straight into the list, its leading comma dropped, which is
 * exactly what slicing its text does; this is only done where nothing else
 * reads the block's variable (checked over the whole template), so no text
 * is ever needed.
 *
 * What is proved at compile time: every text is whole JSON tokens, every
 * print is `tojson` or a recognised join, every statement is one the
 * closures compile. Any other template has no value builder (`notCompiled`
 * says why) and is built through its text, as before. What is checked at
 * run time: the grammar (an output that would not parse, or a `NaN`, throws
 * `NotJson`); the caller then renders the text, so what is built is always
 * what `JSON.parse` of Jinja2's text makes, and every error is the text
 * path's own. Expressions, loops and `set`s are the text compiler's own
 * closures (`compiler.ts`), so values and errors are the same by
 * construction.
 */
import {
  type ForNode,
  type IfNode,
  OUTPUT,
  type Program,
  SCOPE,
  type SetNode,
  type Statement,
  StringValue,
  view,
} from "./library";
import { pyTruthy } from "./values";
import { literal, MISSING } from "./globals";
import { compileLoop, expression, Frame, NotCompiled, rootFrame, setBlock, tojsonOperand } from "./compiler";
import { tokenizeJsonText } from "./jsonTokens";
import {
  Fragment,
  SLICE_FIRST_CHARACTER,
  SLICE_LEADING_COMMA,
  type SliceMode,
  SlotsServeBetter,
  ValueAssembler,
} from "./valueAssembler";
import { SLOT_MIN_LENGTH } from "./slots";
import { walkInSourceOrder } from "./sourceMap";

/** What a value builder made of the data. */
export interface BuiltValue {
  /** Deep-equals `JSON.parse(render(data))`, key order included. */
  readonly value: unknown;
  /** True when `value` holds no `null` at any depth. */
  readonly nullFree: boolean;
}

/**
 * Builds the value of the template's output for `data`; throws `NotJson`
 * where only the text can decide, and `SlotsServeBetter` on the first long
 * string printed straight into the output (see `valueAssembler.ts`).
 */
export type ValueBuild = (data: Readonly<Record<string, unknown>>) => BuiltValue;

type Emit = (frame: Frame, out: ValueAssembler) => void;

const NOTHING: Emit = () => undefined;

/**
 * Compiles an instrumented program to a value builder, or says why it
 * cannot (a construct that is not JSON with `tojson` holes).
 */
export function compileValueBuilder(
  program: Program,
  rootMissing: readonly string[],
): { readonly build: ValueBuild } | { readonly notCompiled: string } {
  const compiler = new ValueCompiler();
  let body: Emit;
  try {
    body = compiler.block(program.body, true);
    compiler.checkJoinNames(program);
  } catch (error) {
    if (error instanceof NotCompiled) return { notCompiled: error.message };
    throw error;
  }
  const root = rootFrame(rootMissing);
  return {
    build: (data) => {
      const out = new ValueAssembler();
      body(root(data), out);
      const value = out.finish();
      return { value, nullFree: out.nullFree };
    },
  };
}

class ValueCompiler {
  /** The names that join blocks assign, and the only nodes allowed to name them. */
  readonly #joinNames = new Set<string>();
  readonly #joinNodes = new Set<Statement>();

  /** `direct`: printing into the template's output, not into a `{% set %}` block. */
  block(statements: readonly Statement[], direct: boolean): Emit {
    const parts: Emit[] = [];
    for (let i = 0; i < statements.length; i++) {
      const node = statements[i] as Statement;
      const next = statements[i + 1];
      const join = next === undefined ? undefined : this.#join(node, next);
      if (join !== undefined) {
        parts.push(join);
        i++;
      } else {
        const part = this.#statement(node, direct);
        if (part !== NOTHING) parts.push(part);
      }
    }
    if (parts.length === 0) return NOTHING;
    if (parts.length === 1) return parts[0] as Emit;
    return (frame, out) => {
      for (let i = 0; i < parts.length; i++) (parts[i] as Emit)(frame, out);
    };
  }

  /** Every read of a join block's name is its own join's print: then no text of the block is ever needed. */
  checkJoinNames(program: Program): void {
    if (this.#joinNames.size === 0) return;
    for (const statement of program.body) {
      walkInSourceOrder(statement, (child) => {
        const n = view(child);
        if (n.type === "Identifier" && this.#joinNames.has(n.value) && !this.#joinNodes.has(child)) {
          throw new NotCompiled(`'${n.value}' used other than in the join idiom`);
        }
      });
    }
  }

  #statement(node: Statement, direct: boolean): Emit {
    const n = view(node);
    switch (n.type) {
      case "StringLiteral":
        return text(literal(node, n).toString());
      case "Comment":
        return NOTHING;
      case OUTPUT:
        return this.#print(n.expr, direct);
      case SCOPE: {
        const body = this.block(n.block.body, direct);
        const missing = n.missing;
        return (parent, out) => {
          const frame = new Frame(parent);
          for (const name of missing) frame.variables.set(name, MISSING);
          body(frame, out);
        };
      }
      case "If":
        return this.#if(n, direct);
      case "For":
        return this.#for(n, direct);
      case "Set":
        if (n.value === null) throw new NotCompiled("a {% set %} block other than the join idiom");
        return assignment(n);
      default:
        throw new NotCompiled(`the {% ${n.type} %} statement`);
    }
  }

  #print(node: Statement, direct: boolean): Emit {
    const operandNode = tojsonOperand(node);
    if (operandNode === undefined) throw new NotCompiled("a print without tojson");
    const operand = expression(operandNode);
    if (!direct) return (frame, out) => out.printed(operand(frame), operandNode);
    return (frame, out) => {
      const value = operand(frame);
      if (value instanceof StringValue && value.value.length > SLOT_MIN_LENGTH)
        throw SlotsServeBetter.INSTANCE;
      out.printed(value, operandNode);
    };
  }

  #if(node: IfNode, direct: boolean): Emit {
    const test = expression(node.test);
    const body = this.block(node.body, direct);
    const alternate = this.block(node.alternate, direct);
    return (frame, out) => (pyTruthy(test(frame)) ? body(frame, out) : alternate(frame, out));
  }

  #for(node: ForNode, direct: boolean): Emit {
    const loop = compileLoop(node);
    const body = this.block(node.body, direct);
    const otherwise = this.block(node.defaultBlock, direct);
    return (parent, out) => {
      const scope = new Frame(parent);
      const items = loop.items(scope);
      if (items.length === 0) return otherwise(scope, out);
      for (let i = 0; i < items.length; i++) {
        loop.bind(scope, items, i);
        body(scope, out);
      }
    };
  }

  /** `{% set _c %}...{% endset %}` followed by the print of its join; `undefined` for any other pair. */
  #join(node: Statement, next: Statement): Emit | undefined {
    const set = view(node);
    const print = view(next);
    if (set.type !== "Set" || set.value !== null || print.type !== OUTPUT) return undefined;
    const assignee = view(set.assignee);
    if (assignee.type !== "Identifier") return undefined;
    const mode = sliceMode(print.expr, assignee.value);
    if (mode === undefined) return undefined;
    this.#joinNames.add(assignee.value);
    this.#joinNodes.add(set.assignee);
    walkInSourceOrder(print.expr, (child) => this.#joinNodes.add(child));
    const body = this.block(set.body, false);
    return (frame, out) => {
      out.startSlice(mode);
      body(frame, out);
      out.endSlice();
    };
  }
}

/** A text of the template: its tokens, read once. */
function text(source: string): Emit {
  if (source.length === 0) return NOTHING;
  const tokens = tokenizeJsonText(source);
  if (tokens === undefined) throw new NotCompiled("a text that is not whole JSON tokens");
  const fragment = new Fragment(source, tokens);
  return (_frame, out) => out.fragment(fragment);
}

/** `{% set x = ... %}`: the text compiler's own closure (it prints nothing). */
function assignment(node: SetNode): Emit {
  const set = setBlock(node);
  return (frame) => void set(frame);
}

/** How `print` slices the text of the block assigned to `name`, if it is one of the join idioms. */
function sliceMode(print: Statement, name: string): SliceMode | undefined {
  if (isFromSecond(print, name)) return SLICE_FIRST_CHARACTER;
  const n = unguarded(print);
  if (n.type !== "Ternary" || !isFromSecond(n.trueExpr, name) || !isName(n.falseExpr, name)) return undefined;
  const condition = unguarded(n.condition);
  if (condition.type !== "BinaryExpression" || condition.operator.value !== "and") return undefined;
  if (!isName(condition.left, name)) return undefined;
  const equals = unguarded(condition.right);
  if (equals.type !== "BinaryExpression" || equals.operator.value !== "==") return undefined;
  const first = unguarded(equals.left);
  const comma = unguarded(equals.right);
  if (first.type !== "MemberExpression" || !first.computed || !isName(first.object, name)) return undefined;
  const index = unguarded(first.property);
  if (index.type !== "IntegerLiteral" || Number(index.value) !== 0) return undefined;
  return comma.type === "StringLiteral" && comma.value === "," ? SLICE_LEADING_COMMA : undefined;
}

/** `name[1:]`. */
function isFromSecond(node: Statement, name: string): boolean {
  const n = unguarded(node);
  if (n.type !== "MemberExpression" || !isName(n.object, name)) return false;
  const slice = unguarded(n.property);
  if (slice.type !== "SliceExpression" || slice.stop !== undefined || slice.step !== undefined) return false;
  const start = slice.start === undefined ? undefined : unguarded(slice.start);
  return start?.type === "IntegerLiteral" && Number(start.value) === 1;
}

function isName(node: Statement, name: string): boolean {
  const n = unguarded(node);
  return n.type === "Identifier" && n.value === name;
}

/** The node under any guards the instrumenter wrapped it in (guards only add checks that cannot fail on a string). */
function unguarded(node: Statement): ReturnType<typeof view> {
  let n = view(node);
  while (n.type === "ChatKitStrict") n = view(n.expr);
  return n;
}
