import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { jinjaEngine, JinjaTemplate } from "../../../widgets/engines/jinja";

/**
 * The two strategies of the Jinja engine (`widgets/engines/jinja/compiler.ts`):
 * which templates are compiled to closures, which are left to the
 * interpreter, and that both render the same text and throw the same errors.
 */

const context = { widget: "Compiler spec", file: "/widgets/compiler.widget" };
const FIXTURES = join(__dirname, "..", "..", "fixtures");

/**
 * A macro definition prints nothing and the closures leave macros to the
 * interpreter, so appending one renders the same template the other way.
 */
const FORCE_INTERPRETER = "{% macro unused_by_the_template() %}{% endmacro %}";

function compile(source: string): JinjaTemplate {
  const compiled = jinjaEngine.compile(source, context);
  expect(compiled).toBeInstanceOf(JinjaTemplate);
  return compiled as JinjaTemplate;
}

type Outcome = { text: string } | { error: string; name: string; message: string };

function outcome(template: JinjaTemplate, data: Record<string, unknown>): Outcome {
  try {
    return { text: template.render(data) };
  } catch (error) {
    const e = error as Error;
    return { error: e.constructor.name, name: e.name, message: e.message };
  }
}

/** Both strategies for one source; throws if the forced one is not interpreted. */
function bothStrategies(source: string): [JinjaTemplate, JinjaTemplate] {
  const compiled = compile(source);
  const interpreted = compile(source + FORCE_INTERPRETER);
  expect(interpreted.strategy.kind).toBe("interpreter");
  return [compiled, interpreted];
}

interface WidgetFile {
  name: string;
  template: string;
}

const corpus = readdirSync(join(FIXTURES, "widgets"))
  .filter((name) => name.endsWith(".widget"))
  .sort()
  .map((name) => ({
    name,
    widget: JSON.parse(readFileSync(join(FIXTURES, "widgets", name), "utf8")) as WidgetFile,
    golden: JSON.parse(readFileSync(join(FIXTURES, "golden", name.replace(".widget", ".json")), "utf8")) as {
      cases: { name: string; data: Record<string, unknown> }[];
    },
  }));

