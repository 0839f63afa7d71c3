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
 * understands (`Output`, `Strict`, `Iterate`, `Scope`); `render` only runs
 * the instrumented AST.
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
} from "../../lib/errors";
import type { CompiledTemplate, TemplateEngine } from "./TemplateEngine";

// ---------------------------------------------------------------------------
// The library's API, typed here: its published declarations are ESM files
// with extensionless relative imports, which TypeScript cannot follow from
// this CommonJS package (everything but `Template` resolves to `any`), so we
// load its CommonJS build with `require` and declare what we use. The shapes
// mirror `@huggingface/jinja` 0.5's `runtime.ts` and `ast.ts`.

/** A runtime value (`StringValue`, `ArrayValue`...): the library's classes all have this shape. */
interface Value {
  type: string;
  value: unknown;
  readonly builtins: ReadonlyMap<string, Value>;
  __bool__(): BooleanValue;
  toString(): string;
}
type Callable = (args: Value[], scope: Environment) => Value;

interface Statement {
  type: string;
}
interface Program extends Statement {
  body: Statement[];
}
interface Token {
  value: string;
  type: string;
}
interface Environment {
  parent?: Environment | undefined;
  variables: Map<string, Value>;
  set(name: string, value: unknown): Value;
  setVariable(name: string, value: Value): Value;
  lookupVariable(name: string): Value;
}
interface Interpreter {
  evaluate(statement: Statement | undefined, environment: Environment): Value;
}
interface JinjaModule {
  Environment: new (parent?: Environment) => Environment;
  Interpreter: new (environment?: Environment) => Interpreter;
  parse: (tokens: Token[]) => Program;
  tokenize: (source: string, options?: { lstrip_blocks?: boolean; trim_blocks?: boolean }) => Token[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: the ESM typings do not resolve
const { Environment, Interpreter, parse, tokenize } = require("@huggingface/jinja") as JinjaModule;

// Distinct interfaces (not `Value<T>`), so that `instanceof` narrows each one without excluding the others.
interface StringValue extends Value {
  value: string;
}
interface NumberValue extends Value {
  value: number;
}
interface BooleanValue extends Value {
  value: boolean;
}
interface NullValue extends Value {
  value: null;
}
interface UndefinedValue extends Value {
  value: undefined;
}
interface ArrayValue extends Value {
  value: Value[];
}
/** An `ObjectValue` (a dict) or a `NamespaceValue`. */
interface MapValue extends Value {
  value: Map<string, Value>;
}
interface FunctionValue extends Value {
  value: Callable;
}

/** The shapes of the AST nodes we read or instrument (mirrors `@huggingface/jinja` 0.5's `ast.ts`). */
interface IdentifierNode {
  type: "Identifier";
  value: string;
}
interface LiteralNode {
  type: "StringLiteral" | "IntegerLiteral" | "FloatLiteral";
  value: string | number;
}
interface ListLiteralNode {
  type: "ArrayLiteral" | "TupleLiteral";
  value: Statement[];
}
interface ObjectLiteralNode {
  type: "ObjectLiteral";
  value: Map<Statement, Statement>;
}
interface MemberNode {
  type: "MemberExpression";
  object: Statement;
  property: Statement;
  computed: boolean;
}
interface CallNode {
  type: "CallExpression";
  callee: Statement;
  args: Statement[];
}
interface BinaryNode {
  type: "BinaryExpression";
  operator: Token;
  left: Statement;
  right: Statement;
}
interface UnaryNode {
  type: "UnaryExpression";
  operator: Token;
  argument: Statement;
}
interface FilterNode {
  type: "FilterExpression";
  operand: Statement;
  filter: Statement;
}
interface TestNode {
  type: "TestExpression";
  operand: Statement;
  negate: boolean;
  test: IdentifierNode;
}
interface SliceNode {
  type: "SliceExpression";
  start: Statement | undefined;
  stop: Statement | undefined;
  step: Statement | undefined;
}
interface SelectNode {
  type: "SelectExpression";
  lhs: Statement;
  test: Statement;
}
interface TernaryNode {
  type: "Ternary";
  condition: Statement;
  trueExpr: Statement;
  falseExpr: Statement;
}
interface KeywordArgumentNode {
  type: "KeywordArgumentExpression";
  key: IdentifierNode;
  value: Statement;
}
interface SpreadNode {
  type: "SpreadExpression" | "KeywordSpreadExpression";
  argument: Statement;
}
interface IfNode {
  type: "If";
  test: Statement;
  body: Statement[];
  alternate: Statement[];
}
interface ForNode {
  type: "For";
  loopvar: Statement;
  iterable: Statement;
  body: Statement[];
  defaultBlock: Statement[];
}
interface SetNode {
  type: "Set";
  assignee: Statement;
  value: Statement | null;
  body: Statement[];
}
interface MacroNode {
  type: "Macro";
  name: IdentifierNode;
  args: Statement[];
  body: Statement[];
}
interface CallStatementNode {
  type: "CallStatement";
  call: CallNode;
  callerArgs: Statement[] | null;
  body: Statement[];
}
interface FilterStatementNode {
  type: "FilterStatement";
  filter: Statement;
  body: Statement[];
}
interface ProgramNode {
  type: "Program";
  body: Statement[];
}
interface OtherNode {
  type: "Comment" | "Break" | "Continue";
}

/** Our guard nodes, inserted by `Instrumenter` at compile time; each holds the expression it guards. */
const OUTPUT = "ChatKitOutput"; // a printed expression: Python `str()`, undefined is an error
const STRICT = "ChatKitStrict"; // any undefined is an error (callees, operands of library filters)
const ITERATE = "ChatKitIterate"; // a `for` loop's iterable, Python iteration rules
const ITERATE_PAIRS = "ChatKitIteratePairs"; // same, for `for a, b in ...` (tuples and strings unpack)
const SCOPE = "ChatKitScope"; // a block with its own variables (a `for` body, a `{% set %}` block)
interface GuardNode {
  type: typeof OUTPUT | typeof STRICT | typeof ITERATE | typeof ITERATE_PAIRS;
  expr: Statement;
}
interface ScopeNode {
  type: typeof SCOPE;
  block: Program;
  /** Names this frame starts with as missing (see `missingAtFrameStart`). */
  missing: readonly string[];
}

type Node =
  | IdentifierNode
  | LiteralNode
  | ListLiteralNode
  | ObjectLiteralNode
  | MemberNode
  | CallNode
  | BinaryNode
  | UnaryNode
  | FilterNode
  | TestNode
  | SliceNode
  | SelectNode
  | TernaryNode
  | KeywordArgumentNode
  | SpreadNode
  | IfNode
  | ForNode
  | SetNode
  | MacroNode
  | CallStatementNode
  | FilterStatementNode
  | ProgramNode
  | OtherNode
  | GuardNode
  | ScopeNode;

function view(statement: Statement): Node {
  return statement as unknown as Node;
}

/** Guard nodes inherit from the library's `Statement` so its own AST walks (macro `kwargs` detection) see inside them. */
const STATEMENT_PROTOTYPE = Object.getPrototypeOf(Object.getPrototypeOf(parse([]))) as object;

function guard(type: GuardNode["type"], expr: Statement): Statement {
  const node = Object.create(STATEMENT_PROTOTYPE) as GuardNode;
  node.type = type;
  node.expr = expr;
  return node;
}

function scope(body: Statement[], missing: readonly string[]): Statement {
  const block = parse([]);
  block.body = body;
  const node = Object.create(STATEMENT_PROTOTYPE) as ScopeNode;
  node.type = SCOPE;
  node.block = block;
  node.missing = missing;
  return node;
}

// ---------------------------------------------------------------------------
// The library's runtime value classes, reached through values it creates.

type ValueClass<T extends Value> = new (value: T["value"]) => T;

function classOf<T extends Value>(sample: Value, expected: string): ValueClass<T> {
  if (sample.type !== expected) {
    throw new Error(`@huggingface/jinja changed: expected a ${expected}, got a ${sample.type}`);
  }
  return sample.constructor as ValueClass<T>;
}

const probe = new Environment();
const StringValue = classOf<StringValue>(probe.set("string", ""), "StringValue");
const IntegerValue = classOf<NumberValue>(probe.set("integer", 1), "IntegerValue");
const FloatValue = classOf<NumberValue>(probe.set("float", 0.5), "FloatValue");
const BooleanValue = classOf<BooleanValue>(probe.set("boolean", true), "BooleanValue");
const NullValue = classOf<NullValue>(probe.set("null", null), "NullValue");
const UndefinedValue = classOf<UndefinedValue>(probe.set("undefined", undefined), "UndefinedValue");
const ArrayValue = classOf<ArrayValue>(probe.set("array", []), "ArrayValue");
const ObjectValue = classOf<MapValue>(probe.set("object", {}), "ObjectValue");
const FunctionValue = classOf<FunctionValue>(
  probe.set("function", () => null),
  "FunctionValue",
);
const NamespaceValue = classOf<MapValue>(
  (probe.lookupVariable("namespace").value as Callable)([], probe),
  "NamespaceValue",
);
const TupleValue = classOf<ArrayValue>(
  new Interpreter().evaluate({ type: "TupleLiteral", value: [] } as unknown as Statement, probe),
  "TupleValue",
);

const TRUE = new BooleanValue(true);
const FALSE = new BooleanValue(false);
const NONE = new NullValue(null);
const EMPTY_STRING = new StringValue("");

function bool(value: boolean): BooleanValue {
  return value ? TRUE : FALSE;
}

function isNumeric(value: Value): value is NumberValue | BooleanValue {
  return value instanceof IntegerValue || value instanceof FloatValue || value instanceof BooleanValue;
}

function numberOf(value: NumberValue | BooleanValue): number {
  return typeof value.value === "boolean" ? Number(value.value) : value.value;
}

function isKeywordArguments(value: Value | undefined): value is MapValue {
  return value?.type === "KeywordArgumentsValue";
}

/** Splits a library call's arguments into positional ones and the trailing keyword map. */
function splitArguments(args: Value[]): [Value[], Map<string, Value>] {
  const last = args.at(-1);
  return isKeywordArguments(last) ? [args.slice(0, -1), last.value] : [args, new Map<string, Value>()];
}

// ---------------------------------------------------------------------------
// Undefined values.

/** Raised inside the interpreter when an undefined value is used; `render` turns it into `TemplateUndefinedError`. */
class UndefinedUse extends Error {
  constructor(
    readonly expression: string,
    readonly node: Statement | undefined,
  ) {
    super(`"${expression}" is undefined`);
  }
}

/** An undefined value that remembers the expression that produced it. */
abstract class MarkedUndefined extends UndefinedValue {
  constructor(
    readonly expression: string,
    readonly node: Statement | undefined,
  ) {
    super(undefined);
  }
}

/** Jinja2's `StrictUndefined`: every use but `is defined`, `default` and the type tests throws. */
class StrictUndefined extends MarkedUndefined {
  override __bool__(): BooleanValue {
    throw new UndefinedUse(this.expression, this.node);
  }
  override toString(): string {
    throw new UndefinedUse(this.expression, this.node);
  }
}

/** Jinja2's plain `Undefined`, which only an inline `if` without `else` produces: falsy and prints as "". */
class LenientUndefined extends MarkedUndefined {
  override toString(): string {
    return "";
  }
}

/** Throws for a use of `value` that Jinja2 rejects even for a plain `Undefined`. */
function failUndefined(value: UndefinedValue, node: Statement | undefined): never {
  if (value instanceof MarkedUndefined) throw new UndefinedUse(value.expression, value.node ?? node);
  throw new UndefinedUse(node === undefined ? "(value)" : expressionText(node), node);
}

/** Throws if `value` is undefined the strict way (a library `UndefinedValue` counts as strict). */
function requireDefinedOrLenient(value: Value, node: Statement | undefined): void {
  if (value instanceof UndefinedValue && !(value instanceof LenientUndefined)) failUndefined(value, node);
}

/** A library `UndefinedValue` found where the data or a lookup produced it: a missing value, made strict. */
function strictIfUndefined(value: Value, node: Statement): Value {
  return value instanceof UndefinedValue && !(value instanceof MarkedUndefined)
    ? new StrictUndefined(expressionText(node), node)
    : value;
}

class JinjaTypeError extends Error {}

// ---------------------------------------------------------------------------
// Python's view of values: type names, str(), repr(), ==, <, json.dumps.

function pyType(value: Value): string {
  if (value instanceof StringValue) return "str";
  if (value instanceof BooleanValue) return "bool";
  if (value instanceof IntegerValue) return "int";
  if (value instanceof FloatValue) return "float";
  if (value instanceof NullValue) return "NoneType";
  if (value instanceof TupleValue) return "tuple";
  if (value instanceof ArrayValue) return "list";
  if (value instanceof ObjectValue) return "dict";
  if (value instanceof NamespaceValue) return "Namespace";
  if (value instanceof UndefinedValue)
    return value instanceof LenientUndefined ? "Undefined" : "StrictUndefined";
  return "function";
}

/** Python's `str(int)`; past 2**53 a JavaScript number has lost its integer precision, so it prints as the float it is. */
function pyInt(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : pyFloat(value);
}

/** Python's `repr(float)`: shortest round-trip digits, exponent outside 1e-4..1e16, always a `.0` or exponent. */
function pyFloat(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const [mantissa = "0", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  const text = String(value);
  return text.includes(".") ? text : `${text}.0`;
}

const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's `repr(str)`. */
function pyStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === quote || char === "\\") out += `\\${char}`;
    else if (char === "\t") out += "\\t";
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code < 0x7f || char === " " || !NOT_PRINTABLE.test(char)) out += char;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += `\\U${code.toString(16).padStart(8, "0")}`;
  }
  return out + quote;
}

