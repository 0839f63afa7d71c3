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
  return propsEqual(a as Readonly<Record<string, unknown>>, b as Readonly<Record<string, unknown>>, NO_KEYS);
}

const NO_KEYS: ReadonlySet<string> = new Set();

/** `jsonEqual` over two objects' properties, ignoring the keys in `skip`. */
export function propsEqual(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
  skip: ReadonlySet<string>,
): boolean {
  let definedInA = 0;
  for (const key in a) {
    if (!Object.hasOwn(a, key) || skip.has(key)) continue;
    const value = a[key];
    if (value === undefined) continue;
    definedInA++;
    if (!Object.hasOwn(b, key) || !jsonEqual(value, b[key])) return false;
  }
  let definedInB = 0;
  for (const key in b) {
    if (!Object.hasOwn(b, key) || skip.has(key)) continue;
    if (b[key] !== undefined) definedInB++;
  }
  return definedInA === definedInB;
}
