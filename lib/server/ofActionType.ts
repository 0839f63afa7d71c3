import { filter, map, type OperatorFunction } from "rxjs";
import type { z } from "zod";

import type { Action } from "./requests";
import { ActionPayloadError } from "../errors";

/** An action whose `type` is `TType` and whose payload passed its schema. */
export type TypedAction<TType extends string, TPayload> = Omit<Action, "type" | "payload"> & {
  readonly type: TType;
  readonly payload: TPayload;
};

/**
 * Keeps the actions of one `type` and checks their payload, which came from
 * the browser, against a zod schema, so what follows is typed and safe.
 *
 * It's like redux-observable's `ofType`, but also validates: an action of
 * that type whose payload does not parse errors the stream with an
 * {@link ActionPayloadError} (which the server turns into an `error` event
 * the user sees) instead of handing unchecked data on. A payload is any
 * JSON value (a list, a bare string...); a missing or `null` one (the
 * reference client sends `null` for an action without a payload) is parsed
 * as `{}`, so an object schema with optional or defaulted fields takes both
 * spellings alike. The payload emitted is zod's output (defaults applied,
 * unknown keys stripped unless the schema keeps them).
 *
 * ```
 * source:  -a-b-x-|     a: { type: "todo.save", payload: { title: "Milk" } }, b: another type
 * result:  -A-----#     A: payload typed { title: string }; x fails the schema: ActionPayloadError
 * ```
 *
 * @example
 * ```ts
 * action(thread, action) {
 *   return of(action).pipe(
 *     ofActionType("todo.save", z.object({ title: z.string().min(1) })),
 *     mergeMap(({ payload }) => saveTodo(thread, payload.title)),
 *   );
 * }
 * ```
 *
 * @param type The action `type` to keep.
 * @param schema The schema of its payload.
 * @return An operator from actions to typed actions of that type.
 */
export function ofActionType<TType extends string, TSchema extends z.ZodType>(
  type: TType,
  schema: TSchema,
): OperatorFunction<Action, TypedAction<TType, z.output<TSchema>>> {
  if (typeof type !== "string" || type === "") {
    throw new TypeError(`ofActionType: type must be a non-empty string, got ${JSON.stringify(type)}`);
  }
  if (
    typeof schema !== "object" ||
    schema === null ||
    typeof (schema as { safeParse?: unknown }).safeParse !== "function"
  ) {
    throw new TypeError(`ofActionType("${type}"): schema must be a zod schema`);
  }
  return (source) =>
    source.pipe(
      filter((action) => action.type === type),
      map((action) => {
        const result = schema.safeParse(action.payload ?? {});
        if (!result.success) {
          throw new ActionPayloadError(
            type,
            result.error.issues.map((issue) => ({
              field: ["payload", ...issue.path.map(String)].join("."),
              message: issue.message,
            })),
          );
        }
        return { ...action, type, payload: result.data };
      }),
    );
}
