/**
 * Jinja2's operators, member lookups, tests and filter names applied to
 * values already evaluated. The interpreter and the closure compiler both
 * call these, in the same order relative to evaluating the operands, so the
 * two strategies cannot drift apart (same results, same errors).
 */
import {
  ArrayValue,
  type BinaryNode,
  bool,
  BooleanValue,
  FloatValue,
  IntegerValue,
  isNumeric,
  NONE,
  NullValue,
  numberOf,
  ObjectValue,
  type Statement,
  StringValue,
  TupleValue,
  UndefinedValue,
  type Value,
  view,
  makeArray,
  makeString,
  makeTuple,
} from "./library";
import {
  failUndefined,
  JinjaTypeError,
  pyCompare,
  pyEquals,
  pyStr,
  pyTruthy,
  pyType,
  requireDefinedOrLenient,
} from "./values";
import { sliceIndices, sliceString } from "./strings";
import { getAttribute, getItem } from "./lookup";
import { JINJA2_FILTERS, JINJA2_TESTS, STRICT_TESTS, TESTS, UNSUPPORTED_FILTERS } from "./filters";
import { arithmetic, makeNumber } from "./arithmetic";

/** `object.name`: the attribute first, then the dict key (Jinja2's `getattr`). */
export function memberByName(object: Value, name: string): Value | undefined {
  return getAttribute(object, name) ?? (object instanceof ObjectValue ? object.value.get(name) : undefined);
}

/** `object[key]`: the item first, then the attribute (Jinja2's `getitem`). */
export function memberByKey(object: Value, key: Value): Value | undefined {
  return getItem(object, key) ?? (key instanceof StringValue ? getAttribute(object, key.value) : undefined);
}

/** One bound of a slice, `None` meaning "to the end". */
export function sliceBound(value: Value, expr: Statement): number | null {
  if (value instanceof NullValue) return null;
  if (value instanceof IntegerValue || value instanceof BooleanValue) return numberOf(value);
  if (value instanceof UndefinedValue) failUndefined(value, expr);
  throw new JinjaTypeError("slice indices must be integers or None");
}

/** `object[start:stop:step]`, or `undefined` for an object that cannot be sliced. */
export function sliceOf(object: Value, start: number | null, stop: number | null, step: number | null) {
  const by = step ?? 1;
  if (by === 0) throw new JinjaTypeError("slice step cannot be zero");
  if (object instanceof ArrayValue) {
    const items = sliceIndices(object.value.length, start, stop, by).map((i) => object.value[i] ?? NONE);
    return object instanceof TupleValue ? makeTuple(items) : makeArray(items);
  }
  if (object instanceof StringValue) return makeString(sliceString(object.value, start, stop, by));
  return undefined;
}

/** A binary operator other than `and`/`or` (which short-circuit, so their callers evaluate `right` lazily). */
export function binaryOperation(node: BinaryNode, left: Value, right: Value): Value {
  const operator = node.operator.value;
  switch (operator) {
    case "==":
      return bool(pyEquals(left, right, node.left, node.right));
    case "!=":
      return bool(!pyEquals(left, right, node.left, node.right));
    case "in":
      return bool(contains(right, left, node));
    case "not in":
      return bool(!contains(right, left, node));
    case "~":
      return makeString(pyStr(left, node.left) + pyStr(right, node.right));
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

/** Python's `item in container`. */
function contains(container: Value, item: Value, node: BinaryNode): boolean {
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

/** `not x`, `-x`, `+x`. */
export function unaryOperation(operator: string, value: Value, argument: Statement): Value {
  if (operator === "not") return bool(!pyTruthy(value));
  if (value instanceof UndefinedValue) failUndefined(value, argument);
  if (!isNumeric(value)) {
    throw new JinjaTypeError(`bad operand type for unary ${operator}: '${pyType(value)}'`);
  }
  const n = numberOf(value);
  return makeNumber(operator === "-" ? -n : n, value instanceof FloatValue);
}

/** `operand is [not] name`. */
export function testOperation(name: string, negate: boolean, operand: Value, node: Statement): BooleanValue {
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
    if (operand instanceof UndefinedValue) failUndefined(operand, node);
    result = strictTest(operand);
  }
  return bool(negate ? !result : result);
}

/** The name in `| name` or `| name(...)` ("" when the filter is not a plain name). */
export function filterName(filter: Statement): string {
  const node = view(filter);
  const name = node.type === "CallExpression" ? view(node.callee) : node;
  return name.type === "Identifier" ? name.value : "";
}

/** The error for a filter that is neither ours nor the library's, thrown before its operand is evaluated. */
export function unavailableFilter(name: string): JinjaTypeError | undefined {
  if (UNSUPPORTED_FILTERS.has(name)) {
    return new JinjaTypeError(`the filter '${name}' is not supported by this Jinja engine`);
  }
  return JINJA2_FILTERS.has(name) ? undefined : new JinjaTypeError(`No filter named '${name}' found.`);
}
