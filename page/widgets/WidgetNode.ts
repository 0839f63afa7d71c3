import type { ActionConfig } from "../../widgets/actions";

/** One component of a widget tree as it arrives on the wire: a `type` and loose props. */
export type WidgetNode = Readonly<Record<string, unknown>> & { readonly type: string };

/** What a renderer needs from the page around it. */
export interface RenderContext {
  /**
   * Sends `action`, fired by the user on `source`: the page adds the values
   * of the form around `source` (PROTOCOL §2) and posts it. Resolves when
   * the answer has been applied, so a button can show that it is busy.
   */
  readonly fireAction: (action: ActionConfig, source: HTMLElement) => Promise<void>;
  /** Whether a URL may be loaded without asking: by default only the page's own origin (and `data:`). */
  readonly mayLoad: (url: string) => boolean;
}

/** Renders one component; `renderChild` renders anything nested in it (children, cells, items). */
export type ComponentRenderer = (
  node: WidgetNode,
  context: RenderContext,
  renderChild: (child: unknown) => HTMLElement,
) => HTMLElement;

/** The same test the diff and the reducer use: an object with a string `type`. */
export { isWidgetNode } from "../../lib/widgetTree";

export function isAction(value: unknown): value is ActionConfig {
  return (
    typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string"
  );
}

/** The node's `children` as a list (`Transition` holds one child, not an array). */
export function childrenOf(node: WidgetNode): unknown[] {
  const children = node["children"];
  if (Array.isArray(children)) return children as unknown[];
  return children === undefined || children === null ? [] : [children];
}

export function stringProp(node: WidgetNode, name: string): string | undefined {
  const value = node[name];
  return typeof value === "string" ? value : undefined;
}

/**
 * A new element for `node`: tagged with `data-component` (its type) and its
 * `id`/`key`, so tests and stylesheets can find what was rendered from what.
 */
export function elementFor<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  node: WidgetNode,
  className: string,
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.className = className;
  element.dataset["component"] = node.type;
  const id = node["id"];
  if (typeof id === "string") element.dataset["id"] = id;
  const key = node["key"];
  if (typeof key === "string") element.dataset["key"] = key;
  return element;
}
