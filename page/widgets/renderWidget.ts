import { CONTENT_RENDERERS } from "./content";
import { CONTROL_RENDERERS } from "./controls";
import { LAYOUT_RENDERERS } from "./layout";
import { TABLE_RENDERERS } from "./table";
import { TEXT_RENDERERS } from "./text";
import { childrenOf, isWidgetNode, type ComponentRenderer, type RenderContext } from "./WidgetNode";

const RENDERERS: Readonly<Record<string, ComponentRenderer>> = {
  ...LAYOUT_RENDERERS,
  ...TEXT_RENDERERS,
  ...CONTENT_RENDERERS,
  ...CONTROL_RENDERERS,
  ...TABLE_RENDERERS,
};

/** The component types this page can draw (every type `widgets/components.ts` knows). */
export const RENDERED_TYPES: readonly string[] = Object.keys(RENDERERS);

/**
 * A component this page cannot draw: a labelled box (never dropped
 * silently), with whatever children it has still drawn inside it, so the
 * text of a widget built for a newer client is still visible.
 */
function unknownComponent(node: unknown, renderChild: (child: unknown) => HTMLElement): HTMLElement {
  const box = document.createElement("div");
  box.className = "ck-unknown";
  const type = isWidgetNode(node) ? node.type : typeof node;
  box.dataset["component"] = type;
  box.dataset["unknown"] = "";
  const label = document.createElement("span");
  label.className = "ck-unknown-label";
  label.textContent = isWidgetNode(node)
    ? `Unsupported component: ${node.type}`
    : `Not a component: ${JSON.stringify(node)}`;
  box.append(label);
  if (isWidgetNode(node)) for (const child of childrenOf(node)) box.append(renderChild(child));
  return box;
}

/**
 * Draws a widget (a root and everything under it) as DOM, approximately as
 * the ChatKit client does. Actions go through `context.fireAction`.
 *
 * @param widget The widget root (or any component).
 * @param context How actions are sent and which URLs may be loaded.
 * @return The element to insert.
 */
export function renderWidget(widget: unknown, context: RenderContext): HTMLElement {
  const renderChild = (child: unknown): HTMLElement => {
    const renderer = isWidgetNode(child) ? RENDERERS[child.type] : undefined;
    return renderer === undefined
      ? unknownComponent(child, renderChild)
      : renderer(child as never, context, renderChild);
  };
  return renderChild(widget);
}
