import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { WidgetTemplate } from "../../../widgets/template/WidgetTemplate";

/**
 * Each template's `jsonSchema` is compiled into a validator of its own: no
 * registry of `$id`s shared between templates, nothing that outlives the
 * template.
 */
describe("templates validate independently", () => {
  const dir = mkdtempSync(join(tmpdir(), "chatkit-rx-validation-"));
  const schemaWithId = (required: string) => ({
    $id: "https://example.com/schemas/card.json",
    type: "object",
    required: [required],
  });
  const definition = (name: string, required: string) => ({
    version: "1.0",
    name,
    template: `{"type":"Card","children":[{"type":"Text","value":{{ ${required} | tojson }}}]}`,
    jsonSchema: schemaWithId(required),
  });

  it("loads the same file with an $id twice", () => {
    const file = join(dir, "card.widget");
    writeFileSync(file, JSON.stringify(definition("Card", "title")));
    const first = WidgetTemplate.fromFile(file, { validate: true });
    const second = WidgetTemplate.fromFile(file, { validate: true });
    expect(first.validate({})).toEqual([{ path: "data.title", message: "required" }]);
    expect(second.validate({ title: "ok" })).toEqual([]);
  });

  it("gives two templates that reuse an $id their own schemas", () => {
    const byTitle = new WidgetTemplate(definition("A", "title"), { validate: true });
    const byText = new WidgetTemplate(definition("B", "text"), { validate: true });
    expect(byTitle.validate({ text: "x" })).toEqual([{ path: "data.title", message: "required" }]);
    expect(byText.validate({ text: "x" })).toEqual([]);
  });
});

describe("a dropped template", () => {
  // `gc` without starting node with --expose-gc: the flag can be set at run time, and a fresh context sees it.
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;

  /** Whether `value` is collected once `keep` no longer holds it; WeakRefs hold their target until the turn ends. */
  async function isCollected(make: () => object): Promise<boolean> {
    const ref = new WeakRef(make());
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    return ref.deref() === undefined;
  }

  const card = {
    version: "1.0",
    name: "Collectable",
    template: `{"type":"Card","children":[{"type":"Text","value":{{ title | tojson }}}]}`,
    jsonSchema: {
      type: "object",
      required: ["title"],
      properties: { title: { type: "string", pattern: "^T" } },
    },
  };

  it("leaves its jsonSchema to the garbage collector (no validator keeps it)", async () => {
    const collected = await isCollected(() => {
      const template = new WidgetTemplate(structuredClone(card), { validate: true });
      expect(template.build({ title: "Title" }).type).toBe("Card");
      expect(template.validate({ title: "no" })).toHaveLength(1);
      return template.definition.jsonSchema as object;
    });
    expect(collected).toBe(true);
  });

  it("is seen as kept while something holds it (the check above can fail)", async () => {
    const kept: object[] = [];
    const collected = await isCollected(() => {
      const template = new WidgetTemplate(structuredClone(card), { validate: true });
      kept.push(template);
      return template.definition.jsonSchema as object;
    });
    expect(collected).toBe(false);
    expect(kept).toHaveLength(1);
  });
});
