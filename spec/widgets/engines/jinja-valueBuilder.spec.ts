import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { jinjaEngine, JinjaTemplate } from "../../../widgets/engines/jinja";
import { tokenizeJsonText } from "../../../widgets/engines/jinja/jsonTokens";
import type { RenderParsedResult } from "../../../widgets/engines/TemplateEngine";
import { WidgetTemplate } from "../../../widgets/template/WidgetTemplate";

/**
 * Value builders (`widgets/engines/jinja/valueBuilder.ts`): `renderParsed`
 * builds the widget without text for Studio templates, and must still be
 * exactly `JSON.parse(render(data))` (or the text, or the error), whatever
 * the data; any template it cannot prove safe goes through text.
 */

const FIXTURES = join(__dirname, "..", "..", "fixtures");
const context = { widget: "value builder spec", file: "/widgets/values.widget" };

interface GoldenCase {
  readonly name: string;
  readonly data: Record<string, unknown>;
  readonly output?: unknown;
}

interface Fixture {
  readonly file: string;
  readonly template: JinjaTemplate;
  readonly cases: readonly GoldenCase[];
}

function readJson<T>(...path: string[]): T {
  return JSON.parse(readFileSync(join(FIXTURES, ...path), "utf8")) as T;
}

const fixtures: Fixture[] = readdirSync(join(FIXTURES, "golden"))
  .filter((name) => name.endsWith(".json"))
  .sort()
  .map((name) => readJson<{ file: string; cases?: GoldenCase[] }>("golden", name))
  .filter((golden) => golden.cases !== undefined)
  .map((golden) => ({
    file: golden.file,
    template: compile(readJson<{ template: string }>(golden.file).template),
    cases: golden.cases ?? [],
  }));

function compile(source: string): JinjaTemplate {
  return jinjaEngine.compile(source, context) as JinjaTemplate;
}

function fixture(file: string): Fixture {
  const found = fixtures.find((f) => f.file === file);
  if (found === undefined) throw new Error(`no fixture ${file}`);
  return found;
}

/** What the text path makes: the parsed text, the text that is not JSON, or the error `render` throws. */
function throughText(template: JinjaTemplate, data: Record<string, unknown>): unknown {
  let text: string;
  try {
    text = template.render(data);
  } catch (error) {
    return { error: String(error) };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, text };
  }
}

/** What `renderParsed` makes, in the same form (a claim of `nullFree` checked, then dropped). */
function throughValues(template: JinjaTemplate, data: Record<string, unknown>): unknown {
  let result: RenderParsedResult;
  try {
    result = template.renderParsed(data);
  } catch (error) {
    return { error: String(error) };
  }
  if (!result.ok) return result;
  if (result.nullFree === true && holdsNull(result.value)) {
    throw new Error("renderParsed said nullFree, but the value holds a null");
  }
  return { ok: true, value: result.value };
}

function holdsNull(value: unknown): boolean {
  if (value === null) return true;
  return typeof value === "object" && Object.values(value).some(holdsNull);
}

/** Deep strict equality (`-0` is not `0`, prototypes count) and the same key order. */
function same(actual: unknown, wanted: unknown): boolean {
  return isDeepStrictEqual(actual, wanted) && JSON.stringify(actual) === JSON.stringify(wanted);
}

/** Counts `JSON.parse` calls while `run` runs: the text path parses, a value builder never does. */
function parsesDuring(run: () => void): number {
  const parse = jest.spyOn(JSON, "parse");
  try {
    run();
    return parse.mock.calls.length;
  } finally {
    parse.mockRestore();
  }
}

