import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import {
  WidgetDataError,
  WidgetFileError,
  WidgetRootError,
  WidgetTemplateError,
  type DataIssue,
  type WidgetErrorContext,
} from "../errors";
import type { WidgetRoot } from "../components";
import { WIDGET_ROOT_TYPES } from "../components";
import { describeJsonValue, formatJsonPath, isJsonObject } from "../json";
import { jinjaEngine } from "../engines/jinja";
import type { CompiledTemplate, StreamRenderer, TemplateEngine } from "../engines/TemplateEngine";
import { dropNulls } from "../serialize";
import type { DataValidator } from "./dataValidator";
import { asUnreadableData, normalizeData, UnreadableDataError } from "./normalizeData";
import { parseRenderedJson } from "./parseRenderedJson";
import { decodeStudioState } from "./studioState";
import { WidgetDefinitionSchema, type TemplateEngineName, type WidgetDefinition } from "./WidgetDefinition";

/** What `new WidgetTemplate(...)` takes: a `.widget` file's content; `version` defaults to "1.0", `engine` to "jinja". */
export interface WidgetDefinitionInput {
  readonly name: string;
  readonly template: string;
  /** Only "1.0" is supported; anything else is a `WidgetFileError` naming the version. */
  readonly version?: string;
  readonly jsonSchema?: Record<string, unknown> | null;
  readonly engine?: TemplateEngineName;
  readonly outputJsonPreview?: unknown;
  readonly encodedWidget?: string | null;
  readonly [key: string]: unknown;
}

export interface WidgetTemplateConfig {
  /**
   * Check the data against the definition's `jsonSchema` before rendering.
   * Default: false, as in the reference, which never validates: the Studio
   * keeps a `jsonSchema` that is often stale (written for its sample data,
   * not for what the app passes), so trusting it by default rejects data
   * that renders fine. Opt in where the schema is maintained; a `schema`
   * (zod) is always applied.
   */
  readonly validate?: boolean;
  /** A zod schema for the data: `build` parses its input with it first, and the template's data type follows it. Always applied. */
  readonly schema?: z.ZodType;
  /** The file the definition came from; set by `fromFile`, shown in every error. */
  readonly file?: string;
}

export interface WidgetFileConfig extends WidgetTemplateConfig {
  /** Directory that a relative path is resolved against. Default: `process.cwd()`. */
  readonly baseDir?: string;
}

export interface HandlebarsTemplateConfig extends WidgetTemplateConfig {
  readonly name: string;
  readonly jsonSchema?: Record<string, unknown>;
}

/** The result of `safeBuild`: a discriminated union, like zod's `safeParse`. It never throws. */
export type SafeBuildResult =
  { success: true; widget: WidgetRoot } | { success: false; error: WidgetTemplateError };

/** A config whose `schema` fixes the template's data type. */
type WithSchema<TConfig, TSchema extends z.ZodType> = TConfig & { readonly schema: TSchema };

/**
 * Each engine, loaded when a template first needs it: Handlebars (and, in
 * `compileSchema`, ajv for `validate: true`) cost a server that renders only
 * Studio (Jinja) templates about 4 MB of RSS if loaded at import.
 * `spec/lazyLoading.spec.ts` pins that they are not.
 */
const ENGINES: Readonly<Record<TemplateEngineName, () => TemplateEngine>> = {
  jinja: () => jinjaEngine,
  handlebars: () =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
    (require("../engines/handlebars") as typeof import("../engines/handlebars")).handlebarsEngine,
};

const ROOT_TYPES: ReadonlySet<string> = new Set(WIDGET_ROOT_TYPES);

