import fc from "fast-check";
import { TemplateUndefinedError } from "../../../lib/errors";
import { jinjaEngine, JinjaTemplate } from "../../../widgets/engines/jinja";
import { fillSkeleton, skeletonOf, type Slots } from "../../../widgets/engines/jinja/slots";
import type { RenderParsedResult } from "../../../widgets/engines/TemplateEngine";

/**
 * `renderParsed` must be `JSON.parse(render(data))` (or the text, when it is
 * not JSON), whatever the template and data, while long `tojson` strings
 * skip the text (see `widgets/engines/jinja/slots.ts`).
 */

const context = { widget: "renderParsed spec", file: "/widgets/parsed.widget" };

function compile(source: string): JinjaTemplate {
  return jinjaEngine.compile(source, context) as JinjaTemplate;
}

/** What `renderParsed` must return, computed the slow way. */
function expected(template: JinjaTemplate, data: Record<string, unknown>): RenderParsedResult {
  const text = template.render(data);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, text };
  }
}

/** Whether `value` holds a `null` at any depth. */
function holdsNull(value: unknown): boolean {
  if (value === null) return true;
  return typeof value === "object" && Object.values(value).some(holdsNull);
}

/**
 * Deep equality that also compares the order of object keys; a result that
 * says its value is `nullFree` must hold no null (it may say nothing).
 */
function expectSame(actual: RenderParsedResult, wanted: RenderParsedResult): void {
  if (actual.ok && actual.nullFree !== undefined) {
    if (actual.nullFree) expect(holdsNull(actual.value)).toBe(false);
    const { nullFree: _nullFree, ...rest } = actual;
    actual = rest;
  }
  expect(actual).toEqual(wanted);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(wanted));
}

const LONG = 'a long string, well past the slot threshold of sixty-four characters: 😀 </script> "quoted"';

/** The parsed text with every slot's string back where its marker is, or `undefined` if a marker is misplaced. */
function restoreSlots(parsed: unknown, slots: Slots): { value: unknown } | undefined {
  const skeleton = skeletonOf(parsed, slots);
  return skeleton === undefined ? undefined : { value: fillSkeleton(skeleton, slots.values) };
}

describe("skeletonOf and fillSkeleton", () => {
  const slots: Slots = { prefix: "<@chatkit-slot:n0nce:", values: ["zero", "one"] };
  const marker = (i: number) => `${slots.prefix}${i}>`;

  it("puts every slot back where its marker is a whole string value, in place and in order", () => {
    const parsed = { a: [marker(1), { b: marker(0) }], c: "x" };
    expect(restoreSlots(parsed, slots)).toEqual({ value: { a: ["one", { b: "zero" }], c: "x" } });
    expect(restoreSlots(marker(0), { prefix: slots.prefix, values: ["root"] })).toEqual({ value: "root" });
  });

  it("gives up when a marker is missing, repeated, inside a longer string or an object key", () => {
    expect(restoreSlots([marker(0)], slots)).toBeUndefined();
    expect(restoreSlots([marker(0), marker(1), marker(1)], slots)).toBeUndefined();
    expect(restoreSlots([marker(0), `x${marker(1)}`], slots)).toBeUndefined();
    expect(restoreSlots({ [marker(1)]: marker(0) }, slots)).toBeUndefined();
  });

  it("leaves strings that only look like markers alone", () => {
    const lookalikes = [
      `${slots.prefix}7>`,
      `${slots.prefix}01>`,
      `${slots.prefix}1`,
      "<@chatkit-slot:other:0>",
    ];
    expect(restoreSlots([marker(0), marker(1), ...lookalikes], slots)).toEqual({
      value: ["zero", "one", ...lookalikes],
    });
  });
});

