import Ajv, { type AnySchema, type ErrorObject, type ValidateFunction } from "ajv";
import Ajv2019 from "ajv/dist/2019";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { DataIssue } from "../errors";
import { formatJsonPath } from "../json";

/** Checks data against a template's `jsonSchema`; returns every issue found (empty when the data is valid). */
export type DataValidator = (data: unknown) => readonly DataIssue[];

/**
 * Why ajv and not zod's `fromJSONSchema`: measured on this machine
 * (`npm run bench`, validation workload), ajv validates a 200-item list's
 * data about 9x faster, implements all of draft 2020-12 (zod converts a
 * subset), and reports every failing path at once. Its cost, a slower
 * compile, is paid once per template at start-up.
 */
type AjvInstance = Ajv | Ajv2019 | Ajv2020;
type Draft = "07" | "2019" | "2020";

/**
 * strict: false because Studio schemas carry keywords ajv does not know
 * (titles in odd places, x- extensions). validateSchema: false in a
 * template's own instance because `checkSchema` has done that already.
 */
const TEMPLATE_OPTIONS = { allErrors: true, strict: false, validateSchema: false } as const;

function newAjv(draft: Draft, options: { allErrors: boolean; strict: boolean; validateSchema?: boolean }) {
  const ajv: AjvInstance =
    draft === "07" ? new Ajv(options) : draft === "2019" ? new Ajv2019(options) : new Ajv2020(options);
  addFormats(ajv);
  return ajv;
}

/**
 * One instance per draft that only checks schemas against the draft's
 * meta-schema: `validateSchema` compiles the meta-schema once and stores
 * nothing of the schema it checks. Compiling the meta-schema in every
 * template's own instance would cost about 20 ms per template.
 */
const metaSchemaCheckers = new Map<Draft, AjvInstance>();

function checkSchema(schema: Record<string, unknown>, draft: Draft): void {
  let checker = metaSchemaCheckers.get(draft);
  if (checker === undefined) {
    checker = newAjv(draft, { allErrors: false, strict: false });
    metaSchemaCheckers.set(draft, checker);
  }
  if (checker.validateSchema(schema) !== true) {
    throw new Error(checker.errorsText(checker.errors, { dataVar: "schema" }));
  }
}

function draftOf(schema: Record<string, unknown>): Draft {
  const declared = schema["$schema"];
  if (typeof declared !== "string") return "2020";
  if (declared.includes("draft-07") || declared.includes("draft-06")) return "07";
  if (declared.includes("2019-09")) return "2019";
  return "2020";
}

/**
 * Compiles a JSON Schema once; throws the schema compiler's error (the
 * caller names the widget).
 *
 * Each schema gets an ajv instance of its own (about 1 ms to create). A
 * shared instance is shared state: it registers every schema that has an
 * `$id`, so a second template with the same `$id` (or the same file loaded
 * twice) failed to compile, and it caches every schema it compiled, so no
 * template's schema was ever garbage-collected. An instance of its own
 * lives exactly as long as the template's validator.
 */
export function compileDataValidator(schema: Record<string, unknown>): DataValidator {
  const draft = draftOf(schema);
  checkSchema(schema, draft);
  const validate: ValidateFunction = newAjv(draft, TEMPLATE_OPTIONS).compile(schema as AnySchema);
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map(toDataIssue));
}

function toDataIssue(error: ErrorObject): DataIssue {
  const segments = ["data", ...pointerSegments(error.instancePath)];
  const at = formatJsonPath(segments);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return { path: formatJsonPath([...segments, String(params["missingProperty"])]), message: "required" };
    case "additionalProperties":
      return {
        path: formatJsonPath([...segments, String(params["additionalProperty"])]),
        message: "is not allowed by the schema",
      };
    case "enum":
      return { path: at, message: `must be one of ${JSON.stringify(params["allowedValues"])}` };
    default:
      return { path: at, message: error.message ?? error.keyword };
  }
}

/** `/items/0/name` -> `["items", 0, "name"]`: JSON Pointer segments, array indices as numbers. */
function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((raw) => raw.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((key) => (/^\d+$/.test(key) ? Number(key) : key));
}
