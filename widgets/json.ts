/** Small helpers for JSON-shaped values, shared by the widget checks. */

/** A non-null, non-array object: what a JSON object parses to. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A path as JavaScript would write it, e.g. `children[2].children[0].colour`,
 * so a message points at the prop the way the reader would type it. Keys
 * that are not identifiers are quoted: `payload["user id"]`.
 */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (typeof segment === "string" && IDENTIFIER.test(segment))
      text += text === "" ? segment : `.${segment}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}

/** How a message names a value it did not expect: `a string`, `an array`, `null`, `type "Text"`. */
export function describeJsonValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (isJsonObject(value)) {
    const type = value["type"];
    if (typeof type === "string") return `type ${JSON.stringify(type)}`;
    return type === undefined
      ? 'an object without a "type"'
      : `an object whose "type" is ${describeJsonValue(type)}`;
  }
  const kind = typeof value;
  return kind === "object" ? "an object" : `a ${kind}`;
}
