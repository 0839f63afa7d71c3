import fc from "fast-check";

import { serializeEvent } from "../../../lib/events/serializeEvent";

/** The definition the fast path must agree with: a replacer that drops null properties. */
function withReplacer(value: unknown): string | undefined {
  return JSON.stringify(value, function (this: unknown, _key: string, property: unknown) {
    return property === null && !Array.isArray(this) ? undefined : property;
  });
}

describe("serializeEvent", () => {
  it("leaves out null and undefined properties at every depth, widget props included", () => {
    const event = {
      type: "thread.item.done",
      item: {
        type: "widget",
        id: "msg_1",
        thread_id: "thr_1",
        created_at: "2025-01-01T00:00:00.000Z",
        copy_text: null,
        widget: { type: "Card", children: [{ type: "Text", value: "x", color: null, size: undefined }] },
      },
    };
    expect(JSON.parse(serializeEvent(event))).toEqual({
      type: "thread.item.done",
      item: {
        type: "widget",
        id: "msg_1",
        thread_id: "thr_1",
        created_at: "2025-01-01T00:00:00.000Z",
        widget: { type: "Card", children: [{ type: "Text", value: "x" }] },
      },
    });
    expect(serializeEvent(event)).not.toContain("null");
  });

  it("keeps array elements in place, and keeps false, 0 and empty strings", () => {
    expect(serializeEvent({ a: [1, null, 2], b: false, c: 0, d: "" })).toBe(
      '{"a":[1,null,2],"b":false,"c":0,"d":""}',
    );
  });

  it("keeps camelCase widget props and snake_case event keys as they are", () => {
    expect(serializeEvent({ item_id: "x", update: { widget: { onClickAction: { type: "a" } } } })).toBe(
      '{"item_id":"x","update":{"widget":{"onClickAction":{"type":"a"}}}}',
    );
  });

  it("honours toJSON", () => {
    expect(serializeEvent({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });

  it("escapes newlines, so the text fits one SSE data line", () => {
    expect(serializeEvent({ text: "a\nb\r\n" })).toBe('{"text":"a\\nb\\r\\n"}');
  });

  it("throws a TypeError for what JSON cannot represent", () => {
    expect(() => serializeEvent(undefined)).toThrow(TypeError);
    expect(() => serializeEvent(() => 1)).toThrow(/serializeEvent/);
  });

  it("throws JSON.stringify's TypeError for a cycle, with or without nulls", () => {
    const cyclic: Record<string, unknown> = { type: "x" };
    cyclic["self"] = { back: cyclic };
    expect(() => serializeEvent(cyclic)).toThrow(TypeError);
    cyclic["gone"] = null;
    expect(() => serializeEvent(cyclic)).toThrow(TypeError);
  });

  it("gives the same text as a null-dropping replacer, whether or not nulls, undefined or toJSON occur", () => {
    const withToJSON = fc.constantFrom(
      new Date(0),
      { toJSON: () => null },
      { toJSON: () => ({ a: null, b: 1 }) },
    );
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.jsonValue({ maxDepth: 0 }), fc.constant(undefined), withToJSON),
      node: fc.oneof(
        { depthSize: "small" },
        tie("leaf"),
        fc.array(tie("node"), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 3 }), tie("node"), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 3 }), value, { maxKeys: 4 }),
        (event) => serializeEvent(event) === withReplacer(event),
      ),
    );
  });

  describe("text-delta events, written directly", () => {
    const deltaEvent = (delta: string, done = false) => ({
      type: "thread.item.updated",
      item_id: "msg_1",
      update: { type: "widget.streaming_text.value_delta", component_id: "message", delta, done },
    });

    it("gives JSON.stringify's text, escapes and lone surrogates included", () => {
      for (const delta of ["", " lor", 'a "quote" \\ </script>\n\u2028', "\ud800 lone", "😀"]) {
        for (const done of [false, true]) {
          const event = deltaEvent(delta, done);
          expect(serializeEvent(event)).toBe(JSON.stringify(event));
        }
      }
    });

    it("leaves any other shape to the general path", () => {
      const { update } = deltaEvent("x");
      const others: unknown[] = [
        { ...deltaEvent("x"), extra: 1 },
        { ...deltaEvent("x"), item_id: null },
        { item_id: "msg_1", type: "thread.item.updated", update },
        { ...deltaEvent("x"), update: { ...update, done: null } },
        { ...deltaEvent("x"), update: { ...update, delta: 5 } },
        {
          ...deltaEvent("x"),
          update: { component_id: "message", type: update.type, delta: "x", done: false },
        },
        { ...deltaEvent("x"), update: { ...update, toJSON: () => "replaced" } },
        Object.assign(Object.create({ inherited: true }) as object, deltaEvent("x")),
        { ...deltaEvent("x"), update: Object.assign(new (class Update {})(), update) },
      ];
      for (const other of others) expect(serializeEvent(other)).toBe(withReplacer(other));
    });

    it("gives the general path's text for random events of about that shape", () => {
      const value = fc.oneof(fc.string({ unit: "binary" }), fc.boolean(), fc.constant(null), fc.integer());
      const event = fc.record(
        {
          type: fc.constantFrom("thread.item.updated", "thread.item.added"),
          item_id: value,
          update: fc.record(
            {
              type: fc.constantFrom("widget.streaming_text.value_delta", "widget.root.updated"),
              component_id: value,
              delta: value,
              done: value,
            },
            { requiredKeys: ["type", "delta"] },
          ),
        },
        { requiredKeys: ["type", "update"] },
      );
      fc.assert(fc.property(event, (e) => expect(serializeEvent(e)).toBe(withReplacer(e))));
    });

    it("quotes any text as JSON.stringify does: quotes, backslashes, control characters, surrogates", () => {
      const text = fc.oneof(
        fc.string({ unit: "binary" }),
        fc.string({ unit: fc.constantFrom("a", '"', "\\", "\u0000", "\u001f", " ", "\u007f", "\u2028") }),
        fc.string({
          unit: fc.integer({ min: 0xd7f0, max: 0xe010 }).map((code) => String.fromCharCode(code)),
        }),
      );
      fc.assert(
        fc.property(text, text, text, fc.boolean(), (itemId, componentId, delta, done) => {
          const event = {
            type: "thread.item.updated",
            item_id: itemId,
            update: { type: "widget.streaming_text.value_delta", component_id: componentId, delta, done },
          };
          expect(serializeEvent(event)).toBe(JSON.stringify(event));
        }),
      );
    });
  });
});
