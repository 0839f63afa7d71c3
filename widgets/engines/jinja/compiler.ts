/**
 * The closure compiler: turns an instrumented template (see `instrument.ts`)
 * into nested JavaScript closures, once, at compile time, so `render` runs
 * plain function calls instead of walking the AST through the interpreter's
 * `switch` on every node of every loop iteration.
 *
 * Why closures and not generated source: each closure calls the very
 * functions the interpreter calls (`operations.ts`, `values.ts`, the
 * filters), on the same runtime values, in the same order, so results and
 * errors (down to the node an undefined error points at) are the
 * interpreter's by construction. What the closures save is the
 * interpreter's overhead, measured on a Studio list template (issue #6, W3):
 *
 * - frames are a small `Frame` (a `Map` and a parent), not the library's
 *   `Environment`, which allocates a `namespace` function on every `for`
 *   item and block;
 * - `loop` is a `LoopState` per item, turned into the library's dict of nine
 *   values only when the template uses `loop` as a value (`loop.index` reads
 *   the state directly);
 * - printed text is a JavaScript string from end to end (no `StringValue`
 *   per printed value), and `{{ x | tojson }}` prints `toJson`'s string;
 * - the data is converted to runtime values by a tight loop, and values are
 *   made without the library's costly class-field initializers
 *   (`fastConstructor` in `library.ts`).
 *
 * Two more costs were in the output text, not the interpreter, and are
 * fixed for both strategies: text between tags is flattened once
 * (`literal` in `globals.ts`) and escaped `tojson` strings are stored one
 * byte per character (`jsonString` in `json.ts`), so flattening the output
 * before `JSON.parse` is a plain copy.
 *
 * Fallback: a template that uses any of the following anywhere (even in a
 * branch that never runs) is not compiled, and the engine renders that
 * whole template with the interpreter: a macro, a call block or a filter
 * block (`{% macro %}`, `{% call %}`, `{% filter %}`); one of the library's
 * own filters (`upper`, `trim`, `sort`, `map`... any Jinja2 filter not in
 * `OWN_FILTERS`); argument unpacking (`*xs`, `**d`); a `{% set %}` target
 * other than a name, names or a namespace attribute; a `for` target other
 * than a name or names. `compileClosures` returns which construct it met
 * (`JinjaTemplate.strategy` shows it). The choice is made once, at compile
 * time, never per render. Those constructs are rare in Studio exports, and
 * each would need its own copy of library code to be exact.
 *
 * Slots: `{{ x | tojson }}` printing into the template's output (not into
 * a `{% set %}` block) prints a slot marker for a long string when
 * `renderParsed` asks for it (see `slots.ts`).
 */
import {
  ArrayValue,
  type BinaryNode,
  type CallNode,
  Environment,
  FALSE,
  type FilterNode,
  FunctionValue,
  type IfNode,
  Interpreter,
  ITERATE,
  ITERATE_PAIRS,
  type ForNode,
  type KeywordArgumentNode,
  type MapValue,
  type MemberNode,
  NamespaceValue,
  NONE,
  ObjectValue,
  OUTPUT,
  type Program,
  SCOPE,
  type SetNode,
  type Statement,
  STRICT,
  StringValue,
  TRUE,
  UndefinedValue,
  type Value,
  view,
  makeArray,
  makeFloat,
  makeInteger,
  makeObject,
  makeString,
  makeTuple,
} from "./library";
import {
  expressionText,
  failUndefined,
  LenientUndefined,
  pyStr,
  pyTruthy,
  strictIfUndefined,
  StrictUndefined,
} from "./values";
import { toJson } from "./json";
import { DICT_METHODS, iterate } from "./lookup";
import { NO_ARGUMENTS, OWN_FILTERS } from "./filters";
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
import { iteratePairs } from "./interpreter";
import { CONSTANTS, GLOBALS, literal, MISSING } from "./globals";
import { fillSlot, SLOT_MIN_LENGTH, type Slots } from "./slots";
import { walkInSourceOrder } from "./sourceMap";

/** The variables of one frame (the template, a `for` loop, a block with its own `set`s). */
export class Frame {
  readonly variables: Map<string, Value | LoopState>;

