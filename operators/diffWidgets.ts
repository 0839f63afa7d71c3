import { defer, filter, map, pairwise, type OperatorFunction } from "rxjs";

import type { UpdatedComponent, WidgetUpdate } from "../lib/events/widgetUpdates";
import {
  componentId,
  countId,
  idCounts,
  IdCountTrail,
  isWidgetNode,
  jsonEqual,
  propsEqual,
  shareIdCounts,
  type TreePath,
  type WidgetNode,
} from "../lib/widgetTree";
import type { WidgetRoot } from "../widgets/components";
import { knownDelta } from "./internal/textGrowth";

/** Options of {@link diffWidgets} and {@link diffWidgetStates}. */
export interface DiffWidgetsConfig {
  /**
   * Send `widget.component.updated` for a component with an `id` whose props
   * changed in place, instead of replacing the whole root. Default `false`
   * (clients older than component updates only need text deltas and roots).
   */
  readonly componentUpdates?: boolean | undefined;
  /**
   * Send the end of a text's streaming (`streaming: true` becoming `false`,
   * the value grown or not) as a `widget.streaming_text.value_delta` with
   * `done: true`, instead of a component or root update. Default `false`:
   * the reference SDK sends a root update there, and no published client
   * promises to change a component on `done`; a client that only appends
   * `delta` to `value` would keep `streaming: true` for good. Enable it only
   * for a client that turns `streaming` off on a done delta, as
   * `applyWidgetUpdate` does.
   */
  readonly doneDeltaEndsStreaming?: boolean | undefined;
}

interface DiffContext {
  readonly componentUpdates: boolean;
  readonly doneDeltaEndsStreaming: boolean;
  readonly prev: WidgetNode;
  readonly next: WidgetNode;
  /** The updates so far; the first one makes the list (see {@link addUpdate}). */
  updates: WidgetUpdate[];
  /**
   * Whether ids are checked for uniqueness during the walk. The first pass
   * does not check (see `diffWidgetStates`): it sets `needsExactPass` where
   * an answer would depend on a count it did not take.
   */
  readonly exact: boolean;
  needsExactPass: boolean;
  /** Whether the pass handled every change (then `updates` are all that is needed). */
  handled: boolean;
  prevIds?: ReadonlyMap<string, 1 | 2>;
  nextIds?: ReadonlyMap<string, 1 | 2>;
}

/** Updates may name an id only if it is unique in both states (then it is unique after every update too). */
function isUnique(ctx: DiffContext, id: string): boolean {
  ctx.prevIds ??= idCounts(ctx.prev);
  ctx.nextIds ??= idCounts(ctx.next);
  return ctx.prevIds.get(id) === 1 && ctx.nextIds.get(id) === 1;
}

function isStreamingText(node: WidgetNode): boolean {
  return (node.type === "Text" || node.type === "Markdown") && typeof node["value"] === "string";
}

/**
 * `after.startsWith(before)`, fast: V8's `startsWith` compares character by
 * character (measured: 44 µs on a 52 KB text), while `===` on a slice
 * compares the flat strings' memory at once (0.8 µs). Both copy a text
 * held as a rope (`text + token`) into a flat string first, so this is
 * O(length) per call: the fallback when the delta is not known.
 */
function isPrefix(before: string, after: string): boolean {
  return after.slice(0, before.length) === before;
}

/**
 * The string `delta` with `after === before + delta`, or `undefined` if
 * `after` does not start with `before`: told by `accumulateText` when it
 * made both texts (O(1)), else learned by comparing them.
 */
function grownBy(before: string, after: string): string | undefined {
  const known = knownDelta(before, after);
  if (known !== undefined) return known;
  if (after.length === before.length) return after === before ? "" : undefined;
  if (after.length > before.length && isPrefix(before, after)) return after.slice(before.length);
  return undefined;
}

/**
 * The text delta of component `id` that turns `prev` into `next` (both
 * streaming texts with that id, all other props equal): `null` if there is
 * nothing to send, `false` if a delta cannot express the change.
 *
 * A client appends the delta to `value`; nothing more is promised. So by
 * default `streaming` must stay as it is, and `done` is what the reference
 * computes, `not component.streaming` of the new state (it tells a client
 * nothing it must act on). With `doneDeltaEndsStreaming`, `streaming` may
 * also go from `true` to `false` in a done delta (possibly empty), for a
 * client that turns it off on `done`; any other change of it (switched on,
 * or removed) is never a text delta.
 */
function textDelta(
  id: string,
  prev: WidgetNode,
  next: WidgetNode,
  doneDeltaEndsStreaming: boolean,
): WidgetUpdate | null | false {
  const before = prev["value"] as string;
  const after = next["value"] as string;
  const wasStreaming = prev["streaming"];
  const isStreaming = next["streaming"];
  const delta = grownBy(before, after);
  if (delta === undefined) return false;
  let done: boolean;
  if (jsonEqual(wasStreaming, isStreaming)) {
    if (delta === "") return null;
    done = isStreaming !== true;
  } else if (doneDeltaEndsStreaming && wasStreaming === true && isStreaming === false) {
    done = true;
  } else {
    return false;
  }
  return { type: "widget.streaming_text.value_delta", component_id: id, delta, done };
}

