/** Filters and tests that need Jinja2's exact behaviour (the others are the library's). */
import {
  ArrayValue,
  BooleanValue,
  EMPTY_STRING,
  FALSE,
  FloatValue,
  FunctionValue,
  IntegerValue,
  isNumeric,
  NONE,
  NullValue,
  numberOf,
  ObjectValue,
  type Statement,
  StringValue,
  UndefinedValue,
  type Value,
  makeArray,
  makeInteger,
  makeString,
} from "./library";
import {
  expressionText,
  JinjaTypeError,
  LenientUndefined,
  pyStr,
  pyTruthy,
  pyType,
  requireDefinedOrLenient,
  StrictUndefined,
} from "./values";
import { toJson } from "./json";
import { codePointLength } from "./strings";
import { itemPairs, iterate, jinjaTitle, pyCapitalize } from "./lookup";

/** Jinja2's built-in filters and tests: any other name is a compile-time error outside `if`. */
export const JINJA2_FILTERS = new Set(
  (
    "abs attr batch capitalize center count d default dictsort e escape filesizeformat first float " +
    "forceescape format groupby indent int items join last length list lower map max min pprint random " +
    "reject rejectattr replace reverse round safe select selectattr slice sort string striptags sum title " +
    "tojson trim truncate unique upper urlencode urlize wordcount wordwrap xmlattr"
  ).split(" "),
);
export const JINJA2_TESTS = new Set(
  (
    "!= < <= == > >= boolean callable defined divisibleby eq equalto escaped even false filter float ge " +
    "greaterthan gt in integer iterable le lessthan lower lt mapping ne none number odd sameas sequence " +
    "string test true undefined upper"
  ).split(" "),
);
/** The filters the library lacks altogether; using one is a render error that says so. */
export const UNSUPPORTED_FILTERS = new Set(
  (
    "attr batch center e escape filesizeformat forceescape format groupby max min pprint random reject " +
    "round select slice striptags sum truncate urlencode urlize wordcount wordwrap xmlattr"
  ).split(" "),
);

export type FilterArguments = {
  readonly positional: readonly Value[];
  readonly keywords: ReadonlyMap<string, Value>;
};

/** The arguments of a filter called without any (`x | tojson`), shared: filters only read their arguments. */
export const NO_ARGUMENTS: FilterArguments = Object.freeze({ positional: [], keywords: new Map() });

function argument(args: FilterArguments, index: number, name: string): Value | undefined {
  return args.positional[index] ?? args.keywords.get(name);
}

/**
 * A filter implemented here. It receives the operand even when it is undefined, the operand's node (to
 * name an undefined operand) and the whole filter expression (to name an undefined result).
 */
type OwnFilter = (operand: Value, args: FilterArguments, node: Statement, expression: Statement) => Value;

export const OWN_FILTERS: ReadonlyMap<string, OwnFilter> = new Map<string, OwnFilter>([
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
      return makeString(toJson(operand, pad, 0, node));
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
      return makeString(items.map((item) => pyStr(item, node)).join(pyStr(separator, node)));
    },
  ],
  ["string", (operand, _args, node) => makeString(pyStr(operand, node))],
  ["capitalize", (operand, _args, node) => makeString(pyCapitalize(pyStr(operand, node)))],
  ["title", (operand, _args, node) => makeString(jinjaTitle(pyStr(operand, node)))],
  ["list", (operand, _args, node) => makeArray([...iterate(strictOperand(operand, node), node).value])],
  [
    "items",
    (operand) => {
      if (operand instanceof UndefinedValue) return makeArray([]);
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
  if (operand instanceof StringValue) return makeInteger(codePointLength(operand.value));
  if (operand instanceof ArrayValue) return makeInteger(operand.value.length);
  if (operand instanceof ObjectValue) return makeInteger(operand.value.size);
  if (operand instanceof UndefinedValue) {
    requireDefinedOrLenient(operand, node);
    return makeInteger(0);
  }
  throw new JinjaTypeError(`object of type '${pyType(operand)}' has no len()`);
}

/** Tests that Jinja2 answers for an undefined value without raising (`is none` is an identity check...). */
export const TESTS: ReadonlyMap<string, (value: Value) => boolean> = new Map<
  string,
  (value: Value) => boolean
>([
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
export const STRICT_TESTS: ReadonlyMap<string, (value: Value) => boolean> = new Map<
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
