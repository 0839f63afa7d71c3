import type { ThreadItem } from "../../lib/events/threadItems";
import { renderMarkdown } from "../widgets/markdown";
import { renderWidget } from "../widgets/renderWidget";
import type { RenderContext } from "../widgets/WidgetNode";

function bubble(item: ThreadItem, className: string): HTMLElement {
  const element = document.createElement("div");
  element.className = `ck-item ${className}`;
  element.dataset["itemId"] = item.id;
  element.dataset["itemType"] = item.type;
  return element;
}

/**
 * One thread item as the chat shows it: the user's messages, the
 * assistant's text (Markdown), widgets (drawn by `renderWidget`); any other
 * item type as a labelled box, so nothing the server sent goes unseen.
 *
 * @param item The item (as rebuilt by `applyThreadEvent`).
 * @param context For widgets: how actions are sent, which URLs may load.
 * @return Its element, marked with `data-item-id` so actions know their sender.
 */
export function renderItem(item: ThreadItem, context: RenderContext): HTMLElement {
  switch (item.type) {
    case "user_message": {
      const element = bubble(item, "ck-user-message");
      element.textContent = item.content
        .map((part) => (part.type === "input_text" ? part.text : `@${part.text}`))
        .join(" ");
      return element;
    }
    case "assistant_message": {
      const element = bubble(item, "ck-assistant-message");
      for (const part of item.content) element.append(renderMarkdown(part.text, context.mayLoad));
      return element;
    }
    case "widget": {
      const element = bubble(item, "ck-widget-item");
      element.append(renderWidget(item.widget, context));
      return element;
    }
    default: {
      const element = bubble(item, "ck-unknown");
      element.textContent = `(${item.type} item)`;
      return element;
    }
  }
}
