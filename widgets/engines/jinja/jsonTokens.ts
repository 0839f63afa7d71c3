/**
 * The JSON tokens of a template's literal text, read once at compile time
 * for the value builders (`valueBuilder.ts`): `,{"type":"Text","value":`
 * is a comma, an opening brace, a key, a colon, a string, a comma, a key
 * and a colon. A text that is not a whole number of JSON tokens (a string
 * cut by a printed value: `"label":"by {{ owner }}"`) has none, and its
 * template is built through text, as before.
 *
 * Reading each text on its own gives the tokens of the whole output: a
 * string cannot span two texts (each text's strings are closed), and the
 * only tokens that could run together across a boundary are two values
 * (`1` then `2` printing `12`), which is never valid JSON, so the assembler
 * refuses it and the template's text decides.
 */

/** `{`, `}`, `[`, `]`, `,` and `:`, as the assembler reads them. */
export const OPEN_OBJECT = 0;
export const CLOSE_OBJECT = 1;
export const OPEN_ARRAY = 2;
export const CLOSE_ARRAY = 3;
export const COMMA = 4;
export const COLON = 5;

export type Punctuation = 0 | 1 | 2 | 3 | 4 | 5;

/** A string (key or value), number, boolean or `null` written in the template's text. */
export const SCALAR = 0;
/** A string and a colon: a key. */
export const KEY = 1;
/** A key, a colon and a scalar: a property. */
export const PROPERTY = 2;

/**
 * Scalars, with the keys and properties they start fused into one token
 * (`"type":"Text"` is one step of the assembler, not three). A string
 * followed by a colon is a key wherever the JSON is valid, so fusing
 * changes nothing the assembler accepts or builds.
 */
export class Scalar {
  constructor(
    readonly kind: typeof SCALAR | typeof KEY | typeof PROPERTY,
    /** The key, for `KEY` and `PROPERTY`. */
    readonly key: string,
    readonly value: string | number | boolean | null,
  ) {}
}

export type JsonToken = Punctuation | Scalar;

const PUNCTUATION: Readonly<Record<string, Punctuation>> = {
  "{": OPEN_OBJECT,
  "}": CLOSE_OBJECT,
  "[": OPEN_ARRAY,
  "]": CLOSE_ARRAY,
  ",": COMMA,
  ":": COLON,
};

/** One token at the sticky position: JSON's own grammar for strings (no raw control characters), numbers and literals. */
const TOKEN =
  /[ \t\n\r]*(?:([{}[\],:])|("(?:[\x20\x21\x23-\x5b\x5d-\uffff]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*")|(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null))/y;
const TRAILING_SPACE = /[ \t\n\r]*$/y;

/** The tokens of `text`, or `undefined` if it is not a whole number of JSON tokens (JSON whitespace between them). */
export function tokenizeJsonText(text: string): JsonToken[] | undefined {
  const tokens: JsonToken[] = [];
  let at = 0;
  for (;;) {
    TRAILING_SPACE.lastIndex = at;
    if (TRAILING_SPACE.exec(text)?.index === at && TRAILING_SPACE.lastIndex === text.length) return tokens;
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(text);
    if (match === null) return undefined;
    at = TOKEN.lastIndex;
    const [, punctuation, string, number, constant] = match;
    if (punctuation !== undefined) tokens.push(PUNCTUATION[punctuation] as Punctuation);
    else if (string !== undefined) tokens.push(new Scalar(SCALAR, "", JSON.parse(string) as string));
    else if (number !== undefined) tokens.push(new Scalar(SCALAR, "", Number(number)));
    else tokens.push(new Scalar(SCALAR, "", constant === "null" ? null : constant === "true"));
  }
}

/** The tokens with each key (`"k":`) and each property of a scalar value (`"k":1`) fused into one token. */
export function fuseKeys(tokens: readonly JsonToken[]): JsonToken[] {
  const fused: JsonToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as JsonToken;
    const isKey = typeof token !== "number" && typeof token.value === "string" && tokens[i + 1] === COLON;
    if (!isKey) {
      fused.push(token);
      continue;
    }
    const value = tokens[i + 2];
    if (value !== undefined && typeof value !== "number") {
      fused.push(new Scalar(PROPERTY, token.value, value.value));
      i += 2;
    } else {
      fused.push(new Scalar(KEY, token.value, null));
      i += 1;
    }
  }
  return fused;
}