/** Python's `repr()` of a runtime value (what `str()` of a list or dict shows for its items). */
function pyRepr(value: Value): string {
  if (value instanceof StringValue) return pyStringRepr(value.value);
  if (value instanceof BooleanValue) return value.value ? "True" : "False";
  if (value instanceof IntegerValue) return Object.is(value.value, -0) ? "-0.0" : pyInt(value.value);
  if (value instanceof FloatValue) return pyFloat(value.value);
  if (value instanceof NullValue) return "None";
  if (value instanceof UndefinedValue) return "Undefined";
  if (value instanceof TupleValue) {
    const items = value.value.map(pyRepr);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
  }
  if (value instanceof ArrayValue) return `[${value.value.map(pyRepr).join(", ")}]`;
  if (value instanceof ObjectValue) return pyDictRepr(value.value);
  if (value instanceof NamespaceValue) return `<Namespace ${pyDictRepr(value.value)}>`;
  return "<function>";
}

function pyDictRepr(entries: Map<string, Value>): string {
  const parts: string[] = [];
  for (const [key, item] of entries) parts.push(`${pyStringRepr(key)}: ${pyRepr(item)}`);
  return `{${parts.join(", ")}}`;
}

/** Python's `str()`, which is what `{{ x }}` and `~` print; undefined values fail unless lenient. */
function pyStr(value: Value, node: Statement | undefined): string {
  if (value instanceof StringValue) return value.value;
  if (value instanceof UndefinedValue) {
    if (value instanceof LenientUndefined) return "";
    failUndefined(value, node);
  }
  return pyRepr(value);
}

function pyTruthy(value: Value): boolean {
  if (value instanceof BooleanValue) return value.value;
  if (value instanceof StringValue) return value.value.length > 0;
  return value.__bool__().value; // undefined values throw here
}

/** Python's `==` (no JavaScript coercion: `1 == "1"` is false, `true == 1` is true, lists compare by items). */
function pyEquals(a: Value, b: Value, nodeA: Statement | undefined, nodeB: Statement | undefined): boolean {
  if (a instanceof UndefinedValue || b instanceof UndefinedValue) {
    requireDefinedOrLenient(a, nodeA);
    requireDefinedOrLenient(b, nodeB);
    return a instanceof UndefinedValue && b instanceof UndefinedValue;
  }
  if (isNumeric(a) && isNumeric(b)) return numberOf(a) === numberOf(b);
  if (a instanceof StringValue && b instanceof StringValue) return a.value === b.value;
  if (a instanceof NullValue || b instanceof NullValue)
    return a instanceof NullValue && b instanceof NullValue;
  if (a instanceof ArrayValue && b instanceof ArrayValue) {
    if (a instanceof TupleValue !== b instanceof TupleValue || a.value.length !== b.value.length)
      return false;
    return a.value.every((item, i) => pyEquals(item, b.value[i] ?? NONE, nodeA, nodeB));
  }
  if (a instanceof ObjectValue && b instanceof ObjectValue) {
    if (a.value.size !== b.value.size) return false;
    for (const [key, item] of a.value) {
      const other = b.value.get(key);
      if (other === undefined || !pyEquals(item, other, nodeA, nodeB)) return false;
    }
    return true;
  }
  return a === b;
}

function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // A surrogate (an astral code point) sorts after every BMP code point, as in Python.
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

/** Python's ordering for `<`, `>`, `<=`, `>=` (numbers, strings, lists and tuples of those). */
function pyCompare(a: Value, b: Value, operator: string): number {
  if (isNumeric(a) && isNumeric(b)) {
    const x = numberOf(a);
    const y = numberOf(b);
    return x < y ? -1 : x > y ? 1 : x === y ? 0 : Number.NaN;
  }
  if (a instanceof StringValue && b instanceof StringValue) return compareCodePoints(a.value, b.value);
  if (
    a instanceof ArrayValue &&
    b instanceof ArrayValue &&
    a instanceof TupleValue === b instanceof TupleValue
  ) {
    const length = Math.min(a.value.length, b.value.length);
    for (let i = 0; i < length; i++) {
      const x = a.value[i] ?? NONE;
      const y = b.value[i] ?? NONE;
      if (!pyEquals(x, y, undefined, undefined)) return pyCompare(x, y, operator);
    }
    return a.value.length - b.value.length;
  }
  throw new JinjaTypeError(
    `'${operator}' not supported between instances of '${pyType(a)}' and '${pyType(b)}'`,
  );
}

const JSON_SAFE = /[^\x20\x21\x23-\x25\x28-\x3b\x3d\x3f-\x5b\x5d-\x7e]/g;
const JSON_SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

/** `json.dumps(str)` with `ensure_ascii`, then Jinja2's HTML-safe escapes of `<`, `>`, `&` and `'`. */
function jsonString(text: string): string {
  return `"${text.replace(
    JSON_SAFE,
    (char) => JSON_SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  )}"`;
}