describe("which templates get a value builder", () => {
  it("every compiled fixture template (the Studio's idioms: tojson holes, if, for, the _c join)", () => {
    const strategies = Object.fromEntries(
      fixtures.map(({ file, template }) => [file, template.valueStrategy.kind]),
    );
    const interpreted = fixtures.filter((f) => f.template.strategy.kind === "interpreter").map((f) => f.file);
    expect(interpreted).toEqual(["widgets/profile-card.widget"]); // `upper`: the library's own filter
    for (const [file, kind] of Object.entries(strategies)) {
      expect([file, kind]).toEqual([file, interpreted.includes(file) ? "text" : "builder"]);
    }
  });

  it("builds the Studio list fixture without text: no JSON.parse for 200 tasks", () => {
    const { template, cases } = fixture("widgets/task-list.widget");
    const tasks = cases.find((c) => c.name === "200 tasks");
    if (tasks?.output === undefined) throw new Error("no golden case '200 tasks'");
    let result: RenderParsedResult | undefined;
    expect(parsesDuring(() => (result = template.renderParsed(tasks.data)))).toBe(0);
    expect(result).toEqual({ ok: true, value: tasks.output, nullFree: true });
    const widget = WidgetTemplate.fromFile(join(FIXTURES, "widgets", "task-list.widget"), { validate: true });
    let built: unknown;
    expect(parsesDuring(() => (built = widget.build(tasks.data)))).toBe(0);
    expect(built).toEqual(tasks.output);
  });

  it("builds through text a template whose texts are not whole JSON tokens, or that prints without tojson", () => {
    const cut = compile('{"type":"Text","value":"by {{ owner }}"}');
    expect(cut.valueStrategy).toEqual({ kind: "text", reason: "a text that is not whole JSON tokens" });
    expect(parsesDuring(() => expect(cut.renderParsed({ owner: "Ann" })).toMatchObject({ ok: true }))).toBe(
      1,
    );
    expect(cut.renderParsed({ owner: 'A"n' })).toEqual({
      ok: false,
      text: '{"type":"Text","value":"by A"n"}',
    });
    expect(compile('{"value":{{ n }}}').valueStrategy).toEqual({
      kind: "text",
      reason: "a print without tojson",
    });
  });

  it("builds through text a template that reads a join block's text other than to print it", () => {
    const join =
      '{"n":{{ _c | length | tojson }},"items":[{%- set _c -%}{%- for x in xs -%},{{ x | tojson }}{%- endfor -%}{%- endset -%}' +
      "{{- (_c[1:] if _c and _c[0] == ',' else _c) -}}]}";
    const template = compile(join.replace('{"n":{{ _c | length | tojson }},', "{"));
    expect(template.valueStrategy).toEqual({ kind: "builder" });
    const reread = compile(join);
    expect(reread.valueStrategy).toEqual({ kind: "text", reason: "'_c' used other than in the join idiom" });
  });

  it("falls back to the text at run time where only the text can decide, with the text's result", () => {
    const cases: [string, Record<string, unknown>][] = [
      ['{"a":{{ x | tojson }}{{ y | tojson }}}', { x: 1, y: 2 }], // `12`: two values in a row
      ['{"a":1{{ y | tojson }}}', { y: 2 }],
      ["[{{ x | tojson }}]", { x: Number.NaN }], // NaN: not JSON
      ["[{% set _c %}{{ x | tojson }}{% endset %}{{ _c[1:] }}]", { x: 12 }], // `_c[1:]` cuts a value: `2`
      ["[{% set _c %}{{ x | tojson }}{% endset %}{{ _c[1:] }}]", { x: "ab" }], // `ab"`: not JSON
      ["[{% set _c %} ,1,2{% endset %}{{ (_c[1:] if _c and _c[0] == ',' else _c) }}]", {}], // `[ ,1,2]`
      ["[{% set _c %} 1,2{% endset %}{{ _c[1:] }}]", {}], // the space goes: `[1,2]`
      ['{"a":[1,2}', {}],
      ['{"a":1', {}],
      ['{"a":{{ x | tojson }}}', {}], // undefined: the text's error
    ];
    for (const [source, data] of cases) {
      const template = compile(source);
      expect([source, template.valueStrategy.kind]).toEqual([source, "builder"]);
      expect([source, throughValues(template, data)]).toEqual([source, throughText(template, data)]);
    }
  });

  it("keeps long strings printed into the output in slots, sharing the rest of the widget between builds", () => {
    const { template } = fixture("widgets/answer-stream.widget");
    const stream = template.streamRenderer();
    const data = (answer: string) => ({ answer, streaming: true, sources: [] });
    const long = "a long answer, well past the slot threshold of sixty-four characters";
    const first = stream.renderParsed(data(long));
    const second = stream.renderParsed(data(`${long} and more`));
    if (!first.ok || !second.ok) throw new Error("not JSON");
    const status = (value: unknown) => (value as { children: unknown[] }).children[1];
    expect(status(second.value)).toBe(status(first.value));
    expect(Object.isFrozen(status(first.value))).toBe(true);
  });
});

