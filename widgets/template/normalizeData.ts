import { describeJsonValue, isJsonObject } from "../json";

/**
 * Turns what a caller passes to `build` into the plain JSON-shaped object a
 * template sees, the way `JSON.stringify` would (objects with `toJSON`, such
 * as class instances and `Date`s, are converted; `undefined` properties
 * vanish), without a JSON round trip: plain data, the common case, is
 * returned as is.
 */
export function normalizeData(data: unknown, caller: string): Record<string, unknown> {
  if (data === undefined || data === null) return {};
  const normalized = normalizeValue(data);
  if (!isJsonObject(normalized)) {
    throw new TypeError(
      `${caller}: the data must be an object (or have a toJSON() that returns one), got ${describeJsonValue(normalized)}`,
    );
  }
  return normalized;
}

interface WithToJSON {
  toJSON(): unknown;
}

function hasToJSON(value: object): value is WithToJSON {
  return typeof (value as Partial<WithToJSON>).toJSON === "function";
}

function normalizeValue(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (hasToJSON(value)) return normalizeValue(value.toJSON());
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const normalized = item === undefined ? null : normalizeValue(item);
      if (normalized !== item) {
        copy ??= value.slice();
        copy[i] = normalized;
      }
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (item === undefined) {
      copy ??= { ...record };
      delete copy[key];
      continue;
    }
    const normalized = normalizeValue(item);
    if (normalized !== item) {
      copy ??= { ...record };
      copy[key] = normalized;
    }
  }
  return copy ?? record;
}
