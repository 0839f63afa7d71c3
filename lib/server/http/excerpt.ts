/** Short renderings of untrusted or mistaken values, so an error message never echoes a whole input back. */

/** At most `max` characters of `text`, marked with `…` when cut. */
export function excerpt(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** A value for a misuse message (`TypeError`): short, whatever it is. */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(excerpt(value));
  if (typeof value === "function") return "a function";
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}
