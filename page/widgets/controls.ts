/** Form controls: Input, Textarea, Select, DatePicker, Checkbox, RadioGroup. Their `name` keys the form values. */
import {
  elementFor,
  isAction,
  stringProp,
  type ComponentRenderer,
  type RenderContext,
  type WidgetNode,
} from "./WidgetNode";

function nameField(
  field: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement,
  node: WidgetNode,
): void {
  field.name = stringProp(node, "name") ?? "";
  field.disabled = node["disabled"] === true;
  if ("required" in field) field.required = node["required"] === true;
}

/** `onChangeAction` fires with the form's values (the field's own value among them). */
/** One choice of a `Select` or `RadioGroup`, as drawn: an option without a string `value` is skipped. */
interface Choice {
  readonly value: string;
  readonly label: string;
  readonly disabled: boolean;
}

/** The node's `options`, read the same way for every control that offers choices. */
function choicesOf(node: WidgetNode): Choice[] {
  const options = Array.isArray(node["options"]) ? (node["options"] as unknown[]) : [];
  return options.flatMap((option) => {
    const { value, label, disabled } = (option ?? {}) as {
      value?: unknown;
      label?: unknown;
      disabled?: unknown;
    };
    if (typeof value !== "string") return [];
    return [{ value, label: typeof label === "string" ? label : value, disabled: disabled === true }];
  });
}

function onChange(element: HTMLElement, node: WidgetNode, context: RenderContext): void {
  const action = node["onChangeAction"];
  if (isAction(action)) element.addEventListener("change", () => void context.fireAction(action, element));
}

const Input: ComponentRenderer = (node) => {
  const input = elementFor("input", node, "ck-input");
  nameField(input, node);
  input.type = stringProp(node, "inputType") ?? "text";
  input.defaultValue = stringProp(node, "defaultValue") ?? "";
  input.placeholder = stringProp(node, "placeholder") ?? "";
  const pattern = stringProp(node, "pattern");
  if (pattern !== undefined) input.pattern = pattern;
  input.autofocus = node["autoFocus"] === true;
  return input;
};

const Textarea: ComponentRenderer = (node) => {
  const textarea = elementFor("textarea", node, "ck-input ck-textarea");
  nameField(textarea, node);
  textarea.defaultValue = stringProp(node, "defaultValue") ?? "";
  textarea.placeholder = stringProp(node, "placeholder") ?? "";
  textarea.rows = typeof node["rows"] === "number" ? node["rows"] : 3;
  return textarea;
};

const Select: ComponentRenderer = (node, context) => {
  const select = elementFor("select", node, "ck-input ck-select");
  nameField(select, node);
  const placeholder = stringProp(node, "placeholder");
  const defaultValue = stringProp(node, "defaultValue");
  if (placeholder !== undefined || defaultValue === undefined) {
    const empty = new Option(placeholder ?? "", "", defaultValue === undefined, defaultValue === undefined);
    empty.disabled = node["clearable"] !== true && placeholder !== undefined;
    select.append(empty);
  }
  for (const { value, label, disabled } of choicesOf(node)) {
    const element = new Option(label, value, false, value === defaultValue);
    element.disabled = disabled;
    select.append(element);
  }
  onChange(select, node, context);
  return select;
};

const DatePicker: ComponentRenderer = (node, context) => {
  const input = elementFor("input", node, "ck-input ck-date");
  nameField(input, node);
  input.type = "date";
  // ChatKit holds ISO 8601 date-times; the native picker wants the date part.
  input.defaultValue = (stringProp(node, "defaultValue") ?? "").slice(0, 10);
  const min = stringProp(node, "min");
  if (min !== undefined) input.min = min.slice(0, 10);
  const max = stringProp(node, "max");
  if (max !== undefined) input.max = max.slice(0, 10);
  onChange(input, node, context);
  return input;
};

const Checkbox: ComponentRenderer = (node, context) => {
  const label = elementFor("label", node, "ck-checkbox");
  const input = document.createElement("input");
  input.type = "checkbox";
  nameField(input, node);
  input.defaultChecked = node["defaultChecked"] === true;
  label.append(input, stringProp(node, "label") ?? "");
  onChange(input, node, context);
  return label;
};

const RadioGroup: ComponentRenderer = (node, context) => {
  const group = elementFor("div", node, "ck-radio-group");
  group.setAttribute("role", "radiogroup");
  group.classList.add(node["direction"] === "col" ? "ck-col" : "ck-row");
  const ariaLabel = stringProp(node, "ariaLabel");
  if (ariaLabel !== undefined) group.setAttribute("aria-label", ariaLabel);
  const defaultValue = stringProp(node, "defaultValue");
  for (const { value, label, disabled } of choicesOf(node)) {
    const wrapper = document.createElement("label");
    wrapper.className = "ck-radio";
    const input = document.createElement("input");
    input.type = "radio";
    nameField(input, node);
    input.value = value;
    input.defaultChecked = value === defaultValue;
    input.disabled = disabled || node["disabled"] === true;
    wrapper.append(input, label);
    group.append(wrapper);
  }
  onChange(group, node, context);
  return group;
};

export const CONTROL_RENDERERS: Readonly<Record<string, ComponentRenderer>> = {
  Input,
  Textarea,
  Select,
  DatePicker,
  Checkbox,
  RadioGroup,
};
