/**
 * What a server process holds is partly what it loads: Handlebars and ajv
 * (with ajv-formats) are about 4 MB of RSS, and a streaming server on Studio
 * (Jinja) templates without `validate: true` uses neither. So the public
 * entry loads them on first use, and never loads the optional peers (the
 * PostgreSQL drivers, `@openai/agents`) itself. Each module below is
 * replaced by a factory that records its load and returns the real module,
 * in a module registry of each test's own.
 */
const WATCHED = [
  "handlebars",
  "ajv",
  "ajv/dist/2019",
  "ajv/dist/2020",
  "ajv-formats",
  "pg",
  "@electric-sql/pglite",
  "@openai/agents",
] as const;

type PublicApi = typeof import("../index");

/** Loads the public entry in a fresh registry, then runs `use` with it; which watched modules were loaded, in order. */
function loadedBy(use: (api: PublicApi) => void = () => undefined): {
  atImport: string[];
  afterUse: string[];
} {
  const loaded: string[] = [];
  let atImport: string[] = [];
  jest.isolateModules(() => {
    for (const name of WATCHED) {
      jest.doMock(name, () => {
        loaded.push(name);
        return jest.requireActual<object>(name);
      });
    }
    const api = jest.requireActual<PublicApi>("../index");
    atImport = [...loaded];
    use(api);
  });
  return { atImport, afterUse: loaded };
}

const handlebarsCard = '{"type": "Card", "children": [{"type": "Text", "value": {{json title}} }]}';
const jinjaCard = '{"type": "Card", "children": [{"type": "Text", "value": {{ title | tojson }} }]}';
const schema = { type: "object", properties: { title: { type: "string" } }, required: ["title"] };

describe("lazy loading of what a streaming server does not use", () => {
  afterEach(() => {
    for (const name of WATCHED) jest.dontMock(name);
  });

  it("the public entry loads none of Handlebars, ajv, the PostgreSQL drivers or @openai/agents", () => {
    expect(loadedBy().atImport).toEqual([]);
  });

  it("a Jinja template built without validate loads none of them either", () => {
    const { afterUse } = loadedBy(({ WidgetTemplate }) => {
      const card = new WidgetTemplate({ name: "card", template: jinjaCard, jsonSchema: schema });
      expect(card.build({ title: "hi" })).toEqual({
        type: "Card",
        children: [{ type: "Text", value: "hi" }],
      });
    });
    expect(afterUse).toEqual([]);
  });

  it("a Handlebars template loads Handlebars when it is made, and it renders", () => {
    const { atImport, afterUse } = loadedBy(({ WidgetTemplate }) => {
      const card = WidgetTemplate.fromHandlebars(handlebarsCard, { name: "card" });
      expect(card.build({ title: 'say "hi"' })).toEqual({
        type: "Card",
        children: [{ type: "Text", value: 'say "hi"' }],
      });
    });
    expect(atImport).toEqual([]);
    expect(afterUse).toEqual(["handlebars"]);
  });

  it("validate: true loads ajv when the template is made, and it checks the data", () => {
    const { atImport, afterUse } = loadedBy(({ WidgetTemplate, WidgetDataError }) => {
      const card = new WidgetTemplate(
        { name: "card", template: jinjaCard, jsonSchema: schema },
        { validate: true },
      );
      expect(() => card.build({ title: 3 })).toThrow(WidgetDataError);
    });
    expect(atImport).toEqual([]);
    expect(afterUse).toEqual(expect.arrayContaining(["ajv", "ajv-formats"]));
    expect(afterUse).not.toContain("handlebars");
  });
});
