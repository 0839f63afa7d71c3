import DOMPurify from "dompurify";
import { Marked } from "marked";

const markdown = new Marked({ gfm: true, breaks: true, async: false });

/**
 * Markdown text from a model, as safe DOM: parsed by `marked`, then
 * sanitised by DOMPurify (scripts, event handlers and `javascript:` URLs
 * go), because the text is untrusted. Images that the page may not load
 * (another origin) are replaced by their alt text, so showing a message
 * sends no request the user did not ask for; links open in a new tab.
 *
 * @param source The Markdown text.
 * @param mayLoad Whether an image URL may be loaded.
 * @return A fragment to insert.
 */
export function renderMarkdown(source: string, mayLoad: (url: string) => boolean): DocumentFragment {
  const html = markdown.parse(source) as string;
  const fragment = DOMPurify.sanitize(html, { RETURN_DOM_FRAGMENT: true });
  for (const image of Array.from(fragment.querySelectorAll("img"))) {
    const src = image.getAttribute("src") ?? "";
    if (mayLoad(src)) continue;
    const placeholder = document.createElement("span");
    placeholder.className = "ck-remote-image";
    placeholder.title = src;
    placeholder.textContent = `[image: ${image.getAttribute("alt") ?? src}]`;
    image.replaceWith(placeholder);
  }
  for (const link of Array.from(fragment.querySelectorAll("a"))) {
    link.target = "_blank";
    link.rel = "noopener noreferrer";
  }
  return fragment;
}
