import { quoteExcerpt } from "../../excerpt";

/** A value for a misuse message (`TypeError`): short, whatever it is. */
export function describe(value: unknown): string {
  if (typeof value === "string") return quoteExcerpt(value, 40);
  if (typeof value === "function") return "a function";
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}
