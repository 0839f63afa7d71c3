import Ajv2020 from "ajv/dist/2020";
import { z } from "zod";
import { compileDataValidator } from "../widgets/template/dataValidator";
import { measureInterleaved, type BenchResult } from "./harness";

/**
 * Why `WidgetTemplate` validates data with ajv: the same 2020-12 schema and
 * data, checked by ajv and by zod's `fromJSONSchema`, in one process.
 */
export function validationWorkload(): BenchResult[] {
  const schema: Parameters<typeof z.fromJSONSchema>[0] & Record<string, unknown> = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    additionalProperties: false,
    required: ["title", "items"],
    properties: {
      title: { type: "string" },
      items: {
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["name", "done"],
          properties: {
            name: { type: "string" },
            done: { type: "boolean" },
            tag: { type: ["string", "null"] },
            kind: { enum: ["a", "b"] },
          },
        },
      },
    },
  };
  const data = {
    title: "Todo",
    items: Array.from({ length: 200 }, (_, i) => ({
      name: `item ${i}`,
      done: i % 2 === 0,
      tag: null,
      kind: "a",
    })),
  };
  const ajvValidate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  // What a template loaded with `{ validate: true }` runs: the library's own compiled validator.
  const templateValidate = compileDataValidator(schema);
  const zodSchema = z.fromJSONSchema(schema);
  if (!ajvValidate(data) || templateValidate(data).length > 0 || !zodSchema.safeParse(data).success)
    throw new Error("validation workload: data must be valid");
  // Interleaved, with long runs: zod's speed swings between runs as V8 re-optimises it.
  return measureInterleaved(
    "validate",
    [
      { name: "ajv, 200 items", operations: 1, run: () => void ajvValidate(data) },
      { name: "WidgetTemplate validator, 200 items", operations: 1, run: () => void templateValidate(data) },
      { name: "zod fromJSONSchema, 200 items", operations: 1, run: () => void zodSchema.safeParse(data) },
    ],
    { warmupRuns: 3, runs: 11, minRunMs: 200 },
  );
}
