import { of } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { z } from "zod";

import { ActionPayloadError, ChatKitRxError } from "../../../lib/errors";
import { ofActionType, type TypedAction } from "../../../lib/server/ofActionType";
import type { Action } from "../../../lib/server/requests";

/** Compile-time check: fails to type-check unless `A` and `B` are the same type. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | undefined {
  return undefined;
}

const TodoSchema = z.object({
  title: z.string().min(1),
  done: z.boolean().default(false),
});

describe("ofActionType", () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  const save = (title: unknown): Action => ({ type: "todo.save", payload: { title } });
  const other: Action = { type: "todo.delete", payload: { id: "1" } };

  it("keeps the actions of its type with the parsed payload, and drops the others", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Action>("-a-b-c-|", {
        a: save("Milk"),
        b: other,
        c: { type: "todo.save", payload: { title: "Eggs", done: true }, handler: "server" },
      });
      const subs = "                ^------!";
      expectObservable(source.pipe(ofActionType("todo.save", TodoSchema))).toBe("-A---C-|", {
        A: { type: "todo.save", payload: { title: "Milk", done: false } },
        C: { type: "todo.save", payload: { title: "Eggs", done: true }, handler: "server" },
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it("mirrors never", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Action>("-");
      expectObservable(source.pipe(ofActionType("todo.save", TodoSchema))).toBe("-");
      expectSubscriptions(source.subscriptions).toBe("^");
    });
  });

  it("completes at once for an empty source", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Action>("|");
      expectObservable(source.pipe(ofActionType("todo.save", TodoSchema))).toBe("|");
      expectSubscriptions(source.subscriptions).toBe("(^!)");
    });
  });

  it("emits one matching action", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold<Action>("-a|", { a: save("Milk") });
      expectObservable(source.pipe(ofActionType("todo.save", TodoSchema))).toBe("-A|", {
        A: { type: "todo.save", payload: { title: "Milk", done: false } },
      });
    });
  });

  it("emits nothing but completion when no action has its type", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Action>("-a-b|", { a: other, b: { type: "todo.saved" } });
      expectObservable(source.pipe(ofActionType("todo.save", TodoSchema))).toBe("----|");
      expectSubscriptions(source.subscriptions).toBe("^---!");
    });
  });

  it("strips unknown payload keys (zod's output) and keeps the action's other fields", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold<Action>("-a|", {
        a: { type: "todo.save", payload: { title: "Milk", extra: 1 }, loadingBehavior: "self" },
      });
      expectObservable(source.pipe(ofActionType("todo.save", TodoSchema))).toBe("-A|", {
        A: { type: "todo.save", payload: { title: "Milk", done: false }, loadingBehavior: "self" },
      });
    });
  });

  it("parses a missing payload as {}", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold<Action>("-a|", { a: { type: "ping" } });
      const schema = z.object({ n: z.number().default(1) });
      expectObservable(source.pipe(ofActionType("ping", schema))).toBe("-A|", {
        A: { type: "ping", payload: { n: 1 } },
      });
    });
  });

  it("errors with an ActionPayloadError for a payload that fails the schema, and unsubscribes", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Action>("-a-x-b-|", { a: save("Milk"), x: save(""), b: save("Eggs") });
      const parsed = TodoSchema.safeParse({ title: "" });
      const message = parsed.success ? "" : (parsed.error.issues[0]?.message ?? "");
      expect(message).not.toBe("");
      // Jest compares errors by class and message, so this checks the field and zod's message.
      const error = new ActionPayloadError("todo.save", [{ field: "payload.title", message }]);
      expectObservable(source.pipe(ofActionType("todo.save", TodoSchema))).toBe(
        "-A-#",
        { A: { type: "todo.save", payload: { title: "Milk", done: false } } },
        error,
      );
      expectSubscriptions(source.subscriptions).toBe("^--!");
    });
  });

  it("reports every issue, with its payload path, as data", () => {
    const errors: unknown[] = [];
    const schema = z.object({ title: z.string(), tags: z.array(z.string()) });
    of<Action>({ type: "todo.save", payload: { title: 1, tags: ["a", 2] } })
      .pipe(ofActionType("todo.save", schema))
      .subscribe({ error: (error: unknown) => errors.push(error) });
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error).toBeInstanceOf(ActionPayloadError);
    expect(error).toBeInstanceOf(ChatKitRxError);
    if (!(error instanceof ActionPayloadError)) throw new Error("unreachable");
    expect(error.name).toBe("ActionPayloadError");
    expect(error.actionType).toBe("todo.save");
    expect(error.issues.map((issue) => issue.field)).toEqual(["payload.title", "payload.tags.1"]);
    for (const issue of error.issues) expect(issue.message).toEqual(expect.any(String));
    expect(error.message).toContain('action "todo.save"');
    expect(error.message).toContain("payload.title");
  });

  it("checks the payload only of actions of its type", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold<Action>("-a-b|", {
        a: { type: "todo.delete", payload: { title: 42 } },
        b: save("x"),
      });
      expectObservable(source.pipe(ofActionType("todo.save", TodoSchema))).toBe("---B|", {
        B: { type: "todo.save", payload: { title: "x", done: false } },
      });
    });
  });

  it("forwards a source error after the actions so far", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = new Error("socket closed");
      const source = cold<Action>("-a-b#", { a: save("Milk"), b: other }, error);
      expectObservable(source.pipe(ofActionType("todo.save", TodoSchema))).toBe(
        "-A--#",
        { A: { type: "todo.save", payload: { title: "Milk", done: false } } },
        error,
      );
      expectSubscriptions(source.subscriptions).toBe("^---!");
    });
  });

  it("unsubscribes from the source on early unsubscribe", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<Action>("-a-b-c-|", { a: save("A"), b: save("B"), c: save("C") });
      const unsub = "                ----!";
      expectObservable(source.pipe(ofActionType("todo.save", TodoSchema)), unsub).toBe("-A-B-", {
        A: { type: "todo.save", payload: { title: "A", done: false } },
        B: { type: "todo.save", payload: { title: "B", done: false } },
      });
      expectSubscriptions(source.subscriptions).toBe("^---!");
    });
  });

  it("errors the stream with the exception of a throwing schema refinement", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const boom = new Error("refinement crashed");
      const schema = z.object({ title: z.string() }).refine(() => {
        throw boom;
      });
      const source = cold<Action>("-a-b|", { a: other, b: save("x") });
      expectObservable(source.pipe(ofActionType("todo.save", schema))).toBe("---#", undefined, boom);
      expectSubscriptions(source.subscriptions).toBe("^--!");
    });
  });

  it("throws a TypeError at call time for a bad type or schema", () => {
    expect(() => ofActionType("", TodoSchema)).toThrow(TypeError);
    expect(() => ofActionType("", TodoSchema)).toThrow(/ofActionType: type must be a non-empty string/);
    expect(() => ofActionType(1 as unknown as string, TodoSchema)).toThrow(TypeError);
    expect(() => ofActionType("x", {} as unknown as z.ZodType)).toThrow(
      'ofActionType("x"): schema must be a zod schema',
    );
    expect(() => ofActionType("x", null as unknown as z.ZodType)).toThrow(TypeError);
  });

  it("narrows the action type and payload to the literal and zod's output (compile-time)", () => {
    const typed = of<Action>(save("Milk")).pipe(ofActionType("todo.save", TodoSchema));
    let seen: TypedAction<"todo.save", { title: string; done: boolean }> | undefined;
    typed.subscribe((action) => {
      assertType<Equals<typeof action.type, "todo.save">>();
      // `done` is the output type (boolean, the default applied), not the input (boolean | undefined).
      assertType<Equals<typeof action.payload, { title: string; done: boolean }>>();
      assertType<Equals<typeof action.payload, z.output<typeof TodoSchema>>>();
      // @ts-expect-error the payload has no such key
      void action.payload.extra;
      seen = action;
    });
    expect(seen).toEqual({ type: "todo.save", payload: { title: "Milk", done: false } });
  });
});
