/** Writes `value` at a dotted `name` (`todo.title` → `{ todo: { title } }`), as ChatKit nests form values. */
function setPath(target: Record<string, unknown>, name: string, value: unknown): void {
  const keys = name.split(".");
  const last = keys.pop() as string;
  let node = target;
  for (const key of keys) {
    const next = node[key];
    if (typeof next !== "object" || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[last] = value;
}

/**
 * The values of the named fields in `scope`, keyed by field name with
 * dotted names nested (PROTOCOL §2): text as strings, a checkbox as a
 * boolean, a radio group as the checked value (absent if none is).
 *
 * @param scope The form (or, outside a form, the field that fired).
 * @return The values, ready to merge into an action's payload.
 */
export function formValues(scope: HTMLElement): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const fields = [
    ...(scope.matches("input, select, textarea") ? [scope] : []),
    ...Array.from(scope.querySelectorAll<HTMLElement>("input, select, textarea")),
  ] as (HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement)[];
  for (const field of fields) {
    if (field.name === "" || field.disabled) continue;
    if (field instanceof HTMLInputElement && field.type === "checkbox")
      setPath(values, field.name, field.checked);
    else if (field instanceof HTMLInputElement && field.type === "radio") {
      if (field.checked) setPath(values, field.name, field.value);
    } else setPath(values, field.name, field.value);
  }
  return values;
}

/** The form an action fired from `source` belongs to: a Form, or a Card with `asForm`; else `source` itself. */
export function formScope(source: HTMLElement): HTMLElement {
  return source.closest<HTMLElement>("[data-form]") ?? source;
}
