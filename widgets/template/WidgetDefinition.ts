import { z } from "zod";

/** The template languages a definition can be written in; `.widget` files from the Studio are always Jinja. */
export const TemplateEngineNameSchema = z.enum(["jinja", "handlebars"]);
export type TemplateEngineName = z.infer<typeof TemplateEngineNameSchema>;

/**
 * The `.widget` file as the ChatKit Widget Studio exports it (PROTOCOL §1).
 * Loose on purpose: the Studio adds keys over time, and a file that carries
 * more than we know must still load. `engine` is our extension so that
 * hand-written `.widget` files can use Handlebars.
 */
export const WidgetDefinitionSchema = z.looseObject({
  version: z.literal("1.0"),
  name: z.string().min(1),
  template: z.string(),
  jsonSchema: z.record(z.string(), z.unknown()).nullish(),
  outputJsonPreview: z.unknown().optional(),
  encodedWidget: z.string().nullish(),
  engine: TemplateEngineNameSchema.optional(),
});
export type WidgetDefinition = z.infer<typeof WidgetDefinitionSchema>;
