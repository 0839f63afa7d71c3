import { produce } from "immer";

import type { WidgetUpdate } from "../events/widgetUpdates";
import { findComponent, shareIdCountsAlong, type TreePath, type WidgetNode } from "../widgetTree";
import type { WidgetRoot } from "../../widgets/components";
import { WidgetUpdateError } from "../errors";

type Mutable = Record<string | number, unknown>;

/** The draft object at `path` (the path was found on the base state, so every step exists). */
function draftAt(draft: unknown, path: TreePath): Mutable {
  let node = draft as Mutable;
  for (const step of path) node = node[step] as Mutable;
  return node;
}

function locate(root: WidgetRoot, id: string, updateType: string): { path: TreePath; node: WidgetNode } {
  const result = findComponent(root, id);
  if (result.found) return result;
  throw new WidgetUpdateError({
    reason: result.reason === "missing" ? "unknown-component" : "duplicate-component",
    updateType,
    componentId: id,
    detail:
      result.reason === "missing"
        ? `no component has id "${id}"`
        : `more than one component has id "${id}", so the target is ambiguous`,
  });
}

/**
 * Applies one widget update to the widget a client holds, the way the
 * ChatKit client does (PROTOCOL §3), without touching `root`:
 *
 * - `widget.root.updated`: the new widget.
 * - `widget.component.updated`: `root` with the one component whose `id` is
 *   `component_id` replaced by `component` (the root itself may be the target).
 * - `widget.streaming_text.value_delta`: `delta` appended to the `value` of
 *   that `Text`/`Markdown`; with `done`, a `streaming: true` becomes `false`.
 *   No published client promises that last part, so the diff relies on it
 *   only when asked to (`doneDeltaEndsStreaming`); by default a change of
 *   `streaming` comes as a component or root update.
 *
 * Components are the root and whatever `children` holds, recursively. Unchanged
 * subtrees are shared with `root` (immer), and the result is frozen.
 *
 * @param root The widget before the update.
 * @param update The update.
 * @return The widget after it.
 * @throws {WidgetUpdateError} when `component_id` names no component, more
 * than one, or (for a delta) a component without a string `value`.
 */
export function applyWidgetUpdate(root: WidgetRoot, update: WidgetUpdate): WidgetRoot {
  switch (update.type) {
    case "widget.root.updated":
      return update.widget;
    case "widget.component.updated": {
      const { path } = locate(root, update.component_id, update.type);
      if (path.length === 0) return update.component as WidgetRoot;
      const parentPath = path.slice(0, -1);
      const last = path[path.length - 1] as string | number;
      return produce(root, (draft) => {
        draftAt(draft, parentPath)[last] = update.component;
      });
    }
    case "widget.streaming_text.value_delta": {
      const { path, node } = locate(root, update.component_id, update.type);
      if ((node.type !== "Text" && node.type !== "Markdown") || typeof node["value"] !== "string") {
        throw new WidgetUpdateError({
          reason: "not-streaming-text",
          updateType: update.type,
          componentId: update.component_id,
          detail: `component "${update.component_id}" is a ${node.type} without a string value; only Text and Markdown stream text`,
        });
      }
      const finishes = update.done && node["streaming"] === true;
      if (update.delta === "" && !finishes) return root;
      const next = produce(root, (draft) => {
        const target = draftAt(draft, path);
        target["value"] = (target["value"] as string) + update.delta;
        if (finishes) target["streaming"] = false;
      });
      // Text changed, ids did not: the next delta finds its target without recounting them.
      shareIdCountsAlong(root, next, path);
      return next;
    }
  }
}
