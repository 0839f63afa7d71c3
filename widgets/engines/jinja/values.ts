/**
 * Python's view of runtime values: undefined values (`StrictUndefined`),
 * type names, `str()`, `repr()`, `==` and ordering, and an expression's text
 * for error messages.
 */
import {
  ArrayValue,
  BooleanValue,
  FloatValue,
  IntegerValue,
  isNumeric,
  ITERATE,
  ITERATE_PAIRS,
  NamespaceValue,
  NONE,
  NullValue,
  numberOf,
  ObjectValue,
  OUTPUT,
  type Statement,
  STRICT,
  StringValue,
  TupleValue,
  UndefinedValue,
  type Value,
  view,
} from "./library";

/** Raised inside the interpreter when an undefined value is used; `render` turns it into `TemplateUndefinedError`. */
export class UndefinedUse extends Error {
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
export class StrictUndefined extends MarkedUndefined {
  override __bool__(): BooleanValue {
    throw new UndefinedUse(this.expression, this.node);
  }
  override toString(): string {
    throw new UndefinedUse(this.expression, this.node);
  }
}

/** Jinja2's plain `Undefined`, which only an inline `if` without `else` produces: falsy and prints as "". */
export class LenientUndefined extends MarkedUndefined {
  override toString(): string {
    return "";
  }
}

/** Throws for a use of `value` that Jinja2 rejects even for a plain `Undefined`. */
export function failUndefined(value: UndefinedValue, node: Statement | undefined): never {
  if (value instanceof MarkedUndefined) throw new UndefinedUse(value.expression, value.node ?? node);
  throw new UndefinedUse(node === undefined ? "(value)" : expressionText(node), node);
}

/** Throws if `value` is undefined the strict way (a library `UndefinedValue` counts as strict). */
export function requireDefinedOrLenient(value: Value, node: Statement | undefined): void {
  if (value instanceof UndefinedValue && !(value instanceof LenientUndefined)) failUndefined(value, node);
}

/** A library `UndefinedValue` found where the data or a lookup produced it: a missing value, made strict. */
export function strictIfUndefined(value: Value, node: Statement): Value {
  return value instanceof UndefinedValue && !(value instanceof MarkedUndefined)
    ? new StrictUndefined(expressionText(node), node)
    : value;
}

export class JinjaTypeError extends Error {}

// ---------------------------------------------------------------------------
// Python's view of values: type names, str(), repr(), ==, <.

export function pyType(value: Value): string {
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
export function pyInt(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : pyFloat(value);
}

/** Python's `repr(float)`: shortest round-trip digits, exponent outside 1e-4..1e16, always a `.0` or exponent. */
export function pyFloat(value: number): string {
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
export function pyStr(value: Value, node: Statement | undefined): string {
  if (value instanceof StringValue) return value.value;
  if (value instanceof UndefinedValue) {
    if (value instanceof LenientUndefined) return "";
    failUndefined(value, node);
  }
  return pyRepr(value);
}

export function pyTruthy(value: Value): boolean {
  if (value instanceof BooleanValue) return value.value;
  if (value instanceof StringValue) return value.value.length > 0;
  return value.__bool__().value; // undefined values throw here
}

/** Python's `==` (no JavaScript coercion: `1 == "1"` is false, `true == 1` is true, lists compare by items). */
export function pyEquals(
  a: Value,
  b: Value,
  nodeA: Statement | undefined,
  nodeB: Statement | undefined,
): boolean {
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

export function compareCodePoints(a: string, b: string): number {
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
export function pyCompare(a: Value, b: Value, operator: string): number {
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

// ---------------------------------------------------------------------------
// Expression text, for error messages.

export function expressionText(statement: Statement): string {
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
