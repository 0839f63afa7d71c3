/**
 * Error messages quote what the client sent, so a user can see what was
 * wrong; but a message must never grow with the input (a 900 KB
 * `thread_id` used to come back as a 1.8 MB error body). Every quote of
 * untrusted input goes through here.
 */

/** Characters of a quoted value kept in a message. */
export const EXCERPT_CHARS = 64;

/**
 * `value` as JSON text (a string in quotes), cut to `max` characters with
 * the size of the rest named, e.g. `"thr_aaaa…" (+899936 characters)`.
 */
export function quoteExcerpt(value: unknown, max: number = EXCERPT_CHARS): string {
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? typeof value);
  } catch {
    text = typeof value;
  }
  return cutText(text, max);
}

/** `text` cut to `max` characters, saying how many were left out. */
export function cutText(text: string, max: number = EXCERPT_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (+${text.length - max} characters)`;
}
