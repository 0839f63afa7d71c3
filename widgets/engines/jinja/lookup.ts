/** Attribute and item lookup, the way Jinja2's `getattr` and `getitem` do it. */
import {
  ArrayValue,
  BooleanValue,
  FunctionValue,
  IntegerValue,
  type MapValue,
  NamespaceValue,
  NONE,
  numberOf,
  ObjectValue,
  splitArguments,
  type Statement,
  StringValue,
  TupleValue,
  UndefinedValue,
  type Value,
} from "./library";
import { JinjaTypeError, pyType, requireDefinedOrLenient } from "./values";
import { codePointAt } from "./strings";

function unsupportedMethod(owner: string, name: string): FunctionValue {
  return new FunctionValue(() => {
    throw new JinjaTypeError(`${owner}.${name}() is not supported by this Jinja engine`);
  });
}

/** The `dict` methods, which `d.name` finds before the key `name` (Jinja2's `getattr` first). */
export const DICT_METHODS: ReadonlySet<string> = new Set([
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
export function pyCapitalize(text: string): string {
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
export function jinjaTitle(text: string): string {
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

export function itemPairs(entries: Map<string, Value>): ArrayValue {
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
export function getAttribute(object: Value, name: string): Value | undefined {
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
export function getItem(object: Value, key: Value): Value | undefined {
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
export function iterate(value: Value, node: Statement | undefined): ArrayValue {
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