  constructor(
    readonly parent: Frame | undefined,
    variables?: Map<string, Value | LoopState>,
    /** Where long strings printed by `tojson` go, when `renderParsed` renders (see `slots.ts`). */
    readonly slots: Slots | undefined = parent?.slots,
  ) {
    this.variables = variables ?? new Map<string, Value | LoopState>();
  }
}

/** Jinja2's globals; every library `Environment` also has its own `namespace`, which `lookup` mirrors. */
const GLOBAL_FRAME = new Frame(undefined, GLOBALS.variables);
const NAMESPACE = GLOBALS.variables.get("namespace");

/** The library's value for `loop`, built only if the template uses `loop` itself rather than `loop.<attribute>`. */
class LoopState {
  #object: MapValue | undefined;

  constructor(
    private readonly items: readonly Value[],
    private readonly index: number,
  ) {}

  /** What the library's `loop` dict holds for `name` (`undefined` for any other name). */
  attribute(name: string): Value | undefined {
    const { items, index } = this;
    switch (name) {
      case "index":
        return makeInteger(index + 1);
      case "index0":
        return makeInteger(index);
      case "revindex":
        return makeInteger(items.length - index);
      case "revindex0":
        return makeInteger(items.length - index - 1);
      case "first":
        return index === 0 ? TRUE : FALSE;
      case "last":
        return index === items.length - 1 ? TRUE : FALSE;
      case "length":
        return makeInteger(items.length);
      case "previtem":
        return index > 0 ? items[index - 1] : new UndefinedValue(undefined);
      case "nextitem":
        return index < items.length - 1 ? items[index + 1] : new UndefinedValue(undefined);
      default:
        return undefined;
    }
  }

  value(): MapValue {
    this.#object ??= makeObject(new Map(LOOP_ATTRIBUTES.map((name) => [name, this.attribute(name) ?? NONE])));
    return this.#object;
  }
}

const LOOP_ATTRIBUTES = [
  "index",
  "index0",
  "revindex",
  "revindex0",
  "first",
  "last",
  "length",
  "previtem",
  "nextitem",
];
const LOOP_ATTRIBUTE_SET: ReadonlySet<string> = new Set(LOOP_ATTRIBUTES);

/** What a frame chain holds for `name`, as the interpreter's `lookup` finds it in its environments. */
function lookupRaw(frame: Frame, name: string): Value | LoopState | undefined {
  for (let f: Frame | undefined = frame; f !== undefined; f = f.parent) {
    const found = f.variables.get(name);
    if (found !== undefined) return found;
    if (name === "namespace") return NAMESPACE;
  }
  return undefined;
}

/** A name's value, as the interpreter's `Identifier` case makes it. */
function resolved(found: Value | LoopState | undefined, name: string, node: Statement): Value {
  if (found instanceof LoopState) return found.value();
  return found === undefined || found === MISSING
    ? new StrictUndefined(name, node)
    : strictIfUndefined(found, node);
}

/** A template construct left to the interpreter; the message says which. */
export class NotCompiled extends Error {}

export type Expression = (frame: Frame) => Value;
type Block = (frame: Frame) => string;

/** Library functions take the calling environment; none of those a compiled template can call uses it. */
const CALL_ENVIRONMENT: Environment = GLOBALS;

/** The library's class for a call's keyword arguments, which its CommonJS build does not export: caught in a call. */
const KeywordArgumentsValue = keywordArgumentsClass();

function keywordArgumentsClass(): new (value: Map<string, Value>) => MapValue {
  let captured: Value | undefined;
  const environment = new Environment();
  environment.setVariable(
    "capture",
    new FunctionValue((args) => {
      captured = args.at(-1);
      return NONE;
    }),
  );
  const call = {
    type: "CallExpression",
    callee: { type: "Identifier", value: "capture" },
    args: [
      {
        type: "KeywordArgumentExpression",
        key: { type: "Identifier", value: "k" },
        value: { type: "IntegerLiteral", value: 1 },
      },
    ],
  };
  new Interpreter(environment).evaluate(call, environment);
  if (captured?.type !== "KeywordArgumentsValue") {
    throw new Error("@huggingface/jinja changed: keyword arguments are no longer a KeywordArgumentsValue");
  }
  return captured.constructor as new (value: Map<string, Value>) => MapValue;
}