describe("the closure compiler", () => {
  describe("takes the compiled path for the Studio's constructs", () => {
    it("compiles every corpus fixture but the one that uses a library filter", () => {
      const strategies = Object.fromEntries(
        corpus.map(({ name, widget }) => [name, compile(widget.template).strategy]),
      );
      const interpreted = Object.entries(strategies).filter(([, strategy]) => strategy.kind !== "closures");
      expect(interpreted).toEqual([
        ["profile-card.widget", { kind: "interpreter", reason: "the library's filter 'upper'" }],
      ]);
    });

    it("compiles the example channel message and a template with every construct PROTOCOL lists", () => {
      const example = JSON.parse(
        readFileSync(
          join(__dirname, "..", "..", "..", "examples", "widgets", "channel_message.widget"),
          "utf8",
        ),
      ) as WidgetFile;
      expect(compile(example.template).strategy).toEqual({ kind: "closures" });
      const everything =
        "{%- set opts = options | default([]) -%}{%- set ns = namespace(children=[]) -%}" +
        '{%- for x in xs -%}{%- set _ = ns.children.append({"i": loop.index, "f": loop.first, "l": loop.last}) -%}{%- endfor -%}' +
        '[{%- set _c -%}{%- for t in xs if t is not none -%},{{ ("by " ~ t) | tojson }}{%- endfor -%}{%- endset -%}' +
        '{{- (_c[1:] if _c and _c[0] == "," else _c) -}}]' +
        '{{ [(a and "x" or "y"), (xs or none), ("" if n == 1 else "s"), "b" in xs, n != 2, opts | length, x | default(None), None, True] | tojson }}';
      expect(compile(everything).strategy).toEqual({ kind: "closures" });
    });
  });

  describe("leaves a template to the interpreter, chosen at compile time, when it uses", () => {
    // [construct, source, data, what it renders (or the error Jinja2 would report too), the reason given]
    const fallbacks: [string, string, Record<string, unknown>, string | RegExp, string][] = [
      [
        "a macro",
        "{% macro badge(label) %}[{{ label }}]{% endmacro %}{{ badge('a') }}{{ badge(x) }}",
        { x: 1 },
        "[a][1]",
        "the {% Macro %} statement",
      ],
      [
        "a call block",
        "{% if show %}{% call wrap() %}in{% endcall %}{% endif %}ok",
        { show: false },
        "ok",
        "the {% CallStatement %} statement",
      ],
      [
        "a filter block",
        "{% filter upper %}abc{% endfilter %}",
        {},
        "ABC",
        "the {% FilterStatement %} statement",
      ],
      [
        "a library filter",
        "{{ [' a ' | trim, 'a' | upper, [3, 1] | sort | list] | tojson }}",
        {},
        '["a", "A", [1, 3]]',
        "the library's filter 'trim'",
      ],
      ["argument unpacking", "{{ range(*xs) | list }}", { xs: [1, 3] }, "[1, 2]", "argument unpacking"],
      [
        "an unusual assignment target",
        "{% set ns = namespace(a=1) %}{% set ns['a'] = 2 %}{{ ns.a }}",
        {},
        /Cannot assign to member with non-identifier property/,
        "an assignment to something other than a name, names or a namespace attribute",
      ],
    ];

    it.each(fallbacks)(
      "%s, and still renders it like Jinja2",
      (_construct, source, data, expected, reason) => {
        const template = compile(source);
        expect(template.strategy).toEqual({ kind: "interpreter", reason });
        if (typeof expected === "string") expect(template.render(data)).toBe(expected);
        else expect(() => template.render(data)).toThrow(expected);
      },
    );
  });

  describe("renders exactly what the interpreter renders", () => {
    it.each(corpus)("for every golden case of $name, errors included", ({ widget, golden }) => {
      const [compiled, interpreted] = bothStrategies(widget.template);
      for (const goldenCase of golden.cases) {
        expect(outcome(compiled, goldenCase.data)).toEqual(outcome(interpreted, goldenCase.data));
      }
    });

    const templates = [
      // loops: loop.*, loop as a value, else, filtered loops, unpacking, nesting, scoping
      "{% for x in xs %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{% else %}none{% endfor %}",
      "{% for x in xs %}{{ loop.previtem }}|{{ loop.nextitem }};{% endfor %}",
      "{% for x in xs %}{{ loop | length }}{{ loop.cycle }}{% endfor %}",
      "{% for x in xs if x %}{{ x }}{{ loop.index }}{% endfor %}",
      "{% for a, b in xs %}{{ a }}{{ b }};{% endfor %}",
      "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}{% for k in d %}{{ k }}{% endfor %}",
      "{% for x in xs %}{% for y in xs %}{{ loop.index }}{% endfor %}{{ loop.last }}{% endfor %}",
      "{% set y = 1 %}{% for x in xs %}{{ y }}{% set y = x %}{{ y }}{% endfor %}{{ y }}",
      "{% for x in xs %}{% if loop.first %}{% set z = x %}{% endif %}{{ z }}{% endfor %}",
      "{% for a in xs %}{% for b in xs %}{{ b }}{% endfor %}{{ loop.index }}{% endfor %}{% for loop in xs %}{{ loop }}{% endfor %}",
      "{% for a in xs if loop is defined %}{{ a }}{% endfor %}{{ loop is defined }}",
      "{{ a }}{% for i in xs %}{{ a is defined }}{% endfor %}{% set a = 1 %}",
      // set blocks and the join idiom
      '[{%- set _c -%}{%- for x in xs -%},{{ x | tojson }}{%- endfor -%}{%- endset -%}{{- (_c[1:] if _c and _c[0] == "," else _c) -}}]',
      "{% set z = 1 %}{% set _c %}{% set z = 5 %}{{ z }}{% endset %}{{ z }}{{ _c }}",
      // block sets read back by index and slice: empty blocks, lone surrogates, else blocks
      "{% set _c %}{% for x in xs %}{{ x }}{% endfor %}{% endset %}{{ [_c[0], _c[1:], _c[0:], _c[-1], _c | length, _c] | tojson }}",
      "{% set _c %}{% set q = s %}{{ q }}{% for x in xs %}{{ x }}{% else %}{{ n }}{% endfor %}{% endset %}{{ (_c[0], _c[1:]) | tojson }}",
      '{% set _c %}{% if x %}{{ s }}{% endif %}{{ s }}{% endset %}{{ _c[1:] if _c and _c[0] == "," else _c }}',
      "{% set a, b = xs %}{{ a }}{{ b }}",
      // namespaces and calls
      "{% set ns = namespace(n=0, items=[]) %}{% for x in xs %}{% set ns.n = ns.n + 1 %}{{ ns.items.append(x) }}{% endfor %}{{ ns.n }}{{ ns.items | tojson }}",
      "{{ d.get('k', 'none') }}{{ d.keys() | list }}{{ s.upper() }}{{ s.split(',') }}{{ dict(a=1, b=x) | tojson }}{{ range(n) | list }}",
      "{{ x(1) }}{{ namespace(a=1, a=2) }}",
      // expressions
      "{{ x ~ '|' ~ s ~ '|' ~ n ~ '|' ~ xs ~ '|' ~ d }}",
      "{{ [x == n, x != s, x in xs, s in s, 'k' in d, x not in xs, n < 3, s >= 'a', xs < xs] }}",
      "{{ [n + 1, n - x, n * 2, n / 2, n // 2, n % 3, n ** 2, -n, +n, s * 2, xs + xs] }}",
      "{{ [s[0], s[1:], s[-1], s[::-1], s[:none], xs[0], xs[1:], xs[-1], d.k, d['k'], xs.0] }}",
      "{{ [x is none, x is not none, x is defined, x is string, x is number, n is odd, s is upper, x is mapping] }}",
      "{{ ('a' if x else 'b') ~ (s if n) ~ (x and s or n) ~ (not x) }}",
      "{{ {'a': x, s: n, 'c': [1, (2, 3)]} | tojson }}{{ {'a': x} }}",
      "{{ [x | default('d'), y | default('d', true), x | d(3), xs | length, s | count, xs | first, xs | last] }}",
      "{{ [xs | join(', '), n | string, s | list, d | items | list, s | capitalize, s | title] | tojson }}",
      "{{ (x, n) | tojson(indent=2) }}{{ d | tojson(indent='\t') }}",
      "{{ x | nosuch if false }}{% if n %}{{ x | round }}{% endif %}",
      "{{ user.name }}",
      "{{ xs[10] }}",
      "{% if x %}{{ y }}{% elif n %}{{ s }}{% else %}{{ d }}{% endif %}",
    ];

    const scalar = fc.oneof(
      fc.constantFrom(null, true, false, 0, 1, 2, -1, 2.5, "", ",", "a,b"),
      fc.integer({ min: -5, max: 5 }),
      fc.string({ unit: "binary", maxLength: 6 }),
    );
    const value = fc.oneof(
      scalar,
      fc.array(scalar, { maxLength: 4 }),
      fc.array(fc.array(scalar, { minLength: 2, maxLength: 2 }), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom("k", "a", "name", "items"), scalar, { maxKeys: 3 }),
    );
    const data = fc.record(
      { x: value, y: value, n: value, s: value, xs: value, d: value, user: value },
      { requiredKeys: [] },
    );

    it("for a block whose text is a surrogate pair printed in two pieces", () => {
      const source =
        "{% set _c %}{% for x in xs %}{{ x }}{% endfor %}{% endset %}{{ [_c[0], _c[1:], _c[0] == '😀'] | tojson }}";
      const [compiled, interpreted] = bothStrategies(source);
      for (const xs of [["\ud83d", "\ude00x"], ["\ud83d"], ["\ud83d\ude00", "x"], ["a", "\ude00"]]) {
        expect(outcome(compiled, { xs })).toEqual(outcome(interpreted, { xs }));
      }
      expect(JSON.parse(compiled.render({ xs: ["\ud83d", "\ude00x"] }))).toEqual(["😀", "x", true]);
    });

    it.each(templates)("for random data: %s", (source) => {
      const [compiled, interpreted] = bothStrategies(source);
      fc.assert(
        fc.property(data, (d) => {
          expect(outcome(compiled, d)).toEqual(outcome(interpreted, d));
        }),
        { numRuns: 150 },
      );
    });
  });
});
