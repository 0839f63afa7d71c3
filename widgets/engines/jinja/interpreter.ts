import {
  ArrayValue,
  type BinaryNode,
  Environment,
  type FilterNode,
  Interpreter,
  IntegerValue,
  ITERATE,
  ITERATE_PAIRS,
  type MemberNode,
  OUTPUT,
  SCOPE,
  type Statement,
  STRICT,
  StringValue,
  UndefinedValue,
  type Value,
  view,
} from "./library";
import {
  expressionText,
  failUndefined,
  JinjaTypeError,
  LenientUndefined,
  pyStr,
  pyTruthy,
  strictIfUndefined,
  StrictUndefined,
} from "./values";
import { iterate } from "./lookup";
import { OWN_FILTERS } from "./filters";
import {
  binaryOperation,
  filterName,
  memberByKey,
  memberByName,
  sliceBound,
  sliceOf,
  testOperation,
  unaryOperation,
  unavailableFilter,
} from "./operations";
import { CONSTANTS, frame, GLOBALS, literal, lookup, MISSING } from "./globals";

/**
 * The library's interpreter with Jinja2's semantics where they differ (see
 * `index.ts`). It runs the templates the closure compiler leaves to it (see
 * `compiler.ts` for which).
 */
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
        return iteratePairs(this.evaluate(node.expr, environment), node.expr);
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
        return unaryOperation(node.operator.value, this.evaluate(node.argument, environment), node.argument);
      case "FilterExpression":
        return this.filter(node, statement, environment);
      case "TestExpression":
        return testOperation(
          node.test.value,
          node.negate,
          this.evaluate(node.operand, environment),
          node.operand,
        );
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
      const bound = (expr: Statement | undefined) =>
        expr === undefined ? null : sliceBound(this.evaluate(expr, environment), expr);
      const start = bound(property.start);
      const stop = bound(property.stop);
      found = sliceOf(object, start, stop, bound(property.step));
    } else if (node.computed) {
      const key = this.evaluate(node.property, environment);
      if (key instanceof UndefinedValue) failUndefined(key, node.property);
      found = memberByKey(object, key);
    } else if (property.type === "IntegerLiteral") {
      found = memberByKey(object, new IntegerValue(Number(property.value)));
    } else if (property.type === "Identifier") {
      found = memberByName(object, property.value);
    }
    return found === undefined
      ? new StrictUndefined(expressionText(statement), statement)
      : strictIfUndefined(found, statement);
  }

  private binary(node: BinaryNode, statement: Statement, environment: Environment): Value {
    const operator = node.operator.value;
    if (operator === "and" || operator === "or") return super.evaluate(statement, environment);
    const left = this.evaluate(node.left, environment);
    return binaryOperation(node, left, this.evaluate(node.right, environment));
  }

  private filter(node: FilterNode, statement: Statement, environment: Environment): Value {
    const name = filterName(node.filter);
    const own = OWN_FILTERS.get(name);
    if (own === undefined) {
      const error = unavailableFilter(name);
      if (error !== undefined) throw error;
      return super.evaluate(statement, environment); // the operand is wrapped in a STRICT guard
    }
    const operand = this.evaluate(node.operand, environment);
    const args = { positional: [] as Value[], keywords: new Map<string, Value>() };
    const filter = view(node.filter);
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
}

/** `for a, b in ...`: lists, tuples and strings among the items unpack. */
export function iteratePairs(value: Value, node: Statement): ArrayValue {
  return new ArrayValue(
    iterate(value, node).value.map((item) =>
      item instanceof ArrayValue || item instanceof StringValue
        ? new ArrayValue(iterate(item, node).value)
        : item,
    ),
  );
}

export const INTERPRETER = new StudioInterpreter(GLOBALS);