/** `direct`: the block prints into the template's output, not into a `{% set %}` block's text. */
function block(statements: readonly Statement[], direct: boolean): Block {
  const parts = statements.map((node) => statement(node, direct));
  const [first, second] = parts;
  if (parts.length === 0) return () => "";
  if (parts.length === 1 && first !== undefined) return first;
  if (parts.length === 2 && first !== undefined && second !== undefined) return (f) => first(f) + second(f);
  return (frame) => {
    let out = "";
    for (const part of parts) out += part(frame);
    return out;
  };
}

function statement(node: Statement, direct: boolean): Block {
  const n = view(node);
  switch (n.type) {
    case "StringLiteral": {
      const text = literal(node, n).toString();
      return () => text;
    }
    case "Comment":
      return () => "";
    case OUTPUT:
      return output(n.expr, direct);
    case SCOPE: {
      const body = block(n.block.body, direct);
      const missing = n.missing;
      return (parent) => {
        const frame = new Frame(parent);
        for (const name of missing) frame.variables.set(name, MISSING);
        return body(frame);
      };
    }
    case "If":
      return ifBlock(n, direct);
    case "For":
      return forBlock(n, direct);
    case "Set":
      return setBlock(n);
    default:
      throw new NotCompiled(`the {% ${n.type} %} statement`);
  }
}

/** A printed expression; `{{ x | tojson }}`, the Studio's every value, prints `toJson`'s text directly. */
function output(node: Statement, direct: boolean): Block {
  const operandNode = tojsonOperand(node);
  if (operandNode !== undefined) {
    const operand = expression(operandNode);
    if (!direct) return (frame) => toJson(operand(frame), null, 0, operandNode);
    const operandView = view(operandNode);
    const name = operandView.type === "Identifier" ? operandView.value : undefined;
    return (frame) => {
      const value = operand(frame);
      const { slots } = frame;
      return slots !== undefined && value instanceof StringValue && value.value.length > SLOT_MIN_LENGTH
        ? fillSlot(slots, value.value, name)
        : toJson(value, null, 0, operandNode);
    };
  }
  const value = expression(node);
  return (frame) => {
    const v = value(frame);
    return v instanceof StringValue ? v.value : pyStr(v, node);
  };
}

/** The operand of a printed `x | tojson` (no arguments), or `undefined` for any other printed expression. */
export function tojsonOperand(node: Statement): Statement | undefined {
  const n = view(node);
  return n.type === "FilterExpression" &&
    view(n.filter).type === "Identifier" &&
    filterName(n.filter) === "tojson"
    ? n.operand
    : undefined;
}

function ifBlock(node: IfNode, direct: boolean): Block {
  const test = expression(node.test);
  const body = block(node.body, direct);
  const alternate = block(node.alternate, direct);
  return (frame) => (pyTruthy(test(frame)) ? body(frame) : alternate(frame));
}

/** The library's `evaluateFor`, step for step: items are filtered and unpacked first, then the body runs per item. */
function forBlock(node: ForNode, direct: boolean): Block {
  const loop = compileLoop(node);
  const body = block(node.body, direct);
  const otherwise = block(node.defaultBlock, direct);
  return (parent) => {
    const scope = new Frame(parent);
    const items = loop.items(scope);
    if (items.length === 0) return otherwise(scope);
    let out = "";
    for (let i = 0; i < items.length; i++) {
      loop.bind(scope, items, i);
      out += body(scope);
    }
    return out;
  };
}

/** A `for` loop's header, compiled: shared by the text closures and the value builders (`valueBuilder.ts`). */
export interface CompiledLoop {
  /** The items the body runs for, in the loop's own frame: evaluated, checked and filtered as the library does. */
  items(scope: Frame): readonly Value[];
  /** Binds item `index` (and `loop`, if the body reads it) in the loop's frame. */
  bind(scope: Frame, items: readonly Value[], index: number): void;
}

