/** Roots and layout: Card, ListView, ListViewItem, Basic, Box, Row, Col, Form, Spacer, Divider, Transition. */
import { applyBoxStyle, color, length, spacing } from "./style";
import {
  childrenOf,
  elementFor,
  isAction,
  type ComponentRenderer,
  type RenderContext,
  type WidgetNode,
} from "./WidgetNode";

function appendChildren(
  parent: HTMLElement,
  node: WidgetNode,
  renderChild: (child: unknown) => HTMLElement,
): HTMLElement {
  for (const child of childrenOf(node)) parent.append(renderChild(child));
  return parent;
}

/** A `<form>` that fires `onSubmitAction` with its values instead of navigating. */
function formElement(node: WidgetNode, context: RenderContext, className: string): HTMLFormElement {
  const form = elementFor("form", node, className);
  form.dataset["form"] = "";
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const action = node["onSubmitAction"];
    const submitter = event.submitter ?? form;
    if (isAction(action)) void busyWhile(submitter, context.fireAction(action, form));
  });
  return form;
}

/** Marks `element` busy (disabled, `aria-busy`) until `work` settles. */
export async function busyWhile(element: HTMLElement, work: Promise<void>): Promise<void> {
  element.setAttribute("aria-busy", "true");
  if (element instanceof HTMLButtonElement) element.disabled = true;
  try {
    await work;
  } finally {
    element.removeAttribute("aria-busy");
    if (element instanceof HTMLButtonElement) element.disabled = false;
  }
}

function box(direction: "row" | "col", className: string): ComponentRenderer {
  return (node, _context, renderChild) => {
    const element = elementFor("div", node, `ck-box ${className}`);
    const own = node["direction"];
    element.classList.add(own === "row" || own === "col" ? `ck-${own}` : `ck-${direction}`);
    applyBoxStyle(element, node);
    return appendChildren(element, node, renderChild);
  };
}

function cardActionButton(label: unknown, action: unknown, context: RenderContext, primary: boolean) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = primary ? "ck-button ck-solid" : "ck-button ck-outline";
  button.textContent = typeof label === "string" ? label : "";
  if (isAction(action))
    button.addEventListener("click", () => void busyWhile(button, context.fireAction(action, button)));
  return button;
}

const Card: ComponentRenderer = (node, context, renderChild) => {
  const card =
    node["asForm"] === true ? formElement(node, context, "ck-card") : elementFor("div", node, "ck-card");
  applyBoxStyle(card, node);
  const size = node["size"];
  if (typeof size === "string") card.classList.add(`ck-card-${size}`);
  if (node["padding"] === undefined) card.style.padding = "16px";
  card.style.background = color(node["background"]) ?? "";
  if (node["theme"] === "dark") card.classList.add("ck-dark");
  const status = node["status"];
  if (
    typeof status === "object" &&
    status !== null &&
    typeof (status as { text?: unknown }).text === "string"
  ) {
    const header = document.createElement("div");
    header.className = "ck-status";
    header.textContent = (status as { text: string }).text;
    card.append(header);
  }
  appendChildren(card, node, renderChild);
  const confirm = node["confirm"] as { label?: unknown; action?: unknown } | undefined;
  const cancel = node["cancel"] as { label?: unknown; action?: unknown } | undefined;
  if (confirm !== undefined || cancel !== undefined) {
    const footer = document.createElement("div");
    footer.className = "ck-card-actions";
    if (cancel !== undefined) footer.append(cardActionButton(cancel.label, cancel.action, context, false));
    if (confirm !== undefined) footer.append(cardActionButton(confirm.label, confirm.action, context, true));
    card.append(footer);
  }
  return card;
};

const ListView: ComponentRenderer = (node, _context, renderChild) => {
  const list = elementFor("div", node, "ck-card ck-listview");
  const items = childrenOf(node);
  const limit = typeof node["limit"] === "number" ? node["limit"] : items.length;
  items.forEach((item, index) => {
    const element = renderChild(item);
    if (index >= limit) element.hidden = true;
    list.append(element);
  });
  if (items.length > limit) {
    const more = document.createElement("button");
    more.type = "button";
    more.className = "ck-button ck-ghost";
    more.textContent = `Show ${items.length - limit} more`;
    more.addEventListener("click", () => {
      for (const child of Array.from(list.children)) (child as HTMLElement).hidden = false;
      more.remove();
    });
    list.append(more);
  }
  return list;
};

const ListViewItem: ComponentRenderer = (node, context, renderChild) => {
  const item = elementFor("div", node, "ck-box ck-row ck-listview-item");
  applyBoxStyle(item, node);
  const action = node["onClickAction"];
  if (isAction(action)) {
    item.tabIndex = 0;
    item.classList.add("ck-clickable");
    item.addEventListener("click", () => void busyWhile(item, context.fireAction(action, item)));
  }
  return appendChildren(item, node, renderChild);
};

const Form: ComponentRenderer = (node, context, renderChild) => {
  const form = formElement(node, context, "ck-box");
  form.classList.add(node["direction"] === "row" ? "ck-row" : "ck-col");
  applyBoxStyle(form, node);
  return appendChildren(form, node, renderChild);
};

const Spacer: ComponentRenderer = (node) => {
  const spacer = elementFor("div", node, "ck-spacer");
  spacer.style.minWidth = length(node["minSize"]) ?? "0";
  spacer.style.minHeight = length(node["minSize"]) ?? "0";
  return spacer;
};

const Divider: ComponentRenderer = (node) => {
  const divider = elementFor("hr", node, "ck-divider");
  const gap = spacing(node["spacing"]);
  if (gap !== undefined) divider.style.margin = `${gap} 0`;
  if (node["flush"] === true) divider.classList.add("ck-flush");
  const dividerColor = color(node["color"]);
  if (dividerColor !== undefined) divider.style.borderColor = dividerColor;
  return divider;
};

const Transition: ComponentRenderer = (node, _context, renderChild) =>
  appendChildren(elementFor("div", node, "ck-transition"), node, renderChild);

export const LAYOUT_RENDERERS: Readonly<Record<string, ComponentRenderer>> = {
  Card,
  ListView,
  ListViewItem,
  Basic: box("col", "ck-basic"),
  Box: box("col", ""),
  Row: box("row", ""),
  Col: box("col", ""),
  Form,
  Spacer,
  Divider,
  Transition,
};
