import { enablePatches, produceWithPatches, type Draft } from "immer";
import { scan, startWith, type OperatorFunction } from "rxjs";

import type { WidgetRoot } from "../widgets/components";
import type { PatchedWidget } from "./diffPatchedWidgets";

/** Changes the widget draft for one source value, as an immer recipe: mutate `draft`, or return a new root. */
export type WidgetRecipe<T> = (draft: Draft<WidgetRoot>, value: T) => WidgetRoot | void;

/**
 * Folds source values into widget states with immer, keeping the patches of
 * each step, so {@link diffPatchedWidgets} diffs from what changed instead
 * of comparing two whole widgets.
 *
 * It's like `scan((widget, value) => produce(widget, draft => recipe(draft, value)), initial)`,
 * but starts with `initial` itself (patches `[]`, `base` undefined) and emits
 * each state with its patches and the state they apply to.
 *
 * ```
 * source:  -x--y--|
 * result:  ab--c--|    (a = initial, b = recipe(a, x), c = recipe(b, y), each with its patches)
 * ```
 *
 * Each subscription starts again from `initial`. A throwing recipe errors the
 * stream. Enables immer's patches plugin (`enablePatches()`) when called.
 *
 * @param initial The widget before any value (send it as the item itself).
 * @param recipe Applies one value to a draft of the widget.
 * @return An operator from values to patched widget states.
 */
export function produceWidgets<T>(
  initial: WidgetRoot,
  recipe: WidgetRecipe<T>,
): OperatorFunction<T, PatchedWidget> {
  if (typeof recipe !== "function") {
    throw new TypeError(`produceWidgets: recipe must be a function, got ${typeof recipe}`);
  }
  enablePatches();
  const first: PatchedWidget = { widget: initial, base: undefined, patches: [] };
  return (source) =>
    source.pipe(
      scan((state: PatchedWidget, value: T): PatchedWidget => {
        const base = state.widget;
        const [widget, patches] = produceWithPatches(base, (draft) => recipe(draft, value));
        return { widget, base, patches };
      }, first),
      startWith(first),
    );
}