describe("value builders make exactly what JSON.parse of the text makes", () => {
  it.each(fixtures.flatMap((f) => f.cases.map((c) => ({ ...c, file: f.file }))))(
    "$file: $name",
    ({ file, data, output }) => {
      const { template } = fixture(file);
      const wanted = throughText(template, data);
      if (output !== undefined) expect(wanted).toEqual({ ok: true, value: output });
      expect(same(throughValues(template, data), wanted)).toBe(true);
    },
  );

  /** Strings that need every escape `tojson` makes, and then some. */
  const hostileString = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 12 }),
    fc.constantFrom('"', "\\", "</script>", "\u2028", "\ud800", "😀", "a'b&<>", ",", "", "null", "__proto__"),
    fc.string({ maxLength: 80 }).map((s) => `${s}${"x".repeat(70)}`), // past the slot threshold
  );
  const leaf: fc.Arbitrary<unknown> = fc.oneof(
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constantFrom(null, undefined, -0, 2 ** 60, 1e21),
  );
  const nested = fc.oneof(
    leaf,
    fc.array(leaf, { maxLength: 3 }),
    fc.dictionary(hostileString, leaf, { maxKeys: 3 }),
  );

  /** The case's data with each leaf, at random, kept or replaced by a hostile value (its shape mostly kept). */
  function mutated(data: unknown, choices: readonly unknown[], at: { i: number }): unknown {
    if (Array.isArray(data)) return data.map((item) => mutated(item, choices, at));
    if (typeof data === "object" && data !== null) {
      return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, mutated(v, choices, at)]));
    }
    const choice = choices[at.i++ % choices.length];
    return choice === KEEP ? data : choice;
  }
  const KEEP = Symbol("keep");

  it.each(fixtures.map((f) => ({ file: f.file })))("$file, on random data", ({ file }) => {
    const { template, cases } = fixture(file);
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.array(
          fc.oneof({ weight: 3, arbitrary: fc.constant<unknown>(KEEP) }, { weight: 2, arbitrary: nested }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        (goldenCase, choices) => {
          const data = mutated(goldenCase.data, choices, { i: 0 }) as Record<string, unknown>;
          const wanted = throughText(template, data);
          const actual = throughValues(template, data);
          if (!same(actual, wanted)) expect(actual).toEqual(wanted);
          return same(actual, wanted);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("reads any JSON written as the template's text, keys and all (`__proto__`, repeated keys)", () => {
    const text = fc
      .jsonValue()
      .map((value) => JSON.stringify(value, null, 1))
      .filter((source) => !/\{[{%#]|[%#]\}/.test(source));
    fc.assert(
      fc.property(text, (source) => {
        const template = compile(source);
        expect(template.valueStrategy).toEqual({ kind: "builder" });
        return same(throughValues(template, {}), throughText(template, {}));
      }),
      { numRuns: 300 },
    );
    for (const source of [
      '{"a":1,"b":2,"a":3}',
      '{"__proto__":{"x":1},"2":0,"1":0}',
      "[1e400, -0, 0.5e-3]",
    ]) {
      expect(same(throughValues(compile(source), {}), throughText(compile(source), {}))).toBe(true);
    }
  });
});

describe("tokenizeJsonText", () => {
  it("reads whole tokens only", () => {
    expect(tokenizeJsonText(' ,{"a" :[true, null,-1.5e3]}')).toHaveLength(12);
    for (const partial of ['"by ', "tru", "1.", "-", "'a'", "NaN", "{x}"]) {
      expect([partial, tokenizeJsonText(partial)]).toEqual([partial, undefined]);
    }
  });
});
