import {
  ArrayValue,
  BooleanValue,
  FloatValue,
  IntegerValue,
  NONE,
  NullValue,
  ObjectValue,
  type Statement,
  StringValue,
  type Value,
} from "./library";
import { setOwnProperty } from "../../serialize";
import { toJson } from "./json";
import {
  CLOSE_ARRAY,
  CLOSE_OBJECT,
  COLON,
  COMMA,
  fuseKeys,
  KEY,
  OPEN_ARRAY,
  OPEN_OBJECT,
  SCALAR,
  type JsonToken,
  type Punctuation,
} from "./jsonTokens";
import { compareCodePoints } from "./values";

/**
 * Thrown (one shared instance, no stack to capture) when what a template
 * prints would not parse as JSON, or not to what the value builder can
 * build: the caller then renders the text, whose parse decides.
 */
export class NotJson extends Error {
  private constructor() {
    super("the output is not JSON the value builder can build");
  }

  static readonly INSTANCE = new NotJson();
}

const NOT_JSON = NotJson.INSTANCE;

/**
 * Thrown (one shared instance) when a long string is printed straight into
 * the output, as a message streaming into a card is: there the slot path
 * (`slots.ts`) serves better, since its widgets share all but the message
 * between builds (and the diff skips what they share), so the caller
 * renders the text with slots instead, from the start.
 */
export class SlotsServeBetter extends Error {
  private constructor() {
    super("a long string printed into the output: render with slots");
  }

  static readonly INSTANCE = new SlotsServeBetter();
}

/** Where the assembler is in the JSON grammar: what may come next. */
const ROOT = 0; // a value
const ROOT_DONE = 1; // nothing (whitespace)
const ARRAY_FIRST = 2; // a value or `]`
const ARRAY_NEXT = 3; // `,` or `]`
const ARRAY_VALUE = 4; // a value
const OBJECT_FIRST = 5; // a key or `}`
const OBJECT_COLON = 6; // `:`
const OBJECT_VALUE = 7; // a value
const OBJECT_NEXT = 8; // `,` or `}`
const OBJECT_KEY = 9; // a key

/** How a `{% set _c %}` block's text is printed (see `valueBuilder.ts`): the Studio's join idiom. */
export const SLICE_NONE = 0;
/** `_c[1:] if _c and _c[0] == ',' else _c`: the leading comma goes, if there is one. */
export const SLICE_LEADING_COMMA = 1;
/** `_c[1:]`: the first character goes, whatever it is (anything but a comma or whitespace changes the JSON). */
export const SLICE_FIRST_CHARACTER = 2;
export type SliceMode = 0 | 1 | 2;

/** A text of the template, read once: its JSON tokens (keys fused), and what its first character is. */
export class Fragment {
  readonly tokens: readonly JsonToken[];
  readonly leadingComma: boolean;
  readonly leadingSpace: boolean;

  constructor(text: string, tokens: readonly JsonToken[]) {
    this.tokens = fuseKeys(tokens);
    this.leadingComma = text.startsWith(",");
    this.leadingSpace = /^[ \t\n\r]/.test(text);
  }
}

/**
 * Builds the value `JSON.parse` would make of a template's output, from
 * the tokens of its texts and the values it prints with `tojson`, without
 * any text: a small stack machine over JSON's grammar. Anything the grammar
 * refuses throws `NotJson` (the caller renders the text instead, so errors
 * stay those of the text path). Key order and duplicate keys behave as in
 * `JSON.parse` (the last value wins, at the first key's place).
 */
export class ValueAssembler {
  /** Whether no `null` was placed anywhere (so dropping nulls has nothing to do). */
  nullFree = true;

  /** The containers above the current one; a closed container's parent is always past a value, so its state is known. */
  readonly #containers: (unknown[] | Record<string, unknown>)[] = [];
  #container: unknown[] | Record<string, unknown> | undefined;
  #state = ROOT;
  #key = "";
  #root: unknown;
  #slice: SliceMode = SLICE_NONE;