describe("JinjaTemplate.renderParsed", () => {
  it("parses compiled and interpreted templates, long strings included", () => {
    const source =
      '{"a":{{ s | tojson }},"b":[{%- for x in xs -%}{{ x | tojson }}{{ "," if not loop.last }}{%- endfor -%}]}';
    const data = { s: LONG, xs: [LONG, "short", 1, null] };
    const compiled = compile(source);
    const interpreted = compile(`${source}{% macro m() %}{% endmacro %}`);
    expect([compiled.strategy.kind, interpreted.strategy.kind]).toEqual(["closures", "interpreter"]);
    for (const template of [compiled, interpreted]) {
      expectSame(template.renderParsed(data), { ok: true, value: { a: LONG, b: [LONG, "short", 1, null] } });
    }
  });

  it("reuses the parsed text when only long strings change, sharing (frozen) all but their paths", () => {
    const template = compile(
      '{"type":"Card","children":[{"type":"Text","value":{{ name | tojson }}},' +
        '{"type":"Markdown","id":"m","value":{{ s | tojson }}}]}',
    );
    const first = template.renderParsed({ name: "Ada", s: `${LONG}a` });
    const second = template.renderParsed({ name: "Ada", s: `${LONG}ab` });
    expectSame(second, expected(template, { name: "Ada", s: `${LONG}ab` }));
    if (!first.ok || !second.ok) throw new Error("expected JSON");
    const [a, b] = [first.value, second.value] as { children: { value: string }[] }[];
    expect(b!.children[0]).toBe(a!.children[0]);
    expect(b!.children[1]).not.toBe(a!.children[1]);
    expect(a!.children[1]!.value).toBe(`${LONG}a`);
    // What is shared is frozen, so no caller can change the next widget through this one.
    expect(Object.isFrozen(b!.children[0])).toBe(true);
    // Many different texts at once (more than the skeletons a template keeps) still come out right.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 40; i++) {
        const d = { name: `user ${i}`, s: `${LONG}${i}` };
        expectSame(template.renderParsed(d), expected(template, d));
      }
    }
  });

  it("fills a stream's last skeleton again without running the template when only names that only fill slots changed", () => {
    const template = compile(
      '{"type":"Card","children":[{"type":"Text","value":{{ name | tojson }}},' +
        '{"type":"Markdown","id":"m","value":{{ s | tojson }},"streaming":{{ streaming | tojson }}}]}',
    );
    const stream = template.streamRenderer();
    /** Renders `{ name: "Ada", s, streaming }`; how often the renderer (the template, or the check before it) read its `name`. */
    const render = (s: string, streaming = true): number => {
      let reads = 0;
      // `name` first, so the check reads it before it finds any change.
      const data = Object.defineProperty({}, "name", { enumerable: true, get: () => (reads++, "Ada") });
      Object.assign(data, { s, streaming });
      const result = stream.renderParsed(data);
      const read = reads;
      expectSame(result, expected(template, { ...data }));
      return read;
    };
    // The first long string learns the skeleton (the template reads `name`), then the check alone reads it.
    expect(render(`${LONG}a`)).toBeGreaterThan(1);
    expect(render(`${LONG}ab`)).toBe(1);
    expect(render(`${LONG}abc`)).toBe(1);
    // Anything else that changes runs the template again: another value, a short string.
    expect(render(`${LONG}abcd`, false)).toBeGreaterThan(1);
    expect(render("short", false)).toBeGreaterThan(1);
  });

  it("says when the value holds no null, with a skeleton or without", () => {
    const template = compile('{"a":{{ s | tojson }},"b":{{ t | tojson }}}');
    const nullFree = (d: Record<string, unknown>) => {
      const result = template.renderParsed(d);
      return result.ok ? result.nullFree : "not JSON";
    };
    expect(nullFree({ s: LONG, t: "x" })).toBe(true);
    expect(nullFree({ s: LONG, t: null })).toBe(false);
    expect(nullFree({ s: "short", t: "x" })).toBe(true);
    expect(nullFree({ s: "short", t: null })).toBe(false);
    // A text holding "null" inside a string may say false; never true with a null in the value.
    expect(nullFree({ s: "null", t: null })).toBe(false);
  });

  it("returns the exact text when it is not JSON", () => {
    const template = compile('{"a":{{ s | tojson }},"b":"x{{ s | tojson }}"}');
    const result = template.renderParsed({ s: LONG });
    expect(result.ok).toBe(false);
    expectSame(result, expected(template, { s: LONG }));
  });

  it("falls back for a long string used as a key, inside a longer string, read back from a set block, or under __proto__", () => {
    const sources = [
      "{ {{ s | tojson }}: {{ s | tojson }} }",
      '["\\{{ s | tojson }}"]',
      "{%- set _c -%}{{ s | tojson }}{%- endset -%}[{{ _c }}, {{ (_c | length) | tojson }}]",
      '{"__proto__": {"a": {{ s | tojson }}}}',
    ];
    for (const source of sources) {
      const template = compile(source);
      expectSame(template.renderParsed({ s: LONG }), expected(template, { s: LONG }));
    }
  });

  it("throws what render throws", () => {
    const template = compile('{"a":{{ s | tojson }},"b":{{ user.name | tojson }}}');
    expect(() => template.renderParsed({ s: LONG, user: {} })).toThrow(TemplateUndefinedError);
    let rendered: unknown;
    let parsed: unknown;
    try {
      template.render({ s: LONG, user: {} });
    } catch (error) {
      rendered = error;
    }
    try {
      template.renderParsed({ s: LONG, user: {} });
    } catch (error) {
      parsed = error;
    }
    expect((parsed as Error).message).toBe((rendered as Error).message);
  });

  describe("is JSON.parse(render(data)) for random templates and data", () => {
    /** Pieces of a template that print (or not) JSON; `s`, `t` and `xs` come from the data. */
    const fragment = fc.constantFrom(
      "{{ s | tojson }}",
      "{{ t | tojson }}",
      "{{ (s ~ t) | tojson }}",
      '{"k":{{ s | tojson }},"j":{{ t | tojson }}}',
      "[{%- for x in xs -%}{{ x | tojson }}{{ ',' if not loop.last }}{%- endfor -%}]",
      '[{%- set _c -%}{%- for x in xs -%},{{ x | tojson }}{%- endfor -%}{%- endset -%}{{- (_c[1:] if _c and _c[0] == "," else _c) -}}]',
      "{% if s %}{{ s | tojson }}{% else %}null{% endif %}",
      "{ {{ s | tojson }}: 1 }",
      '"{{ s | tojson }}"',
      '"\\{{ s | tojson }}"',
      "{{ s }}",
      "{{ xs | tojson }}",
      "{{ {'a': s} | tojson }}",
    );
    const template = fc
      .array(fragment, { minLength: 1, maxLength: 5 })
      .map((parts) => `[${parts.join(",")}]`);
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 100 }),
      fc.string({ unit: "binary", minLength: 60, maxLength: 200 }),
      fc.constantFrom(LONG, `<@chatkit-slot:${"x".repeat(70)}:0>`, "\ud800 lone surrogate ".repeat(5), ""),
    );
    const data = fc.record({
      s: text,
      t: text,
      xs: fc.array(fc.oneof(text, fc.integer(), fc.constant(null))),
    });

    it("holds", () => {
      fc.assert(
        fc.property(template, data, (source, d) => {
          const compiled = compile(source);
          expectSame(compiled.renderParsed(d), expected(compiled, d));
        }),
        { numRuns: 400 },
      );
    });

    it("holds for every call on one template, as its skeletons are reused", () => {
      fc.assert(
        fc.property(template, fc.array(data, { minLength: 2, maxLength: 6 }), (source, calls) => {
          const compiled = compile(source);
          for (const d of [...calls, ...calls]) expectSame(compiled.renderParsed(d), expected(compiled, d));
        }),
        { numRuns: 200 },
      );
    });

    it("holds for a stream renderer whose data streams in: one string growing, the rest mostly the same", () => {
      /** A change from one call's data to the next: mostly text appended to `s`, sometimes anything else. */
      const step = fc.oneof(
        {
          weight: 6,
          arbitrary: fc.string({ unit: "binary", maxLength: 8 }).map((tail) => ({ append: tail })),
        },
        { weight: 1, arbitrary: text.map((t) => ({ t })) },
        { weight: 1, arbitrary: text.map((s) => ({ s })) },
        { weight: 1, arbitrary: fc.constant({ xs: [] as unknown[] }) },
      );
      // `xs` a string too (a loop goes over its characters): a stream can only skip the template
      // when every other value is a primitive.
      const streamData = fc.record({
        s: text,
        t: text,
        xs: fc.oneof(text, fc.array(text, { maxLength: 2 })),
      });
      fc.assert(
        fc.property(
          template,
          streamData,
          fc.array(step, { minLength: 1, maxLength: 12 }),
          (source, first, steps) => {
            const compiled = compile(source);
            const stream = compiled.streamRenderer();
            let d: Record<string, unknown> = first;
            expectSame(stream.renderParsed(d), expected(compiled, d));
            for (const change of steps) {
              d =
                "append" in change ? { ...d, s: `${d["s"] as string}${change.append}` } : { ...d, ...change };
              expectSame(stream.renderParsed(d), expected(compiled, d));
            }
          },
        ),
        { numRuns: 300 },
      );
    });

    it("holds for every call of several stream renderers of one template, called in turns", () => {
      fc.assert(
        fc.property(
          template,
          fc.array(fc.array(data, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
          (source, streams) => {
            const compiled = compile(source);
            const renderers = streams.map(() => compiled.streamRenderer());
            const longest = Math.max(...streams.map((calls) => calls.length));
            for (let call = 0; call < 2 * longest; call++) {
              streams.forEach((calls, stream) => {
                const d = calls[call % calls.length]!;
                expectSame(renderers[stream]!.renderParsed(d), expected(compiled, d));
              });
            }
          },
        ),
        { numRuns: 200 },
      );
    });
  });
});
