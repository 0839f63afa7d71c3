import { join } from "node:path";
import { z } from "zod";
import { WidgetDataError } from "../../../widgets/errors";
import { WidgetTemplate } from "../../../widgets/template/WidgetTemplate";

/**
 * The `jsonSchema` check is opt-in (`{ validate: true }`), as the reference
 * never validates: a Studio export's schema is often stale.
 */
const lineSelect = join(__dirname, "../../fixtures/stale-schema/line-select.widget");

/** The app's records, as the metro-map sample passes them: `name`, not the stale schema's `label`. */
const lines = {
  items: [
    { id: "red", name: "Red Line", color: "#e11d48", orientation: "horizontal", stations: ["a", "b"] },
    { id: "green", name: "Green Line", color: "#16a34a", orientation: "vertical", stations: ["b"] },
  ],
};

describe("a Studio jsonSchema that is stale (the metro-map line selector)", () => {
  it("renders the app's data, as the reference does, when validation is not asked for", () => {
    const template = WidgetTemplate.fromFile(lineSelect);
    const widget = template.build(lines);
    expect(widget.type).toBe("ListView");
    expect(JSON.stringify(widget)).toContain('"value":"Green Line"');
    expect(template.validate(lines)).toEqual([]);
    expect(template.safeBuild(lines).success).toBe(true);
  });

  it("names every path the data fails when validation is asked for", () => {
    const template = WidgetTemplate.fromFile(lineSelect, { validate: true });
    const result = template.safeBuild(lines);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error).toBeInstanceOf(WidgetDataError);
    expect((result.error as WidgetDataError).check).toBe("jsonSchema");
    expect(template.validate(lines)).toEqual(
      expect.arrayContaining([
        { path: "data.items[0].label", message: "required" },
        { path: "data.items[0].name", message: "is not allowed by the schema" },
      ]),
    );
  });

  it("still applies a zod schema given by the caller", () => {
    const Lines = z.object({ items: z.array(z.object({ id: z.string(), name: z.string().min(1) })) });
    const template = WidgetTemplate.fromFile(lineSelect, { schema: Lines });
    expect(template.validate({ items: [{ id: "x", name: "" }] })).toEqual([
      { path: "data.items[0].name", message: expect.stringContaining("Too small") },
    ]);
    const failed = template.safeBuild({ items: [{ id: "x", name: "" }] });
    expect(!failed.success && failed.error instanceof WidgetDataError && failed.error.check).toBe("schema");
  });
});
