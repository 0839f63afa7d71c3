/**
 * How the diff and the reducer see a widget tree, in one place so they can
 * never disagree: the components of a widget are the root and, recursively,
 * whatever its `children` holds (an array of components, or the single
 * component of a `Transition`). Every other prop is opaque JSON, even if it
 * happens to contain objects with a `type` (an action's `payload`, say).
 *
 * Trees are treated as immutable snapshots: results computed for a node are
 * cached per object (a `WeakMap`), so subtrees shared between states (immer's
 * structural sharing) cost nothing the second time. Mutating a node after
 * it was diffed or reduced is not supported.
 */

/** A node of a widget tree as the algorithms see it: an object with a string `type`. */
export interface WidgetNode {
  readonly type: string;
  readonly [prop: string]: unknown;
}

/** One step of a path from the root to a component: `children`, then an index unless it is a single child. */
export type TreePath = readonly (string | number)[];

export function isWidgetNode(value: unknown): value is WidgetNode {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { type?: unknown }).type === "string"
  );
}

/** The `id` that updates can target: a non-empty string, else `undefined`. */
export function componentId(node: WidgetNode): string | undefined {
  const id = node["id"];
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** Calls `visit` for each direct child component of `node`, with the path step(s) that lead to it. */
export function forEachChild(node: WidgetNode, visit: (child: WidgetNode, step: TreePath) => void): void {
  const children = node["children"];
  if (Array.isArray(children)) {
    for (let index = 0; index < children.length; index++) {
      const child: unknown = children[index];
      if (isWidgetNode(child)) visit(child, ["children", index]);
    }
  } else if (isWidgetNode(children)) {
    visit(children, ["children"]);
  }
}

/** How many times each `id` occurs in a subtree, capped at 2 (all we need to know is "exactly once"). */
export type IdCounts = ReadonlyMap<string, 1 | 2>;

const EMPTY_COUNTS: IdCounts = new Map();
const countsCache = new WeakMap<WidgetNode, IdCounts>();

/**
 * The ids of `node`'s subtree with their (capped) counts. Cached per node
 * object, so after an immer update only the changed path is recounted.
 */
export function idCounts(node: WidgetNode): IdCounts {
  const cached = countsCache.get(node);
  if (cached !== undefined) return cached;
  const own = componentId(node);
  const childCounts: IdCounts[] = [];
  const addChild = (child: unknown): void => {
    // The cache is consulted before the child is read, so a shared subtree is not touched at all.
    const counts =
      countsCache.get(child as WidgetNode) ?? (isWidgetNode(child) ? idCounts(child) : EMPTY_COUNTS);
    if (counts.size > 0) childCounts.push(counts);
  };
  const children = node["children"];
  if (Array.isArray(children)) {
    for (const child of children as readonly unknown[]) addChild(child);
  } else if (typeof children === "object" && children !== null) {
    addChild(children);
  }
  let result: IdCounts;
  if (own === undefined && childCounts.length === 0) {
    result = EMPTY_COUNTS;
  } else if (own === undefined && childCounts.length === 1 && childCounts[0] !== undefined) {
    result = childCounts[0];
  } else {
    const merged = new Map<string, 1 | 2>();
    if (own !== undefined) merged.set(own, 1);
    for (const counts of childCounts) {
      for (const [id, count] of counts) merged.set(id, merged.has(id) ? 2 : count);
    }
    result = merged;
  }
  countsCache.set(node, result);
  return result;
}

/** How often one id occurs in a tree, capped at 2: 0 (absent), 1 (unique) or 2 (ambiguous). */
export type IdCount = 0 | 1 | 2;

/**
 * What is known of a root's id counts, learnt one id at a time, for roots
 * no {@link IdCountTrail} holds. One map can serve several roots:
 * {@link shareIdCounts} hands it on to a root proven to hold the same ids,
 * so a stream of states learns each id once.
 */
const knownCounts = new WeakMap<WidgetNode, Map<string, IdCount>>();

/**
 * What one stream of states knows of its latest roots' id counts: the
 * counts learnt one id at a time, and the two roots they hold for (a state
 * and the next, proven to hold the same ids by {@link shareIdCounts}). The
 * next diff of the stream asks about exactly the later one.
 *
 * Why a stream keeps its own: adding each new (young) root to a `WeakMap`
 * was the dearest step of a patch diff (measured: about 1 µs of 3.5 at
 * K=5000; V8 records every young key of an old table in a remembered set).
 * A trail of its own per subscription (`toThreadEvents`, `diffWidgets`)
 * touches no shared table however many streams interleave. Callers without
 * one share {@link SHARED_TRAIL}, which moves the latest root of another
 * stream to the table when a step takes its place, as one trail of many
 * streams must. A trail keeps its two roots alive until its next step.
 */
export class IdCountTrail {
  #from: WidgetNode | undefined;
  #to: WidgetNode | undefined;
  #known: Map<string, IdCount> | undefined;

  /** @param shared Whether other streams use this trail too: then a root it leaves goes to the table, not away. */
  constructor(private readonly shared = false) {}

  /** What the trail knows of `root`'s counts, if `root` is one of its two roots. */
  knownOf(root: WidgetNode): Map<string, IdCount> | undefined {
    return root === this.#to || root === this.#from ? this.#known : undefined;
  }

  /** Moves on to `prev` → `next` (both holding `known`); a first root is a step from itself. */
  step(prev: WidgetNode, next: WidgetNode, known: Map<string, IdCount>): void {
    if (this.shared && this.#to !== undefined && this.#to !== prev && this.#known !== undefined) {
      knownCounts.set(this.#to, this.#known);
    }
    this.#from = prev;
    this.#to = next;
    this.#known = known;
  }
}

/** The trail of callers that keep none. */
const SHARED_TRAIL = new IdCountTrail(true);

/**
 * Occurrences of `id` among the components a `children` prop holds (an
 * array of them, or a `Transition`'s single one) and their subtrees, added
 * to `count`, capped at 2.
 *
 * Why it reads as it does: a tree of mixed components makes every property
 * read here megamorphic, and reading a prop a node lacks (`id` or
 * `children` on most leaves) was the dearest (measured: a walk of 25k
 * nodes took 0.7-1 ms, ~30 ns a node). So each child's `id` and `children`
 * are read once, and `type` (whether it is a component) only for a child
 * that has either an `id` equal to the one sought or children of its own,
 * which leaves out most of the tree; one call per `children` prop, not per
 * node.
 */
function countInChildren(children: unknown, id: string, count: number): number {
  if (Array.isArray(children)) {
    for (let index = 0; index < children.length; index++) {
      const child: unknown = children[index];
      if (typeof child !== "object" || child === null) continue;
      const own = (child as Record<string, unknown>)["id"];
      const grandchildren = (child as Record<string, unknown>)["children"];
      if ((own !== id && grandchildren === undefined) || !isWidgetNode(child)) continue;
      if (own === id && ++count === 2) return 2;
      if (grandchildren !== undefined && (count = countInChildren(grandchildren, id, count)) === 2) return 2;
    }
    return count;
  }
  if (!isWidgetNode(children)) return count;
  if (children["id"] === id && ++count === 2) return 2;
  return countInChildren(children["children"], id, count);
}

/** Occurrences of the non-empty `id` in `node`'s subtree, capped at 2; allocates nothing. */
function countInSubtree(node: WidgetNode, id: string): IdCount {
  return countInChildren(node["children"], id, node["id"] === id ? 1 : 0) as IdCount;
}

/**
 * How often `id` occurs in the tree of `root`, capped at 2. Unlike
 * {@link idCounts} it allocates nothing per node: a tree seen for the first
 * time (fresh from `JSON.parse`, say) is walked once per id asked about,
 * and the answer is remembered for `root` and every root it is shared with.
 *
 * @param trail The asking stream's own trail, if it keeps one.
 */
export function countId(root: WidgetNode, id: string, trail: IdCountTrail = SHARED_TRAIL): IdCount {
  let known = trail.knownOf(root);
  if (known === undefined) {
    const full = countsCache.get(root);
    if (full !== undefined) return full.get(id) ?? 0;
    known = knownCounts.get(root);
    if (known === undefined) {
      known = new Map();
      if (trail === SHARED_TRAIL) knownCounts.set(root, known);
      else trail.step(root, root, known);
    }
  }
  let count = known.get(id);
  if (count === undefined) {
    count = id === "" ? 0 : countInSubtree(root, id);
    known.set(id, count);
  }
  return count;
}

/**
 * Records that `next` holds exactly the ids `prev` holds (the caller has
 * proven it, e.g. the diff found only text changes), so what is known of
 * `prev`'s counts is known of `next`'s.
 *
 * @param trail The stream's own trail, if it keeps one: it steps on to `next`.
 */
export function shareIdCounts(prev: WidgetNode, next: WidgetNode, trail: IdCountTrail = SHARED_TRAIL): void {
  if (trail.knownOf(next) !== undefined) return;
  let known = trail.knownOf(prev);
  if (known === undefined) {
    if (knownCounts.has(next) || countsCache.has(next)) return;
    const full = countsCache.get(prev);
    if (full !== undefined) {
      countsCache.set(next, full);
      return;
    }
    known = knownCounts.get(prev);
    if (known === undefined) return;
  }
  trail.step(prev, next, known);
}

/**
 * Records that `next` differs from `prev` only inside the props of the
 * component at `path` (a text delta, say), so every node along the path
 * holds the same ids as before: their counts carry over instead of being
 * recounted for each new state.
 */
export function shareIdCountsAlong(prev: WidgetNode, next: WidgetNode, path: TreePath): void {
  let before: unknown = prev;
  let after: unknown = next;
  for (let step = 0; ; step++) {
    // Steps alternate between components and their `children` arrays; only components have counts.
    if (isWidgetNode(before) && isWidgetNode(after) && !countsCache.has(after)) {
      const counts = countsCache.get(before);
      if (counts === undefined) return;
      countsCache.set(after, counts);
    }
    if (step === path.length || typeof before !== "object" || typeof after !== "object") return;
    const key = path[step]!;
    before = (before as Record<string | number, unknown>)[key];
    after = (after as Record<string | number, unknown>)[key];
  }
}

/** Where the component with a given id is, or why there is no single answer. */
export type FindResult =
  | { readonly found: true; readonly path: TreePath; readonly node: WidgetNode }
  | { readonly found: false; readonly reason: "missing" | "duplicate" };

/**
 * Finds the one component whose `id` is `id` (the root included). Uses the
 * cached id counts to descend straight to it: O(depth × children) once the
 * counts are cached.
 */
export function findComponent(root: WidgetNode, id: string): FindResult {
  const count = idCounts(root).get(id);
  if (count === undefined) return { found: false, reason: "missing" };
  if (count === 2) return { found: false, reason: "duplicate" };
  const path: (string | number)[] = [];
  let node: WidgetNode | undefined = root;
  while (node !== undefined && componentId(node) !== id) {
    let next: WidgetNode | undefined;
    forEachChild(node, (child, step) => {
      if (next === undefined && idCounts(child).has(id)) {
        next = child;
        path.push(...step);
      }
    });
    node = next;
  }
  // The counts say the id is in the tree exactly once, so the loop ends on it.
  if (node === undefined) return { found: false, reason: "missing" };
  return { found: true, path, node };
}

/**
 * Structural equality of JSON values, treating a property whose value is
 * `undefined` as absent (the wire cannot tell them apart). Same objects are
 * equal without being walked.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const aIsArray = Array.isArray(a);
  if (aIsArray !== Array.isArray(b)) return false;
  if (aIsArray) {
    const bArray = b as readonly unknown[];
    if (a.length !== bArray.length) return false;
    for (let index = 0; index < a.length; index++) {
      if (!jsonEqual(a[index], bArray[index])) return false;
    }
    return true;
  }
  return propsEqual(a as Readonly<Record<string, unknown>>, b as Readonly<Record<string, unknown>>, "none");
}

/**
 * Which props {@link propsEqual} leaves out: none, the children (compared
 * component by component by the diff), or also a streaming text's `value`
 * and `streaming` (compared as a text delta). A closed set rather than a
 * `Set` of keys: a `Set` lookup per prop made the diff of a fresh
 * 1000-item list 2x slower (measured with `npm run bench`, W2).
 */
export type SkippedProps = "none" | "children" | "text";

function isSkipped(key: string, skip: SkippedProps): boolean {
  if (skip === "none") return false;
  if (key === "children") return true;
  return skip === "text" && (key === "value" || key === "streaming");
}

/** `jsonEqual` over two objects' properties, leaving out the props `skip` names. */
export function propsEqual(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
  skip: SkippedProps,
): boolean {
  let definedInA = 0;
  for (const key in a) {
    if (isSkipped(key, skip) || !Object.hasOwn(a, key)) continue;
    const value = a[key];
    if (value === undefined) continue;
    definedInA++;
    const other = b[key];
    if (other === undefined || !Object.hasOwn(b, key) || !jsonEqual(value, other)) return false;
  }
  let definedInB = 0;
  for (const key in b) {
    if (isSkipped(key, skip)) continue;
    if (b[key] !== undefined && Object.hasOwn(b, key)) definedInB++;
  }
  return definedInA === definedInB;
}