/**
 * A widget template: a Studio `.widget` file (or a hand-written Handlebars
 * template) compiled once, built many times.
 *
 * `build(data)` normalises the data, checks it (the zod `schema` if given;
 * the definition's `jsonSchema` if loaded with `{ validate: true }`),
 * renders, parses the JSON and drops `null` props, then checks that the
 * result is a widget root. A Jinja template that is JSON with `tojson`
 * holes (every Studio export the engine compiles) skips the text: its
 * value is built directly, equal to what parsing the text would make. Every failure is a `WidgetTemplateError`
 * subclass naming the widget and file, whatever the data is (cyclic,
 * too deep, throwing getters: a `WidgetDataError` naming the path).
 *
 * Widgets are immutable snapshots. When a Jinja template prints a long
 * string with `tojson` at its top level (a message streaming into a card),
 * successive builds reuse the parsed rest of the widget: those parts are
 * frozen and shared between the widgets, which is also what lets the diff
 * skip them. Copy a widget (`structuredClone`) before changing it. A stream
 * of builds keeps its own parsed card with `streamBuilder()` (what
 * `renderTemplate` uses), so any number of streams, each with its own
 * data, keep that; `build` alone shares the last 16 cards among all callers.
 *
 * @example
 * const card = WidgetTemplate.fromFile("widgets/channel-message.widget", { baseDir: __dirname });
 * const widget = card.build({ channel: "#general", text: "Hello" });
 */
export class WidgetTemplate<TData = object> {
  readonly name: string;
  readonly file: string | undefined;
  readonly engine: TemplateEngineName;
  readonly definition: WidgetDefinition;
  /** The Studio's default data, when the file carries it (in `encodedWidget`). */
  readonly defaultData: Readonly<Record<string, unknown>> | undefined;

  readonly #compiled: CompiledTemplate;
  readonly #validator: DataValidator | undefined;
  readonly #schema: z.ZodType | undefined;
  readonly #context: WidgetErrorContext;

  constructor(definition: WidgetDefinitionInput, config: WidgetTemplateConfig = {}) {
    const context: WidgetErrorContext = {
      file: config.file,
      widget: typeof definition.name === "string" ? definition.name : undefined,
    };
    this.definition = parseDefinition({ version: "1.0", ...definition }, context);
    this.name = this.definition.name;
    this.file = config.file;
    this.engine = this.definition.engine ?? "jinja";
    this.defaultData = decodeStudioState(this.definition.encodedWidget).defaultState;
    this.#context = context;
    this.#schema = config.schema;
    this.#compiled = ENGINES[this.engine]().compile(this.definition.template, context);
    const jsonSchema = this.definition.jsonSchema;
    this.#validator =
      config.validate !== true || jsonSchema == null || Object.keys(jsonSchema).length === 0
        ? undefined
        : compileSchema(jsonSchema, context);
  }

