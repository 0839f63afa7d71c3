/** Content components: Badge, Icon, Image, Button. */
import { busyWhile } from "./layout";
import { color, length, radius } from "./style";
import { elementFor, isAction, stringProp, type ComponentRenderer } from "./WidgetNode";

/** Approximate glyphs for ChatKit's icon names; an unknown name still shows (as a dot, named in its title). */
const ICON_GLYPHS: Readonly<Record<string, string>> = {
  agent: "🤖",
  analytics: "📈",
  bolt: "⚡",
  "book-open": "📖",
  "book-closed": "📕",
  bug: "🐞",
  calendar: "📅",
  chart: "📊",
  check: "✓",
  "check-circle": "✅",
  "check-circle-filled": "✅",
  "chevron-left": "‹",
  "chevron-right": "›",
  "circle-question": "？",
  compass: "🧭",
  confetti: "🎉",
  document: "📄",
  dot: "•",
  "dots-horizontal": "⋯",
  "dots-vertical": "⋮",
  "external-link": "↗",
  globe: "🌐",
  images: "🖼",
  info: "ℹ",
  lightbulb: "💡",
  mail: "✉",
  "map-pin": "📍",
  phone: "📞",
  play: "▶",
  plus: "+",
  profile: "👤",
  reload: "↻",
  star: "☆",
  "star-filled": "★",
  search: "🔍",
  sparkle: "✨",
  suitcase: "💼",
  user: "👤",
  write: "✎",
};

function icon(name: unknown, className = "ck-icon"): HTMLSpanElement {
  const span = document.createElement("span");
  span.className = className;
  const iconName = typeof name === "string" ? name : "";
  span.textContent = ICON_GLYPHS[iconName] ?? "•";
  span.title = iconName;
  span.setAttribute("aria-label", iconName);
  return span;
}

const Badge: ComponentRenderer = (node) => {
  const badge = elementFor("span", node, "ck-badge");
  badge.textContent = stringProp(node, "label") ?? "";
  badge.classList.add(`ck-badge-${stringProp(node, "color") ?? "secondary"}`);
  badge.classList.add(`ck-${stringProp(node, "variant") ?? "soft"}`);
  if (node["pill"] === true) badge.classList.add("ck-pill");
  return badge;
};

const Icon: ComponentRenderer = (node) => {
  const element = elementFor("span", node, "ck-icon");
  element.replaceChildren(...icon(node["name"]).childNodes);
  const name = stringProp(node, "name") ?? "";
  element.title = name;
  element.setAttribute("aria-label", name);
  const iconColor = color(node["color"]);
  if (iconColor !== undefined) element.style.color = iconColor;
  const size = node["size"];
  if (typeof size === "string") element.classList.add(`ck-icon-${size}`);
  return element;
};

const Image: ComponentRenderer = (node, context) => {
  const src = stringProp(node, "src") ?? "";
  const alt = stringProp(node, "alt") ?? "";
  let element: HTMLElement;
  if (context.mayLoad(src)) {
    const image = elementFor("img", node, "ck-image");
    image.src = src;
    image.alt = alt;
    element = image;
  } else {
    // Another origin: the page loads nothing from there unless asked, so it shows where the picture is.
    element = elementFor("div", node, "ck-image ck-remote-image");
    element.textContent = alt === "" ? "image" : alt;
    element.title = `Not loaded (another origin): ${src}`;
  }
  const size = length(node["size"]);
  element.style.width = length(node["width"]) ?? size ?? "";
  element.style.height = length(node["height"]) ?? size ?? "";
  element.style.borderRadius = radius(node["radius"]) ?? "";
  const fit = stringProp(node, "fit");
  if (fit !== undefined) element.style.objectFit = fit;
  if (node["frame"] === true) element.classList.add("ck-frame");
  return element;
};

const Button: ComponentRenderer = (node, context) => {
  const button = elementFor("button", node, "ck-button");
  button.type = node["submit"] === true ? "submit" : "button";
  button.classList.add(`ck-${stringProp(node, "variant") ?? "solid"}`);
  button.classList.add(`ck-color-${stringProp(node, "color") ?? stringProp(node, "style") ?? "primary"}`);
  if (node["pill"] === true) button.classList.add("ck-pill");
  if (node["block"] === true) button.classList.add("ck-block");
  button.disabled = node["disabled"] === true;
  if (node["iconStart"] !== undefined) button.append(icon(node["iconStart"]));
  const label = stringProp(node, "label");
  if (label !== undefined) button.append(label);
  if (node["iconEnd"] !== undefined) button.append(icon(node["iconEnd"]));
  const action = node["onClickAction"];
  if (isAction(action)) {
    button.addEventListener("click", (event) => {
      event.preventDefault(); // the click action replaces a submit
      void busyWhile(button, context.fireAction(action, button));
    });
  }
  return button;
};

export const CONTENT_RENDERERS: Readonly<Record<string, ComponentRenderer>> = { Badge, Icon, Image, Button };
