import type { WidgetRoot } from "../../widgets/components";

/**
 * Whether `key` holds an action config in a widget: `onClickAction`,
 * `onSubmitAction`, `onChangeAction`... and the `action` of a `Card`'s
 * `confirm`/`cancel`. Matched by name, so components added to ChatKit later
 * are covered without a list to keep up to date.
 */
function isActionKey(key: string): boolean {
  return key === "action" || (key.startsWith("on") && key.endsWith("Action"));
}

/**
 * The action `type`s a widget can fire: those of every action config in its
 * tree. A `threads.custom_action` that names a sender must fire one of them,
 * so a client cannot aim an arbitrary action at a widget it happens to know
 * the id of (and have its answer replace that widget in the store).
 *
 * @param widget The widget as stored.
 * @return The set of declared action types.
 */
export function declaredActionTypes(widget: WidgetRoot): ReadonlySet<string> {
  const types = new Set<string>();
  const stack: unknown[] = [widget];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null) continue;
    if (Array.isArray(node)) {
      for (const entry of node) stack.push(entry);
      continue;
    }
    for (const [key, value] of Object.entries(node)) {
      if (isActionKey(key) && typeof value === "object" && value !== null) {
        const type = (value as { type?: unknown }).type;
        if (typeof type === "string") types.add(type);
      }
      // An action's payload is the app's data, not part of the tree: its contents declare nothing.
      if (key !== "payload") stack.push(value);
    }
  }
  return types;
}
