import { applyFormValues } from "../../../lib/server/applyFormValues";
import type { WidgetRoot } from "../../../widgets/components";

const form = (): WidgetRoot => ({
  type: "Card",
  asForm: true,
  children: [
    { type: "Input", name: "todo.title" },
    { type: "Textarea", name: "todo.notes", defaultValue: "old" },
    {
      type: "Row",
      children: [
        { type: "Checkbox", name: "done", label: "Done" },
        { type: "Select", name: "priority", options: [{ label: "High", value: "high" }] },
      ],
    },
    { type: "Text", id: "t", value: "unchanged" },
  ],
});

describe("applyFormValues", () => {
  it.each([null, undefined, ["Milk"], "Milk", 3])(
    "returns the widget itself for a payload that holds no form values: %p",
    (payload) => {
      const widget = form();
      expect(applyFormValues(widget, payload)).toBe(widget);
    },
  );

  it("writes nested (dotted-name) values into defaultValue, at any depth", () => {
    const result = applyFormValues(form(), { todo: { title: "Milk", notes: "2 litres" }, priority: "high" });
    expect(result.children).toEqual([
      { type: "Input", name: "todo.title", defaultValue: "Milk" },
      { type: "Textarea", name: "todo.notes", defaultValue: "2 litres" },
      {
        type: "Row",
        children: [
          { type: "Checkbox", name: "done", label: "Done" },
          {
            type: "Select",
            name: "priority",
            options: [{ label: "High", value: "high" }],
            defaultValue: "high",
          },
        ],
      },
      { type: "Text", id: "t", value: "unchanged" },
    ]);
  });

  it("accepts a flat key holding the dotted name, preferring it to the nested path", () => {
    const result = applyFormValues(form(), { "todo.title": "flat", todo: { title: "nested" } });
    expect(result.children?.[0]).toEqual({ type: "Input", name: "todo.title", defaultValue: "flat" });
  });

  it.each([
    [true, true],
    [false, false],
    ["on", true],
    ["true", true],
    ["off", false],
    [1, false],
  ])("sets a Checkbox's defaultChecked from %p to %p", (value, checked) => {
    const result = applyFormValues(form(), { done: value });
    const row = result.children?.[2] as { children: unknown[] };
    expect(row.children[0]).toEqual({
      type: "Checkbox",
      name: "done",
      label: "Done",
      defaultChecked: checked,
    });
  });

  it("turns numbers and booleans into text for text fields, and leaves other values alone", () => {
    const numbers = applyFormValues(form(), { todo: { title: 3, notes: true } });
    expect(numbers.children?.slice(0, 2)).toEqual([
      { type: "Input", name: "todo.title", defaultValue: "3" },
      { type: "Textarea", name: "todo.notes", defaultValue: "true" },
    ]);
    const objects = applyFormValues(form(), { todo: { title: { x: 1 }, notes: null } });
    expect(objects.children?.slice(0, 2)).toEqual([
      { type: "Input", name: "todo.title" },
      { type: "Textarea", name: "todo.notes", defaultValue: "old" },
    ]);
  });

  it("ignores values that name no field, and leaves fields the values do not mention as they were", () => {
    const widget = form();
    const result = applyFormValues(widget, { unknown: "x", todo: { other: "y" }, "a.b": 1 });
    expect(result).toEqual(form());
    // Nothing changed, so immer hands back the same object.
    expect(result).toBe(widget);
  });

  it("does not walk into a path through a non-object", () => {
    const result = applyFormValues(form(), { todo: "not an object" });
    expect(result).toEqual(form());
  });

  it("does not mutate the widget or the values, and shares unchanged parts", () => {
    const widget = form();
    const before = structuredClone(widget);
    const values = { todo: { title: "Milk" } };
    const valuesBefore = structuredClone(values);
    const result = applyFormValues(widget, values);
    expect(widget).toEqual(before);
    expect(values).toEqual(valuesBefore);
    expect(result).not.toBe(widget);
    expect(result.children?.[2]).toBe(widget.children?.[2]);
    expect(result.children?.[3]).toBe(widget.children?.[3]);
  });

  it("ignores a name on a component that is not a form field", () => {
    const widget: WidgetRoot = {
      type: "Card",
      children: [{ type: "Text", id: "x", value: "a", name: "x" } as never],
    };
    expect(applyFormValues(widget, { x: "b" })).toEqual(widget);
  });
});
