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
  /**
   * For each slot, the data name it printed (`{{ name | tojson }}`), or
   * `undefined` for any other expression: a stream renderer fills a name
   * that only reaches the text this way with its new string, without
   * rendering (see `slotOnlyNames.ts`). Left out, nothing is recorded.
   */
  readonly names?: (string | undefined)[] | undefined;
}

/** Strings up to this length are printed as usual: a slot costs more than escaping a short string. */
export const SLOT_MIN_LENGTH = 64;

export function slotPrefix(): string {
  return `<@chatkit-slot:${randomUUID()}:`;
}

/** The JSON text that stands for `text` in the output: the marker of a new slot holding it, printed from `name`. */
export function fillSlot(slots: Slots, text: string, name: string | undefined): string {
  slots.values.push(text);
  slots.names?.push(name);
  return `"${slots.prefix}${slots.values.length - 1}>"`;
}

/** Makes a value filled from a skeleton, given the strings of the slots. */
type Filler = (values: readonly string[]) => unknown;

/**
 * A parsed text with markers, kept to be filled again: when the next render
 * prints the same text (the same widget, only the long strings differ, as
 * when a message streams into a card), its value is this tree with the new
 * strings put in, without parsing anything. Every value filled from it
 * shares all but the paths to the markers with it, frozen; the objects and
 * arrays on those paths are copied by each fill, so the skeleton keeps them
 * unfrozen (V8 copies a frozen array about 30 times slower than a plain one,
 * and it never gives them out).
 */
export interface Skeleton {
  readonly fill: Filler;
  /** Whether the tree holds no `null` (slots hold strings, so no value filled from it does either). */
  readonly nullFree: boolean;
}

/**
 * The skeleton of `parsed` (JSON.parse of a text with `count` markers), or
 * `undefined` if some marker is not found exactly once as a string value
 * (inside a longer string, or as an object key). Freezes the parts of
 * `parsed` that hold no marker. (A marker under a `__proto__` key is
 * filled right: the copy holds `__proto__` as an own property, which the
 * assignment sets.)
 */
export function skeletonOf(parsed: unknown, slots: Slots): Skeleton | undefined {
  const found = new Array<number>(slots.values.length).fill(0);
  let valid = true;
  let nullFree = true;
  const locate = (value: unknown): Filler | undefined => {
    if (typeof value === "string") {
      const index = slotIndex(value, slots);
      if (index === undefined) return undefined;
      found[index] = (found[index] ?? 0) + 1;
      return (values) => values[index];
    }
    if (value === null) nullFree = false;
    if (typeof value !== "object" || value === null) return undefined;
    const keys: (string | number)[] = [];
    const fillers: Filler[] = [];
    const visit = (key: string | number, child: unknown): void => {
      const filler = locate(child);
      if (filler === undefined) return;
      keys.push(key);
      fillers.push(filler);
    };
    if (Array.isArray(value)) {
      value.forEach((child: unknown, index) => visit(index, child));
    } else {
      for (const [key, child] of Object.entries(value)) {
        if (slotIndex(key, slots) !== undefined) valid = false;
        visit(key, child);
      }
    }
    if (keys.length === 0) {
      Object.freeze(value);
      return undefined;
    }
    return copyFiller(value as Record<string | number, unknown>, keys, fillers);
  };
  const fill = locate(parsed);
  if (!valid || fill === undefined || !found.every((count) => count === 1)) return undefined;
  return { fill, nullFree };
}

/** Copies `node` (an array or an object on the way to a marker) and fills its `keys`. */
function copyFiller(
  node: Record<string | number, unknown>,
  keys: readonly (string | number)[],
  fillers: readonly Filler[],
): Filler {
  const copy = Array.isArray(node)
    ? (): Record<string | number, unknown> => node.slice() as unknown as Record<number, unknown>
    : (): Record<string | number, unknown> => ({ ...node });
  return (values) => {
    const filled = copy();
    for (let i = 0; i < keys.length; i++) filled[keys[i]!] = fillers[i]!(values);
    return filled;
  };
}

/** The skeleton's tree with slot `i` holding `values[i]`: fresh (unfrozen) on the paths to the slots, shared (frozen) elsewhere. */
export function fillSkeleton(skeleton: Skeleton, values: readonly string[]): unknown {
  return skeleton.fill(values);
}

function slotIndex(text: string, slots: Slots): number | undefined {
  if (!text.startsWith(slots.prefix) || !text.endsWith(">")) return undefined;
  const digits = text.slice(slots.prefix.length, -1);
  if (!/^(0|[1-9]\d*)$/.test(digits)) return undefined;
  const index = Number(digits);
  return index < slots.values.length ? index : undefined;
}
