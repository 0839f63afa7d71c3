import { describeJsonValue, formatJsonPath, isJsonObject } from "../json";

/**
 * How deep data may nest. Deeper data is refused before rendering rather
 * than left to overflow the stack in whichever step recurses first (the
 * data walk, the schema check, `tojson`); Jinja2, the reference, stops at
 * Python's recursion limit, which is about the same.
 */
export const MAX_DATA_DEPTH = 1000;

/** Paths longer than this are shortened in messages. */
const SHOWN_SEGMENTS = 8;

type Segment = string | number;

/**
 * The data cannot be turned into JSON: it is cyclic, nests too deep, holds
 * a BigInt, or reading it threw (a getter, `toJSON`, a proxy trap). The
 * caller turns it into a `WidgetDataError`; `path` is where, from `data`.
 */
export class UnreadableDataError extends Error {
  /** Keys from the data's root down to the value at fault, filled in as the walk unwinds. */
  readonly segments: Segment[] = [];
  /** The containers along `segments` (the root first), to tell a cycle from deep nesting. */
  readonly containers: object[] = [];

  constructor(
    readonly reason: string,
    readonly kind: "unreadable" | "too-deep" = "unreadable",
  ) {
    super(reason);
  }

  /** Where, and what is wrong there: a cycle names both ends of the loop. */
  describe(): { readonly path: string; readonly message: string } {
    if (this.kind === "too-deep") {
      const cycle = this.#cycle();
      if (cycle !== undefined) {
        return {
          path: shortPath(this.segments.slice(0, cycle.end)),
          message: `is the same object as ${shortPath(this.segments.slice(0, cycle.start))}: the data is cyclic, which JSON cannot hold`,
        };
      }
      return {
        path: "data",
        message: `nests deeper than ${MAX_DATA_DEPTH} levels (down to ${shortPath(this.segments)}); flatten it`,
      };
    }
    return { path: shortPath(this.segments), message: this.reason };
  }

  #cycle(): { start: number; end: number } | undefined {
    const seen = new Map<object, number>();
    for (let index = 0; index < this.containers.length; index++) {
      const container = this.containers[index] as object;
      const start = seen.get(container);
      if (start !== undefined) return { start, end: index };
      seen.set(container, index);
    }
    return undefined;
  }
}

function shortPath(segments: readonly Segment[]): string {
  if (segments.length <= SHOWN_SEGMENTS) return formatJsonPath(["data", ...segments]);
  const shown = formatJsonPath(["data", ...segments.slice(0, SHOWN_SEGMENTS)]);
  return `${shown}… (${segments.length} levels)`;
}

/**
 * Turns what a caller passes to `build` into the plain JSON-shaped object a
 * template sees, the way `JSON.stringify` would (objects with `toJSON`, such
 * as class instances and `Date`s, are converted; `undefined`, functions and
 * symbols vanish from objects and become `null` in arrays), without a JSON
 * round trip: plain data, the common case, is returned as is.
 *
 * Whatever the data is, this returns or throws an `UnreadableDataError`
 * naming the path at fault (never a stack overflow or the data's own
 * error), so that `safeBuild` and `validate` can report it as data.
 */
export function normalizeData(data: unknown): Record<string, unknown> {
  if (data === undefined || data === null) return {};
  let normalized: unknown;
  try {
    normalized = normalizeValue(data, 0);
  } catch (error) {
    throw asUnreadableData(error);
  }
  if (!isJsonObject(normalized)) {
    throw new UnreadableDataError(
      `must be an object (or have a toJSON() that returns one), got ${describeJsonValue(normalized)}`,
    );
  }
  return normalized;
}

/** A value that `JSON.stringify` leaves out of an object (and writes as `null` in an array). */
function isOmitted(value: unknown): boolean {
  const type = typeof value;
  return type === "undefined" || type === "function" || type === "symbol";
}

function normalizeValue(value: unknown, depth: number): unknown {
  if (typeof value !== "object" || value === null) {
    if (typeof value === "bigint") {
      throw new UnreadableDataError(
        "is a BigInt, which JSON cannot hold: convert it to a number or a string",
      );
    }
    return value;
  }
  if (depth >= MAX_DATA_DEPTH) throw new UnreadableDataError("", "too-deep");
  const toJSON = readToJSON(value);
  if (toJSON !== undefined) {
    let json: unknown;
    try {
      json = toJSON.call(value);
    } catch (error) {
      throw new UnreadableDataError(`its toJSON() threw: ${messageOf(error)}`);
    }
    return isOmitted(json) ? undefined : normalizeValue(json, depth + 1);
  }
  return Array.isArray(value)
    ? normalizeArray(value as unknown[], depth)
    : normalizeRecord(value as Record<string, unknown>, depth);
}

function readToJSON(value: object): ((this: unknown) => unknown) | undefined {
  let toJSON: unknown;
  try {
    toJSON = (value as { toJSON?: unknown }).toJSON;
  } catch (error) {
    throw new UnreadableDataError(`reading its toJSON threw: ${messageOf(error)}`);
  }
  return typeof toJSON === "function" ? (toJSON as (this: unknown) => unknown) : undefined;
}

function normalizeArray(value: unknown[], depth: number): unknown[] {
  let copy: unknown[] | undefined;
  let index = 0;
  try {
    for (; index < value.length; index++) {
      const item: unknown = value[index];
      const normalized = isOmitted(item) ? null : normalizeValue(item, depth + 1);
      if (normalized !== item) {
        copy ??= value.slice();
        copy[index] = normalized;
      }
    }
  } catch (error) {
    throw locate(error, index, value);
  }
  return copy ?? value;
}

function normalizeRecord(record: Record<string, unknown>, depth: number): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  let keys: string[];
  try {
    keys = Object.keys(record);
  } catch (error) {
    throw new UnreadableDataError(`listing its keys threw: ${messageOf(error)}`);
  }
  let key: string | undefined;
  try {
    for (key of keys) {
      let item: unknown;
      try {
        item = record[key];
      } catch (error) {
        throw new UnreadableDataError(`reading it threw: ${messageOf(error)}`);
      }
      const normalized = isOmitted(item) ? undefined : normalizeValue(item, depth + 1);
      if (normalized === undefined) {
        copy ??= { ...record };
        delete copy[key];
      } else if (normalized !== item) {
        copy ??= { ...record };
        copy[key] = normalized;
      }
    }
  } catch (error) {
    throw key === undefined ? asUnreadableData(error) : locate(error, key, record);
  }
  return copy ?? record;
}

/** Adds one step of the path (the key, and the container it was read from) to an error unwinding the walk. */
function locate(error: unknown, key: Segment, container: object): UnreadableDataError {
  const unreadable = asUnreadableData(error);
  unreadable.segments.unshift(key);
  unreadable.containers.unshift(container);
  return unreadable;
}

export function asUnreadableData(error: unknown): UnreadableDataError {
  try {
    if (error instanceof UnreadableDataError) return error;
    // A stack overflow in a step that walks the data before it is normalised (a recursive zod schema).
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      return new UnreadableDataError("is nested too deep, or cyclic: reading it overflowed the stack");
    }
  } catch {
    // A thrown proxy can throw again when asked what it is: it is then just "something threw".
  }
  return new UnreadableDataError(`reading it threw: ${messageOf(error)}`);
}

/** What a thrown value says, whatever it is (data can throw anything, even a value that throws when read). */
function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return "a value that cannot be shown";
  }
}