  /**
   * Loads a `.widget` file. `path` is a `URL` (`file:`), an absolute path, or
   * a path relative to `config.baseDir` (default: the working directory).
   * Synchronous, because templates are loaded once at start-up; see
   * `fromFileAsync` for the promise form.
   */
  static fromFile<TSchema extends z.ZodType>(
    path: string | URL,
    config: WithSchema<WidgetFileConfig, TSchema>,
  ): WidgetTemplate<z.input<TSchema>>;
  static fromFile(path: string | URL, config?: WidgetFileConfig): WidgetTemplate;
  static fromFile(path: string | URL, config: WidgetFileConfig = {}): WidgetTemplate<unknown> {
    const file = resolveWidgetPath(path, config.baseDir);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw unreadable(file, error);
    }
    return WidgetTemplate.fromText(text, file, config);
  }

  /** `fromFile`, reading the file without blocking. */
  static fromFileAsync<TSchema extends z.ZodType>(
    path: string | URL,
    config: WithSchema<WidgetFileConfig, TSchema>,
  ): Promise<WidgetTemplate<z.input<TSchema>>>;
  static fromFileAsync(path: string | URL, config?: WidgetFileConfig): Promise<WidgetTemplate>;
  static async fromFileAsync(
    path: string | URL,
    config: WidgetFileConfig = {},
  ): Promise<WidgetTemplate<unknown>> {
    const file = resolveWidgetPath(path, config.baseDir);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw unreadable(file, error);
    }
    return WidgetTemplate.fromText(text, file, config);
  }

  /** A hand-written Handlebars template (see the Handlebars engine for its JSON-safe rules). */
  static fromHandlebars<TSchema extends z.ZodType>(
    source: string,
    config: WithSchema<HandlebarsTemplateConfig, TSchema>,
  ): WidgetTemplate<z.input<TSchema>>;
  static fromHandlebars(source: string, config: HandlebarsTemplateConfig): WidgetTemplate;
  static fromHandlebars(source: string, config: HandlebarsTemplateConfig): WidgetTemplate<unknown> {
    return new WidgetTemplate<unknown>(
      { name: config.name, template: source, engine: "handlebars", jsonSchema: config.jsonSchema ?? null },
      config,
    );
  }

  private static fromText<TData>(
    text: string,
    file: string,
    config: WidgetTemplateConfig,
  ): WidgetTemplate<TData> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new WidgetFileError({ file }, `the file is not valid JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (!isJsonObject(json)) {
      throw new WidgetFileError({ file }, "the file must hold a JSON object (a widget definition)");
    }
    if (!("version" in json)) {
      throw new WidgetFileError(
        { file, widget: stringOrUndefined(json["name"]) },
        'missing "version": a .widget file declares version "1.0"',
      );
    }
    return new WidgetTemplate<TData>(json as unknown as WidgetDefinitionInput, { ...config, file });
  }

  /** Renders the widget for `data`; throws a `WidgetTemplateError` subclass on any failure. */
  build(data: TData): WidgetRoot {
    return this.#build(data, this.#compiled);
  }

  /**
   * A builder for one stream of builds (one widget rebuilt token after
   * token), whose `build` is this template's: each build reuses what the
   * stream's previous build parsed, so the cost per build stays the same
   * however many streams build this template at once, each with its own
   * data. `renderTemplate` makes one per subscription; make one per stream
   * when building by hand (a generator yielding a card per token), and let
   * it go with the stream. `build` alone shares a small cache between all
   * its callers, which more than a few concurrent streams outgrow. When the
   * data changed only in long strings a Jinja template prints nowhere but
   * whole with `tojson` (the message streaming in), and every other value
   * is the same string, number, boolean or null, the build does not run the
   * template at all: it puts the new strings into the last widget's shape.
   */
  streamBuilder(): { build(data: TData): WidgetRoot } {
    const renderer = this.#compiled.streamRenderer?.() ?? this.#compiled;
    return { build: (data) => this.#build(data, renderer) };
  }

  #build(data: TData, renderer: Partial<StreamRenderer>): WidgetRoot {
    const normalized = this.#checkData(data);
    return this.#checkRoot(this.#renderJson(normalized, renderer));
  }

  /**
   * Renders and parses, then drops `null` props. An engine that can skip
   * re-escaping and re-parsing long strings (`renderParsed`) does both at
   * once, and says when the value holds no `null` (no walk then); text that
   * is not JSON still fails with the excerpt `parseRenderedJson` shows.
   */
  #renderJson(data: Readonly<Record<string, unknown>>, renderer: Partial<StreamRenderer>): unknown {
    if (renderer.renderParsed === undefined)
      return dropNulls(parseRenderedJson(this.#compiled.render(data), this.#context));
    const rendered = renderer.renderParsed(data);
    if (!rendered.ok) return dropNulls(parseRenderedJson(rendered.text, this.#context));
    return rendered.nullFree === true ? rendered.value : dropNulls(rendered.value);
  }

  /** `build` that returns the error instead of throwing it; it never throws, whatever `data` is. */
  safeBuild(data: TData): SafeBuildResult {
    try {
      return { success: true, widget: this.build(data) };
    } catch (error) {
      if (error instanceof WidgetTemplateError) return { success: false, error };
      throw error;
    }
  }

  /**
   * Every way `data` fails the checks `build` makes before rendering (empty
   * when it passes them): the zod `schema`, the `jsonSchema` when loaded
   * with `{ validate: true }`, and whether the data is JSON at all (not
   * cyclic, not too deep, readable). Never throws.
   */
  validate(data: TData): readonly DataIssue[] {
    try {
      this.#checkData(data);
      return [];
    } catch (error) {
      if (error instanceof WidgetDataError) return error.issues;
      throw error;
    }
  }

  #checkData(data: TData): Record<string, unknown> {
    let input: unknown = data;
    if (this.#schema !== undefined) {
      const parsed = this.#parseWithSchema(this.#schema, input);
      if (!parsed.success) {
        throw new WidgetDataError(
          this.#context,
          parsed.error.issues.map((issue) => ({
            path: formatJsonPath(["data", ...issue.path]),
            message: issue.message,
          })),
          { check: "schema" },
        );
      }
      input = parsed.data;
    }
    let normalized: Record<string, unknown>;
    try {
      normalized = normalizeData(input);
    } catch (error) {
      if (!(error instanceof UnreadableDataError)) throw error;
      throw new WidgetDataError(this.#context, [error.describe()], { check: "json", cause: error });
    }
    const issues = this.#validator?.(normalized) ?? [];
    if (issues.length > 0) throw new WidgetDataError(this.#context, issues);
    return normalized;
  }

  /** The zod schema's verdict; a schema that throws on the data (a getter, a cycle under `z.lazy`) is a data issue too. */
  #parseWithSchema(schema: z.ZodType, input: unknown): ReturnType<z.ZodType["safeParse"]> {
    try {
      return schema.safeParse(input);
    } catch (error) {
      const unreadable = asUnreadableData(error);
      throw new WidgetDataError(this.#context, [unreadable.describe()], { check: "json", cause: error });
    }
  }

  #checkRoot(value: unknown): WidgetRoot {
    if (isJsonObject(value)) {
      const type = value["type"];
      if (typeof type === "string" && ROOT_TYPES.has(type)) return value as WidgetRoot;
    }
    throw new WidgetRootError(this.#context, describeJsonValue(value));
  }
}

function parseDefinition(definition: Record<string, unknown>, context: WidgetErrorContext): WidgetDefinition {
  if (definition["version"] !== "1.0") {
    throw new WidgetFileError(
      context,
      `unsupported version ${JSON.stringify(definition["version"])}: this library reads version "1.0"`,
    );
  }
  const parsed = WidgetDefinitionSchema.safeParse(definition);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `"${issue.path.join(".")}": ${issue.message}`);
  throw new WidgetFileError(context, `not a widget definition: ${problems.join("; ")}`);
}

function compileSchema(jsonSchema: Record<string, unknown>, context: WidgetErrorContext): DataValidator {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- ajv loads on first use (see ENGINES)
    const { compileDataValidator } = require("./dataValidator") as typeof import("./dataValidator");
    return compileDataValidator(jsonSchema);
  } catch (error) {
    throw new WidgetFileError(
      context,
      `its jsonSchema is not a valid JSON Schema: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function resolveWidgetPath(path: string | URL, baseDir: string | undefined): string {
  if (path instanceof URL) return fileURLToPath(path);
  if (typeof path !== "string" || path.length === 0) {
    throw new TypeError(`WidgetTemplate.fromFile: expected a path or file URL, got ${JSON.stringify(path)}`);
  }
  if (path.startsWith("file:")) return fileURLToPath(path);
  return isAbsolute(path) ? path : resolve(baseDir ?? process.cwd(), path);
}

function unreadable(file: string, error: unknown): WidgetFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (error as Error).message;
  return new WidgetFileError({ file }, `cannot read the widget file: ${reason}`, { cause: error });
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
