import fc from "fast-check";
import { TemplateSyntaxError, TemplateUndefinedError, TemplateRenderError } from "../../../lib/errors";
import { handlebarsEngine } from "../../../widgets/engines/handlebars";

const context = { widget: "hb", file: "/tmp/hb.widget" };

function render(source: string, data: Record<string, unknown>): unknown {
  return JSON.parse(handlebarsEngine.compile(source, context).render(data));
}

describe("handlebarsEngine", () => {
  it("prints {{expr}} as the inside of a JSON string, with no HTML escaping", () => {
    expect(render(`{"value":"{{text}}"}`, { text: `a "quote" & <b> \\ </script>` })).toEqual({
      value: `a "quote" & <b> \\ </script>`,
    });
  });

  it("prints {{json expr}} and {{{json expr}}} as JSON values", () => {
    const data = { user: { name: "Ann", tags: ["a", null], n: 1.5, ok: true } };
    expect(render(`{"a":{{json user}},"b":{{{json user.tags}}} }`, data)).toEqual({
      a: data.user,
      b: ["a", null],
    });
  });

  it("supports blocks, each with @last, and helpers with arguments", () => {
    const source = `{"children":[{{#each items}}{"type":"Text","value":"{{name}}"}{{#unless @last}},{{/unless}}{{/each}}],"any":{{#if items.length}}true{{else}}false{{/if}} }`;
    expect(render(source, { items: [{ name: "x" }, { name: "y" }] })).toEqual({
      children: [
        { type: "Text", value: "x" },
        { type: "Text", value: "y" },
      ],
      any: true,
    });
    expect(render(source, { items: [] })).toEqual({ children: [], any: false });
  });

  it("prints null as an empty string and objects as their JSON text inside a string", () => {
    expect(render(`{"a":"{{x}}","b":"{{o}}"}`, { x: null, o: { k: 1 } })).toEqual({ a: "", b: '{"k":1}' });
  });

  it("raises TemplateUndefinedError naming the missing field and its position", () => {
    const compiled = handlebarsEngine.compile(`{\n  "value": "{{user.name}}"}`, context);
    let caught: unknown;
    try {
      compiled.render({ user: {} });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TemplateUndefinedError);
    const error = caught as TemplateUndefinedError;
    expect(error.variable).toBe("user.name");
    expect(error.line).toBe(2);
    expect(error.widget).toBe("hb");
    expect(error.file).toBe("/tmp/hb.widget");
    expect(error.message).toContain('"user.name" is undefined');
  });

  it("treats a missing field given to {{json}} as undefined too", () => {
    expect(() => handlebarsEngine.compile(`{"a":{{json missing}} }`, context).render({})).toThrow(
      TemplateUndefinedError,
    );
  });

  it("refuses raw {{{expr}}} output at compile time, naming the fix", () => {
    expect(() => handlebarsEngine.compile(`{"a":{{{raw}}} }`, context)).toThrow(TemplateSyntaxError);
    expect(() => handlebarsEngine.compile(`{"a":{{{raw}}} }`, context)).toThrow(/\{\{json raw\}\}/);
  });

  it("explains the `}}}` pitfall in syntax errors", () => {
    let caught: unknown;
    try {
      handlebarsEngine.compile(`{"a":{{#if x}}1{{/if}}}`, context);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TemplateSyntaxError);
    expect((caught as TemplateSyntaxError).line).toBe(1);
    expect((caught as Error).message).toContain('"}} }"');
  });

  it("reports other render failures as TemplateRenderError", () => {
    const compiled = handlebarsEngine.compile(`{{> missingPartial}}`, context);
    expect(() => compiled.render({})).toThrow(TemplateRenderError);
  });

  it("never lets data break the JSON structure (property)", () => {
    const compiled = handlebarsEngine.compile(
      `{"type":"Card","children":[{"type":"Text","value":"{{text}}"},{"type":"Markdown","value":{{json text}} }],"tags":{{json tags}} }`,
      context,
    );
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.array(fc.string({ unit: "binary" })), (text, tags) => {
        const parsed = JSON.parse(compiled.render({ text, tags })) as Record<string, unknown>;
        expect(parsed).toEqual({
          type: "Card",
          children: [
            { type: "Text", value: text },
            { type: "Markdown", value: text },
          ],
          tags,
        });
      }),
      { numRuns: 300 },
    );
  });
});
