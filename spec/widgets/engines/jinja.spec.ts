import fc from "fast-check";
import {
  ChatKitRxError,
  TemplateRenderError,
  TemplateSyntaxError,
  TemplateUndefinedError,
  WidgetTemplateError,
} from "../../../lib/errors";
import { jinjaEngine } from "../../../widgets/engines/jinja";

// Expected outputs below were checked against Jinja2 3.1 with StrictUndefined
// (spec/fixtures/generate.py holds the corpus rendered by Jinja2 itself).

const context = { widget: "Jinja spec", file: "/widgets/spec.widget" };

function text(source: string, data: Record<string, unknown> = {}): string {
  return jinjaEngine.compile(source, context).render(data);
}

function json(source: string, data: Record<string, unknown> = {}): unknown {
  return JSON.parse(text(source, data));
}

/** The error `fn` throws (failing the test if it throws nothing). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error("expected a throw");
}

function undefinedError(source: string, data: Record<string, unknown> = {}): TemplateUndefinedError {
  const error = thrown(() => text(source, data));
  expect(error).toBeInstanceOf(TemplateUndefinedError);
  return error as TemplateUndefinedError;
}

function syntaxError(source: string): TemplateSyntaxError {
  const error = thrown(() => jinjaEngine.compile(source, context));
  expect(error).toBeInstanceOf(TemplateSyntaxError);
  return error as TemplateSyntaxError;
}

function renderError(source: string, data: Record<string, unknown> = {}): TemplateRenderError {
  const error = thrown(() => text(source, data));
  expect(error).toBeInstanceOf(TemplateRenderError);
  return error as TemplateRenderError;
}

describe("jinjaEngine", () => {
  it('is named "jinja" and compiles once into a reusable template', () => {
    expect(jinjaEngine.name).toBe("jinja");
    const compiled = jinjaEngine.compile('{"v":{{ (n) | tojson }}}', context);
    expect(JSON.parse(compiled.render({ n: 1 }))).toEqual({ v: 1 });
    expect(JSON.parse(compiled.render({ n: "two" }))).toEqual({ v: "two" });
  });

  it("throws a TypeError naming the function for a template that is not a string", () => {
    expect(() => jinjaEngine.compile(42 as unknown as string, context)).toThrow(
      new TypeError("jinjaEngine.compile: the template must be a string, got number"),
    );
  });

  it("does not tokenize or parse again when rendering", () => {
    type Counted = (...args: unknown[]) => unknown;
    const calls = { tokenize: 0, parse: 0 };
    let engine: typeof jinjaEngine | undefined;
    jest.isolateModules(() => {
      jest.doMock("@huggingface/jinja", () => {
        const actual = jest.requireActual<Record<string, unknown> & { tokenize: Counted; parse: Counted }>(
          "@huggingface/jinja",
        );
        return {
          ...actual,
          tokenize: (...args: unknown[]) => (calls.tokenize++, actual.tokenize(...args)),
          parse: (...args: unknown[]) => (calls.parse++, actual.parse(...args)),
        };
      });
      // A fresh copy of the engine, which loads the counting library.
      type EngineModule = typeof import("../../../widgets/engines/jinja");
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh: EngineModule = require("../../../widgets/engines/jinja");
      engine = fresh.jinjaEngine;
    });
    jest.dontMock("@huggingface/jinja");
    const compiled = engine?.compile(
      "[{%- for x in xs -%}{{ (x) | tojson }}{%- if not loop.last -%},{%- endif -%}{%- endfor -%}]",
      context,
    );
    expect(calls.tokenize).toBeGreaterThan(0);
    const afterCompile = { ...calls };
    expect(JSON.parse(compiled?.render({ xs: [1, 2] }) ?? "")).toEqual([1, 2]);
    expect(JSON.parse(compiled?.render({ xs: [] }) ?? "")).toEqual([]);
    expect(calls).toEqual(afterCompile);
  });

  describe("tojson", () => {
    it("prints exactly what Jinja2 prints: sorted keys, ASCII only, HTML-safe", () => {
      const value = { b: [1, 2.5, null, true, false], a: { é: "</script>&'\"\\", z: "😀\u2028" } };
      expect(text("{{ v | tojson }}", { v: value })).toBe(
        '{"a": {"z": "\\ud83d\\ude00\\u2028", "\\u00e9": "\\u003c/script\\u003e\\u0026\\u0027\\"\\\\"}, ' +
          '"b": [1, 2.5, null, true, false]}',
      );
    });

    it("escapes control characters the way json.dumps does", () => {
      expect(text("{{ s | tojson }}", { s: "\n\r\t\b\f\u0000\u001f\u007f" })).toBe(
        '"\\n\\r\\t\\b\\f\\u0000\\u001f\\u007f"',
      );
    });

    it("prints floats as Python does and ints as ints", () => {
      expect(
        text("{{ [1.5, 16 / 6, 10 / 2, 3, 1e-7 * 1, 2 ** 64] | tojson }}".replace("1e-7", "0.0000001")),
      ).toBe("[1.5, 2.6666666666666665, 5.0, 3, 1e-07, 1.8446744073709552e+19]");
    });

    it("indents with indent=", () => {
      expect(text("{{ v | tojson(indent=2) }}", { v: { a: [1], b: {} } })).toBe(
        '{\n  "a": [\n    1\n  ],\n  "b": {}\n}',
      );
    });

    it("refuses what json.dumps refuses", () => {
      expect(renderError("{% set ns = namespace(a=1) %}{{ ns | tojson }}").detail).toContain(
        "Object of type Namespace is not JSON serializable",
      );
    });
  });

  describe("printing", () => {
    it("prints values with Python's str()", () => {
      expect(
        text(
          "{{ none }}|{{ None }}|{{ true }}|{{ False }}|{{ 1.0 }}|{{ 2 }}|{{ [1, 'a', none] }}|{{ {'k': true} }}",
        ),
      ).toBe("None|None|True|False|1.0|2|[1, 'a', None]|{'k': True}");
    });

    it("concatenates with ~ through str()", () => {
      expect(
        json('{{ ("by " ~ author ~ " " ~ n ~ " " ~ x ~ " " ~ ok) | tojson }}', {
          author: "Ann",
          n: 2.5,
          x: null,
          ok: true,
        }),
      ).toBe("by Ann 2.5 None True");
    });

    it("does not coerce for +", () => {
      expect(renderError("{{ 'a' + 1 }}").detail).toContain('can only concatenate str (not "int") to str');
    });
  });

  describe("whitespace control", () => {
    it("strips around {%- -%} and {{- -}}, keeps everything else", () => {
      expect(text("a  {{- 1 -}}  b")).toBe("a1b");
      expect(text("a {%- if true -%} b {%- endif -%} c")).toBe("abc");
      expect(text("  {%- if true %}\n  yes\n  {%- endif %}\n")).toBe("\n  yes");
      expect(text("x{# comment #}y")).toBe("xy");
    });

    it("does not trim blocks or strip them left by default (Jinja2's defaults)", () => {
      expect(text("{% if true %}\n  a\n{% endif %}\n")).toBe("\n  a\n");
    });
  });

  describe("conditions", () => {
    it("if / elif / else", () => {
      const source = "{%- if n == 0 -%}zero{%- elif n == 1 -%}one{%- else -%}many{%- endif -%}";
      expect([0, 1, 5].map((n) => text(source, { n }))).toEqual(["zero", "one", "many"]);
    });

    it("not, and, or return Python values", () => {
      expect(
        json("{{ [(a and 'x' or 'y'), (items or none), not a, (0 or '') ] | tojson }}", { a: 0, items: [] }),
      ).toEqual(["y", null, true, ""]);
    });

    it("== and != compare like Python (no JavaScript coercion)", () => {
      expect(
        text("{{ 1 == '1' }} {{ 0 == '' }} {{ true == 1 }} {{ [1, [2]] == [1, [2]] }} {{ none != false }}"),
      ).toBe("False False True True True");
      expect(text("{{ a == b }}", { a: { x: [1] }, b: { x: [1] } })).toBe("True");
    });

    it("is none, is not none, in, not in", () => {
      expect(
        text(
          "{{ x is none }} {{ x is not none }} {{ 'a' in xs }} {{ 'b' in 'abc' }} {{ 'k' in d }} {{ 3 not in xs }}",
          {
            x: null,
            xs: ["a"],
            d: { k: 1 },
          },
        ),
      ).toBe("True False True True True True");
    });

    it("the conditional expression, with and without else", () => {
      expect(json('{{ ("" if n == 1 else "s") | tojson }}', { n: 2 })).toBe("s");
      expect(text("[{{ 'x' if false }}]")).toBe("[]");
      expect(text("{{ ('x' if false) is defined }}")).toBe("False");
    });

    it("compares strings and numbers, refuses mixed types", () => {
      expect(text("{{ 'b' > 'a' }} {{ 2 >= 2.0 }} {{ [1, 2] < [1, 3] }}")).toBe("True True True");
      expect(renderError("{{ 'a' < 1 }}").detail).toContain(
        "'<' not supported between instances of 'str' and 'int'",
      );
    });
  });

  describe("for loops", () => {
    it("exposes loop.index, loop.index0, loop.first, loop.last, loop.length", () => {
      const source =
        "{%- for x in xs -%}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{%- endfor -%}";
      expect(text(source, { xs: ["a", "b"] })).toBe("10TrueFalse2;21FalseTrue2;");
    });

    it("iterates strings by character, dicts by key, and unpacks pairs", () => {
      expect(text("{% for c in 'h😀' %}[{{ c }}]{% endfor %}")).toBe("[h][😀]");
      expect(text("{% for k in d %}{{ k }}{% endfor %}", { d: { b: 1, a: 2 } })).toBe("ba");
      expect(text("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", { d: { b: 1, a: 2 } })).toBe(
        "b=1;a=2;",
      );
      expect(text("{% for a, b in [(1, 2), [3, 4], 'xy'] %}{{ a }}{{ b }};{% endfor %}")).toBe("12;34;xy;");
    });

    it("supports else, filtered loops and nesting", () => {
      expect(text("{% for x in xs %}{{ x }}{% else %}empty{% endfor %}", { xs: [] })).toBe("empty");
      expect(text("{% for x in xs if x > 1 %}{{ x }}{{ loop.index }}{% endfor %}", { xs: [1, 2, 3] })).toBe(
        "2132",
      );
      expect(
        text(
          "{% for a in [1, 2] %}{% for b in [3] %}{{ loop.index }}{% endfor %}{{ loop.last }}{% endfor %}",
        ),
      ).toBe("1False1True");
    });

    it("refuses to iterate None", () => {
      expect(renderError("{% for x in none %}{% endfor %}").detail).toContain(
        "'NoneType' object is not iterable",
      );
    });
  });

  describe("scoping", () => {
    it("a set inside a for loop does not leak out of the loop", () => {
      expect(text("{% set y = 1 %}{% for x in [1] %}{% set y = 2 %}{% endfor %}{{ y }}")).toBe("1");
    });

    it("a set inside a for loop lasts one iteration", () => {
      expect(
        text("{% set x = 1 %}{% for i in [1, 2] %}{{ x }}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}"),
      ).toBe("12121");
      expect(
        undefinedError("{% for i in [1, 2] %}{% if i == 2 %}{{ y }}{% endif %}{% set y = i %}{% endfor %}")
          .variable,
      ).toBe("y");
    });

    it("resolves names per frame at compile time, as Jinja2 does", () => {
      // A name a frame assigns before reading it starts that frame missing, even for nested loops
      // and even when the data has it; a name read first keeps the data's value.
      const data = { a: "A" };
      expect(text("{% for i in [1] %}{{ a is defined }}{% endfor %}{% set a = 1 %}", data)).toBe("False");
      expect(text("{{ a }}{% for i in [1] %}{{ a is defined }}{% endfor %}{% set a = 1 %}", data)).toBe(
        "ATrue",
      );
      expect(
        text(
          "{% for i in [1, 2] %}{% for j in [1] %}{{ a is defined }}{% endfor %}{% set a = i %}{% endfor %}",
          data,
        ),
      ).toBe("FalseFalse");
      expect(
        text(
          "{% for i in [1, 2] %}{% if i == 2 %}{% set a = i %}{% endif %}{% for j in [1] %}{{ a }}{% endfor %}{% endfor %}",
          data,
        ),
      ).toBe("A2");
    });

    it("a block set keeps its own sets, while an if does not", () => {
      expect(text("{% set z = 1 %}{% set _c %}{% set z = 5 %}{{ z }}{% endset %}{{ z }}{{ _c }}")).toBe("15");
      expect(text("{% if true %}{% set q = 3 %}{% endif %}{{ q }}")).toBe("3");
    });

    it("nested `_c` blocks reuse the name without clobbering each other", () => {
      const join = "{{- (_c[1:] if _c and _c[0] == ',' else _c) -}}";
      const source =
        '[{%- set _c -%}{%- for g in groups -%},{"n":{{ (g.n) | tojson }},"xs":[{%- set _c -%}' +
        "{%- for x in g.xs -%},{{ (x) | tojson }}{%- endfor -%}{%- endset -%}" +
        join +
        "]}{%- endfor -%}{%- endset -%}" +
        join +
        "]";
      const groups = [
        { n: "a", xs: [1, 2] },
        { n: "b", xs: [] },
      ];
      expect(json(source, { groups })).toEqual([
        { n: "a", xs: [1, 2] },
        { n: "b", xs: [] },
      ]);
      expect(json(source, { groups: [] })).toEqual([]);
    });
  });

  describe("assignments and filters", () => {
    it("set with default([]), default(None), default and length", () => {
      const source =
        "{%- set opts = options | default([]) -%}{{ [opts | length, x | default(None), y | default] | tojson }}";
      expect(json(source)).toEqual([0, null, ""]);
      expect(json(source, { options: [1, 2], x: 3, y: "y" })).toEqual([2, 3, "y"]);
    });

    it("default(value, true) also replaces falsy values", () => {
      expect(json("{{ [x | default('d', true), x | default('d'), y | d(3)] | tojson }}", { x: "" })).toEqual([
        "d",
        "",
        3,
      ]);
    });

    it("length counts code points, dict keys and list items", () => {
      expect(
        text("{{ s | length }} {{ d | length }} {{ xs | count }}", { s: "😀é", d: { a: 1 }, xs: [1, 2, 3] }),
      ).toBe("2 1 3");
    });

    it("first, last, join, string, list, items, capitalize, title", () => {
      expect(
        json(
          "{{ [xs | first, xs | last, xs | join(', '), 5 | string, 'ab' | list, d | items | list, 'hELLO' | capitalize, \"they're 1st-rate\" | title] | tojson }}",
          { xs: [1, true, "a"], d: { k: 1 } },
        ),
      ).toEqual([1, "a", "1, True, a", "5", ["a", "b"], [["k", 1]], "Hello", "They're 1st-Rate"]);
    });

    it("the library's other filters still work", () => {
      expect(json("{{ [' a ' | trim, 'a' | upper, [3, 1] | sort | list, -2 | abs] | tojson }}")).toEqual([
        "a",
        "A",
        [1, 3],
        2,
      ]);
    });
  });

  describe("values", () => {
    it("none/None, true/True, false/False are constants the data cannot shadow", () => {
      expect(json("{{ [none, None, true, True, false, False] | tojson }}", { true: 0, none: 1 })).toEqual([
        null,
        null,
        true,
        true,
        false,
        false,
      ]);
    });

    it("slices and indexes strings by code point, lists by item, with Python's negative indexes", () => {
      expect(text("{{ s[0] }}|{{ s[1:] }}|{{ s[-1] }}|{{ s[::-1] }}|{{ s[:none] }}", { s: "😀ab" })).toBe(
        "😀|ab|b|ba😀|😀ab",
      );
      expect(json("{{ [xs[0], xs[-1], xs[1:], xs[5:]] | tojson }}", { xs: [1, 2, 3] })).toEqual([
        1,
        3,
        [2, 3],
        [],
      ]);
    });

    it("dict and list literals", () => {
      expect(
        json('{{ {"type": "Badge", "labels": [1, "a", none], "nested": {"k": (1, 2)}} | tojson }}'),
      ).toEqual({
        type: "Badge",
        labels: [1, "a", null],
        nested: { k: [1, 2] },
      });
    });

    it("arithmetic follows Python", () => {
      expect(
        text(
          "{{ -7 % 3 }} {{ 7 % -3 }} {{ 7 // -2 }} {{ 2 ** -1 }} {{ 7 / 7 }} {{ 9 // 2.0 }} {{ 'ab' * 2 }}",
        ),
      ).toBe("2 -2 -4 0.5 1.0 4.0 abab");
      expect(renderError("{{ 1 / 0 }}").detail).toContain("division by zero");
    });

    it("range and dict globals", () => {
      expect(json("{{ [range(3) | list, range(1, 7, 2) | list, dict(a=1)] | tojson }}")).toEqual([
        [0, 1, 2],
        [1, 3, 5],
        { a: 1 },
      ]);
    });

    it("looks up attributes the Python way", () => {
      expect(text("{{ d['items'] }} {{ d.items is callable }} {{ x.0 }}", { d: { items: 1 }, x: [5] })).toBe(
        "1 True 5",
      );
      expect(undefinedError("{{ s.length }}", { s: "abc" }).variable).toBe("s.length");
      expect(
        text("{{ s.upper() }} {{ s.split(',') | tojson }} {{ d.get('z', 3) }}", { s: "a,b", d: {} }),
      ).toBe('A,B ["a", "b"] 3');
    });
  });

  describe("namespace(children=[]) and list.append", () => {
    it("append mutates the list and returns None", () => {
      const source =
        "{%- set ns = namespace(children=[]) -%}" +
        '{%- for t in tags -%}{%- set _ = ns.children.append({"type": "Badge", "label": t}) -%}{%- endfor -%}' +
        "{{- ns.children.append('x') -}}|{{ ns.children | tojson }}";
      expect(text(source, { tags: ["a", "b"] })).toBe(
        'None|[{"label": "a", "type": "Badge"}, {"label": "b", "type": "Badge"}, "x"]',
      );
    });

    it("extends, and refuses a wrong call", () => {
      expect(text("{% set xs = [1] %}{% set _ = xs.extend([2, 3]) %}{{ xs }}")).toBe("[1, 2, 3]");
      expect(renderError("{% set xs = [] %}{{ xs.append(1, 2) }}").detail).toContain(
        "list.append() takes exactly one argument",
      );
    });

    it("set ns.attr assigns on the namespace", () => {
      expect(
        text(
          "{% set ns = namespace(n=0) %}{% for x in [1, 2] %}{% set ns.n = ns.n + x %}{% endfor %}{{ ns.n }}",
        ),
      ).toBe("3");
    });
  });

  describe("StrictUndefined", () => {
    const uses: [string, string][] = [
      ["printing", "{{ user }}"],
      ["tojson", "{{ user | tojson }}"],
      ["truthiness", "{% if user %}{% endif %}"],
      ["not", "{{ not user }}"],
      ["and/or", "{{ user or 1 }}"],
      ["comparison", "{{ user == 1 }}"],
      ["ordering", "{{ user < 1 }}"],
      ["iteration", "{% for x in user %}{% endfor %}"],
      ["member access", "{{ user.name | default('x') }}"],
      ["item access", "{{ user[0] }}"],
      ["arithmetic", "{{ user + 1 }}"],
      ["negation", "{{ -user }}"],
      ["concatenation", "{{ 'a' ~ user }}"],
      ["a filter", "{{ user | length }}"],
      ["a library filter", "{{ user | upper }}"],
      ["a call", "{{ user() }}"],
      ["a strict test", "{{ user is odd }}"],
      ["membership", "{{ 1 in user }}"],
    ];
    it.each(uses)("an undefined variable fails on %s", (_use, source) => {
      expect(undefinedError(source).variable).toBe("user");
    });

    it("names the attribute path that is missing", () => {
      expect(undefinedError("{{ (user.name) | tojson }}", { user: {} }).variable).toBe("user.name");
      expect(undefinedError("{{ a.b.c }}", { a: { b: {} } }).variable).toBe("a.b.c");
      expect(undefinedError('{{ a["b"] }}', { a: {} }).variable).toBe("a['b']");
      expect(undefinedError("{{ items[3] }}", { items: [] }).variable).toBe("items[3]");
      expect(undefinedError("{% for x in xs %}{{ loop.previtem }}{% endfor %}", { xs: [1] }).variable).toBe(
        "loop.previtem",
      );
    });

    it("reports the undefined value, not the expression that carried it", () => {
      expect(undefinedError("{% set y = user %}{{ y }}").variable).toBe("user");
      expect(undefinedError("{{ [1, user] | tojson }}").variable).toBe("user");
      expect(undefinedError("{% set ns = namespace(x=u) %}{{ ns.x }}").variable).toBe("u");
    });

    it("lets is defined, is undefined, default, is none and assignment through", () => {
      expect(
        text("{{ user is defined }} {{ user is undefined }} {{ user is none }} {{ user is not none }}"),
      ).toBe("False True False True");
      expect(text("{{ user.name is defined }} {{ user.name | default('anon') }}", { user: {} })).toBe(
        "False anon",
      );
      expect(text("{{ user.name | default('anon') }}", { user: null })).toBe("anon");
      expect(
        text("{% set y = user %}{{ [user] | length }} {{ user in [] }} {{ (1 and user) is defined }}"),
      ).toBe("1 False False");
      expect(text("{{ user is string }} {{ user is mapping }} {{ user is callable }}")).toBe(
        "False False True",
      );
    });

    it("still fails for an attribute of an undefined value, even under default", () => {
      expect(undefinedError("{{ user.name | default('x') }}").variable).toBe("user");
      expect(undefinedError("{{ user.name is defined }}").variable).toBe("user");
    });

    it("treats a JavaScript undefined in the data as missing", () => {
      expect(undefinedError("{{ x }}", { x: undefined }).variable).toBe("x");
      expect(undefinedError("{{ o.k }}", { o: { k: undefined } }).variable).toBe("o.k");
    });
  });

  describe("errors", () => {
    it("an undefined error carries the widget, the file, the variable and the position", () => {
      const error = undefinedError('{"a":1,\n  "b":{{ (user.name) | tojson }}}', { user: {} });
      expect(error).toBeInstanceOf(WidgetTemplateError);
      expect(error).toBeInstanceOf(ChatKitRxError);
      expect(error.name).toBe("TemplateUndefinedError");
      expect(error.widget).toBe("Jinja spec");
      expect(error.file).toBe("/widgets/spec.widget");
      expect(error.variable).toBe("user.name");
      expect(error.message).toContain('widget "Jinja spec" (/widgets/spec.widget)');
      expect(error.message).toContain('"user.name" is undefined');
      expect(error.message).toContain("template line 2, column 11");
    });

    it("positions an undefined error at the use that failed", () => {
      expect(undefinedError("{{ a }}\n  {{ b }}", { a: 1 }).message).toContain("line 2, column 6");
      const loop = "{% for i in items %}\n  {{ i.title }}\n{% endfor %}";
      expect(undefinedError(loop, { items: [{ title: "a" }, {}] }).message).toContain("line 2, column 6");
    });

    it("a syntax error names what is wrong and where", () => {
      const unclosed = syntaxError("line 1\n{% if x %}\n  abc");
      expect(unclosed.detail).toContain(
        "the {% if %} block opened at line 2, column 1 is never closed (missing {% endif %})",
      );
      expect(unclosed.line).toBe(2); // Jinja2's line too: where the last token starts
      expect(unclosed.widget).toBe("Jinja spec");
      expect(unclosed.file).toBe("/widgets/spec.widget");

      const badToken = syntaxError("line 1\n{{ x + }}");
      expect([badToken.line, badToken.column]).toEqual([2, 8]);

      const badCharacter = syntaxError("line 1\n  {{ x @ y }}");
      expect(badCharacter.detail).toContain("Unexpected character: @");
      expect([badCharacter.line, badCharacter.column]).toEqual([2, 3]);

      expect(syntaxError("{% raw %}{% endraw %}").detail).toContain("raw");
      expect(syntaxError("{% set _c %}x").detail).toContain("{% endset %}");
      expect(syntaxError("{{ 'unterminated }}").detail).toContain("Unexpected end of input");
    });

    it("rejects what Jinja2 rejects at compile time: break/continue, unknown filters and tests", () => {
      const loopControl = syntaxError("{% for x in y %}\n{% break %}{% endfor %}");
      expect(loopControl.detail).toContain("Encountered unknown tag 'break'");
      expect(loopControl.line).toBe(2);
      const filter = syntaxError("a\n\n   {{ x | nosuch }}");
      expect(filter.detail).toContain("No filter named 'nosuch'.");
      expect([filter.line, filter.column]).toEqual([3, 11]);
      expect(syntaxError("{{ x is nosuch }}").detail).toContain("No test named 'nosuch'.");
    });

    it("defers unknown filters inside if to run time, like Jinja2", () => {
      const source = "{% if show %}{{ x | nosuch }}{% endif %}ok";
      expect(text(source, { show: false })).toBe("ok");
      expect(renderError(source, { show: true, x: 1 }).detail).toContain("No filter named 'nosuch'");
    });

    it("a render error carries the context and the cause", () => {
      const error = renderError("{{ x | length }}", { x: null });
      expect(error).toBeInstanceOf(WidgetTemplateError);
      expect(error.name).toBe("TemplateRenderError");
      expect(error.widget).toBe("Jinja spec");
      expect(error.file).toBe("/widgets/spec.widget");
      expect(error.detail).toContain("object of type 'NoneType' has no len()");
      expect(error.cause).toBeInstanceOf(Error);
    });

    it("says so when a Jinja2 feature is not supported", () => {
      expect(renderError("{{ 1.5 | round }}").detail).toContain("the filter 'round' is not supported");
      expect(renderError("{{ s.find('b') }}", { s: "abc" }).detail).toContain("str.find() is not supported");
    });
  });

  describe("properties", () => {
    it("tojson round-trips any JSON value from the data", () => {
      const compiled = jinjaEngine.compile("{{ (v) | tojson }}", context);
      fc.assert(
        fc.property(fc.jsonValue(), (v) => {
          expect(JSON.parse(compiled.render({ v }))).toEqual(v);
        }),
        { numRuns: 300 },
      );
    });
  });
});
