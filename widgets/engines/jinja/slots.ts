import { randomUUID } from "node:crypto";

/**
 * Slots let `renderParsed` skip the two costly steps of a long string:
 * escaping it for `tojson` and parsing it back out of the JSON text. A
 * `{{ x | tojson }}` that prints straight into the template's output (not
 * into a `{% set %}` block, whose text the template can read) and whose value
 * is a long string prints a short marker instead, a JSON string such as
 * `"<@chatkit-slot:NONCE:3>"`; the string itself is kept aside, and put back
 * where the parsed JSON holds the marker. No `tojson` output contains a raw
 * `<`, and the nonce is random per template, so the marker is not data; if
 * it is not found exactly once as a whole string value anyway (inside a
 * longer string, as an object key), the caller renders again without slots.
 */
export interface Slots {
  /** The marker of slot `i` is `prefix + i + ">"`. */
  readonly prefix: string;
  readonly values: string[];
}

/** Strings up to this length are printed as usual: a slot costs more than escaping a short string. */
export const SLOT_MIN_LENGTH = 64;

export function slotPrefix(): string {
  return `<@chatkit-slot:${randomUUID()}:`;
}

/** The JSON text that stands for `text` in the output: the marker of a new slot holding it. */
export function fillSlot(slots: Slots, text: string): string {
  slots.values.push(text);
  return `"${slots.prefix}${slots.values.length - 1}>"`;
}

/**
 * Puts each slot's string back where `parsed` (JSON.parse of the text with
 * markers, modified in place) holds its marker.
 *
 * @return The value, or `undefined` if some marker is not found exactly once as a string value.
 */
export function restoreSlots(parsed: unknown, slots: Slots): { value: unknown } | undefined {
  const found = new Array<number>(slots.values.length).fill(0);
  const restore = (value: unknown): unknown => {
    if (typeof value === "string") {
      const index = slotIndex(value, slots);
      if (index === undefined) return value;
      found[index] = (found[index] ?? 0) + 1;
      return slots.values[index];
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = restore(value[i]);
    } else if (typeof value === "object" && value !== null) {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (slotIndex(key, slots) !== undefined) return value; // a marker as a key: counted as not found
        record[key] = restore(record[key]);
      }
    }
    return value;
  };
  const value = restore(parsed);
  return found.every((count) => count === 1) ? { value } : undefined;
}

function slotIndex(text: string, slots: Slots): number | undefined {
  if (!text.startsWith(slots.prefix) || !text.endsWith(">")) return undefined;
  const digits = text.slice(slots.prefix.length, -1);
  if (!/^(0|[1-9]\d*)$/.test(digits)) return undefined;
  const index = Number(digits);
  return index < slots.values.length ? index : undefined;
}
