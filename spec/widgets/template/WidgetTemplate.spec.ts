import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import {
  TemplateOutputError,
  TemplateSyntaxError,
  TemplateUndefinedError,
  WidgetDataError,
  WidgetFileError,
  WidgetRootError,
  WidgetTemplateError,
} from "../../../lib/errors";
import { jinjaEngine } from "../../../widgets/engines/jinja";
import { WidgetTemplate } from "../../../widgets/template/WidgetTemplate";

const dir = mkdtempSync(join(tmpdir(), "chatkit-rx-template-"));

function writeWidget(name: string, definition: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof definition === "string" ? definition : JSON.stringify(definition));
  return file;
}

const greeting = {
  version: "1.0",
  name: "Greeting",
  template: `{"type":"Card","children":[{"type":"Text","value":{{ ("Hello, " ~ user.name) | tojson }}},{"type":"Caption","value":{{ (user.title | default(none)) | tojson }}}]}`,
  jsonSchema: {
    type: "object",
    additionalProperties: false,
    required: ["user"],
    properties: {
      user: {
        type: "object",
        required: ["name"],
        properties: { name: { type: "string" }, title: { type: ["string", "null"] } },
      },
    },
  },
};

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("WidgetTemplate", () => {
  describe("loading", () => {
    const file = writeWidget("greeting.widget", greeting);

    it("loads from an absolute path, a file URL, and a path relative to baseDir", () => {
      const data = { user: { name: "Ann" } };
      const expected = {
        type: "Card",
        children: [{ type: "Text", value: "Hello, Ann" }, { type: "Caption" }],
      };
      expect(WidgetTemplate.fromFile(file).build(data)).toEqual(expected);
      expect(WidgetTemplate.fromFile(pathToFileURL(file)).build(data)).toEqual(expected);
      expect(WidgetTemplate.fromFile(pathToFileURL(file).href).build(data)).toEqual(expected);
      expect(WidgetTemplate.fromFile("greeting.widget", { baseDir: dir }).build(data)).toEqual(expected);
    });

    it("loads asynchronously too", async () => {
      const template = await WidgetTemplate.fromFileAsync("greeting.widget", { baseDir: dir });
      expect(template.name).toBe("Greeting");
      expect(template.file).toBe(file);
      expect(template.engine).toBe("jinja");
    });

    it("names the file when it cannot be read", () => {
      const error = catchError(() => WidgetTemplate.fromFile("missing.widget", { baseDir: dir }));
      expect(error).toBeInstanceOf(WidgetFileError);
      expect((error as WidgetFileError).file).toBe(join(dir, "missing.widget"));
      expect((error as Error).message).toContain("no such file");
    });

    it("rejects a file that is not JSON", async () => {
      const broken = writeWidget("broken.widget", `{"version": "1.0", "name": `);
      const error = catchError(() => WidgetTemplate.fromFile(broken));
      expect(error).toBeInstanceOf(WidgetFileError);
      expect((error as Error).message).toContain(broken);
      expect((error as Error).message).toContain("not valid JSON");
      await expect(WidgetTemplate.fromFileAsync(broken)).rejects.toBeInstanceOf(WidgetFileError);
    });

    it("rejects an unsupported version, naming the file and the version", () => {
      const future = writeWidget("future.widget", { ...greeting, version: "2.0" });
      const error = catchError(() => WidgetTemplate.fromFile(future));
      expect(error).toBeInstanceOf(WidgetFileError);
      expect((error as WidgetFileError).widget).toBe("Greeting");
      expect((error as Error).message).toContain(future);
      expect((error as Error).message).toContain('unsupported version "2.0"');
    });

    it("rejects a file without a version or without a template", () => {
      const { version: _version, ...unversioned } = greeting;
      expect(() => WidgetTemplate.fromFile(writeWidget("unversioned.widget", unversioned))).toThrow(
        /missing "version"/,
      );
      const { template: _template, ...templateless } = greeting;
      const error = catchError(() =>
        WidgetTemplate.fromFile(writeWidget("templateless.widget", templateless)),
      );
      expect(error).toBeInstanceOf(WidgetFileError);
      expect((error as Error).message).toContain('"template"');
    });

    it("rejects a jsonSchema that is not a JSON Schema when asked to validate, and ignores it otherwise", () => {
      const broken = { ...greeting, jsonSchema: { type: "object", properties: { a: { type: 12 } } } };
      const error = catchError(() => new WidgetTemplate(broken, { validate: true }));
      expect(error).toBeInstanceOf(WidgetFileError);
      expect((error as Error).message).toContain("jsonSchema");
      expect(new WidgetTemplate(broken).build({ user: { name: "Ann" } })).toMatchObject({ type: "Card" });
    });

    it("reads the Studio's default data from encodedWidget and ignores what it cannot decode", () => {
      const encodedWidget = Buffer.from(JSON.stringify({ defaultState: { user: { name: "Bo" } } })).toString(
        "base64url",
      );
      expect(new WidgetTemplate({ ...greeting, encodedWidget }).defaultData).toEqual({
        user: { name: "Bo" },
      });
      expect(
        new WidgetTemplate({ ...greeting, encodedWidget: greeting.template }).defaultData,
      ).toBeUndefined();
      expect(new WidgetTemplate({ ...greeting, encodedWidget: "bm90IGpzb24" }).defaultData).toBeUndefined();
    });

    it("throws a TypeError for a path that is not a path", () => {
      expect(() => WidgetTemplate.fromFile("")).toThrow(TypeError);
    });
  });

  describe("build", () => {
    const template = new WidgetTemplate(greeting, { file: "/virtual/greeting.widget", validate: true });

    it("drops null props (here the Caption's value) and returns the root", () => {
      expect(template.build({ user: { name: "Ann", title: null } })).toEqual({
        type: "Card",
        children: [{ type: "Text", value: "Hello, Ann" }, { type: "Caption" }],
      });
    });

    it("normalises objects with toJSON and drops undefined properties", () => {
      class User {
        constructor(readonly name: string) {}
        toJSON() {
          return { name: this.name.toUpperCase(), title: undefined };
        }
      }
      expect(template.build({ user: new User("ann") })).toEqual({
        type: "Card",
        children: [{ type: "Text", value: "Hello, ANN" }, { type: "Caption" }],
      });
    });

    it("compiles once: build never compiles again", () => {
      const compile = jest.spyOn(jinjaEngine, "compile");
      try {
        const once = new WidgetTemplate(greeting);
        for (let i = 0; i < 5; i++) once.build({ user: { name: `n${i}` } });
        expect(compile).toHaveBeenCalledTimes(1);
      } finally {
        compile.mockRestore();
      }
    });

    it("checks the data against jsonSchema and names every failing path", () => {
      const error = catchError(() => template.build({ user: { title: 3 }, extra: true }));
      expect(error).toBeInstanceOf(WidgetDataError);
      const { issues, widget, file } = error as WidgetDataError;
      expect(widget).toBe("Greeting");
      expect(file).toBe("/virtual/greeting.widget");
      expect(issues).toEqual(
        expect.arrayContaining([
          { path: "data.extra", message: "is not allowed by the schema" },
          { path: "data.user.name", message: "required" },
          { path: "data.user.title", message: "must be string,null" },
        ]),
      );
      expect((error as Error).message).toContain("data.user.name: required");
      expect(template.validate({ user: {} })).toEqual([{ path: "data.user.name", message: "required" }]);
      expect(template.validate({ user: { name: "ok" } })).toEqual([]);
    });

    it("checks the jsonSchema only when asked to (validate: true), as the reference never does", () => {
      const unchecked = new WidgetTemplate(greeting);
      expect(unchecked.build({ user: { name: "Ann" }, extra: true })).toMatchObject({ type: "Card" });
      expect(unchecked.validate({ user: {} })).toEqual([]);
      const error = catchError(() => unchecked.build({ user: {} }));
      expect(error).toBeInstanceOf(TemplateUndefinedError);
      expect((error as TemplateUndefinedError).variable).toBe("user.name");
    });

    it("parses data with a zod schema, and reports its issues the same way", () => {
      const schema = z.object({ user: z.object({ name: z.string().trim() }) });
      const typed = WidgetTemplate.fromFile(writeWidget("typed.widget", greeting), { schema });
      expect(typed.build({ user: { name: "  Cy  " } })).toMatchObject({
        children: [{ type: "Text", value: "Hello, Cy" }, { type: "Caption" }],
      });
      // @ts-expect-error: the data type follows the zod schema
      const error = catchError(() => typed.build({ user: { name: 42 } }));
      expect(error).toBeInstanceOf(WidgetDataError);
      expect((error as WidgetDataError).issues[0]?.path).toBe("data.user.name");
    });

    it("raises TemplateUndefinedError for missing variables", () => {
      const strict = new WidgetTemplate({
        name: "Strict",
        template: `{"type":"Card","children":[{{ nope | tojson }}]}`,
      });
      const error = catchError(() => strict.build({}));
      expect(error).toBeInstanceOf(TemplateUndefinedError);
      expect((error as TemplateUndefinedError).variable).toBe("nope");
      expect((error as TemplateUndefinedError).widget).toBe("Strict");
    });

    it("raises TemplateSyntaxError at construction for a broken template", () => {
      const error = catchError(() => new WidgetTemplate({ name: "Broken", template: `{"a": {% if x %}1` }));
      expect(error).toBeInstanceOf(TemplateSyntaxError);
      expect((error as TemplateSyntaxError).widget).toBe("Broken");
    });

    it("raises TemplateOutputError with an excerpt when the text is not JSON", () => {
      const sloppy = new WidgetTemplate({
        name: "Sloppy",
        template: `{"type":"Card","children":[{"type":"Text","value":{{ text }}}]}`,
      });
      const error = catchError(() => sloppy.build({ text: "hello world" }));
      expect(error).toBeInstanceOf(TemplateOutputError);
      expect((error as TemplateOutputError).excerpt).toContain('"value":⟪HERE⟫hello world');
      expect((error as Error).message).toContain("tojson");
    });

    it("raises WidgetRootError naming what was found instead of a root", () => {
      const text = new WidgetTemplate({ name: "NotRoot", template: `{"type":"Text","value":"x"}` });
      const error = catchError(() => text.build({}));
      expect(error).toBeInstanceOf(WidgetRootError);
      expect((error as WidgetRootError).found).toBe('type "Text"');
      expect((error as Error).message).toContain('widget "NotRoot"');
      const list = new WidgetTemplate({ name: "List", template: `[1, 2]` });
      expect((catchError(() => list.build({})) as WidgetRootError).found).toBe("an array");
    });

    it("accepts every root type", () => {
      for (const type of ["Card", "ListView", "Basic"]) {
        expect(
          new WidgetTemplate({ name: type, template: `{"type":"${type}","children":[]}` }).build({}),
        ).toEqual({
          type,
          children: [],
        });
      }
    });

    it("refuses data that is not an object with a WidgetDataError", () => {
      const error = catchError(() => template.build("nope" as unknown as object));
      expect(error).toBeInstanceOf(WidgetDataError);
      expect((error as WidgetDataError).issues).toEqual([
        { path: "data", message: "must be an object (or have a toJSON() that returns one), got a string" },
      ]);
      expect(() => template.build([])).toThrow(/must be an object/);
    });

    it("build, safeBuild and validate take exactly one argument, the data", () => {
      type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
      const arities: [
        Equals<Parameters<WidgetTemplate["build"]>["length"], 1>,
        Equals<Parameters<WidgetTemplate["safeBuild"]>["length"], 1>,
        Equals<Parameters<WidgetTemplate["validate"]>["length"], 1>,
      ] = [true, true, true];
      expect(arities).toEqual([true, true, true]);
      // @ts-expect-error: the data is required (pass {} for a template that needs none)
      expect(template.safeBuild().success).toBe(false);
      // @ts-expect-error: and nothing comes after it
      expect(template.validate({ user: { name: "Ann" } }, {})).toEqual([]);
    });

    it("safeBuild returns errors as data, like zod's safeParse", () => {
      const ok = template.safeBuild({ user: { name: "Di" } });
      expect(ok.success).toBe(true);
      const failed = template.safeBuild({ user: {} });
      expect(failed.success).toBe(false);
      if (!failed.success) expect(failed.error).toBeInstanceOf(WidgetTemplateError);
    });
  });

  describe("Handlebars", () => {
    it("builds hand-written Handlebars templates through the same API", () => {
      const template = WidgetTemplate.fromHandlebars(
        `{"type":"Card","children":[{"type":"Text","value":"{{title}}"}],"confirm":{{json confirm}} }`,
        { name: "Hand", jsonSchema: { type: "object", required: ["title"] }, validate: true },
      );
      expect(template.engine).toBe("handlebars");
      expect(template.build({ title: `"quoted" & <b>`, confirm: null })).toEqual({
        type: "Card",
        children: [{ type: "Text", value: `"quoted" & <b>` }],
      });
      expect(() => template.build({})).toThrow(WidgetDataError);
    });

    it("loads .widget files that declare the handlebars engine", () => {
      const file = writeWidget("hand.widget", {
        version: "1.0",
        name: "HandFile",
        engine: "handlebars",
        template: `{"type":"Basic","children":[{"type":"Title","value":"{{t}}"}]}`,
      });
      expect(WidgetTemplate.fromFile(file).build({ t: "Hi" })).toEqual({
        type: "Basic",
        children: [{ type: "Title", value: "Hi" }],
      });
    });
  });
});
