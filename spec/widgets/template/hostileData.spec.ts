import fc from "fast-check";
import { z } from "zod";
import { WidgetDataError, WidgetTemplateError } from "../../../widgets/errors";
import { MAX_DATA_DEPTH } from "../../../widgets/template/normalizeData";
import { WidgetTemplate } from "../../../widgets/template/WidgetTemplate";

/**
 * `safeBuild` and `validate` never throw, whatever they are given: data
 * that is not JSON comes back as a `WidgetDataError` (or its issues) naming
 * the path, never as a stack overflow or the data's own exception.
 */
const jsonSchema = { type: "object", properties: { a: { type: "object" } } };
const jinja = `{"type":"Card","children":[{"type":"Text","value":{{ a | tojson }}},{"type":"Caption","value":{{ (a.b | default("none")) | tojson }}}]}`;

type Data = Record<string, unknown>;
/** A schema that recurses into the data as deep as it goes, so cyclic data overflows the stack inside zod. */
const JsonValue: z.ZodType = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValue),
    z.record(z.string(), JsonValue),
  ]),
);
const templates: readonly [string, WidgetTemplate<Data>][] = [
  ["jinja", new WidgetTemplate<Data>({ name: "Jinja", template: jinja })],
  [
    "jinja, validate: true",
    new WidgetTemplate<Data>({ name: "Checked", template: jinja, jsonSchema }, { validate: true }),
  ],
  [
    "handlebars",
    WidgetTemplate.fromHandlebars(`{"type":"Card","children":[{"type":"Text","value":{{json a}} }]}`, {
      name: "Hand",
    }),
  ],
  [
    "recursive zod schema",
    new WidgetTemplate<Data>({ name: "Zod", template: jinja }, { schema: z.object({ a: JsonValue }) }),
  ],
];

function cyclic(): Data {
  const a: Data = { name: "loop" };
  a["self"] = { back: a };
  return { a };
}

function nested(depth: number): Data {
  let value: Data = { leaf: true };
  for (let i = 0; i < depth; i++) value = { b: value };
  return { a: value };
}

function throwingGetter(): Data {
  const inner = {};
  Object.defineProperty(inner, "b", {
    enumerable: true,
    get() {
      throw new Error("getter exploded");
    },
  });
  return { a: inner };
}

const throwingToJSON = (): Data => ({
  a: {
    toJSON() {
      throw new Error("toJSON exploded");
    },
  },
});

const throwingProxy = (): Data => ({
  a: new Proxy(
    {},
    {
      ownKeys() {
        throw new Error("ownKeys exploded");
      },
      get() {
        throw new Error("get exploded");
      },
    },
  ),
});

/** Hostile values: fast-check's `anything`, and the shapes above, nested anywhere. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withNullPrototype: true,
    withBoxedValues: true,
    withObjectString: true,
  }),
  fc.constantFrom(cyclic, throwingGetter, throwingToJSON, throwingProxy).map((make) => make()),
  fc.integer({ min: MAX_DATA_DEPTH - 2, max: MAX_DATA_DEPTH + 2 }).map(nested),
  fc.constantFrom(undefined, null, 0, "text", [], () => 1, Symbol("s"), 10n, Number.NaN),
);
const hostileData = fc.oneof(
  hostile,
  hostile.map((a) => ({ a })),
  fc.dictionary(fc.string(), hostile),
);

describe.each(templates)("%s: safeBuild and validate never throw", (_label, template) => {
  it("on arbitrary hostile data", () => {
    fc.assert(
      fc.property(hostileData, (data) => {
        const result = template.safeBuild(data as Data);
        if (result.success) expect(result.widget.type).toBe("Card");
        else expect(result.error).toBeInstanceOf(WidgetTemplateError);
        const issues = template.validate(data as Data);
        expect(Array.isArray(issues)).toBe(true);
        // validate agrees with build: issues exactly when build fails on the data.
        if (issues.length > 0) expect(!result.success && result.error instanceof WidgetDataError).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe("data that is not JSON is named", () => {
  const template = new WidgetTemplate<Data>({ name: "Jinja", template: jinja });

  function issuesOf(data: unknown) {
    const result = template.safeBuild(data as Data);
    if (result.success) throw new Error("expected a failure");
    expect(result.error).toBeInstanceOf(WidgetDataError);
    expect((result.error as WidgetDataError).check).toBe("json");
    expect(template.validate(data as Data)).toEqual((result.error as WidgetDataError).issues);
    return (result.error as WidgetDataError).issues;
  }

  it("a cycle, by both ends", () => {
    expect(issuesOf(cyclic())).toEqual([
      {
        path: "data.a.self.back",
        message: "is the same object as data.a: the data is cyclic, which JSON cannot hold",
      },
    ]);
  });

  it("data nested 10,000 deep", () => {
    const [issue] = issuesOf(nested(10_000));
    expect(issue?.path).toBe("data");
    expect(issue?.message).toMatch(
      /^nests deeper than 1000 levels \(down to data\.a\.b\.b\.b\.b\.b\.b\.b… \(1000 levels\)\)/,
    );
  });

  it("data nested as deep as allowed still renders", () => {
    expect(template.safeBuild(nested(MAX_DATA_DEPTH - 3)).success).toBe(true);
  });

  it("a getter, a toJSON or a proxy that throws", () => {
    expect(issuesOf(throwingGetter())).toEqual([
      { path: "data.a.b", message: "reading it threw: getter exploded" },
    ]);
    expect(issuesOf(throwingToJSON())).toEqual([
      { path: "data.a", message: "its toJSON() threw: toJSON exploded" },
    ]);
    expect(issuesOf(throwingProxy())).toEqual([
      { path: "data.a", message: "reading its toJSON threw: get exploded" },
    ]);
  });

  it("a BigInt", () => {
    expect(issuesOf({ a: { b: [1, 2n] } })).toEqual([
      {
        path: "data.a.b[1]",
        message: "is a BigInt, which JSON cannot hold: convert it to a number or a string",
      },
    ]);
  });

  it("data that overflows the stack inside a zod schema", () => {
    const zod = templates[3]?.[1] as WidgetTemplate<Data>;
    const result = zod.safeBuild(nested(10_000));
    expect(!result.success && result.error instanceof WidgetDataError && result.error.issues).toEqual([
      { path: "data", message: "is nested too deep, or cyclic: reading it overflowed the stack" },
    ]);
  });

  it("data that is not an object", () => {
    for (const [data, found] of [
      ["text", "a string"],
      [42, "a number"],
      [[1], "an array"],
    ] as const) {
      expect(issuesOf(data)).toEqual([
        { path: "data", message: `must be an object (or have a toJSON() that returns one), got ${found}` },
      ]);
    }
  });

  it("while functions and symbols vanish as in JSON.stringify", () => {
    const result = template.safeBuild({ a: { b: "kept", f: () => 1, s: Symbol("x"), list: [() => 1] } });
    expect(result.success && result.widget).toEqual({
      type: "Card",
      children: [
        // The function in the list became null, which build then drops like every null.
        { type: "Text", value: { b: "kept", list: [] } },
        { type: "Caption", value: "kept" },
      ],
    });
  });
});
