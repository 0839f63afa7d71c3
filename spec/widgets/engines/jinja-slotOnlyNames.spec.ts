import { Instrumenter, missingAtFrameStart } from "../../../widgets/engines/jinja/instrument";
import { parse, tokenize } from "../../../widgets/engines/jinja/library";
import { rendersSameText, slotOnlyNames } from "../../../widgets/engines/jinja/slotOnlyNames";
import { SourceMap } from "../../../widgets/engines/jinja/sourceMap";

/** The slot-only names of `source`, analysed as `JinjaTemplate` does: on the instrumented program. */
function namesOf(source: string): string[] {
  const tokens = tokenize(source, {});
  const program = parse(tokens);
  const map = new SourceMap(source, tokens, program);
  program.body = new Instrumenter(map, missingAtFrameStart(program)).block(program.body, false);
  return [...slotOnlyNames(program.body)].sort();
}

const LONG = "a string long enough for a slot, well past sixty-four characters of text";

describe("slotOnlyNames", () => {
  it("finds the names printed only whole with tojson, straight into the output (in if and for bodies too)", () => {
    expect(namesOf('{"a":{{ s | tojson }},"b":{{ t | tojson }}}')).toEqual(["s", "t"]);
    expect(
      namesOf("{% if x %}{{ s | tojson }}{% endif %}{% for i in xs %}{{ s | tojson }}{% endfor %}"),
    ).toEqual(["s"]);
    expect(namesOf("[{{ s | tojson }},{{ s | tojson }}]")).toEqual(["s"]);
  });

  it("leaves out a name read any other way: tested, combined, its attributes, printed as text or with arguments", () => {
    for (const source of [
      "{{ s | tojson }}{% if s %}1{% endif %}",
      "{{ s | tojson }}{{ (s ~ 'x') | tojson }}",
      "{{ s | tojson }}{{ s.upper() | tojson }}",
      "{{ s | tojson }}{{ s }}",
      "{{ s | tojson }}{{ s | length }}",
      "{{ s | tojson(indent=2) }}",
      "{{ s | tojson }}{% for c in s %}{% endfor %}",
      "{{ s | tojson }}{{ user.s | tojson }}",
      "{{ s | default('x') | tojson }}",
      "{{ s | tojson }}{{ {'a': s} | tojson }}",
      "{{ s | tojson }}{{ {s: 1} | tojson }}",
      "{{ s | tojson }}{{ [s] | tojson }}",
    ]) {
      expect([source, namesOf(source)]).toEqual([source, []]);
    }
  });

  it("leaves out a name bound anywhere, and one printed into a set block's text (the template can read that text)", () => {
    expect(namesOf("{{ s | tojson }}{% set s = 'x' %}")).toEqual([]);
    expect(namesOf("{{ s | tojson }}{% for s in xs %}{% endfor %}")).toEqual([]);
    expect(namesOf("{% set c %}{{ s | tojson }}{% endset %}{{ c }}")).toEqual([]);
    expect(namesOf("{{ true | tojson }}{{ none | tojson }}")).toEqual([]);
  });
});

describe("rendersSameText", () => {
  const slotOnly = new Set(["s"]);

  it("holds when only slot-only names changed, each a slot-long string before and after", () => {
    expect(rendersSameText({ s: `${LONG}a`, n: 1 }, { s: `${LONG}ab`, n: 1 }, slotOnly)).toBe(true);
    expect(rendersSameText({ s: "short", n: null }, { s: "short", n: null }, slotOnly)).toBe(true);
  });

  it("fails when a slot-only string is short before or after (it is printed inline), or another value changed", () => {
    expect(rendersSameText({ s: "short" }, { s: `${LONG}a` }, slotOnly)).toBe(false);
    expect(rendersSameText({ s: `${LONG}a` }, { s: "short" }, slotOnly)).toBe(false);
    expect(
      rendersSameText({ s: `${LONG}a`, t: `${LONG}a` }, { s: `${LONG}a`, t: `${LONG}b` }, slotOnly),
    ).toBe(false);
    expect(rendersSameText({ s: LONG, n: 1 }, { s: LONG, n: 2 }, slotOnly)).toBe(false);
  });

  it("fails when the names differ, even in number only", () => {
    expect(rendersSameText({ s: LONG, n: 1 }, { s: LONG }, slotOnly)).toBe(false);
    expect(rendersSameText({ s: LONG }, { s: LONG, n: 1 }, slotOnly)).toBe(false);
    expect(rendersSameText({ s: LONG, n: 1 }, { s: LONG, m: 1 }, slotOnly)).toBe(false);
  });

  it("never takes an object, array or function as unchanged, even the same one (it may have changed inside)", () => {
    const list = ["a"];
    const object = { a: 1 };
    const fn = (): number => 1;
    for (const value of [list, object, fn]) {
      expect(rendersSameText({ s: LONG, v: value }, { s: LONG, v: value }, slotOnly)).toBe(false);
    }
  });
});
