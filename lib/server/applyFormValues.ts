import { produce } from "immer";

import type { WidgetRoot } from "../../widgets/components";

/** Form fields and the prop that holds what the user entered. */
const VALUE_PROPS: Readonly<Record<string, "defaultValue" | "defaultChecked">> = {
  Input: "defaultValue",
  Textarea: "defaultValue",
  Select: "defaultValue",
  DatePicker: "defaultValue",
  RadioGroup: "defaultValue",
  Checkbox: "defaultChecked",
};

/** The submitted value for a field `name`: nested (`todo.title` → `values.todo.title`) or flat (`values["todo.title"]`). */
function lookup(values: Readonly<Record<string, unknown>>, name: string): { found: boolean; value: unknown } {
  if (Object.hasOwn(values, name)) return { found: true, value: values[name] };
  let node: unknown = values;
  for (const key of name.split(".")) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key))
      return { found: false, value: undefined };
    node = (node as Record<string, unknown>)[key];
  }
  return { found: true, value: node };
}

function toFieldValue(prop: "defaultValue" | "defaultChecked", value: unknown): string | boolean | undefined {
  if (prop === "defaultChecked")
    return typeof value === "boolean" ? value : value === "on" || value === "true";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/**
 * The widget with the values a user submitted written back into its form
 * fields (`defaultValue`, or `defaultChecked` for a `Checkbox`), matched by
 * field `name` as ChatKit builds the action payload (a dotted name nests).
 *
 * Why: ChatKit keeps typed-in values only in the browser. Without this, a
 * reload (or the widget's next update) shows the empty form again. Fields
 * the values do not mention, and values that are not text/number/boolean,
 * are left as they were. `widget` is not mutated.
 *
 * A payload is any JSON value (PROTOCOL §2), but only an object can hold
 * form values: the client merges a form's fields into the action's object
 * payload, and into a new object when the payload is `null` or absent. For
 * any other payload (`null`, a list, a string, a number) there is nothing to
 * write back and `widget` itself is returned.
 *
 * @param widget The widget as stored.
 * @param payload The action payload (or the part of it holding the form).
 * @return The widget with the submitted values, sharing unchanged parts.
 */
export function applyFormValues(widget: WidgetRoot, payload: unknown): WidgetRoot {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return widget;
  const values = payload as Readonly<Record<string, unknown>>;
  return produce(widget, (draft) => {
    // Explicit stack, bounded by the number of nodes (a widget tree has no cycles).
    const stack: unknown[] = [draft];
    while (stack.length > 0) {
      const node = stack.pop();
      if (typeof node !== "object" || node === null) continue;
      const record = node as Record<string, unknown>;
      const prop = typeof record["type"] === "string" ? VALUE_PROPS[record["type"]] : undefined;
      const name = record["name"];
      if (prop !== undefined && typeof name === "string") {
        const { found, value } = lookup(values, name);
        const fieldValue = found ? toFieldValue(prop, value) : undefined;
        if (fieldValue !== undefined) record[prop] = fieldValue;
      }
      const children = record["children"];
      if (Array.isArray(children)) stack.push(...(children as unknown[]));
      else if (typeof children === "object" && children !== null) stack.push(children);
    }
  });
}