export function compileLoop(node: ForNode): CompiledLoop {
  const iterableNode = view(node.iterable);
  const select = iterableNode.type === "SelectExpression" ? iterableNode : undefined;
  const iterable = expression(select === undefined ? node.iterable : select.lhs);
  const test = select === undefined ? undefined : expression(select.test);
  const binding = loopBinding(node.loopvar);
  // Only a name read can see `loop`, so a body that names no `loop` needs none (one allocation per item).
  let readsLoop = false;
  for (const statement of node.body) {
    walkInSourceOrder(statement, (child) => {
      const n = view(child);
      if (n.type === "Identifier" && n.value === "loop") readsLoop = true;
    });
  }
  return {
    items: (scope) => {
      const all = (iterable(scope) as ArrayValue).value; // the ITERATE guard makes every iterable a list
      if (test === undefined && binding.check === undefined) return all;
      const items: Value[] = [];
      for (const item of all) {
        binding.check?.(item);
        if (test !== undefined) {
          const itemScope = new Frame(scope);
          binding.set(itemScope, item);
          if (!pyTruthy(test(itemScope))) continue;
        }
        items.push(item);
      }
      return items;
    },
    bind: (scope, items, index) => {
      if (readsLoop) scope.variables.set("loop", new LoopState(items, index));
      binding.set(scope, items[index] as Value);
    },
  };
}

interface LoopBinding {
  /** The library's checks of an item, made for every item before the body runs. */
  readonly check?: (item: Value) => void;
  readonly set: (frame: Frame, item: Value) => void;
}

function loopBinding(target: Statement): LoopBinding {
  const n = view(target);
  if (n.type === "Identifier") {
    const name = n.value;
    return { set: (frame, item) => void frame.variables.set(name, item) };
  }
  const names = n.type === "TupleLiteral" ? identifierNames(n.value) : undefined;
  if (names === undefined) throw new NotCompiled("a loop target other than names");
  return {
    check: (item) => {
      if (item.type !== "ArrayValue") throw new Error(`Cannot unpack non-iterable type: ${item.type}`);
      const length = (item as ArrayValue).value.length;
      if (names.length !== length)
        throw new Error(`Too ${names.length > length ? "few" : "many"} items to unpack`);
    },
    set: (frame, item) => {
      const values = (item as ArrayValue).value;
      names.forEach((name, i) => frame.variables.set(name, values[i] as Value));
    },
  };
}

function identifierNames(nodes: readonly Statement[]): string[] | undefined {
  const names: string[] = [];
  for (const node of nodes) {
    const n = view(node);
    if (n.type !== "Identifier") return undefined;
    names.push(n.value);
  }
  return names;
}

/** The library's `evaluateSet`: the value first, then the target. */
export function setBlock(node: SetNode): Block {
  let value: Expression;
  if (node.value === null) {
    const body = block(node.body, false);
    value = (frame) => makeString(body(frame));
  } else {
    value = expression(node.value);
  }
  const target = view(node.assignee);
  if (target.type === "Identifier") {
    const name = target.value;
    return (frame) => {
      frame.variables.set(name, value(frame));
      return "";
    };
  }
  if (target.type === "TupleLiteral") {
    const names = identifierNames(target.value);
    if (names === undefined) throw new NotCompiled("an assignment to a tuple with non-names");
    return (frame) => {
      const rhs = value(frame);
      if (!(rhs instanceof ArrayValue))
        throw new Error(`Cannot unpack non-iterable type in set: ${rhs.type}`);
      if (rhs.value.length !== names.length) {
        throw new Error(`Too ${names.length > rhs.value.length ? "few" : "many"} items to unpack in set`);
      }
      names.forEach((name, i) => frame.variables.set(name, rhs.value[i] as Value));
      return "";
    };
  }
  const property = target.type === "MemberExpression" ? view(target.property) : undefined;
  if (target.type !== "MemberExpression" || property?.type !== "Identifier") {
    throw new NotCompiled("an assignment to something other than a name, names or a namespace attribute");
  }
  const object = expression(target.object);
  const name = property.value;
  return (frame) => {
    const rhs = value(frame);
    const namespace = object(frame);
    if (!(namespace instanceof NamespaceValue))
      throw new Error("cannot assign attribute on non-namespace object");
    namespace.value.set(name, rhs);
    return "";
  };
}