/**
 * Walks two states of one component at the same position. Pushes the
 * updates for its subtree and returns `true`, or returns `false` when the
 * change must be sent by an enclosing component (or the root).
 */
function diffNode(prev: WidgetNode, next: WidgetNode, ctx: DiffContext, isRoot: boolean): boolean {
  if (prev === next) return true;
  if (prev.type !== next.type || !jsonEqual(prev["id"], next["id"])) return false;
  const mark = ctx.updates.length;
  const id = componentId(next);
  const text = id !== undefined && isStreamingText(prev) && isStreamingText(next);
  let handled = propsEqual(prev, next, text ? "text" : "children");
  if (handled && text) {
    const change = textDelta(id, prev, next, ctx.doneDeltaEndsStreaming);
    if (change === false || (change !== null && ctx.exact && !isUnique(ctx, id))) {
      handled = false;
    } else if (change !== null) {
      addUpdate(ctx, change);
    }
  }
  if (handled) handled = diffChildren(prev["children"], next["children"], ctx);
  if (handled) return true;
  ctx.updates.length = mark;
  if (ctx.componentUpdates && !isRoot && id !== undefined) {
    if (!ctx.exact) {
      ctx.needsExactPass = true;
      return false;
    }
    if (!isUnique(ctx, id)) return false;
    addUpdate(ctx, {
      type: "widget.component.updated",
      component_id: id,
      component: next as unknown as UpdatedComponent,
    });
    return true;
  }
  return false;
}

/**
 * Appends `update`. The first one makes a list of one: an empty array's
 * first push grows its storage to 17 slots, about 150 bytes per diff,
 * where a diff usually finds one update.
 */
function addUpdate(ctx: DiffContext, update: WidgetUpdate): void {
  if (ctx.updates.length === 0) ctx.updates = [update];
  else ctx.updates.push(update);
}

/** The component at `path` (steps as {@link TreePath}); the caller knows it exists. */
function nodeAt(root: WidgetNode, path: TreePath): WidgetNode {
  let node: unknown = root;
  for (const step of path) node = (node as Record<string | number, unknown>)[step];
  return node as WidgetNode;
}

/**
 * One pass of the diff over the components at `paths` of two roots (disjoint
 * subtrees in document order, everything outside them unchanged): whether
 * it handled every change, and the updates if so.
 */
function walk(
  prev: WidgetNode,
  next: WidgetNode,
  paths: readonly TreePath[],
  config: DiffWidgetsConfig,
  exact: boolean,
): DiffContext {
  const ctx: DiffContext = {
    componentUpdates: config.componentUpdates === true,
    doneDeltaEndsStreaming: config.doneDeltaEndsStreaming === true,
    prev,
    next,
    updates: [],
    exact,
    needsExactPass: false,
    handled: true,
  };
  for (const path of paths) {
    ctx.handled = diffNode(nodeAt(prev, path), nodeAt(next, path), ctx, path.length === 0);
    if (!ctx.handled) break;
  }
  return ctx;
}

function diffChildren(prev: unknown, next: unknown, ctx: DiffContext): boolean {
  if (prev === next) return true;
  if (Array.isArray(prev) && Array.isArray(next)) {
    if (prev.length !== next.length) return false;
    for (let index = 0; index < prev.length; index++) {
      const before: unknown = prev[index];
      const after: unknown = next[index];
      if (before === after) continue;
      const handled =
        isWidgetNode(before) && isWidgetNode(after)
          ? diffNode(before, after, ctx, false)
          : jsonEqual(before, after);
      if (!handled) return false;
    }
    return true;
  }
  if (isWidgetNode(prev) && isWidgetNode(next)) return diffNode(prev, next, ctx, false);
  return jsonEqual(prev, next);
}

/**
 * The updates that turn widget state `prev` into `next`, for a client that
 * applies them in order (see `applyWidgetUpdate`).
 *
 * - A `Text`/`Markdown` with an `id` whose string `value` grew (and whose
 *   other props, `streaming` included, did not change) gets a
 *   `widget.streaming_text.value_delta`; `done` is `true` unless it is
 *   still `streaming: true`, as the reference computes it. A client that
 *   only appends `delta` to `value` follows every state.
 * - With `doneDeltaEndsStreaming`, `streaming` going from `true` to `false`
 *   is a done delta too (`""` without growth) rather than a component or
 *   root update.
 * - With `componentUpdates`, any other change inside a component with an
 *   `id` (same type, same id, same position in both states) is sent as one
 *   `widget.component.updated` for the smallest such component.
 * - Anything else (a changed type, a vanished, moved or duplicated id, a
 *   shrunk text, added or removed children, a changed root prop) is one
 *   `widget.root.updated` with `next`, and nothing else.
 *
 * Only ids that occur exactly once in both states are targeted. Subtrees
 * that are the same object in both states are skipped; text is compared by
 * length and one prefix comparison, or not at all when `accumulateText`,
 * emitting the new text right now, says what it grew by (see
 * `internal/textGrowth`). Never throws for two widget trees.
 *
 * @param prev The state the client holds.
 * @param next The state it should hold.
 * @param config See {@link DiffWidgetsConfig}.
 * @return The updates, in document order; `[]` if nothing the client can see changed.
 */