function jsonNumber(value: NumberValue, isFloat: boolean): string {
  const n = value.value;
  if (Object.is(n, -0)) return "-0.0"; // JavaScript data has no int/float distinction; -0 is a float
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
  return isFloat ? pyFloat(n) : pyInt(n);
}

/** Jinja2's `tojson`: `json.dumps(value, sort_keys=True, indent=indent)` made HTML-safe. */
function toJson(value: Value, indent: string | null, depth: number, node: Statement | undefined): string {
  if (value instanceof StringValue) return jsonString(value.value);
  if (value instanceof BooleanValue) return value.value ? "true" : "false";
  if (value instanceof IntegerValue) return jsonNumber(value, false);
  if (value instanceof FloatValue) return jsonNumber(value, true);
  if (value instanceof NullValue) return "null";
  if (value instanceof ArrayValue) {
    return jsonContainer(
      "[",
      value.value.map((item) => toJson(item, indent, depth + 1, node)),
      "]",
      indent,
      depth,
    );
  }
  if (value instanceof ObjectValue) {
    const keys = [...value.value.keys()].sort(compareCodePoints);
    const items = keys.map(
      (key) => `${jsonString(key)}: ${toJson(value.value.get(key) ?? NONE, indent, depth + 1, node)}`,
    );
    return jsonContainer("{", items, "}", indent, depth);
  }
  if (value instanceof UndefinedValue) requireDefinedOrLenient(value, node);
  throw new JinjaTypeError(`Object of type ${pyType(value)} is not JSON serializable`);
}

function jsonContainer(open: string, items: string[], close: string, indent: string | null, depth: number) {
  if (items.length === 0) return open + close;
  if (indent === null) return `${open}${items.join(", ")}${close}`;
  const inner = `\n${indent.repeat(depth + 1)}`;
  return `${open}${inner}${items.join(`,${inner}`)}\n${indent.repeat(depth)}${close}`;
}

// ---------------------------------------------------------------------------
// Strings by code point (Python indexes, slices and measures code points, JavaScript UTF-16 units).

const SURROGATE = /[\ud800-\udfff]/;

