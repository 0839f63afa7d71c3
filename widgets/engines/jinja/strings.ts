/** Strings by code point (Python indexes, slices and measures code points, JavaScript UTF-16 units). */
const SURROGATE = /[\ud800-\udfff]/;

export function codePointLength(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** The UTF-16 offset of the code point at `index` (counting from the start), or `text.length`. */
function codeUnitOffset(text: string, index: number): number {
  let offset = 0;
  for (let n = 0; n < index && offset < text.length; n++) {
    const unit = text.charCodeAt(offset);
    const next = text.charCodeAt(offset + 1);
    offset += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return offset;
}

export function codePointAt(text: string, index: number): string | undefined {
  if (index >= 0) {
    const offset = codeUnitOffset(text, index);
    const code = text.codePointAt(offset);
    return code === undefined ? undefined : String.fromCodePoint(code);
  }
  const chars = SURROGATE.test(text) ? Array.from(text) : text;
  return chars[chars.length + index];
}

/** `text[start:stop:step]` by code point. */
export function sliceString(text: string, start: number | null, stop: number | null, step: number): string {
  if (step === 1 && (start ?? 0) >= 0 && (stop ?? 0) >= 0) {
    const from = codeUnitOffset(text, start ?? 0);
    const to = stop === null ? text.length : codeUnitOffset(text, stop);
    return to > from ? text.slice(from, to) : "";
  }
  const chars = Array.from(text);
  return sliceIndices(chars.length, start, stop, step)
    .map((i) => chars[i] ?? "")
    .join("");
}

/** Python's `slice.indices(length)`. */
export function sliceIndices(
  length: number,
  start: number | null,
  stop: number | null,
  step: number,
): number[] {
  const clamp = (bound: number | null, fallback: number, low: number, high: number) => {
    if (bound === null) return fallback;
    const i = bound < 0 ? bound + length : bound;
    return Math.min(Math.max(i, low), high);
  };
  const indices: number[] = [];
  if (step > 0) {
    const from = clamp(start, 0, 0, length);
    const to = clamp(stop, length, 0, length);
    for (let i = from; i < to; i += step) indices.push(i);
  } else {
    const from = clamp(start, length - 1, -1, length - 1);
    const to = clamp(stop, -1, -1, length - 1);
    for (let i = from; i > to; i += step) indices.push(i);
  }
  return indices;
}