export function diffWidgetStates(
  prev: WidgetRoot,
  next: WidgetRoot,
  config: DiffWidgetsConfig = {},
): WidgetUpdate[] {
  return diffStatesOnTrail(prev, next, config, undefined);
}

/**
 * {@link diffWidgetStates} for a stream that keeps its own
 * {@link IdCountTrail} (one per subscription), so what it learns of its
 * states' ids stays with it.
 */
export function diffStatesOnTrail(
  prev: WidgetRoot,
  next: WidgetRoot,
  config: DiffWidgetsConfig,
  trail: IdCountTrail | undefined,
): WidgetUpdate[] {
  if (prev === next) return [];
  const prevNode: unknown = prev;
  const nextNode: unknown = next;
  const updates =
    isWidgetNode(prevNode) && isWidgetNode(nextNode)
      ? diffSubtrees(prevNode, nextNode, ROOT_ONLY, config, trail)
      : null;
  return updates ?? [{ type: "widget.root.updated", widget: next }];
}

/**
 * The updates for the changes inside the components at `paths` (disjoint
 * subtrees, in document order) of two widget trees that are equal outside
 * them, or `null` if they need a root update or an update of a component
 * enclosing one of the paths. With `[[]]`, the diff of two whole trees.
 * `trail`: the stream's own, if it keeps one (see {@link diffStatesOnTrail}).
 */
export function diffSubtrees(
  prevNode: WidgetNode,
  nextNode: WidgetNode,
  paths: readonly TreePath[],
  config: DiffWidgetsConfig,
  trail?: IdCountTrail,
): WidgetUpdate[] | null {
  // First an optimistic pass that takes no id counts. It decides alone when
  // it found a failure no component update can absorb (the exact pass would
  // fail there too), or only text deltas whose ids are unique in `prev`: then
  // every component of `next` sits where one of `prev` with the same id
  // does, so `next` holds the same ids, the ids are unique there too, and
  // the exact pass would decide the same everywhere. A stream of such
  // states passes its counts on, so each id is counted once per stream.
  const optimistic = walk(prevNode, nextNode, paths, config, false);
  if (!optimistic.needsExactPass) {
    if (!optimistic.handled) return null;
    const { updates } = optimistic;
    let unique = true;
    for (let index = 0; unique && index < updates.length; index++) {
      unique = isUniqueTarget(prevNode, updates[index]!, trail);
    }
    shareIdCounts(prevNode, nextNode, trail);
    if (unique) return updates;
  }
  const exact = walk(prevNode, nextNode, paths, config, true);
  return exact.handled ? exact.updates : null;
}

const ROOT_ONLY: readonly TreePath[] = [[]];

/** Whether the component an update of the optimistic pass names is unique in `prev`. */
function isUniqueTarget(prev: WidgetNode, update: WidgetUpdate, trail: IdCountTrail | undefined): boolean {
  return (
    update.type === "widget.streaming_text.value_delta" && countId(prev, update.component_id, trail) === 1
  );
}

/**
 * Turns successive widget states into the updates a client needs to follow
 * them.
 *
 * It's like `pairwise()` followed by a diff, but emits only when the client
 * has something to learn: the first state emits nothing (send it as the
 * item itself, see `toThreadEvents`), and a state with no visible change
 * emits nothing. Each emission is the complete list of updates for one
 * state, to be applied in order (see {@link diffWidgetStates}).
 *
 * ```
 * source:  -a--b--c--|
 * result:  ----B--C--|    (B = diffWidgetStates(a, b), C = diffWidgetStates(b, c))
 * ```
 *
 * @example
 * ```ts
 * states$.pipe(diffWidgets({ componentUpdates: true })).subscribe((updates) => {
 *   for (const update of updates) send({ type: "thread.item.updated", item_id, update });
 * });
 * ```
 *
 * @param config See {@link DiffWidgetsConfig}.
 * @return An operator from widget states to non-empty lists of updates.
 */
export function diffWidgets(config: DiffWidgetsConfig = {}): OperatorFunction<WidgetRoot, WidgetUpdate[]> {
  return (states) =>
    defer(() => {
      const trail = new IdCountTrail();
      return states.pipe(
        pairwise(),
        map(([prev, next]) => diffStatesOnTrail(prev, next, config, trail)),
        filter((updates) => updates.length > 0),
      );
    });
}
