/** Arithmetic with Python's rules. */
import {
  ArrayValue,
  BooleanValue,
  FloatValue,
  IntegerValue,
  isNumeric,
  numberOf,
  type NumberValue,
  StringValue,
  TupleValue,
  type Value,
  makeArray,
  makeFloat,
  makeInteger,
  makeString,
  makeTuple,
} from "./library";
import { JinjaTypeError, pyType } from "./values";

export function makeNumber(value: number, isFloat: boolean): NumberValue {
  // Python ints have no negative zero; an IntegerValue of -0 can then only be a float from the data.
  return isFloat ? makeFloat(value) : makeInteger(value === 0 ? 0 : value);
}

function repeat(sequence: Value, times: Value): Value | undefined {
  if (!(times instanceof IntegerValue || times instanceof BooleanValue)) return undefined;
  const count = Math.max(0, numberOf(times));
  if (sequence instanceof StringValue) return makeString(sequence.value.repeat(count));
  if (sequence instanceof ArrayValue) {
    const items: Value[] = [];
    for (let i = 0; i < count; i++) items.push(...sequence.value);
    return sequence instanceof TupleValue ? makeTuple(items) : makeArray(items);
  }
  return undefined;
}

export function arithmetic(operator: string, a: Value, b: Value): Value {
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
        return makeFloat(x / y);
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
    if (a instanceof StringValue && b instanceof StringValue) return makeString(a.value + b.value);
    if (
      a instanceof ArrayValue &&
      b instanceof ArrayValue &&
      a instanceof TupleValue === b instanceof TupleValue
    ) {
      const items = [...a.value, ...b.value];
      return a instanceof TupleValue ? makeTuple(items) : makeArray(items);
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
