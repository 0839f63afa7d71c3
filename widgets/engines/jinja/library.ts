/**
 * `@huggingface/jinja`'s API, typed here: its published declarations are ESM
 * files with extensionless relative imports, which TypeScript cannot follow
 * from this CommonJS package (everything but `Template` resolves to `any`),
 * so we load its CommonJS build with `require` and declare what we use. The
 * shapes mirror `@huggingface/jinja` 0.5's `runtime.ts` and `ast.ts`.
 */

/** A runtime value (`StringValue`, `ArrayValue`...): the library's classes all have this shape. */
export interface Value {
  type: string;
  value: unknown;
  readonly builtins: ReadonlyMap<string, Value>;
  __bool__(): BooleanValue;
  toString(): string;
}
type Callable = (args: Value[], scope: Environment) => Value;

export interface Statement {
  type: string;
}
export interface Program extends Statement {
  body: Statement[];
}
export interface Token {
  value: string;
  type: string;
}
export interface Environment {
  parent?: Environment | undefined;
  variables: Map<string, Value>;
  set(name: string, value: unknown): Value;
  setVariable(name: string, value: Value): Value;
  lookupVariable(name: string): Value;
}
export interface Interpreter {
  evaluate(statement: Statement | undefined, environment: Environment): Value;
}
interface JinjaModule {
  Environment: new (parent?: Environment) => Environment;
  Interpreter: new (environment?: Environment) => Interpreter;
  parse: (tokens: Token[]) => Program;
  tokenize: (source: string, options?: { lstrip_blocks?: boolean; trim_blocks?: boolean }) => Token[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: the ESM typings do not resolve
export const { Environment, Interpreter, parse, tokenize } = require("@huggingface/jinja") as JinjaModule;

// Distinct interfaces (not `Value<T>`), so that `instanceof` narrows each one without excluding the others.
export interface StringValue extends Value {
  value: string;
}
export interface NumberValue extends Value {
  value: number;
}
export interface BooleanValue extends Value {
  value: boolean;
}
export interface NullValue extends Value {
  value: null;
}
export interface UndefinedValue extends Value {
  value: undefined;
}
export interface ArrayValue extends Value {
  value: Value[];
}
/** An `ObjectValue` (a dict) or a `NamespaceValue`. */
export interface MapValue extends Value {
  value: Map<string, Value>;
}
export interface FunctionValue extends Value {
  value: Callable;
}

/** The shapes of the AST nodes we read or instrument (mirrors `@huggingface/jinja` 0.5's `ast.ts`). */
interface IdentifierNode {
  type: "Identifier";
  value: string;
}
export interface LiteralNode {
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
export interface MemberNode {
  type: "MemberExpression";
  object: Statement;
  property: Statement;
  computed: boolean;
}
export interface CallNode {
  type: "CallExpression";
  callee: Statement;
  args: Statement[];
}
export interface BinaryNode {
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
export interface FilterNode {
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
export interface KeywordArgumentNode {
  type: "KeywordArgumentExpression";
  key: IdentifierNode;
  value: Statement;
}
interface SpreadNode {
  type: "SpreadExpression" | "KeywordSpreadExpression";
  argument: Statement;
}
export interface IfNode {
  type: "If";
  test: Statement;
  body: Statement[];
  alternate: Statement[];
}
export interface ForNode {
  type: "For";
  loopvar: Statement;
  iterable: Statement;
  body: Statement[];
  defaultBlock: Statement[];
}
export interface SetNode {
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
export const OUTPUT = "ChatKitOutput"; // a printed expression: Python `str()`, undefined is an error
export const STRICT = "ChatKitStrict"; // any undefined is an error (callees, operands of library filters)
export const ITERATE = "ChatKitIterate"; // a `for` loop's iterable, Python iteration rules
export const ITERATE_PAIRS = "ChatKitIteratePairs"; // same, for `for a, b in ...` (tuples and strings unpack)
export const SCOPE = "ChatKitScope"; // a block with its own variables (a `for` body, a `{% set %}` block)
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

export function view(statement: Statement): Node {
  return statement as unknown as Node;
}

/** Guard nodes inherit from the library's `Statement` so its own AST walks (macro `kwargs` detection) see inside them. */
const STATEMENT_PROTOTYPE = Object.getPrototypeOf(Object.getPrototypeOf(parse([]))) as object;

export function guard(type: GuardNode["type"], expr: Statement): Statement {
  const node = Object.create(STATEMENT_PROTOTYPE) as GuardNode;
  node.type = type;
  node.expr = expr;
  return node;
}

export function scope(body: Statement[], missing: readonly string[]): Statement {
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
export const StringValue = classOf<StringValue>(probe.set("string", ""), "StringValue");
export const IntegerValue = classOf<NumberValue>(probe.set("integer", 1), "IntegerValue");
export const FloatValue = classOf<NumberValue>(probe.set("float", 0.5), "FloatValue");
export const BooleanValue = classOf<BooleanValue>(probe.set("boolean", true), "BooleanValue");
export const NullValue = classOf<NullValue>(probe.set("null", null), "NullValue");
export const UndefinedValue = classOf<UndefinedValue>(probe.set("undefined", undefined), "UndefinedValue");
export const ArrayValue = classOf<ArrayValue>(probe.set("array", []), "ArrayValue");
export const ObjectValue = classOf<MapValue>(probe.set("object", {}), "ObjectValue");
export const FunctionValue = classOf<FunctionValue>(
  probe.set("function", () => null),
  "FunctionValue",
);
export const NamespaceValue = classOf<MapValue>(
  (probe.lookupVariable("namespace").value as Callable)([], probe),
  "NamespaceValue",
);
export const TupleValue = classOf<ArrayValue>(
  new Interpreter().evaluate({ type: "TupleLiteral", value: [] } as unknown as Statement, probe),
  "TupleValue",
);

/**
 * A constructor for `Class` that skips the library's class-field
 * initializers: the same prototype and the same own fields, in the same
 * order (`type`, `value`, and `_builtins` where the class has it), so the
 * value is indistinguishable from `new Class(value)`. The initializers cost
 * about 0.2 µs per value (measured), which was a third of a 200-item list
 * render; this costs a tenth of that. Checked against a real instance at
 * load, so a library change fails loudly instead of building odd values.
 */
function fastConstructor<T extends Value>(
  Class: ValueClass<T>,
  sample: T["value"],
): (value: T["value"]) => T {
  const keys = Object.keys(new Class(sample)).join();
  const type = new Class(sample).type;
  const { prototype } = Class as unknown as { prototype: object };
  if (keys === "type,value") {
    return (value) => {
      const made = Object.create(prototype) as T;
      made.type = type;
      made.value = value;
      return made;
    };
  }
  if (keys === "type,value,_builtins") {
    return (value) => {
      const made = Object.create(prototype) as T & { _builtins: undefined };
      made.type = type;
      made.value = value;
      made._builtins = undefined;
      return made;
    };
  }
  throw new Error(`@huggingface/jinja changed: a ${type} has the fields ${keys}`);
}

export const makeString = fastConstructor(StringValue, "");
export const makeInteger = fastConstructor(IntegerValue, 0);
export const makeFloat = fastConstructor(FloatValue, 0.5);
export const makeArray = fastConstructor(ArrayValue, []);
export const makeTuple = fastConstructor(TupleValue, []);
export const makeObject = fastConstructor(ObjectValue, new Map());

export const TRUE = new BooleanValue(true);
export const FALSE = new BooleanValue(false);
export const NONE = new NullValue(null);
export const EMPTY_STRING = new StringValue("");

export function bool(value: boolean): BooleanValue {
  return value ? TRUE : FALSE;
}

export function isNumeric(value: Value): value is NumberValue | BooleanValue {
  return value instanceof IntegerValue || value instanceof FloatValue || value instanceof BooleanValue;
}

export function numberOf(value: NumberValue | BooleanValue): number {
  return typeof value.value === "boolean" ? Number(value.value) : value.value;
}

function isKeywordArguments(value: Value | undefined): value is MapValue {
  return value?.type === "KeywordArgumentsValue";
}

/** Splits a library call's arguments into positional ones and the trailing keyword map. */
export function splitArguments(args: Value[]): [Value[], Map<string, Value>] {
  const last = args.at(-1);
  return isKeywordArguments(last) ? [args.slice(0, -1), last.value] : [args, new Map<string, Value>()];
}
