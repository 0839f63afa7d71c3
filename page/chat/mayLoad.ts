/**
 * Whether the page may load `url` (an image in a widget or in Markdown)
 * without the user asking: only from the origin that served the page, or
 * inline `data:`. Widgets come from a model; loading their URLs would tell
 * other hosts who reads what.
 */
export function mayLoad(url: string): boolean {
  if (url.startsWith("data:")) return true;
  try {
    return new URL(url, window.location.href).origin === window.location.origin;
  } catch {
    return false;
  }
}