  /** A text of the template. */
  fragment(fragment: Fragment): void {
    const { tokens } = fragment;
    let from = 0;
    if (this.#slice !== SLICE_NONE) {
      if (fragment.leadingComma) from = 1;
      else if (this.#slice === SLICE_FIRST_CHARACTER && !fragment.leadingSpace) throw NOT_JSON;
      this.#slice = SLICE_NONE;
    }
    for (let i = from; i < tokens.length; i++) {
      const token = tokens[i] as JsonToken;
      if (typeof token === "number") this.#punctuation(token);
      else if (token.kind === SCALAR) this.#scalar(token.value);
      else {
        if (this.#state !== OBJECT_FIRST && this.#state !== OBJECT_KEY) throw NOT_JSON;
        this.#key = token.key;
        if (token.kind === KEY) {
          this.#state = OBJECT_VALUE;
        } else {
          const { value } = token;
          if (value === null) this.nullFree = false;
          setOwnProperty(this.#container as Record<string, unknown>, token.key, value);
          this.#state = OBJECT_NEXT;
        }
      }
    }
  }

  /** A value printed by `tojson`: what `JSON.parse` makes of `toJson(value)`. */
  printed(value: Value, node: Statement): void {
    if (this.#slice !== SLICE_NONE) {
      // `tojson` never prints a leading comma or space.
      if (this.#slice === SLICE_FIRST_CHARACTER) throw NOT_JSON;
      this.#slice = SLICE_NONE;
    }
    this.#value(this.#json(value, node));
  }

  /** The output of a `{% set %}` block printed sliced (`mode`) follows; nested slices are left to the text. */
  startSlice(mode: SliceMode): void {
    if (this.#slice !== SLICE_NONE) throw NOT_JSON;
    this.#slice = mode;
  }

  /** The sliced block ended; if it printed nothing, its slice printed nothing either. */
  endSlice(): void {
    this.#slice = SLICE_NONE;
  }

  /** The value, once the whole output was read; `NotJson` if it is unfinished. */
  finish(): unknown {
    if (this.#state !== ROOT_DONE) throw NOT_JSON;
    return this.#root;
  }

  #punctuation(token: Punctuation): void {
    switch (token) {
      case OPEN_OBJECT:
        return this.#open({}, OBJECT_FIRST);
      case OPEN_ARRAY:
        return this.#open([], ARRAY_FIRST);
      case CLOSE_OBJECT:
        if (this.#state !== OBJECT_FIRST && this.#state !== OBJECT_NEXT) throw NOT_JSON;
        return this.#close();
      case CLOSE_ARRAY:
        if (this.#state !== ARRAY_FIRST && this.#state !== ARRAY_NEXT) throw NOT_JSON;
        return this.#close();
      case COMMA:
        if (this.#state === ARRAY_NEXT) this.#state = ARRAY_VALUE;
        else if (this.#state === OBJECT_NEXT) this.#state = OBJECT_KEY;
        else throw NOT_JSON;
        return;
      case COLON:
        if (this.#state !== OBJECT_COLON) throw NOT_JSON;
        this.#state = OBJECT_VALUE;
        return;
    }
  }

  #scalar(value: string | number | boolean | null): void {
    if (this.#state === OBJECT_FIRST || this.#state === OBJECT_KEY) {
      if (typeof value !== "string") throw NOT_JSON;
      this.#key = value;
      this.#state = OBJECT_COLON;
      return;
    }
    if (value === null) this.nullFree = false;
    this.#value(value);
  }

  #value(value: unknown): void {
    switch (this.#state) {
      case ARRAY_FIRST:
      case ARRAY_VALUE:
        (this.#container as unknown[]).push(value);
        this.#state = ARRAY_NEXT;
        return;
      case OBJECT_VALUE:
        setOwnProperty(this.#container as Record<string, unknown>, this.#key, value);
        this.#state = OBJECT_NEXT;
        return;
      case ROOT:
        this.#root = value;
        this.#state = ROOT_DONE;
        return;
      default:
        throw NOT_JSON;
    }
  }

  #open(container: unknown[] | Record<string, unknown>, state: number): void {
    this.#value(container);
    if (this.#container !== undefined) this.#containers.push(this.#container);
    this.#container = container;
    this.#state = state;
  }

  #close(): void {
    const parent = this.#containers.pop();
    this.#state = parent === undefined ? ROOT_DONE : Array.isArray(parent) ? ARRAY_NEXT : OBJECT_NEXT;
    this.#container = parent;
  }

  /** `JSON.parse(toJson(value))`, made directly; errors (undefined, not serialisable) are `toJson`'s own. */
  #json(value: Value, node: Statement): unknown {
    if (value instanceof StringValue) return value.value;
    if (value instanceof BooleanValue) return value.value;
    if (value instanceof IntegerValue || value instanceof FloatValue) {
      // Python's repr of a finite number round-trips; `NaN` and `Infinity` are not JSON.
      if (!Number.isFinite(value.value)) throw NOT_JSON;
      return value.value;
    }
    if (value instanceof NullValue) {
      this.nullFree = false;
      return null;
    }
    if (value instanceof ArrayValue) {
      const items = value.value;
      const array = new Array<unknown>(items.length);
      for (let i = 0; i < items.length; i++) array[i] = this.#json(items[i] as Value, node);
      return array;
    }
    if (value instanceof ObjectValue) {
      const object: Record<string, unknown> = {};
      const keys = [...value.value.keys()].sort(compareCodePoints);
      for (const key of keys) setOwnProperty(object, key, this.#json(value.value.get(key) ?? NONE, node));
      return object;
    }
    toJson(value, null, 0, node); // throws what the text path throws for this value
    throw NOT_JSON;
  }
}
