/** Text components: Text, Title, Caption, Label, Markdown. */
import { renderMarkdown } from "./markdown";
import { applyTextStyle } from "./style";
import { elementFor, stringProp, type ComponentRenderer } from "./WidgetNode";

/** `streaming: true` shows a caret after the text, as ChatKit does while a model writes. */
function markStreaming(element: HTMLElement, streaming: unknown): void {
  if (streaming === true) element.classList.add("ck-streaming");
}

const Text: ComponentRenderer = (node) => {
  const editable = node["editable"];
  if (typeof editable === "object" && editable !== null) {
    // Inline editing: an input named like `editable.name`, so a form around it submits the value.
    const { name, placeholder, required } = editable as {
      name?: unknown;
      placeholder?: unknown;
      required?: unknown;
    };
    const input = elementFor("input", node, "ck-input ck-text-editable");
    input.name = typeof name === "string" ? name : "";
    input.defaultValue = stringProp(node, "value") ?? "";
    if (typeof placeholder === "string") input.placeholder = placeholder;
    input.required = required === true;
    applyTextStyle(input, node);
    return input;
  }
  const element = elementFor("p", node, "ck-text");
  element.textContent = stringProp(node, "value") ?? "";
  applyTextStyle(element, node);
  markStreaming(element, node["streaming"]);
  return element;
};

const Title: ComponentRenderer = (node) => {
  const element = elementFor("h3", node, "ck-title");
  element.textContent = stringProp(node, "value") ?? "";
  applyTextStyle(element, node);
  return element;
};

const Caption: ComponentRenderer = (node) => {
  const element = elementFor("p", node, "ck-caption");
  element.textContent = stringProp(node, "value") ?? "";
  applyTextStyle(element, node);
  return element;
};

const Label: ComponentRenderer = (node) => {
  const element = elementFor("label", node, "ck-label");
  element.textContent = stringProp(node, "value") ?? "";
  const fieldName = stringProp(node, "fieldName");
  if (fieldName !== undefined) element.dataset["fieldName"] = fieldName;
  applyTextStyle(element, node);
  return element;
};

const Markdown: ComponentRenderer = (node, context) => {
  const element = elementFor("div", node, "ck-markdown");
  element.append(renderMarkdown(stringProp(node, "value") ?? "", context.mayLoad));
  markStreaming(element, node["streaming"]);
  return element;
};

export const TEXT_RENDERERS: Readonly<Record<string, ComponentRenderer>> = {
  Text,
  Title,
  Caption,
  Label,
  Markdown,
};
