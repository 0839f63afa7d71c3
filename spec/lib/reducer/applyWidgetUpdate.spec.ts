import { ChatKitRxError } from "../../../lib/errors";
import { applyWidgetUpdate } from "../../../lib/reducer/applyWidgetUpdate";
import { WidgetUpdateError } from "../../../lib/errors";
import type { WidgetRoot } from "../../../widgets/components";

const root = (...children: unknown[]): WidgetRoot => ({ type: "Card", children }) as unknown as WidgetRoot;

describe("applyWidgetUpdate", () => {
  const shared = { type: "Box", children: [{ type: "Badge", label: "x" }] };
  const before = root(shared, {
    type: "Transition",
    children: { type: "Text", id: "t", value: "He", streaming: true },
  });

  it("appends a delta to the value, sharing untouched subtrees and leaving the input alone", () => {
    const after = applyWidgetUpdate(before, {
      type: "widget.streaming_text.value_delta",
      component_id: "t",
      delta: "llo",
      done: false,
    });
    expect(after).toEqual(
      root(shared, {
        type: "Transition",
        children: { type: "Text", id: "t", value: "Hello", streaming: true },
      }),
    );
    expect(after.children[0]).toBe(shared);
    expect((before.children[1] as unknown as { children: { value: string } }).children.value).toBe("He");
  });

  it("finds the target of each delta in a stream, and sees ids a component update brings", () => {
    const delta = (text: string) =>
      ({ type: "widget.streaming_text.value_delta", component_id: "t", delta: text, done: false }) as const;
    let state = root(
      { type: "Box", id: "b", children: [] },
      { type: "Row", children: [{ type: "Text", id: "t", value: "" }] },
    );
    for (const text of ["a", "b", "c"]) state = applyWidgetUpdate(state, delta(text));
    expect(JSON.stringify(state)).toContain('"value":"abc"');
    // The counts carried from delta to delta must not hide a duplicate that arrives later.
    state = applyWidgetUpdate(state, {
      type: "widget.component.updated",
      component_id: "b",
      component: { type: "Box", id: "b", children: [{ type: "Text", id: "t", value: "" }] },
    } as never);
    expect(() => applyWidgetUpdate(state, delta("d"))).toThrow(/more than one component has id "t"/);
  });

  it("turns streaming: true into false with done, and leaves other values alone", () => {
    const done = {
      type: "widget.streaming_text.value_delta",
      component_id: "t",
      delta: "",
      done: true,
    } as const;
    expect(applyWidgetUpdate(before, done)).toEqual(
      root(shared, {
        type: "Transition",
        children: { type: "Text", id: "t", value: "He", streaming: false },
      }),
    );
    const plain = root({ type: "Markdown", id: "m", value: "a" });
    expect(applyWidgetUpdate(plain, { ...done, component_id: "m", delta: "b" })).toEqual(
      root({ type: "Markdown", id: "m", value: "ab" }),
    );
    expect(applyWidgetUpdate(plain, { ...done, component_id: "m" })).toBe(plain);
  });

  it("replaces the root", () => {
    const next = root();
    expect(applyWidgetUpdate(before, { type: "widget.root.updated", widget: next })).toBe(next);
  });

  it("replaces one component, the root included", () => {
    const component = { type: "Text", id: "t", value: "new" } as const;
    const after = applyWidgetUpdate(before, {
      type: "widget.component.updated",
      component_id: "t",
      component,
    });
    expect(after).toEqual(root(shared, { type: "Transition", children: component }));
    const withId = { ...root(), id: "r" } as WidgetRoot;
    const replacement = { type: "Card", id: "r", children: [] } as unknown as WidgetRoot;
    expect(
      applyWidgetUpdate(withId, {
        type: "widget.component.updated",
        component_id: "r",
        component: replacement,
      }),
    ).toBe(replacement);
  });

  it("does not look for ids outside children (action payloads are data)", () => {
    const widget = root({
      type: "Button",
      onClickAction: { type: "go", payload: { type: "Text", id: "t", value: "" } },
    });
    expect(() =>
      applyWidgetUpdate(widget, {
        type: "widget.streaming_text.value_delta",
        component_id: "t",
        delta: "x",
        done: true,
      }),
    ).toThrow(WidgetUpdateError);
  });

  it.each([
    ["unknown-component", root({ type: "Text", id: "a", value: "" }), "t"],
    [
      "duplicate-component",
      root({ type: "Text", id: "t", value: "" }, { type: "Text", id: "t", value: "" }),
      "t",
    ],
    ["not-streaming-text", root({ type: "Title", id: "t", value: "" }), "t"],
    ["not-streaming-text", root({ type: "Text", id: "t", value: 3 }), "t"],
  ] as const)("throws a WidgetUpdateError (%s) with the component id", (reason, widget, id) => {
    let error: unknown;
    try {
      applyWidgetUpdate(widget, {
        type: "widget.streaming_text.value_delta",
        component_id: id,
        delta: "x",
        done: true,
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WidgetUpdateError);
    expect(error).toBeInstanceOf(ChatKitRxError);
    expect(error).toMatchObject({
      name: "WidgetUpdateError",
      reason,
      componentId: id,
      updateType: "widget.streaming_text.value_delta",
    });
    expect((error as Error).message).toMatch(/^widget\.streaming_text\.value_delta: .*"t".*Reload the item/);
  });

  it("throws for a component update of an unknown id", () => {
    expect(() =>
      applyWidgetUpdate(before, {
        type: "widget.component.updated",
        component_id: "nope",
        component: { type: "Text", id: "nope", value: "" },
      }),
    ).toThrow(/no component has id "nope"/);
  });
});