export function expression(node: Statement): Expression {
  const n = view(node);
  switch (n.type) {
    case "StringLiteral":
    case "IntegerLiteral":
    case "FloatLiteral": {
      const value = literal(node, n);
      return () => value;
    }
    case "Identifier": {
      const constant = CONSTANTS.get(n.value);
      if (constant !== undefined) return () => constant;
      const name = n.value;
      // A missing name is the same immutable StrictUndefined each time (`x | default(...)` of absent
      // data is common, and the library's value constructor is slow).
      let absent: StrictUndefined | undefined;
      return (frame) => {
        const found = lookupRaw(frame, name);
        if (found === undefined || found === MISSING) return (absent ??= new StrictUndefined(name, node));
        return resolved(found, name, node);
      };
    }
    case STRICT: {
      const value = expression(n.expr);
      const inner = n.expr;
      return (frame) => {
        const v = value(frame);
        if (v instanceof UndefinedValue) failUndefined(v, inner);
        return v;
      };
    }
    case ITERATE: {
      const value = expression(n.expr);
      const inner = n.expr;
      return (frame) => iterate(value(frame), inner);
    }
    case ITERATE_PAIRS: {
      const value = expression(n.expr);
      const inner = n.expr;
      return (frame) => iteratePairs(value(frame), inner);
    }
    case "MemberExpression":
      return member(n, node);
    case "BinaryExpression":
      return binary(n);
    case "UnaryExpression": {
      const argument = expression(n.argument);
      const operator = n.operator.value;
      const argumentNode = n.argument;
      return (frame) => unaryOperation(operator, argument(frame), argumentNode);
    }
    case "FilterExpression":
      return filter(n, node);
    case "TestExpression": {
      const operand = expression(n.operand);
      const { negate, operand: operandNode } = n;
      const name = n.test.value;
      return (frame) => testOperation(name, negate, operand(frame), operandNode);
    }
    case "SelectExpression": {
      const test = expression(n.test);
      const lhs = expression(n.lhs);
      return (frame) =>
        pyTruthy(test(frame)) ? lhs(frame) : new LenientUndefined(expressionText(node), node);
    }
    case "Ternary": {
      const condition = expression(n.condition);
      const whenTrue = expression(n.trueExpr);
      const whenFalse = expression(n.falseExpr);
      return (frame) => (pyTruthy(condition(frame)) ? whenTrue(frame) : whenFalse(frame));
    }
    case "CallExpression":
      return call(n);
    case "ArrayLiteral":
    case "TupleLiteral": {
      const items = n.value.map(expression);
      const List = n.type === "ArrayLiteral" ? makeArray : makeTuple;
      return (frame) => List(items.map((item) => item(frame)));
    }
    case "ObjectLiteral": {
      const entries = [...n.value].map(([key, value]) => [expression(key), expression(value)] as const);
      return (frame) => {
        const mapping = new Map<string, Value>();
        for (const [key, value] of entries) {
          const k = key(frame);
          if (!(k instanceof StringValue)) throw new Error(`Object keys must be strings: got ${k.type}`);
          mapping.set(k.value, value(frame));
        }
        return makeObject(mapping);
      };
    }
    default:
      throw new NotCompiled(`the expression ${n.type}`);
  }
}