function codePointLength(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** The UTF-16 offset of the code point at `index` (counting from the start), or `text.length`. */
function codeUnitOffset(text: string, index: number): number {
  let offset = 0;
  for (let n = 0; n < index && offset < text.length; n++) {
    const unit = text.charCodeAt(offset);
    const next = text.charCodeAt(offset + 1);
    offset += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return offset;
}

function codePointAt(text: string, index: number): string | undefined {
  if (index >= 0) {
    const offset = codeUnitOffset(text, index);
    const code = text.codePointAt(offset);
    return code === undefined ? undefined : String.fromCodePoint(code);
  }
  const chars = SURROGATE.test(text) ? Array.from(text) : text;
  return chars[chars.length + index];
}

/** `text[start:stop:step]` by code point. */
function sliceString(text: string, start: number | null, stop: number | null, step: number): string {
  if (step === 1 && (start ?? 0) >= 0 && (stop ?? 0) >= 0) {
    const from = codeUnitOffset(text, start ?? 0);
    const to = stop === null ? text.length : codeUnitOffset(text, stop);
    return to > from ? text.slice(from, to) : "";
  }
  const chars = Array.from(text);
  return sliceIndices(chars.length, start, stop, step)
    .map((i) => chars[i] ?? "")
    .join("");
}

/** Python's `slice.indices(length)`. */
function sliceIndices(length: number, start: number | null, stop: number | null, step: number): number[] {
  const clamp = (bound: number | null, fallback: number, low: number, high: number) => {
    if (bound === null) return fallback;
    const i = bound < 0 ? bound + length : bound;
    return Math.min(Math.max(i, low), high);
  };
  const indices: number[] = [];
  if (step > 0) {
    const from = clamp(start, 0, 0, length);
    const to = clamp(stop, length, 0, length);
    for (let i = from; i < to; i += step) indices.push(i);
  } else {
    const from = clamp(start, length - 1, -1, length - 1);
    const to = clamp(stop, -1, -1, length - 1);
    for (let i = from; i > to; i += step) indices.push(i);
  }
  return indices;
}

// ---------------------------------------------------------------------------
// Attribute and item lookup, the way Jinja2's `getattr` and `getitem` do it.

function unsupportedMethod(owner: string, name: string): FunctionValue {
  return new FunctionValue(() => {
    throw new JinjaTypeError(`${owner}.${name}() is not supported by this Jinja engine`);
  });
}

const DICT_METHODS = new Set([
  "clear",
  "copy",
  "fromkeys",
  "get",
  "items",
  "keys",
  "pop",
  "popitem",
  "setdefault",
  "update",
  "values",
]);
const LIST_METHODS = new Set([
  "append",
  "clear",
  "copy",
  "count",
  "extend",
  "index",
  "insert",
  "pop",
  "remove",
  "reverse",
  "sort",
]);
const CASED = /[\p{Lu}\p{Ll}\p{Lt}]/u;

/** Python's `str.capitalize()`: the first character upper-cased, the rest lower-cased. */
function pyCapitalize(text: string): string {
  const [first = "", ...rest] = Array.from(text);
  return first.toUpperCase() + rest.join("").toLowerCase();
}

/** Python's `str.title()`: a cased character after an uncased one starts a word (so "they'Re", "1St"). */
function pyTitle(text: string): string {
  let out = "";
  let previousCased = false;
  for (const char of text) {
    const cased = CASED.test(char);
    out += cased ? (previousCased ? char.toLowerCase() : char.toUpperCase()) : char;
    previousCased = cased;
  }
  return out;
}

/** Jinja2's `title` filter (not `str.title()`): words split at whitespace, dashes and opening brackets. */
function jinjaTitle(text: string): string {
  return text
    .split(/([-\s({[<]+)/u)
    .map((part) => {
      const [first = "", ...rest] = Array.from(part);
      return first.toUpperCase() + rest.join("").toLowerCase();
    })
    .join("");
}

/** `str` methods implemented here because the library's differ from Python's. */
const STR_METHODS: ReadonlyMap<string, (text: string) => string> = new Map([
  ["capitalize", pyCapitalize],
  ["title", pyTitle],
]);

/** The other `str` methods the library implements (its `length` is not one: Python strings have none). */
const LIBRARY_STR_METHODS = new Set([
  "upper",
  "lower",
  "strip",
  "rstrip",
  "lstrip",
  "startswith",
  "endswith",
  "split",
  "replace",
]);
const OTHER_STR_METHODS = new Set(
  (
    "casefold center count encode expandtabs find format format_map index isalnum isalpha isascii isdecimal " +
    "isdigit isidentifier islower isnumeric isprintable isspace istitle isupper join ljust maketrans partition " +
    "removeprefix removesuffix rfind rindex rjust rpartition rsplit splitlines swapcase translate zfill"
  ).split(" "),
);

function itemPairs(entries: Map<string, Value>): ArrayValue {
  return new ArrayValue([...entries].map(([key, item]) => new TupleValue([new StringValue(key), item])));
}

function dictMethod(dict: MapValue, name: string): FunctionValue {
  switch (name) {
    case "get":
      return new FunctionValue((args) => {
        const [[key, fallback]] = splitArguments(args);
        const found = key instanceof StringValue ? dict.value.get(key.value) : undefined;
        return found ?? fallback ?? NONE;
      });
    case "items":
      return new FunctionValue(() => itemPairs(dict.value));
    case "keys":
      return new FunctionValue(
        () => new ArrayValue([...dict.value.keys()].map((key) => new StringValue(key))),
      );
    case "values":
      return new FunctionValue(() => new ArrayValue([...dict.value.values()]));
    default:
      return unsupportedMethod("dict", name);
  }
}

function listMethod(list: ArrayValue, name: string): FunctionValue {
  switch (name) {
    case "append":
      return new FunctionValue((args) => {
        const [positional, keywords] = splitArguments(args);
        const [item] = positional;
        if (positional.length !== 1 || item === undefined || keywords.size > 0) {
          throw new JinjaTypeError(`list.append() takes exactly one argument (${args.length} given)`);
        }
        list.value.push(item);
        return NONE;
      });
    case "extend":
      return new FunctionValue((args) => {
        const [[items]] = splitArguments(args);
        if (items === undefined)
          throw new JinjaTypeError("list.extend() takes exactly one argument (0 given)");
        list.value.push(...iterate(items, undefined).value);
        return NONE;
      });
    default:
      return unsupportedMethod("list", name);
  }
}

/** `getattr(obj, name)`, or `undefined` when the object has no such attribute. */
function getAttribute(object: Value, name: string): Value | undefined {
  if (object instanceof ObjectValue) return DICT_METHODS.has(name) ? dictMethod(object, name) : undefined;
  if (object instanceof NamespaceValue) return object.value.get(name);
  if (object instanceof ArrayValue) {
    return LIST_METHODS.has(name) && !(object instanceof TupleValue) ? listMethod(object, name) : undefined;
  }
  if (object instanceof StringValue) {
    const own = STR_METHODS.get(name);
    if (own !== undefined) return new FunctionValue(() => new StringValue(own(object.value)));
    if (LIBRARY_STR_METHODS.has(name)) return object.builtins.get(name);
    return OTHER_STR_METHODS.has(name) ? unsupportedMethod("str", name) : undefined;
  }
  return undefined;
}

/** `obj[key]`, or `undefined` when that lookup fails (Jinja2 then tries `getattr`). */
function getItem(object: Value, key: Value): Value | undefined {
  if (object instanceof ObjectValue)
    return key instanceof StringValue ? object.value.get(key.value) : undefined;
  if (key instanceof IntegerValue || key instanceof BooleanValue) {
    const index = numberOf(key);
    if (object instanceof ArrayValue) return object.value.at(index);
    if (object instanceof StringValue) {
      const char = codePointAt(object.value, index);
      return char === undefined ? undefined : new StringValue(char);
    }
  }
  return undefined;
}

/** Python's `iter()` for a `for` loop: strings yield characters, dicts keys, `None` is an error. */
function iterate(value: Value, node: Statement | undefined): ArrayValue {
  if (value instanceof ArrayValue) return value;
  if (value instanceof ObjectValue)
    return new ArrayValue([...value.value.keys()].map((k) => new StringValue(k)));
  if (value instanceof StringValue) return new ArrayValue(Array.from(value.value, (c) => new StringValue(c)));
  if (value instanceof UndefinedValue) {
    requireDefinedOrLenient(value, node);
    return new ArrayValue([]);
  }
  throw new JinjaTypeError(`'${pyType(value)}' object is not iterable`);
}

// ---------------------------------------------------------------------------
// Filters and tests that need Jinja2's exact behaviour (the others are the library's).

/** Jinja2's built-in filters and tests: any other name is a compile-time error outside `if`. */
const JINJA2_FILTERS = new Set(
  (
    "abs attr batch capitalize center count d default dictsort e escape filesizeformat first float " +
    "forceescape format groupby indent int items join last length list lower map max min pprint random " +
    "reject rejectattr replace reverse round safe select selectattr slice sort string striptags sum title " +
    "tojson trim truncate unique upper urlencode urlize wordcount wordwrap xmlattr"
  ).split(" "),
);
const JINJA2_TESTS = new Set(
  (
    "!= < <= == > >= boolean callable defined divisibleby eq equalto escaped even false filter float ge " +
    "greaterthan gt in integer iterable le lessthan lower lt mapping ne none number odd sameas sequence " +
    "string test true undefined upper"
  ).split(" "),
);
/** The filters the library lacks altogether; using one is a render error that says so. */
const UNSUPPORTED_FILTERS = new Set(
  (
    "attr batch center e escape filesizeformat forceescape format groupby max min pprint random reject " +
    "round select slice striptags sum truncate urlencode urlize wordcount wordwrap xmlattr"
  ).split(" "),
);

type FilterArguments = { positional: Value[]; keywords: Map<string, Value> };

function argument(args: FilterArguments, index: number, name: string): Value | undefined {
  return args.positional[index] ?? args.keywords.get(name);
}

/**
 * A filter implemented here. It receives the operand even when it is undefined, the operand's node (to
 * name an undefined operand) and the whole filter expression (to name an undefined result).
 */
type OwnFilter = (operand: Value, args: FilterArguments, node: Statement, expression: Statement) => Value;

const OWN_FILTERS: ReadonlyMap<string, OwnFilter> = new Map<string, OwnFilter>([
  ["default", defaultFilter],
  ["d", defaultFilter],
  [
    "tojson",
    (operand, args, node) => {
      const indent = argument(args, 0, "indent") ?? NONE;
      let pad: string | null = null;
      if (indent instanceof IntegerValue) pad = " ".repeat(Math.max(0, indent.value));
      else if (indent instanceof StringValue) pad = indent.value;
      else if (!(indent instanceof NullValue))
        throw new JinjaTypeError("tojson: indent must be an int or a str");
      return new StringValue(toJson(operand, pad, 0, node));
    },
  ],
  ["length", lengthFilter],
  ["count", lengthFilter],
  [
    "first",
    (operand, _args, node, expression) =>
      iterate(strictOperand(operand, node), node).value[0] ??
      new StrictUndefined(expressionText(expression), expression), // "No first item, sequence was empty."
  ],
  [
    "last",
    (operand, _args, node, expression) =>
      iterate(strictOperand(operand, node), node).value.at(-1) ??
      new StrictUndefined(expressionText(expression), expression),
  ],
  [
    "join",
    (operand, args, node) => {
      if (argument(args, 1, "attribute") !== undefined) {
        throw new JinjaTypeError("join(attribute=...) is not supported by this Jinja engine");
      }
      const separator = argument(args, 0, "d") ?? EMPTY_STRING;
      const items = iterate(strictOperand(operand, node), node).value;
      return new StringValue(items.map((item) => pyStr(item, node)).join(pyStr(separator, node)));
    },
  ],
  ["string", (operand, _args, node) => new StringValue(pyStr(operand, node))],
  ["capitalize", (operand, _args, node) => new StringValue(pyCapitalize(pyStr(operand, node)))],
  ["title", (operand, _args, node) => new StringValue(jinjaTitle(pyStr(operand, node)))],
  ["list", (operand, _args, node) => new ArrayValue([...iterate(strictOperand(operand, node), node).value])],
  [
    "items",
    (operand) => {
      if (operand instanceof UndefinedValue) return new ArrayValue([]);
      if (operand instanceof ObjectValue) return itemPairs(operand.value);
      throw new JinjaTypeError("Can only get item pairs from a mapping.");
    },
  ],
]);

function strictOperand(operand: Value, node: Statement): Value {
  requireDefinedOrLenient(operand, node);
  return operand;
}

function defaultFilter(operand: Value, args: FilterArguments): Value {
  const fallback = argument(args, 0, "default_value") ?? EMPTY_STRING;
  const boolean = argument(args, 1, "boolean") ?? FALSE;
  if (operand instanceof UndefinedValue || (pyTruthy(boolean) && !pyTruthy(operand))) return fallback;
  return operand;
}

function lengthFilter(operand: Value, _args: FilterArguments, node: Statement): Value {
  if (operand instanceof StringValue) return new IntegerValue(codePointLength(operand.value));
  if (operand instanceof ArrayValue) return new IntegerValue(operand.value.length);
  if (operand instanceof ObjectValue) return new IntegerValue(operand.value.size);
  if (operand instanceof UndefinedValue) {
    requireDefinedOrLenient(operand, node);
    return new IntegerValue(0);
  }
  throw new JinjaTypeError(`object of type '${pyType(operand)}' has no len()`);
}

/** Tests that Jinja2 answers for an undefined value without raising (`is none` is an identity check...). */
const TESTS: ReadonlyMap<string, (value: Value) => boolean> = new Map<string, (value: Value) => boolean>([
  ["defined", (v) => !(v instanceof UndefinedValue)],
  ["undefined", (v) => v instanceof UndefinedValue],
  ["none", (v) => v instanceof NullValue],
  ["boolean", (v) => v instanceof BooleanValue],
  ["true", (v) => v instanceof BooleanValue && v.value],
  ["false", (v) => v instanceof BooleanValue && !v.value],
  ["integer", (v) => v instanceof IntegerValue],
  ["float", (v) => v instanceof FloatValue],
  ["number", (v) => isNumeric(v)],
  ["string", (v) => v instanceof StringValue],
  ["mapping", (v) => v instanceof ObjectValue],
  ["callable", (v) => v instanceof FunctionValue || v instanceof UndefinedValue],
  ["escaped", () => false],
  [
    "sequence",
    (v) =>
      v instanceof StringValue ||
      v instanceof ArrayValue ||
      v instanceof ObjectValue ||
      v instanceof LenientUndefined,
  ],
]);
/** Tests that fail on an undefined value, as Jinja2's do. */
const STRICT_TESTS: ReadonlyMap<string, (value: Value) => boolean> = new Map<
  string,
  (value: Value) => boolean
>([
  [
    "iterable",
    (v) =>
      v instanceof StringValue ||
      v instanceof ArrayValue ||
      v instanceof ObjectValue ||
      v instanceof UndefinedValue,
  ],
  ["odd", (v) => pyModulo2(v) === 1],
  ["even", (v) => pyModulo2(v) === 0],
  ["lower", (v) => isCased(pyStr(v, undefined), /\p{Ll}/u, /[\p{Lu}\p{Lt}]/u)],
  ["upper", (v) => isCased(pyStr(v, undefined), /[\p{Lu}\p{Lt}]/u, /\p{Ll}/u)],
]);

function pyModulo2(value: Value): number {
  if (!isNumeric(value))
    throw new JinjaTypeError(`unsupported operand type(s) for %: '${pyType(value)}' and 'int'`);
  const n = numberOf(value);
  return n - 2 * Math.floor(n / 2);
}

/** Python's `str.islower()`/`isupper()`: some cased characters, none of the other case. */
function isCased(text: string, wanted: RegExp, unwanted: RegExp): boolean {
  return wanted.test(text) && !unwanted.test(text);
}

// ---------------------------------------------------------------------------
// Arithmetic with Python's rules.

function makeNumber(value: number, isFloat: boolean): NumberValue {
  // Python ints have no negative zero; an IntegerValue of -0 can then only be a float from the data.
  return isFloat ? new FloatValue(value) : new IntegerValue(value === 0 ? 0 : value);
}

function repeat(sequence: Value, times: Value): Value | undefined {
  if (!(times instanceof IntegerValue || times instanceof BooleanValue)) return undefined;
  const count = Math.max(0, numberOf(times));
  if (sequence instanceof StringValue) return new StringValue(sequence.value.repeat(count));
  if (sequence instanceof ArrayValue) {
    const items: Value[] = [];
    for (let i = 0; i < count; i++) items.push(...sequence.value);
    return sequence instanceof TupleValue ? new TupleValue(items) : new ArrayValue(items);
  }
  return undefined;
}

function arithmetic(operator: string, a: Value, b: Value): Value {
  if (isNumeric(a) && isNumeric(b)) {
    const x = numberOf(a);
    const y = numberOf(b);
    const isFloat = a instanceof FloatValue || b instanceof FloatValue;
    switch (operator) {
      case "+":
        return makeNumber(x + y, isFloat);
      case "-":
        return makeNumber(x - y, isFloat);
      case "*":
        return makeNumber(x * y, isFloat);
      case "/":
        if (y === 0) throw new JinjaTypeError("division by zero");
        return new FloatValue(x / y);
      case "//":
        if (y === 0) throw new JinjaTypeError("integer division or modulo by zero");
        return makeNumber(Math.floor(x / y), isFloat);
      case "%": {
        if (y === 0) throw new JinjaTypeError("integer modulo by zero");
        const remainder = x % y;
        return makeNumber(remainder !== 0 && remainder < 0 !== y < 0 ? remainder + y : remainder, isFloat);
      }
      case "**": {
        if (x === 0 && y < 0) throw new JinjaTypeError("0.0 cannot be raised to a negative power");
        const result = x ** y;
        if (Number.isNaN(result))
          throw new JinjaTypeError("a negative number cannot be raised to a fractional power");
        return makeNumber(result, isFloat || y < 0);
      }
    }
  }
  if (operator === "+") {
    if (a instanceof StringValue && b instanceof StringValue) return new StringValue(a.value + b.value);
    if (
      a instanceof ArrayValue &&
      b instanceof ArrayValue &&
      a instanceof TupleValue === b instanceof TupleValue
    ) {
      const items = [...a.value, ...b.value];
      return a instanceof TupleValue ? new TupleValue(items) : new ArrayValue(items);
    }
    if (a instanceof StringValue) {
      throw new JinjaTypeError(`can only concatenate str (not "${pyType(b)}") to str`);
    }
  }
  if (operator === "*") {
    const repeated = repeat(a, b) ?? repeat(b, a);
    if (repeated !== undefined) return repeated;
  }
  if (operator === "%" && a instanceof StringValue) {
    throw new JinjaTypeError("printf-style formatting ('...' % value) is not supported by this Jinja engine");
  }
  throw new JinjaTypeError(`unsupported operand type(s) for ${operator}: '${pyType(a)}' and '${pyType(b)}'`);
}

// ---------------------------------------------------------------------------
// The interpreter.

/** The globals Jinja2 provides that the library does not (`namespace` comes with every library `Environment`). */
const GLOBALS = new Environment();
GLOBALS.setVariable(
  "range",
  new FunctionValue((args) => {
    const [positional] = splitArguments(args);
    const numbers = positional.map((value) => {
      if (!(value instanceof IntegerValue || value instanceof BooleanValue)) {
        throw new JinjaTypeError(`'${pyType(value)}' object cannot be interpreted as an integer`);
      }
      return numberOf(value);
    });
    const [start, stop, step = 1] = numbers.length === 1 ? [0, numbers[0] ?? 0] : numbers;
    if (start === undefined || stop === undefined || numbers.length > 3) {
      throw new JinjaTypeError(`range expected 1 to 3 arguments, got ${numbers.length}`);
    }
    if (step === 0) throw new JinjaTypeError("range() arg 3 must not be zero");
    const length = Math.max(0, Math.ceil((stop - start) / step));
    // Jinja2's sandbox limit; data-driven ranges must not exhaust memory.
    if (length > 100_000) throw new JinjaTypeError(`range too big (${length} items, at most 100000)`);
    return new ArrayValue(Array.from({ length }, (_, i) => new IntegerValue(start + i * step)));
  }),
);
GLOBALS.setVariable(
  "dict",
  new FunctionValue((args) => {
    const [[source], keywords] = splitArguments(args);
    const entries = new Map<string, Value>(source instanceof ObjectValue ? source.value : []);
    for (const [key, item] of keywords) entries.set(key, item);
    return new ObjectValue(entries);
  }),
);

const CONSTANTS: ReadonlyMap<string, Value> = new Map<string, Value>([
  ["true", TRUE],
  ["True", TRUE],
  ["false", FALSE],
  ["False", FALSE],
  ["none", NONE],
  ["None", NONE],
]);

/** What a frame holds for a name it knows but has not assigned yet: undefined, without looking further out. */
const MISSING = new StrictUndefined("", undefined);

/** A new frame (a `for` iteration, a `{% set %}` block, the template) whose `missing` names start as missing. */
function frame(parent: Environment, missing: readonly string[]): Environment {
  const environment = new Environment(parent);
  for (const name of missing) environment.variables.set(name, MISSING);
  return environment;
}

function lookup(environment: Environment, name: string): Value | undefined {
  for (let env: Environment | undefined = environment; env !== undefined; env = env.parent) {
    const found = env.variables.get(name);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Literal values are immutable, so each literal node makes its value once (text between tags is a literal too). */
const LITERALS = new WeakMap<Statement, Value>();

function literal(statement: Statement, node: LiteralNode): Value {
  let value = LITERALS.get(statement);
  if (value === undefined) {
    value =
      node.type === "StringLiteral"
        ? new StringValue(String(node.value))
        : node.type === "IntegerLiteral"
          ? new IntegerValue(Number(node.value))
          : new FloatValue(Number(node.value));
    LITERALS.set(statement, value);
  }
  return value;
}

/** The library's interpreter with Jinja2's semantics where they differ (see the file's doc comment). */
class StudioInterpreter extends Interpreter {
  override evaluate(statement: Statement | undefined, environment: Environment): Value {
    if (statement === undefined) return super.evaluate(statement, environment);
    const node = view(statement);
    switch (node.type) {
      case OUTPUT: {
        const value = this.evaluate(node.expr, environment);
        return value instanceof StringValue ? value : new StringValue(pyStr(value, node.expr));
      }
      case "StringLiteral":
      case "IntegerLiteral":
      case "FloatLiteral":
        return literal(statement, node);
      case STRICT: {
        const value = this.evaluate(node.expr, environment);
        if (value instanceof UndefinedValue) failUndefined(value, node.expr);
        return value;
      }
      case ITERATE:
        return iterate(this.evaluate(node.expr, environment), node.expr);
      case ITERATE_PAIRS:
        return new ArrayValue(
          iterate(this.evaluate(node.expr, environment), node.expr).value.map((item) =>
            item instanceof ArrayValue || item instanceof StringValue
              ? new ArrayValue(iterate(item, node.expr).value)
              : item,
          ),
        );
      case SCOPE:
        return super.evaluate(node.block, frame(environment, node.missing));
      case "Identifier": {
        const value = CONSTANTS.get(node.value) ?? lookup(environment, node.value);
        return value === undefined || value === MISSING
          ? new StrictUndefined(node.value, statement)
          : strictIfUndefined(value, statement);
      }
      case "MemberExpression":
        return this.member(node, statement, environment);
      case "BinaryExpression":
        return this.binary(node, statement, environment);
      case "UnaryExpression":
        return this.unary(node, environment);
      case "FilterExpression":
        return this.filter(node, statement, environment);
      case "TestExpression":
        return this.test(node, environment);
      case "SelectExpression":
        return pyTruthy(this.evaluate(node.test, environment))
          ? this.evaluate(node.lhs, environment)
          : new LenientUndefined(expressionText(statement), statement);
      default:
        return super.evaluate(statement, environment);
    }
  }

  private member(node: MemberNode, statement: Statement, environment: Environment): Value {
    const object = this.evaluate(node.object, environment);
    if (object instanceof UndefinedValue) failUndefined(object, node.object);
    const property = view(node.property);
    let found: Value | undefined;
    if (property.type === "SliceExpression") {
      found = this.slice(object, property, environment);
    } else if (node.computed) {
      const key = this.evaluate(node.property, environment);
      if (key instanceof UndefinedValue) failUndefined(key, node.property);
      found =
        getItem(object, key) ?? (key instanceof StringValue ? getAttribute(object, key.value) : undefined);
    } else if (property.type === "IntegerLiteral") {
      found = getItem(object, new IntegerValue(Number(property.value)));
    } else if (property.type === "Identifier") {
      found =
        getAttribute(object, property.value) ??
        (object instanceof ObjectValue ? object.value.get(property.value) : undefined);
    }
    return found === undefined
      ? new StrictUndefined(expressionText(statement), statement)
      : strictIfUndefined(found, statement);
  }

  private slice(object: Value, node: SliceNode, environment: Environment): Value | undefined {
    const bound = (expr: Statement | undefined): number | null => {
      if (expr === undefined) return null;
      const value = this.evaluate(expr, environment);
      if (value instanceof NullValue) return null;
      if (value instanceof IntegerValue || value instanceof BooleanValue) return numberOf(value);
      if (value instanceof UndefinedValue) failUndefined(value, expr);
      throw new JinjaTypeError("slice indices must be integers or None");
    };
    const start = bound(node.start);
    const stop = bound(node.stop);
    const step = bound(node.step) ?? 1;
    if (step === 0) throw new JinjaTypeError("slice step cannot be zero");
    if (object instanceof ArrayValue) {
      const items = sliceIndices(object.value.length, start, stop, step).map((i) => object.value[i] ?? NONE);
      return object instanceof TupleValue ? new TupleValue(items) : new ArrayValue(items);
    }
    if (object instanceof StringValue) return new StringValue(sliceString(object.value, start, stop, step));
    return undefined;
  }

  private binary(node: BinaryNode, statement: Statement, environment: Environment): Value {
    const operator = node.operator.value;
    if (operator === "and" || operator === "or") return super.evaluate(statement, environment);
    const left = this.evaluate(node.left, environment);
    const right = this.evaluate(node.right, environment);
    switch (operator) {
      case "==":
        return bool(pyEquals(left, right, node.left, node.right));
      case "!=":
        return bool(!pyEquals(left, right, node.left, node.right));
      case "in":
        return bool(this.contains(right, left, node));
      case "not in":
        return bool(!this.contains(right, left, node));
      case "~":
        return new StringValue(pyStr(left, node.left) + pyStr(right, node.right));
    }
    if (left instanceof UndefinedValue) failUndefined(left, node.left);
    if (right instanceof UndefinedValue) failUndefined(right, node.right);
    switch (operator) {
      case "<":
        return bool(pyCompare(left, right, operator) < 0);
      case ">":
        return bool(pyCompare(left, right, operator) > 0);
      case "<=":
        return bool(pyCompare(left, right, operator) <= 0);
      case ">=":
        return bool(pyCompare(left, right, operator) >= 0);
      default:
        return arithmetic(operator, left, right);
    }
  }

  private contains(container: Value, item: Value, node: BinaryNode): boolean {
    if (container instanceof UndefinedValue) {
      requireDefinedOrLenient(container, node.right);
      return false;
    }
    if (container instanceof ArrayValue)
      return container.value.some((x) => pyEquals(item, x, node.left, node.right));
    if (container instanceof StringValue) {
      if (item instanceof StringValue) return container.value.includes(item.value);
      requireDefinedOrLenient(item, node.left);
      throw new JinjaTypeError(`'in <string>' requires string as left operand, not ${pyType(item)}`);
    }
    if (container instanceof ObjectValue) {
      if (item instanceof UndefinedValue) failUndefined(item, node.left);
      if ((item instanceof ArrayValue && !(item instanceof TupleValue)) || item instanceof ObjectValue) {
        throw new JinjaTypeError(`unhashable type: '${pyType(item)}'`);
      }
      return item instanceof StringValue && container.value.has(item.value);
    }
    throw new JinjaTypeError(`argument of type '${pyType(container)}' is not iterable`);
  }

  private unary(node: UnaryNode, environment: Environment): Value {
    const value = this.evaluate(node.argument, environment);
    if (node.operator.value === "not") return bool(!pyTruthy(value));
    if (value instanceof UndefinedValue) failUndefined(value, node.argument);
    if (!isNumeric(value)) {
      throw new JinjaTypeError(`bad operand type for unary ${node.operator.value}: '${pyType(value)}'`);
    }
    const n = numberOf(value);
    return makeNumber(node.operator.value === "-" ? -n : n, value instanceof FloatValue);
  }

  private filter(node: FilterNode, statement: Statement, environment: Environment): Value {
    const filter = view(node.filter);
    const name =
      filter.type === "Identifier"
        ? filter.value
        : filter.type === "CallExpression"
          ? calleeName(filter)
          : "";
    const own = OWN_FILTERS.get(name);
    if (own === undefined) {
      if (UNSUPPORTED_FILTERS.has(name)) {
        throw new JinjaTypeError(`the filter '${name}' is not supported by this Jinja engine`);
      }
      if (!JINJA2_FILTERS.has(name)) throw new JinjaTypeError(`No filter named '${name}' found.`);
      return super.evaluate(statement, environment); // the operand is wrapped in a STRICT guard
    }
    const operand = this.evaluate(node.operand, environment);
    const args: FilterArguments = { positional: [], keywords: new Map() };
    if (filter.type === "CallExpression") {
      for (const arg of filter.args) {
        const argNode = view(arg);
        if (argNode.type === "KeywordArgumentExpression") {
          args.keywords.set(argNode.key.value, this.evaluate(argNode.value, environment));
        } else if (argNode.type === "SpreadExpression" || argNode.type === "KeywordSpreadExpression") {
          throw new JinjaTypeError(
            `argument unpacking in filter '${name}' is not supported by this Jinja engine`,
          );
        } else {
          args.positional.push(this.evaluate(arg, environment));
        }
      }
    }
    return own(operand, args, node.operand, statement);
  }

  private test(node: TestNode, environment: Environment): Value {
    const name = node.test.value;
    const operand = this.evaluate(node.operand, environment);
    let result: boolean;
    const lenientTest = TESTS.get(name);
    if (lenientTest !== undefined) {
      result = lenientTest(operand);
    } else {
      const strictTest = STRICT_TESTS.get(name);
      if (strictTest === undefined) {
        throw new JinjaTypeError(
          JINJA2_TESTS.has(name)
            ? `the test '${name}' is not supported by this Jinja engine`
            : `No test named '${name}' found.`,
        );
      }
      if (operand instanceof UndefinedValue) failUndefined(operand, node.operand);
      result = strictTest(operand);
    }
    return bool(node.negate ? !result : result);
  }
}

function calleeName(call: CallNode): string {
  const callee = view(call.callee);
  return callee.type === "Identifier" ? callee.value : "";
}

const INTERPRETER = new StudioInterpreter(GLOBALS);

// ---------------------------------------------------------------------------
// Expression text, for error messages.

function expressionText(statement: Statement): string {
  const node = view(statement);
  const inner = (child: Statement): string => {
    const text = expressionText(child);
    const type = view(child).type;
    return type === "BinaryExpression" ||
      type === "Ternary" ||
      type === "SelectExpression" ||
      type === "TestExpression"
      ? `(${text})`
      : text;
  };
  switch (node.type) {
    case "Identifier":
      return node.value;
    case "StringLiteral":
      return pyStringRepr(String(node.value));
    case "IntegerLiteral":
      return String(node.value);
    case "FloatLiteral":
      return pyFloat(Number(node.value));
    case "ArrayLiteral":
      return `[${node.value.map(expressionText).join(", ")}]`;
    case "TupleLiteral":
      return `(${node.value.map(expressionText).join(", ")})`;
    case "ObjectLiteral":
      return `{${[...node.value].map(([k, v]) => `${expressionText(k)}: ${expressionText(v)}`).join(", ")}}`;
    case "MemberExpression":
      return node.computed
        ? `${inner(node.object)}[${expressionText(node.property)}]`
        : `${inner(node.object)}.${expressionText(node.property)}`;
    case "SliceExpression": {
      const part = (s: Statement | undefined) => (s === undefined ? "" : expressionText(s));
      return `${part(node.start)}:${part(node.stop)}${node.step === undefined ? "" : `:${part(node.step)}`}`;
    }
    case "CallExpression":
      return `${inner(node.callee)}(${node.args.map(expressionText).join(", ")})`;
    case "KeywordArgumentExpression":
      return `${node.key.value}=${expressionText(node.value)}`;
    case "SpreadExpression":
      return `*${expressionText(node.argument)}`;
    case "KeywordSpreadExpression":
      return `**${expressionText(node.argument)}`;
    case "FilterExpression":
      return `${inner(node.operand)} | ${expressionText(node.filter)}`;
    case "TestExpression":
      return `${inner(node.operand)} is ${node.negate ? "not " : ""}${node.test.value}`;
    case "BinaryExpression":
      return `${inner(node.left)} ${node.operator.value} ${inner(node.right)}`;
    case "UnaryExpression":
      return node.operator.value === "not"
        ? `not ${inner(node.argument)}`
        : `${node.operator.value}${inner(node.argument)}`;
    case "Ternary":
      return `${inner(node.trueExpr)} if ${inner(node.condition)} else ${inner(node.falseExpr)}`;
    case "SelectExpression":
      return `${inner(node.lhs)} if ${inner(node.test)}`;
    case OUTPUT:
    case STRICT:
    case ITERATE:
    case ITERATE_PAIRS:
      return expressionText(node.expr);
    default:
      return node.type;
  }
}

// ---------------------------------------------------------------------------
// Positions: the library's tokens carry none, so they are found again in the source.

class SourceMap {
  private lineStarts: number[] | undefined;
  private identifiers: Map<Statement, number> | undefined;
  private offsets: number[] | undefined;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
    private readonly program: Program | undefined,
  ) {}

  position(offset: number): TemplatePosition {
    this.lineStarts ??= lineStarts(this.source);
    let line = 0;
    while (line + 1 < this.lineStarts.length && (this.lineStarts[line + 1] ?? Infinity) <= offset) line++;
    return { line: line + 1, column: offset - (this.lineStarts[line] ?? 0) + 1 };
  }

  tokenPosition(index: number): TemplatePosition {
    this.offsets ??= tokenOffsets(this.source, this.tokens);
    // Past the end (an unclosed block), Jinja2 reports where the last token starts.
    const offset = this.offsets[Math.min(index, this.tokens.length - 1)];
    return offset === undefined ? {} : this.position(offset);
  }

  /** Where an expression starts: its first identifier, matched to the identifier tokens in source order. */
  nodePosition(statement: Statement | undefined): TemplatePosition {
    if (statement === undefined || this.program === undefined) return {};
    this.identifiers ??= matchIdentifiers(this.program, this.tokens);
    const first = firstIdentifier(statement);
    const index = first === undefined ? undefined : this.identifiers.get(first);
    return index === undefined ? {} : this.tokenPosition(index);
  }

  /** The first `{% name %}` tag, for errors about a tag (which has no identifier node). */
  tagPosition(name: string): TemplatePosition {
    const index = this.tokens.findIndex(
      (token, i) =>
        token.type === "Identifier" && token.value === name && this.tokens[i - 1]?.type === "OpenStatement",
    );
    return index < 0 ? {} : this.tokenPosition(index - 1);
  }
}

function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = source.indexOf("\n"); i >= 0; i = source.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** Each token's offset in the source, scanning forward; stops (leaving later tokens unknown) if one is not found. */
function tokenOffsets(source: string, tokens: readonly Token[]): number[] {
  const offsets: number[] = [];
  let cursor = 0;
  for (const token of tokens) {
    let at: number;
    let end: number;
    if (token.type === "StringLiteral") {
      at = cursor;
      while (at < source.length && source[at] !== '"' && source[at] !== "'") at++;
      const quote = source[at];
      end = at + 1;
      while (end < source.length && source[end] !== quote) end += source[end] === "\\" ? 2 : 1;
      end++;
    } else if (token.type === "Comment") {
      at = source.indexOf("{#", cursor);
      end = source.indexOf("#}", at + 2) + 2;
    } else {
      at = source.indexOf(token.value, cursor);
      end = at + token.value.length;
    }
    if (at < 0 || at >= source.length) break;
    offsets.push(at);
    cursor = end;
  }
  return offsets;
}

/** Identifier tokens the parser consumes as keywords, without making an `Identifier` node. */
const KEYWORDS = new Set(["in", "not", "and", "or", "is", "if", "else"]);

function matchIdentifiers(program: Program, tokens: readonly Token[]): Map<Statement, number> {
  const tokenIndexes: number[] = [];
  tokens.forEach((token, i) => {
    if (
      token.type === "Identifier" &&
      !KEYWORDS.has(token.value) &&
      tokens[i - 1]?.type !== "OpenStatement"
    ) {
      tokenIndexes.push(i);
    }
  });
  const nodes: Statement[] = [];
  walkInSourceOrder(program, (statement) => {
    if (view(statement).type === "Identifier") nodes.push(statement);
  });
  const matched = new Map<Statement, number>();
  if (nodes.length !== tokenIndexes.length) return matched; // the walk and the tokens disagree: no positions
  for (let i = 0; i < nodes.length; i++) {
    const statement = nodes[i];
    const index = tokenIndexes[i];
    if (statement === undefined || index === undefined) return new Map();
    const node = view(statement);
    if (node.type !== "Identifier" || tokens[index]?.value !== node.value) return new Map();
    matched.set(statement, index);
  }
  return matched;
}

function firstIdentifier(statement: Statement): Statement | undefined {
  let first: Statement | undefined;
  walkInSourceOrder(statement, (s) => {
    if (first === undefined && view(s).type === "Identifier") first = s;
  });
  return first;
}

/** Visits every node in the order its tokens appear in the source (a ternary's true branch comes first). */
function walkInSourceOrder(
  statement: Statement | null | undefined,
  visit: (statement: Statement) => void,
): void {
  if (statement === null || statement === undefined) return;
  visit(statement);
  const all = (list: readonly Statement[] | null | undefined) =>
    list?.forEach((s) => walkInSourceOrder(s, visit));
  const node = view(statement);
  switch (node.type) {
    case "Program":
      return all(node.body);
    case "If":
      walkInSourceOrder(node.test, visit);
      all(node.body);
      return all(node.alternate);
    case "For":
      walkInSourceOrder(node.loopvar, visit);
      walkInSourceOrder(node.iterable, visit);
      all(node.body);
      return all(node.defaultBlock);
    case "Set":
      walkInSourceOrder(node.assignee, visit);
      walkInSourceOrder(node.value, visit);
      return all(node.body);
    case "Macro":
      walkInSourceOrder(node.name, visit);
      all(node.args);
      return all(node.body);
    case "CallStatement":
      all(node.callerArgs);
      walkInSourceOrder(node.call, visit);
      return all(node.body);
    case "FilterStatement":
      walkInSourceOrder(node.filter, visit);
      return all(node.body);
    case "MemberExpression":
      walkInSourceOrder(node.object, visit);
      return walkInSourceOrder(node.property, visit);
    case "CallExpression":
      walkInSourceOrder(node.callee, visit);
      return all(node.args);
    case "BinaryExpression":
      walkInSourceOrder(node.left, visit);
      return walkInSourceOrder(node.right, visit);
    case "FilterExpression":
      walkInSourceOrder(node.operand, visit);
      return walkInSourceOrder(node.filter, visit);
    case "TestExpression":
      walkInSourceOrder(node.operand, visit);
      return walkInSourceOrder(node.test, visit);
    case "UnaryExpression":
    case "SpreadExpression":
    case "KeywordSpreadExpression":
      return walkInSourceOrder(node.argument, visit);
    case "SliceExpression":
      walkInSourceOrder(node.start, visit);
      walkInSourceOrder(node.stop, visit);
      return walkInSourceOrder(node.step, visit);
    case "SelectExpression":
      walkInSourceOrder(node.lhs, visit);
      return walkInSourceOrder(node.test, visit);
    case "Ternary":
      walkInSourceOrder(node.trueExpr, visit);
      walkInSourceOrder(node.condition, visit);
      return walkInSourceOrder(node.falseExpr, visit);
    case "KeywordArgumentExpression":
      walkInSourceOrder(node.key, visit);
      return walkInSourceOrder(node.value, visit);
    case "ArrayLiteral":
    case "TupleLiteral":
      return all(node.value);
    case "ObjectLiteral":
      for (const [key, value] of node.value) {
        walkInSourceOrder(key, visit);
        walkInSourceOrder(value, visit);
      }
      return;
    case OUTPUT:
    case STRICT:
    case ITERATE:
    case ITERATE_PAIRS:
      return walkInSourceOrder(node.expr, visit);
    case SCOPE:
      return walkInSourceOrder(node.block, visit);
    default:
      return;
  }
}

// ---------------------------------------------------------------------------
// Compiling: parse, check what Jinja2 checks at compile time, instrument.

class CompileError extends Error {
  constructor(
    message: string,
    readonly position: () => TemplatePosition,
  ) {
    super(message);
  }
}

/** Instruments a parsed template in place: guard nodes where the library's semantics differ from Jinja2's. */
class Instrumenter {
  constructor(
    private readonly map: SourceMap,
    private readonly missing: ReadonlyMap<Statement[], readonly string[]>,
  ) {}

  block(body: Statement[], soft: boolean): Statement[] {
    return body.map((statement) => this.statement(statement, soft));
  }

  /** A block that gets its own variables, if it assigns any (a `for` body or a `{% set %}` block). */
  scopedBlock(body: Statement[]): Statement[] {
    const instrumented = this.block(body, false);
    return assignsVariables(body) ? [scope(instrumented, this.missing.get(body) ?? [])] : instrumented;
  }

  statement(statement: Statement, soft: boolean): Statement {
    const node = view(statement);
    switch (node.type) {
      case "If":
        node.test = this.expr(node.test, true);
        node.body = this.block(node.body, true);
        node.alternate = this.block(node.alternate, true);
        return statement;
      case "For": {
        const kind = view(node.loopvar).type === "TupleLiteral" ? ITERATE_PAIRS : ITERATE;
        const iterable = view(node.iterable);
        if (iterable.type === "SelectExpression") {
          iterable.lhs = guard(kind, this.expr(iterable.lhs, soft));
          iterable.test = this.expr(iterable.test, soft);
        } else {
          node.iterable = guard(kind, this.expr(node.iterable, soft));
        }
        node.body = this.scopedBlock(node.body);
        node.defaultBlock = this.block(node.defaultBlock, false);
        return statement;
      }
      case "Set": {
        if (node.value !== null) node.value = this.expr(node.value, soft);
        const assignee = view(node.assignee);
        if (assignee.type === "MemberExpression") assignee.object = this.expr(assignee.object, soft);
        node.body = this.scopedBlock(node.body);
        return statement;
      }
      case "Macro":
        node.args = node.args.map((arg) => this.expr(arg, soft));
        node.body = this.block(node.body, false);
        return statement;
      case "CallStatement":
        node.call.callee = guard(STRICT, this.expr(node.call.callee, soft));
        node.call.args = node.call.args.map((arg) => this.expr(arg, soft));
        node.body = this.block(node.body, false);
        return statement;
      case "FilterStatement":
        this.checkFilter(node.filter, soft);
        node.body = this.block(node.body, false);
        return statement;
      case "Break":
      case "Continue": {
        const tag = node.type.toLowerCase();
        throw new CompileError(
          `Encountered unknown tag '${tag}' (Jinja2 needs the loopcontrols extension for it, which is not enabled)`,
          () => this.map.tagPosition(tag),
        );
      }
      case "Comment":
      case "StringLiteral":
        return statement;
      default:
        return guard(OUTPUT, this.expr(statement, soft));
    }
  }

  expr(statement: Statement, soft: boolean): Statement {
    const node = view(statement);
    const each = (list: Statement[], isSoft = soft) => list.map((s) => this.expr(s, isSoft));
    switch (node.type) {
      case "MemberExpression":
        node.object = this.expr(node.object, soft);
        if (node.computed) node.property = this.expr(node.property, soft);
        return statement;
      case "CallExpression":
        node.callee = guard(STRICT, this.expr(node.callee, soft));
        node.args = each(node.args);
        return statement;
      case "BinaryExpression":
        node.left = this.expr(node.left, soft);
        node.right = this.expr(node.right, soft);
        return statement;
      case "UnaryExpression":
      case "SpreadExpression":
      case "KeywordSpreadExpression":
        node.argument = this.expr(node.argument, soft);
        return statement;
      case "FilterExpression": {
        const name = this.checkFilter(node.filter, soft);
        node.operand = this.expr(node.operand, soft);
        if (!OWN_FILTERS.has(name)) node.operand = guard(STRICT, node.operand);
        return statement;
      }
      case "TestExpression":
        if (!JINJA2_TESTS.has(node.test.value) && !soft) {
          throw new CompileError(`No test named '${node.test.value}'.`, () =>
            this.map.nodePosition(node.test),
          );
        }
        node.operand = this.expr(node.operand, soft);
        return statement;
      case "SliceExpression":
        if (node.start !== undefined) node.start = this.expr(node.start, soft);
        if (node.stop !== undefined) node.stop = this.expr(node.stop, soft);
        if (node.step !== undefined) node.step = this.expr(node.step, soft);
        return statement;
      case "SelectExpression":
        node.lhs = this.expr(node.lhs, true);
        node.test = this.expr(node.test, true);
        return statement;
      case "Ternary":
        node.condition = this.expr(node.condition, true);
        node.trueExpr = this.expr(node.trueExpr, true);
        node.falseExpr = this.expr(node.falseExpr, true);
        return statement;
      case "KeywordArgumentExpression":
        node.value = this.expr(node.value, soft);
        return statement;
      case "ArrayLiteral":
      case "TupleLiteral":
        node.value = each(node.value);
        return statement;
      case "ObjectLiteral":
        node.value = new Map([...node.value].map(([k, v]) => [this.expr(k, soft), this.expr(v, soft)]));
        return statement;
      default:
        return statement;
    }
  }

  /** Returns the filter's name; throws (outside `if`) for a filter Jinja2 does not have. Instruments its arguments. */
  private checkFilter(filter: Statement, soft: boolean): string {
    const node = view(filter);
    const nameNode = node.type === "CallExpression" ? node.callee : filter;
    const nameView = view(nameNode);
    const name = nameView.type === "Identifier" ? nameView.value : "";
    if (node.type === "CallExpression") node.args = node.args.map((arg) => this.expr(arg, soft));
    if (!JINJA2_FILTERS.has(name) && !soft) {
      throw new CompileError(`No filter named '${name}'.`, () => this.map.nodePosition(nameNode));
    }
    return name;
  }
}

/**
 * Jinja2 resolves names at compile time (its `idtracking`): every frame (the
 * template, a `for` body, a `{% set %}` block) has a local for each name it
 * reads or assigns at its own level, `if` branches included. A name whose
 * first use in the frame is an assignment, and that no enclosing frame knows,
 * starts out *missing*: until the assignment runs, reading it, from this
 * frame or from a loop nested in it, is undefined even when the data has the
 * name. Dynamic lookup would find the data; this finds those names.
 *
 * @return For each frame body that has any, the names it starts without.
 */
function missingAtFrameStart(program: Program): Map<Statement[], string[]> {
  const result = new Map<Statement[], string[]>();
  const analyze = (body: Statement[], known: ReadonlySet<string>): void => {
    const first = new Map<string, "load" | "store" | "branch store">();
    const children: { body: Statement[]; params: string[] }[] = [];
    const load = (name: string) => void (first.has(name) || first.set(name, "load"));
    const store = (target: Statement, inBranch: boolean) => {
      for (const name of assignedNames(target))
        if (!first.has(name)) first.set(name, inBranch ? "branch store" : "store");
      const member = view(target);
      if (member.type === "MemberExpression") loadedNames(member.object, load); // `ns.attr = ...` reads `ns`
    };
    const statements = (list: readonly Statement[], inBranch: boolean): void => {
      for (const statement of list) {
        const node = view(statement);
        switch (node.type) {
          case "Set":
            if (node.value !== null) loadedNames(node.value, load);
            store(node.assignee, inBranch);
            if (node.value === null) children.push({ body: node.body, params: [] });
            break;
          case "If":
            loadedNames(node.test, load);
            statements(node.body, true);
            statements(node.alternate, true);
            break;
          case "For": {
            const iterable = view(node.iterable);
            loadedNames(iterable.type === "SelectExpression" ? iterable.lhs : node.iterable, load);
            children.push({ body: node.body, params: [...assignedNames(node.loopvar), "loop"] });
            children.push({ body: node.defaultBlock, params: [] });
            break;
          }
          case "Macro":
            if (!first.has(node.name.value)) first.set(node.name.value, inBranch ? "branch store" : "store");
            children.push({
              body: node.body,
              params: ["varargs", "kwargs", "caller", ...node.args.flatMap(assignedNames)],
            });
            break;
          case "CallStatement":
            loadedNames(node.call, load);
            children.push({ body: node.body, params: (node.callerArgs ?? []).flatMap(assignedNames) });
            break;
          case "FilterStatement":
            loadedNames(node.filter, load);
            children.push({ body: node.body, params: [] });
            break;
          case "Comment":
          case "Break":
          case "Continue":
            break;
          default:
            loadedNames(statement, load);
        }
      }
    };
    statements(body, false);
    const missing = [...first]
      .filter(([name, use]) => use === "store" && !known.has(name))
      .map(([name]) => name);
    if (missing.length > 0) result.set(body, missing);
    const inner = new Set([...known, ...first.keys()]);
    for (const child of children) analyze(child.body, new Set([...inner, ...child.params]));
  };
  analyze(program.body, new Set());
  return result;
}

/** The names an assignment target (or a macro parameter) binds: `x`, `a, b`, `x=default`; none for `ns.attr`. */
function assignedNames(target: Statement): string[] {
  const node = view(target);
  if (node.type === "Identifier") return [node.value];
  if (node.type === "TupleLiteral") return node.value.flatMap(assignedNames);
  if (node.type === "KeywordArgumentExpression") return [node.key.value];
  return [];
}

/** Calls `load` for every variable an expression reads (not attribute, filter, test or keyword names). */
function loadedNames(statement: Statement, load: (name: string) => void): void {
  const node = view(statement);
  const each = (list: readonly (Statement | null | undefined)[]) => {
    for (const item of list) if (item !== null && item !== undefined) loadedNames(item, load);
  };
  switch (node.type) {
    case "Identifier":
      if (!CONSTANTS.has(node.value)) load(node.value);
      return;
    case "MemberExpression":
      return each(node.computed ? [node.object, node.property] : [node.object]);
    case "CallExpression":
      return each([node.callee, ...node.args]);
    case "BinaryExpression":
      return each([node.left, node.right]);
    case "UnaryExpression":
    case "SpreadExpression":
    case "KeywordSpreadExpression":
      return each([node.argument]);
    case "FilterExpression": {
      const filter = view(node.filter);
      return each([node.operand, ...(filter.type === "CallExpression" ? filter.args : [])]);
    }
    case "TestExpression":
      return each([node.operand]);
    case "SliceExpression":
      return each([node.start, node.stop, node.step]);
    case "SelectExpression":
      return each([node.lhs, node.test]);
    case "Ternary":
      return each([node.condition, node.trueExpr, node.falseExpr]);
    case "KeywordArgumentExpression":
      return each([node.value]);
    case "ArrayLiteral":
    case "TupleLiteral":
      return each(node.value);
    case "ObjectLiteral":
      return each([...node.value].flat());
    default:
      return;
  }
}

/** Whether a block assigns variables at its own level (an `if` inside it does not make a new scope). */
function assignsVariables(body: readonly Statement[]): boolean {
  return body.some((statement) => {
    const node = view(statement);
    if (node.type === "Set") return view(node.assignee).type !== "MemberExpression";
    if (node.type === "If") return assignsVariables(node.body) || assignsVariables(node.alternate);
    return node.type === "Macro";
  });
}

/** Where a lexer error is: the first tag that fails to tokenize on its own. */
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
  return new CompiledJinjaTemplate(program, map, context, rootMissing);
}

class CompiledJinjaTemplate implements CompiledTemplate {
  constructor(
    private readonly program: Program,
    private readonly map: SourceMap,
    private readonly context: WidgetErrorContext,
    private readonly rootMissing: readonly string[],
  ) {}

  render(data: Readonly<Record<string, unknown>>): string {
    try {
      const environment = frame(GLOBALS, this.rootMissing);
      for (const [key, value] of Object.entries(data)) {
        // A name the template assigns before reading it starts missing, data or not (Jinja2's scoping).
        if (value === undefined || this.rootMissing.includes(key)) continue;
        environment.variables.delete(key); // every library Environment predeclares `namespace`
        environment.set(key, value);
      }
      const result = INTERPRETER.evaluate(this.program, environment);
      return result instanceof StringValue ? result.value : pyStr(result, undefined);
    } catch (error) {
      throw this.translate(error);
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

/**
 * Jinja templates as the ChatKit Widget Studio exports them, rendered like
 * Jinja2 with `StrictUndefined` (see this file's doc comment for how).
 */
export const jinjaEngine: TemplateEngine = {
  name: "jinja",
  compile: compileJinja,
};
