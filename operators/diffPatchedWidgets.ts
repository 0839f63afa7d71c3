import type { Patch } from "immer";
import { filter, map, pairwise, pipe, type OperatorFunction } from "rxjs";

import type { WidgetUpdate } from "../lib/events/widgetUpdates";
import { isWidgetNode, type TreePath, type WidgetNode } from "../lib/widgetTree";
import type { WidgetRoot } from "../widgets/components";
import { diffSubtrees, diffWidgetStates, type DiffWidgetsConfig } from "./diffWidgets";

/**
 * A widget state with the immer patches that made it from the state before
 * (`produceWithPatches(base, recipe)` gives `[widget, patches]`). `base` is
 * that state before, `undefined` for the first state of a stream.
 */
export interface PatchedWidget {
  readonly widget: WidgetRoot;
  readonly base: WidgetRoot | undefined;
  readonly patches: readonly Patch[];
}

/**
 * The component a patch changes something inside: the deepest component on
 * the patch's path that exists in both states (a child replaced by another
 * at the same place is compared with it). A patch that adds or removes a
 * child (even in the middle of `children`, as a hand-written JSON patch
 * may), or changes a `children` array's `length`, stops at the child's
 * parent, whose children changed.
 */
function componentPathOf(prev: WidgetNode, next: WidgetNode, { op, path }: Patch): TreePath {
  let before: WidgetNode = prev;
  let after: WidgetNode = next;
  let end = 0;
  while (path[end] === "children") {
    const beforeChildren = before["children"];
    const afterChildren = after["children"];
    let childBefore: unknown = beforeChildren;
    let childAfter: unknown = afterChildren;
    let steps = 1;
    if (Array.isArray(beforeChildren) && Array.isArray(afterChildren)) {
      const index = path[end + 1];
      if (typeof index !== "number") break;
      childBefore = beforeChildren[index];
      childAfter = afterChildren[index];
      steps = 2;
    }
    if (
      (op !== "replace" && end + steps >= path.length) ||
      !isWidgetNode(childBefore) ||
      !isWidgetNode(childAfter)
    )
      break;
    before = childBefore;
    after = childAfter;
    end += steps;
  }
  return path.slice(0, end);
}

/** Document order of two component paths; a path sorts right before the paths that extend it. */
function compareTreePaths(a: TreePath, b: TreePath): number {
  const length = Math.min(a.length, b.length);
  for (let step = 0; step < length; step++) {
    const x = a[step]!;
    const y = b[step]!;
    if (x !== y)
      return typeof x === "number" && typeof y === "number" ? x - y : String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

function extendsPath(path: TreePath, prefix: TreePath): boolean {
  if (path.length < prefix.length) return false;
  for (let step = 0; step < prefix.length; step++) if (path[step] !== prefix[step]) return false;
  return true;
}

/**
 * The components the patches change something inside, outermost only (a
 * component's diff covers its subtree), in document order.
 */
function changedComponents(prev: WidgetNode, next: WidgetNode, patches: readonly Patch[]): TreePath[] {
  const paths = patches.map((patch) => componentPathOf(prev, next, patch));
  if (paths.length > 1) paths.sort(compareTreePaths);
  const outermost: TreePath[] = [];
  for (const path of paths) {
    const last = outermost[outermost.length - 1];
    if (last === undefined || !extendsPath(path, last)) outermost.push(path);
  }
  return outermost;
}

/**
 * The updates that turn widget state `prev` into `next.widget`, computed from
 * the immer patches that made it: the same updates as
 * `diffWidgetStates(prev, next.widget, config)` (same rules, same order),
 * but only the components the patches touch are compared, so the cost
 * follows the size of the change, not of the widget (a ListView of 5000
 * rows costs what one of 100 does).
 *
 * It falls back to the full `diffWidgetStates` for the step whenever the
 * patches cannot be mapped exactly: `next.base` is not `prev` (states were
 * skipped, or the patches belong to another state), there are no patches
 * for a changed state, a patch replaces the root, or a changed component
 * needs an update of a component enclosing it (a text without an `id`,
 * added or removed children: a component or root update). So the patches
 * only ever make the diff cheaper, never different.
 *
 * The patches must be the ones immer gave for `next.base` → `next.widget`
 * (`produceWithPatches`, or {@link produceWidgets}); edited patches are not
 * checked.
 *
 * @param prev The state the client holds.
 * @param next The state it should hold, with its patches.
 * @param config See {@link DiffWidgetsConfig}.
 * @return The updates, in document order; `[]` if nothing the client can see changed.
 */
export function diffWidgetPatches(
  prev: WidgetRoot,
  next: PatchedWidget,
  config: DiffWidgetsConfig = {},
): WidgetUpdate[] {
  const widget = next.widget;
  if (prev === widget) return [];
  const prevNode: unknown = prev;
  const nextNode: unknown = widget;
  if (next.base !== prev || next.patches.length === 0 || !isWidgetNode(prevNode) || !isWidgetNode(nextNode)) {
    return diffWidgetStates(prev, widget, config);
  }
  const paths = changedComponents(prevNode, nextNode, next.patches);
  if (paths[0]?.length === 0) return diffWidgetStates(prev, widget, config);
  return diffSubtrees(prevNode, nextNode, paths, config) ?? diffWidgetStates(prev, widget, config);
}

/**
 * Turns successive widget states with their immer patches into the updates a
 * client needs to follow them.
 *
 * It's like {@link diffWidgets}, but diffs from the patches (see
 * {@link diffWidgetPatches}): a state whose patches touch one row of a long
 * list costs one row. The first state emits nothing (send it as the item
 * itself), nor does a state with no visible change.
 *
 * ```
 * source:  -a--b--c--|
 * result:  ----B--C--|    (B = diffWidgetPatches(a.widget, b), C = diffWidgetPatches(b.widget, c))
 * ```
 *
 * @example
 * ```ts
 * tokens$.pipe(
 *   produceWidgets(initial, (draft, token) => { findReply(draft).value += token; }),
 *   diffPatchedWidgets(),
 * ).subscribe((updates) => { for (const update of updates) send(update); });
 * ```
 *
 * @param config See {@link DiffWidgetsConfig}.
 * @return An operator from patched widget states to non-empty lists of updates.
 */
export function diffPatchedWidgets(
  config: DiffWidgetsConfig = {},
): OperatorFunction<PatchedWidget, WidgetUpdate[]> {
  return pipe(
    pairwise(),
    map(([prev, next]) => diffWidgetPatches(prev.widget, next, config)),
    filter((updates) => updates.length > 0),
  );
}
