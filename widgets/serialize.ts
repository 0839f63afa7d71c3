/**
 * Drops every property whose value is `null` or `undefined`, recursively,
 * the way a widget is built (PROTOCOL §1): the Studio's templates print
 * `null` for every prop the data left out, and the client expects the prop
 * to be absent instead. Arrays keep their order and lose their `null` (and
 * `undefined`) elements.
 *
 * It's like `JSON.parse(JSON.stringify(value, replacer))`, but without the
 * text round trip, and any object or array that holds nothing to drop is
 * returned as is (not copied), so an already clean widget costs one walk
 * and no allocation. The input is never modified.
 *
 * Only arrays and plain objects are walked; other objects (a `Date`, a class
 * instance) are kept as they are. The input must be a tree: a cycle
 * overflows the stack.
 *
 * @param value A JSON-like value, typically a freshly rendered widget.
 * @return The same value without nulls; `undefined` if `value` itself is null.
 */
export function dropNulls<T>(value: T): WithoutNulls<T> {
  return (value === null ? undefined : dropIn(value)) as WithoutNulls<T>;
}

/** `T` as `dropNulls` returns it: props that could be null become optional and non-null, arrays lose null elements. */
export type WithoutNulls<T> = T extends null | undefined
  ? undefined
  : T extends readonly (infer Element)[]
    ? WithoutNulls<NonNullable<Element>>[]
    : T extends object
      ? { [K in keyof T as NullableKey<T, K> extends true ? never : K]: WithoutNulls<T[K]> } & {
          [K in keyof T as NullableKey<T, K> extends true ? K : never]?: WithoutNulls<NonNullable<T[K]>>;
        }
      : T;

type NullableKey<T, K extends keyof T> = null extends T[K] ? true : undefined extends T[K] ? true : false;

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Deeply frozen objects already walked and found to hold no null: they
 * cannot change, so they are not walked again. Builds that share frozen
 * subtrees (a template streaming text into a card) and immer states hit it.
 */
const KNOWN_CLEAN = new WeakSet<object>();

function dropIn(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const frozen = Object.isFrozen(value);
  if (frozen && KNOWN_CLEAN.has(value)) return value;
  const cleaned = Array.isArray(value)
    ? dropInArray(value)
    : isPlainObject(value)
      ? dropInObject(value)
      : value;
  if (frozen && cleaned === value && childrenKnownClean(value)) KNOWN_CLEAN.add(value);
  return cleaned;
}

/** Whether every object directly inside `value` is known clean (so `value`, frozen and clean itself, is deeply so). */
function childrenKnownClean(value: object): boolean {
  for (const child of Object.values(value) as unknown[]) {
    if (typeof child === "object" && child !== null && !KNOWN_CLEAN.has(child)) return false;
  }
  return true;
}

function dropInArray(array: readonly unknown[]): readonly unknown[] {
  // `copy` stays undefined until the first element that changes; then it takes the unchanged prefix.
  let copy: unknown[] | undefined;
  for (let index = 0; index < array.length; index++) {
    const element = array[index];
    if (element === null || element === undefined) {
      copy ??= array.slice(0, index);
      continue;
    }
    const cleaned = dropIn(element);
    if (copy !== undefined) copy.push(cleaned);
    else if (cleaned !== element) {
      copy = array.slice(0, index);
      copy.push(cleaned);
    }
  }
  return copy ?? array;
}

function dropInObject(object: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(object);
  let copy: Record<string, unknown> | undefined;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as string;
    const property = object[key];
    if (property === null || property === undefined) {
      copy ??= copyKeys(object, keys, index);
      continue;
    }
    const cleaned = dropIn(property);
    if (copy !== undefined) setOwnProperty(copy, key, cleaned);
    else if (cleaned !== property) {
      copy = copyKeys(object, keys, index);
      setOwnProperty(copy, key, cleaned);
    }
  }
  return copy ?? object;
}

function copyKeys(
  object: Record<string, unknown>,
  keys: readonly string[],
  end: number,
): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (let index = 0; index < end; index++) {
    const key = keys[index] as string;
    setOwnProperty(copy, key, object[key]);
  }
  return copy;
}

/**
 * `object[key] = value` as `JSON.parse` does it: plain assignment, except
 * for a `__proto__` key, which must stay an own property, not the prototype.
 */
export function setOwnProperty(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    object[key] = value;
  }
}
