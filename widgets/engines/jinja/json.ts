/** Jinja2's `tojson`: `json.dumps(value, sort_keys=True)` with ASCII-only, HTML-safe output. */
import {
  ArrayValue,
  BooleanValue,
  FloatValue,
  IntegerValue,
  NONE,
  NullValue,
  type NumberValue,
  ObjectValue,
  type Statement,
  StringValue,
  UndefinedValue,
  type Value,
} from "./library";
import { compareCodePoints, JinjaTypeError, pyFloat, pyInt, pyType, requireDefinedOrLenient } from "./values";

/** What `tojson` prints as is: printable ASCII but `"`, `\\`, `&`, `'`, `<` and `>`. */
const JSON_UNSAFE = /[^\x20\x21\x23-\x25\x28-\x3b\x3d\x3f-\x5b\x5d-\x7e]/;
const JSON_UNSAFE_ALL = new RegExp(JSON_UNSAFE.source, "g");
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
  // Most strings need no escape: one regex test, no replace callback, no new string but the quoted one.
  if (!JSON_UNSAFE.test(text)) return `"${text}"`;
  const escaped = text.replace(
    JSON_UNSAFE_ALL,
    (char) => JSON_SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return `"${WIDE.test(text) ? narrow(escaped) : escaped}"`;
}

const WIDE = /[\u0100-\uffff]/;

/**
 * The same ASCII text stored one byte per character. `replace` on a string
 * with characters past U+00FF returns its (all-ASCII) result in V8's
 * two-byte form, and one such piece in a rendered template makes V8 widen
 * the whole output when it is flattened: measured 0.8 ms of a 2 ms render of
 * 200 list items when some titles hold emoji.
 */
function narrow(ascii: string): string {
  return Buffer.from(ascii, "latin1").toString("latin1");
}

function jsonNumber(value: NumberValue, isFloat: boolean): string {
  const n = value.value;
  if (Object.is(n, -0)) return "-0.0"; // JavaScript data has no int/float distinction; -0 is a float
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
  return isFloat ? pyFloat(n) : pyInt(n);
}

/** Jinja2's `tojson`: `json.dumps(value, sort_keys=True, indent=indent)` made HTML-safe. */
export function toJson(
  value: Value,
  indent: string | null,
  depth: number,
  node: Statement | undefined,
): string {
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
