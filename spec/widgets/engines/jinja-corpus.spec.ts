import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import fc from "fast-check";
import { TemplateSyntaxError, TemplateUndefinedError } from "../../../lib/errors";
import type { CompiledTemplate } from "../../../widgets/engines/TemplateEngine";
import { jinjaEngine } from "../../../widgets/engines/jinja";

/**
 * Renders every fixture of `spec/fixtures` with the engine and compares it
 * with what Jinja2 rendered (`spec/fixtures/generate.py` wrote the goldens).
 */

const FIXTURES = join(__dirname, "..", "..", "fixtures");

interface WidgetFile {
  version: string;
  name: string;
  template: string;
  jsonSchema: Record<string, unknown>;
  outputJsonPreview: unknown;
  encodedWidget: string;
}

interface GoldenCase {
  name: string;
  data: Record<string, unknown>;
  schemaValid: boolean;
  output?: unknown;
  error?: { kind: "TemplateUndefinedError"; variable: string; jinja2: string };
}

interface Golden {
  widget: string;
  file: string;
  cases?: GoldenCase[];
  error?: {
    kind: "TemplateSyntaxError" | "WidgetFileError";
    line?: number;
    version?: string;
    jinja2?: string;
  };
}

function readJson<T>(...path: string[]): T {
  return JSON.parse(readFileSync(join(FIXTURES, ...path), "utf8")) as T;
}

const goldens = readdirSync(join(FIXTURES, "golden"))
  .filter((name) => name.endsWith(".json"))
  .sort()
  .map((name) => readJson<Golden>("golden", name));
const widgetGoldens = goldens.filter((golden) => golden.cases !== undefined);
const brokenGoldens = goldens.filter((golden) => golden.error !== undefined);

function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(dropNulls);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== null)
        .map(([key, item]) => [key, dropNulls(item)]),
    );
  }
  return value;
}

describe("the fixture corpus", () => {
  it("has a golden for every widget file, and at least 15 widgets", () => {
    const files = readdirSync(join(FIXTURES, "widgets")).filter((name) => name.endsWith(".widget"));
    expect(files.length).toBeGreaterThanOrEqual(15);
    expect(widgetGoldens.map((golden) => golden.file).sort()).toEqual(
      files.map((name) => `widgets/${name}`).sort(),
    );
    expect(brokenGoldens.length).toBeGreaterThanOrEqual(2);
  });

  it("has cases that must fail on a missing variable", () => {
    const failing = widgetGoldens
      .flatMap((golden) => golden.cases ?? [])
      .filter((c) => c.error !== undefined);
    expect(failing.length).toBeGreaterThanOrEqual(10);
  });
});

describe.each(widgetGoldens)("$file", (golden) => {
  const definition = readJson<WidgetFile>(golden.file);
  const context = { widget: definition.name, file: join(FIXTURES, golden.file) };
  let compiled: CompiledTemplate;

  beforeAll(() => {
    compiled = jinjaEngine.compile(definition.template, context);
  });

  it('is a Studio export: version "1.0", a name, a jsonSchema the default data matches', () => {
    expect(definition.version).toBe("1.0");
    expect(definition.name).toBe(golden.widget);
    const studio = JSON.parse(Buffer.from(definition.encodedWidget, "base64url").toString("utf8")) as {
      defaultState: unknown;
    };
    const validate = new Ajv2020({ strict: false }).compile(definition.jsonSchema);
    expect(validate(studio.defaultState)).toBe(true);
  });

  it("renders its default data to its outputJsonPreview, once nulls are dropped", () => {
    const studio = JSON.parse(Buffer.from(definition.encodedWidget, "base64url").toString("utf8")) as {
      defaultState: Record<string, unknown>;
    };
    expect(dropNulls(JSON.parse(compiled.render(studio.defaultState)))).toEqual(definition.outputJsonPreview);
  });

  it.each(golden.cases ?? [])("$name", (goldenCase) => {
    if (goldenCase.error === undefined) {
      expect(JSON.parse(compiled.render(goldenCase.data))).toEqual(goldenCase.output);
      return;
    }
    let failure: unknown;
    try {
      compiled.render(goldenCase.data);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(TemplateUndefinedError);
    const error = failure as TemplateUndefinedError;
    expect(error.variable).toBe(goldenCase.error.variable);
    expect(error.widget).toBe(definition.name);
    expect(error.file).toBe(context.file);
  });
});

describe.each(brokenGoldens)("$file", (golden) => {
  const definition = readJson<WidgetFile>(golden.file);
  const expected = golden.error ?? { kind: "TemplateSyntaxError" };

  if (expected.kind === "TemplateSyntaxError") {
    it(`fails to compile with a TemplateSyntaxError on Jinja2's line (${expected.jinja2 ?? ""})`, () => {
      let failure: unknown;
      try {
        jinjaEngine.compile(definition.template, { widget: definition.name, file: golden.file });
      } catch (error) {
        failure = error;
      }
      expect(failure).toBeInstanceOf(TemplateSyntaxError);
      const error = failure as TemplateSyntaxError;
      expect(error.line).toBe(expected.line);
      expect(error.column).toEqual(expect.any(Number));
      expect(error.widget).toBe(definition.name);
      expect(error.file).toBe(golden.file);
    });
  } else {
    it("has an unsupported version, and nothing else wrong: the loader must name it", () => {
      expect(definition.version).toBe(expected.version);
      expect(definition.version).not.toBe("1.0");
      expect(() => jinjaEngine.compile(definition.template, { widget: definition.name })).not.toThrow();
    });
  }
});

describe("any string through tojson", () => {
  const compiled = jinjaEngine.compile(
    '{"value":{{ (s) | tojson }},"label":{{ ("by " ~ s) | tojson }},"map":{{ {s: s} | tojson }}}',
    { widget: "property" },
  );

  it("parses back to the same string (full Unicode, lone surrogates included)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
        expect(JSON.parse(compiled.render({ s }))).toEqual({ value: s, label: `by ${s}`, map: { [s]: s } });
      }),
      { numRuns: 500 },
    );
  });

  it("prints only ASCII, and never </script>, U+2028 or a raw quote", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (s) => {
        const rendered = compiled.render({ s: `</script>${s}\u2028'` });
        expect(rendered).toMatch(/^[\x20-\x7e]*$/);
        expect(rendered).not.toContain("</");
        expect(rendered).not.toContain("'");
      }),
    );
  });
});
