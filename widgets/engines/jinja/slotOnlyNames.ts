import { tojsonOperand } from "./compiler";
import { CONSTANTS } from "./globals";
import { OUTPUT, SCOPE, type Statement, view } from "./library";
import { SLOT_MIN_LENGTH } from "./slots";

/**
 * Which changes of the data leave a template's text with slots (see
 * `slots.ts`) as it was, so that a stream renderer can fill its last
 * skeleton with the new strings instead of running the template again: a
 * message streaming into a card changes one long string, token after token,
 * and the rest of the card is the same text every time.
 *
 * A name is *slot-only* when the template reads it nowhere but in
 * `{{ name | tojson }}` printed straight into its output (not into a
 * `{% set %}` block's text, not as `name.attr`, not in a test, a loop or
 * another expression) and never binds it (`set`, a loop variable, a macro
 * parameter). Such a name's value, while it is a string long enough for a
 * slot, reaches the text only as a slot's marker, whose number depends on
 * the order of prints, which does not depend on it: the text is the same
 * whatever the string, and only that slot's string differs.
 */
export function slotOnlyNames(body: readonly Statement[]): ReadonlySet<string> {
  const printed = new Set<string>();
  const readOtherwise = new Set<string>();
  // Conservative: any other occurrence of the name's identifier (an attribute or keyword of that
  // name included) rules it out, and only the blocks the compiler prints directly keep `direct`.
  const visit = (value: unknown, direct: boolean): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, direct);
      return;
    }
    if (value instanceof Map) {
      // An object literal's entries (`{'a': s}`): expressions as keys and values.
      for (const entry of value) visit(entry, direct);
      return;
    }
    if (
      typeof value !== "object" ||
      value === null ||
      typeof (value as { type?: unknown }).type !== "string"
    ) {
      return;
    }
    const node = view(value as Statement);
    if (node.type === "Identifier") {
      readOtherwise.add(node.value);
      return;
    }
    if (node.type === OUTPUT && direct) {
      const operand = tojsonOperand(node.expr);
      const name = operand === undefined ? undefined : view(operand);
      if (name?.type === "Identifier") {
        printed.add(name.value);
        return;
      }
    }
    const stillDirect = direct && DIRECT_BLOCKS.has(node.type);
    for (const child of Object.values(node)) visit(child, stillDirect);
  };
  visit(body, true);
  return new Set([...printed].filter((name) => !readOtherwise.has(name) && !CONSTANTS.has(name)));
}

/** The nodes whose statements the compiler prints into the output they print into (`direct`). */
const DIRECT_BLOCKS: ReadonlySet<string> = new Set(["Program", "If", "For", SCOPE]);

/**
 * Whether `next` renders the same text with slots as `previous` did, by the
 * data alone: the same names, each with the same primitive value (a string,
 * number, boolean, null or undefined) in both, or, for a slot-only name, a
 * string long enough for a slot in both. Objects, arrays and functions are
 * never taken as unchanged, even when they are the same object: the caller
 * may have changed what is inside, and a function may answer differently.
 */
export function rendersSameText(
  previous: Readonly<Record<string, unknown>>,
  next: Readonly<Record<string, unknown>>,
  slotOnly: ReadonlySet<string>,
): boolean {
  let count = 0;
  for (const key in next) {
    if (!Object.hasOwn(next, key)) continue;
    count++;
    if (!Object.hasOwn(previous, key)) return false;
    const before = previous[key];
    const after = next[key];
    const unchanged = before === after && isPrimitive(after);
    if (!unchanged && !(slotOnly.has(key) && isSlotString(before) && isSlotString(after))) return false;
  }
  for (const key in previous) if (Object.hasOwn(previous, key)) count--;
  return count === 0;
}

function isPrimitive(value: unknown): boolean {
  const type = typeof value;
  return (
    value === null || type === "string" || type === "number" || type === "boolean" || type === "undefined"
  );
}

function isSlotString(value: unknown): boolean {
  return typeof value === "string" && value.length > SLOT_MIN_LENGTH;
}