/** The interpreter's `member`: the object, then the key or slice bounds, then the lookup. */
function member(n: MemberNode, node: Statement): Expression {
  const objectNode = n.object;
  const property = view(n.property);
  const missing = (found: Value | undefined): Value =>
    found === undefined ? new StrictUndefined(expressionText(node), node) : strictIfUndefined(found, node);
  const objectView = view(objectNode);
  if (
    objectView.type === "Identifier" &&
    objectView.value === "loop" &&
    !n.computed &&
    property.type === "Identifier" &&
    LOOP_ATTRIBUTE_SET.has(property.value)
  ) {
    const name = property.value;
    return (frame) => {
      const found = lookupRaw(frame, "loop");
      if (found instanceof LoopState) return missing(found.attribute(name));
      const object = resolved(found, "loop", objectNode);
      if (object instanceof UndefinedValue) failUndefined(object, objectNode);
      return missing(memberByName(object, name));
    };
  }
  const object = expression(objectNode);
  const defined = (frame: Frame): Value => {
    const value = object(frame);
    if (value instanceof UndefinedValue) failUndefined(value, objectNode);
    return value;
  };
  if (property.type === "SliceExpression") {
    const bound = (expr: Statement | undefined): ((frame: Frame) => number | null) => {
      if (expr === undefined) return () => null;
      const value = expression(expr);
      return (frame) => sliceBound(value(frame), expr);
    };
    const start = bound(property.start);
    const stop = bound(property.stop);
    const step = bound(property.step);
    return (frame) => {
      const value = defined(frame);
      const from = start(frame);
      const to = stop(frame);
      return missing(sliceOf(value, from, to, step(frame)));
    };
  }
  if (n.computed) {
    const key = expression(n.property);
    const keyNode = n.property;
    return (frame) => {
      const value = defined(frame);
      const k = key(frame);
      if (k instanceof UndefinedValue) failUndefined(k, keyNode);
      return missing(memberByKey(value, k));
    };
  }
  if (property.type === "IntegerLiteral") {
    const index = makeInteger(Number(property.value));
    return (frame) => missing(memberByKey(defined(frame), index));
  }
  if (property.type === "Identifier") {
    const name = property.value;
    if (DICT_METHODS.has(name)) return (frame) => missing(memberByName(defined(frame), name));
    // What `memberByName` does for a dict and a name that is not a dict method, without its type tests.
    return (frame) => {
      const value = defined(frame);
      return missing(value instanceof ObjectValue ? value.value.get(name) : memberByName(value, name));
    };
  }
  return (frame) => {
    defined(frame);
    return missing(undefined);
  };
}

function binary(n: BinaryNode): Expression {
  const left = expression(n.left);
  const right = expression(n.right);
  switch (n.operator.value) {
    case "and":
      return (frame) => {
        const l = left(frame);
        return pyTruthy(l) ? right(frame) : l;
      };
    case "or":
      return (frame) => {
        const l = left(frame);
        return pyTruthy(l) ? l : right(frame);
      };
    default:
      return (frame) => {
        const l = left(frame);
        return binaryOperation(n, l, right(frame));
      };
  }
}

/** The interpreter's `filter`, for the filters implemented here; the library's own are left to the interpreter. */
function filter(n: FilterNode, node: Statement): Expression {
  const name = filterName(n.filter);
  const own = OWN_FILTERS.get(name);
  if (own === undefined) {
    const error = unavailableFilter(name);
    if (error === undefined) throw new NotCompiled(`the library's filter '${name}'`);
    return () => {
      throw error;
    };
  }
  const operand = expression(n.operand);
  const operandNode = n.operand;
  const filterView = view(n.filter);
  const args = (filterView.type === "CallExpression" ? filterView.args : []).map((arg) => {
    const argView = view(arg);
    if (argView.type === "SpreadExpression" || argView.type === "KeywordSpreadExpression") {
      throw new NotCompiled("argument unpacking");
    }
    return argView.type === "KeywordArgumentExpression"
      ? { keyword: argView.key.value, value: expression(argView.value) }
      : { keyword: undefined, value: expression(arg) };
  });
  if (args.length === 0) return (frame) => own(operand(frame), NO_ARGUMENTS, operandNode, node);
  const noKeywords = args.every((arg) => arg.keyword === undefined);
  return (frame) => {
    const value = operand(frame);
    const positional: Value[] = [];
    // A Map only for a call with keywords: `default(x)` is in most of a Studio template's values.
    const keywords = noKeywords ? NO_ARGUMENTS.keywords : new Map<string, Value>();
    for (const arg of args) {
      if (arg.keyword === undefined) positional.push(arg.value(frame));
      else (keywords as Map<string, Value>).set(arg.keyword, arg.value(frame));
    }
    return own(value, { positional, keywords }, operandNode, node);
  };
}

