/** Where two JSON values first differ: a path like `children[0].value`, and both sides there. */
export interface Difference {
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

/**
 * The first place (depth first, in `expected`'s key order) where `actual`
 * differs from `expected`, or `undefined` when they are equal as JSON. Key
 * order is ignored, as in JSON.
 */
export function firstDifference(expected: unknown, actual: unknown, path = ""): Difference | undefined {
  if (Object.is(expected, actual)) return undefined;
  const here = { path: path === "" ? "(root)" : path, expected, actual };
  if (typeof expected !== "object" || typeof actual !== "object" || expected === null || actual === null) {
    return here;
  }
  if (Array.isArray(expected) !== Array.isArray(actual)) return here;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const length = Math.max(expected.length, actual.length);
    for (let i = 0; i < length; i++) {
      const found = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const left = expected as Record<string, unknown>;
  const right = actual as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) {
    const found = firstDifference(left[key], right[key], path === "" ? key : `${path}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}
