/**
 * Turns an event (or any wire value) into the JSON text of one frame.
 *
 * PROTOCOL §3: null-valued fields are left out of every frame. Object
 * properties whose value is `null` or `undefined` are dropped at every depth
 * (widget props included); array elements are kept as they are, because
 * dropping one would shift the indexes the client relies on. `toJSON`
 * (e.g. on a `Date`) is honoured, as with `JSON.stringify`.
 */

function dropNulls(this: unknown, _key: string, value: unknown): unknown {
  if (value === null && !Array.isArray(this)) return undefined;
  return value;
}

/** Deeper than this, the walk gives up and leaves the value to the replacer (which also reports cycles). */
const MAX_WALK_DEPTH = 64;

/**
 * Whether `JSON.stringify` alone gives the same text as with `dropNulls`:
 * no object property anywhere is `null`, and no object has a `toJSON` whose
 * result would need the replacer. A walk is cheaper than the replacer,
 * which V8 calls for every key and which takes JSON.stringify off its fast
 * path (a text-delta event: about 1.7x slower).
 */
function needsNoReplacer(value: unknown, depth = 0): boolean {
  if (typeof value !== "object" || value === null) return true;
  if (depth > MAX_WALK_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const element of value as readonly unknown[]) if (!needsNoReplacer(element, depth + 1)) return false;
    return true;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
  for (const key in value) {
    const property = (value as Record<string, unknown>)[key];
    if (property === null || !needsNoReplacer(property, depth + 1)) return false;
  }
  return true;
}

/**
 * The JSON text of `value` with null/undefined properties left out.
 *
 * @param value An event, item or update, as held in memory (the wire format).
 * @return Compact JSON text (no newlines, so it fits one SSE `data:` line).
 */
export function serializeEvent(value: unknown): string {
  const text = needsNoReplacer(value) ? JSON.stringify(value) : JSON.stringify(value, dropNulls);
  if (text === undefined) {
    throw new TypeError(
      `serializeEvent: cannot serialise ${typeof value} (JSON has no representation for it)`,
    );
  }
  return text;
}
