/**
 * ChatKit's style props turned into CSS. Approximate on purpose: numbers are
 * ChatKit's spacing units (4 px) for gaps and paddings, px for sizes; colour
 * tokens become CSS variables from page.css; anything else is passed on as
 * CSS (ChatKit accepts CSS lengths and colours as strings).
 */
import type { WidgetNode } from "./WidgetNode";

export function spacing(value: unknown): string | undefined {
  if (typeof value === "number") return `${value * 4}px`;
  if (typeof value === "string") return value;
  return undefined;
}

export function length(value: unknown): string | undefined {
  if (typeof value === "number") return `${value}px`;
  if (typeof value === "string") return value;
  return undefined;
}

const COLOR_TOKENS = new Set([
  "prose",
  "primary",
  "secondary",
  "tertiary",
  "emphasis",
  "success",
  "warning",
  "danger",
  "info",
  "discovery",
  "caution",
  "surface",
  "surface-secondary",
  "surface-tertiary",
  "surface-elevated",
  "white",
  "black",
]);

export function color(value: unknown): string | undefined {
  if (typeof value === "object" && value !== null) return color((value as { light?: unknown }).light);
  if (typeof value !== "string") return undefined;
  if (COLOR_TOKENS.has(value) || /^(alpha|gray|red|blue|green|yellow|purple|orange|pink)-\d+$/.test(value))
    return `var(--ck-${value}, currentColor)`;
  return value;
}

const RADII: Readonly<Record<string, string>> = {
  "2xs": "2px",
  xs: "4px",
  sm: "6px",
  md: "8px",
  lg: "12px",
  xl: "16px",
  "2xl": "20px",
  "3xl": "24px",
  "4xl": "32px",
  full: "9999px",
  "100%": "100%",
  none: "0",
};

export function radius(value: unknown): string | undefined {
  return typeof value === "string" ? (RADII[value] ?? value) : length(value);
}

/** `padding`/`margin` as a number, a CSS string, or `{ top, right, bottom, left, x, y }`. */
function applySpacing(style: CSSStyleDeclaration, property: "padding" | "margin", value: unknown): void {
  if (typeof value === "object" && value !== null) {
    const sides = value as Record<string, unknown>;
    const side = (name: "top" | "right" | "bottom" | "left", axis: "x" | "y") =>
      spacing(sides[name] ?? sides[axis]);
    for (const [name, axis] of [
      ["top", "y"],
      ["right", "x"],
      ["bottom", "y"],
      ["left", "x"],
    ] as const) {
      const css = side(name, axis);
      if (css !== undefined) style.setProperty(`${property}-${name}`, css);
    }
    return;
  }
  const css = spacing(value);
  if (css !== undefined) style.setProperty(property, css);
}

function border(value: unknown): string | undefined {
  if (typeof value === "number") return `${value}px solid var(--ck-border)`;
  if (typeof value === "object" && value !== null) {
    const { size, color: borderColor, style } = value as { size?: unknown; color?: unknown; style?: unknown };
    return `${length(size) ?? "1px"} ${typeof style === "string" ? style : "solid"} ${color(borderColor) ?? "var(--ck-border)"}`;
  }
  return undefined;
}

const JUSTIFY: Readonly<Record<string, string>> = {
  between: "space-between",
  around: "space-around",
  evenly: "space-evenly",
};

/** The box props shared by Box, Row, Col, Form, Basic, ListViewItem and Card. */
export function applyBoxStyle(element: HTMLElement, node: WidgetNode): void {
  const style = element.style;
  const set = (property: string, value: string | undefined) => {
    if (value !== undefined) style.setProperty(property, value);
  };
  set("gap", spacing(node["gap"]));
  applySpacing(style, "padding", node["padding"]);
  applySpacing(style, "margin", node["margin"]);
  const align = node["align"];
  if (typeof align === "string")
    set("align-items", align === "start" || align === "end" ? `flex-${align}` : align);
  const justify = node["justify"];
  if (typeof justify === "string")
    set(
      "justify-content",
      JUSTIFY[justify] ?? (justify === "start" || justify === "end" ? `flex-${justify}` : justify),
    );
  const wrap = node["wrap"];
  if (typeof wrap === "string") set("flex-wrap", wrap);
  const flex = node["flex"];
  if (typeof flex === "number" || typeof flex === "string") set("flex", String(flex));
  for (const [prop, css] of [
    ["width", "width"],
    ["height", "height"],
    ["minWidth", "min-width"],
    ["minHeight", "min-height"],
    ["maxWidth", "max-width"],
    ["maxHeight", "max-height"],
  ] as const)
    set(css, length(node[prop]));
  set("aspect-ratio", typeof node["aspectRatio"] === "number" ? String(node["aspectRatio"]) : undefined);
  set("background", color(node["background"]));
  set("border-radius", radius(node["radius"]));
  const borders = node["border"];
  if (typeof borders === "object" && borders !== null && !("size" in borders)) {
    for (const [side, value] of Object.entries(borders as Record<string, unknown>)) {
      const sides = side === "x" ? ["left", "right"] : side === "y" ? ["top", "bottom"] : [side];
      for (const name of sides) set(`border-${name}`, border(value));
    }
  } else set("border", border(borders));
}

/** Text props shared by Text, Title, Caption and Label. */
export function applyTextStyle(element: HTMLElement, node: WidgetNode): void {
  const set = (property: string, value: string | undefined) => {
    if (value !== undefined) element.style.setProperty(property, value);
  };
  set("color", color(node["color"]));
  const weight = node["weight"];
  if (typeof weight === "string")
    set("font-weight", { normal: "400", medium: "500", semibold: "600", bold: "700" }[weight] ?? weight);
  const textAlign = node["textAlign"];
  if (typeof textAlign === "string") set("text-align", textAlign);
  if (node["italic"] === true) set("font-style", "italic");
  if (node["lineThrough"] === true) set("text-decoration", "line-through");
  set("width", length(node["width"]));
  const maxLines = node["maxLines"];
  if (typeof maxLines === "number") {
    element.classList.add("ck-clamp");
    set("-webkit-line-clamp", String(maxLines));
  }
  if (node["truncate"] === true) element.classList.add("ck-truncate");
  const size = node["size"];
  if (typeof size === "string") element.classList.add(`ck-size-${size}`);
}