/** The library's `evaluateCallExpression`: positional arguments, then keyword arguments, then the callee. */
function call(n: CallNode): Expression {
  const positional: Expression[] = [];
  const keywords: { name: string; value: Expression }[] = [];
  for (const arg of n.args) {
    const argView = view(arg);
    if (argView.type === "SpreadExpression" || argView.type === "KeywordSpreadExpression") {
      throw new NotCompiled("argument unpacking");
    }
    if (argView.type === "KeywordArgumentExpression") keywords.push(keywordArgument(argView));
    else positional.push(expression(arg));
  }
  const callee = expression(n.callee);
  return (frame) => {
    const args = positional.map((arg) => arg(frame));
    if (keywords.length > 0) {
      const kwargs = new Map<string, Value>();
      for (const { name, value } of keywords) {
        const v = value(frame);
        if (kwargs.has(name)) throw new Error(`Got multiple values for keyword argument '${name}'`);
        kwargs.set(name, v);
      }
      args.push(new KeywordArgumentsValue(kwargs));
    }
    const fn = callee(frame);
    if (fn.type !== "FunctionValue")
      throw new Error(`Cannot call something that is not a function: got ${fn.type}`);
    return (fn as FunctionValue).value(args, CALL_ENVIRONMENT);
  };
}

function keywordArgument(n: KeywordArgumentNode): { name: string; value: Expression } {
  return { name: n.key.value, value: expression(n.value) };
}

/** The data as runtime values, as the library's `convertToRuntimeValues` makes them (anything unusual goes through it). */
function toValue(input: unknown): Value {
  switch (typeof input) {
    case "string":
      return makeString(input);
    case "number":
      return Number.isInteger(input) ? makeInteger(input) : makeFloat(input);
    case "boolean":
      return input ? TRUE : FALSE;
    case "object": {
      if (input === null) return NONE;
      if (Array.isArray(input)) {
        const items: Value[] = new Array<Value>(input.length);
        for (let i = 0; i < input.length; i++) items[i] = toValue(input[i]);
        return makeArray(items);
      }
      const record = input as Record<string, unknown>;
      const entries = new Map<string, Value>();
      for (const key of Object.keys(record)) entries.set(key, toValue(record[key]));
      return makeObject(entries);
    }
    default:
      return libraryValue(input);
  }
}

const SCRATCH = new Environment();

function libraryValue(input: unknown): Value {
  SCRATCH.variables.delete("value");
  return SCRATCH.set("value", input);
}

/**
 * A compiled template's body: renders the data (a plain object) to text, or
 * throws what the interpreter throws. With `slots`, long strings printed by
 * `tojson` into the output are markers instead (see `slots.ts`).
 */
type CompiledBody = (data: Readonly<Record<string, unknown>>, slots?: Slots) => string;

/**
 * Compiles an instrumented program to closures.
 *
 * @param rootMissing The names the template starts without (see `missingAtFrameStart`).
 * @return The body, or why the template is left to the interpreter.
 */
export function compileClosures(
  program: Program,
  rootMissing: readonly string[],
): { readonly body: CompiledBody } | { readonly notCompiled: string } {
  let body: Block;
  try {
    body = block(program.body, true);
  } catch (error) {
    if (error instanceof NotCompiled) return { notCompiled: error.message };
    throw error;
  }
  const root = rootFrame(rootMissing);
  return { body: (data, slots) => body(root(data, slots)) };
}

/** Makes the template's frame for `data`: the data as runtime values, and the names the template starts without. */
export function rootFrame(
  rootMissing: readonly string[],
): (data: Readonly<Record<string, unknown>>, slots?: Slots) => Frame {
  const missing = new Set(rootMissing);
  return (data, slots) => {
    const root = new Frame(GLOBAL_FRAME, undefined, slots);
    for (const name of rootMissing) root.variables.set(name, MISSING);
    for (const key of Object.keys(data)) {
      const value = data[key];
      // A name the template assigns before reading it starts missing, data or not (Jinja2's scoping).
      if (value === undefined || missing.has(key)) continue;
      root.variables.set(key, toValue(value));
    }
    return root;
  };
}
