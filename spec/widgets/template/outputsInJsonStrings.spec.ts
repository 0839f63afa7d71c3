import { findOutputsInJsonStrings } from "../../../widgets/template/outputsInJsonStrings";
import { WidgetTemplate } from "../../../widgets/template/WidgetTemplate";

describe("findOutputsInJsonStrings", () => {
  const find = (template: string) =>
    findOutputsInJsonStrings(template, "jinja").map(({ line, column, expression }) => ({
      line,
      column,
      expression,
    }));

  it("finds an expression printed inside a JSON string, with its line and column", () => {
    expect(find(`{"type":"Card",\n"children":[{"type":"Text","value":"{{ name }}"}]}`)).toEqual([
      { line: 2, column: 37, expression: "{{ name }}" },
    ]);
  });

  it("is a real injection: data can add components through it", () => {
    const template = new WidgetTemplate({
      name: "Greeting",
      template: `{"type":"Card","children":[{"type":"Text","value":"{{ name }}"}]}`,
    });
    const widget = template.build({ name: `x"},{"type":"Button","label":"Pay now` });
    expect(widget.children).toHaveLength(2);
  });

  it("follows escapes, several strings, both branches of an if, and whitespace control", () => {
    expect(
      find(
        `{"a":"say \\"{{ q }}\\"","b":{{ v | tojson }},"c":"{% if x %}{{- y }}{% else %}z{% endif %}"}`,
      ).map(({ expression }) => expression),
    ).toEqual(["{{ q }}", "{{- y }}"]);
  });

  it("accepts values printed with tojson outside strings, and numbers inside them", () => {
    expect(
      find(
        `{"a":{{ v | tojson }},"b":"{{ items | length }} items","c":"{{ (p * 100) | round | int }}%","d":"{{ 3 }}"}`,
      ),
    ).toEqual([]);
  });

  it("still reports a number filter that applies to one branch of an inline if only", () => {
    expect(find(`{"a":"{{ n | int if n else label }}"}`)).toHaveLength(1);
  });

  it("reports tojson inside a string too (it adds quotes of its own)", () => {
    expect(find(`{"a":"{{ v | tojson }}"}`)).toHaveLength(1);
  });

  it("has nothing to say about Handlebars, which escapes {{expr}} for JSON strings", () => {
    expect(findOutputsInJsonStrings(`{"a":"{{name}}"}`, "handlebars")).toEqual([]);
    const template = WidgetTemplate.fromHandlebars(
      `{"type":"Card","children":[{"type":"Text","value":"{{name}}"}]}`,
      {
        name: "Safe",
      },
    );
    expect(template.build({ name: `x"},{"type":"Button` }).children).toHaveLength(1);
  });
});
