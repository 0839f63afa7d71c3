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

/** Where the markers are in a parsed text: a slot index at a marker, the steps that lead to markers above it. */
type Holes = number | Map<string | number, Holes>;

/**
 * A parsed text with markers, kept to be filled again: when the next render
 * prints the same text (the same widget, only the long strings differ, as
 * when a message streams into a card), its value is this tree with the new
 * strings put in, without parsing anything. The tree is frozen, and every
 * value filled from it shares all but the paths to the markers with it.
 */
export interface Skeleton {
  readonly tree: unknown;
  readonly holes: Holes;
}

/**
 * The skeleton of `parsed` (JSON.parse of a text with `count` markers), or
 * `undefined` if some marker is not found exactly once as a string value
 * (inside a longer string, or as an object key). Freezes `parsed`.
 */
export function skeletonOf(parsed: unknown, slots: Slots): Skeleton | undefined {
  const found = new Array<number>(slots.values.length).fill(0);
  let valid = true;
  const locate = (value: unknown): Holes | undefined => {
    if (typeof value === "string") {
      const index = slotIndex(value, slots);
      if (index !== undefined) found[index] = (found[index] ?? 0) + 1;
      return index;
    }
    if (typeof value !== "object" || value === null) return undefined;
    let holes: Map<string | number, Holes> | undefined;
    const visit = (key: string | number, child: unknown): void => {
      const inner = locate(child);
      if (inner !== undefined) (holes ??= new Map()).set(key, inner);
    };
    if (Array.isArray(value)) {
      value.forEach((child: unknown, index) => visit(index, child));
    } else {
      for (const [key, child] of Object.entries(value)) {
        if (slotIndex(key, slots) !== undefined) valid = false;
        visit(key, child);
      }
    }
    Object.freeze(value);
    return holes;
  };
  const holes = locate(parsed);
  if (!valid || holes === undefined || !found.every((count) => count === 1)) return undefined;
  return { tree: parsed, holes };
}

/**
 * The skeleton's tree with slot `i` holding `values[i]`: the objects and
 * arrays on the way to a marker are copied (fresh, so left unfrozen), the
 * rest is shared (frozen).
 */
export function fillSkeleton(skeleton: Skeleton, values: readonly string[]): unknown {
  const fill = (node: unknown, holes: Holes): unknown => {
    if (typeof holes === "number") return values[holes];
    const copy = (Array.isArray(node) ? node.slice() : { ...(node as object) }) as Record<
      string | number,
      unknown
    >;
    for (const [key, inner] of holes)
      copy[key] = fill((node as Record<string | number, unknown>)[key], inner);
    return copy;
  };
  return fill(skeleton.tree, skeleton.holes);
}

function slotIndex(text: string, slots: Slots): number | undefined {
  if (!text.startsWith(slots.prefix) || !text.endsWith(">")) return undefined;
  const digits = text.slice(slots.prefix.length, -1);
  if (!/^(0|[1-9]\d*)$/.test(digits)) return undefined;
  const index = Number(digits);
  return index < slots.values.length ? index : undefined;
}
