import type { z } from "zod";

import { ChatKitRequestError, type RequestIssue } from "../errors";
import { quoteExcerpt } from "../excerpt";
import { ChatKitRequestSchema, type ChatKitRequest } from "./requests";

/**
 * How deeply a request's JSON may nest. ChatKit's own requests nest a dozen
 * levels at most; anything far deeper is an attack on the recursive code
 * downstream (`structuredClone`, a store's serialiser), refused before it
 * reaches any of it.
 */
export const MAX_REQUEST_DEPTH = 64;

const KNOWN_TYPES: readonly string[] = ChatKitRequestSchema.options.map((option) => option.shape.type.value);

/** `params.input.content[0].text` from a zod or depth path. */
export function fieldOf(path: readonly PropertyKey[]): string {
  return path
    .map((key) => (typeof key === "number" ? `[${key}]` : String(key)))
    .join(".")
    .replaceAll(".[", "[");
}

function issuesOf(error: z.ZodError): RequestIssue[] {
  return error.issues.map((issue) => ({ field: fieldOf(issue.path), message: issue.message }));
}

/** A step of the path to a nested value, linked to its parent so the walk copies no arrays. */
interface PathStep {
  readonly key: string | number;
  readonly parent: PathStep | undefined;
}

function pathOf(step: PathStep | undefined): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at = step; at !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * The path to the first value nested deeper than `max` levels, or
 * `undefined`. Iterative, so a hostile depth cannot overflow the stack here.
 */
export function tooDeepAt(value: unknown, max: number = MAX_REQUEST_DEPTH): (string | number)[] | undefined {
  const stack: [unknown, number, PathStep | undefined][] = [[value, 0, undefined]];
  while (stack.length > 0) {
    const [node, depth, step] = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth >= max) return pathOf(step);
    if (Array.isArray(node)) {
      for (let index = node.length - 1; index >= 0; index--)
        stack.push([node[index], depth + 1, { key: index, parent: step }]);
    } else {
      for (const key of Object.keys(node))
        stack.push([(node as Record<string, unknown>)[key], depth + 1, { key, parent: step }]);
    }
  }
  return undefined;
}

function refuse(message: string, field?: string, issues?: RequestIssue[]): ChatKitRequestError {
  return new ChatKitRequestError({ status: 400, code: "invalid_request", message, field, issues });
}

/**
 * One request body (text, bytes, or JSON already parsed) checked against
 * the protocol's request union. Throws a {@link ChatKitRequestError} (400)
 * naming the field at fault; its message quotes the input only in excerpts.
 */
export function parseRequest(body: unknown): ChatKitRequest {
  let json: unknown = body;
  if (typeof body === "string" || body instanceof Uint8Array) {
    const text = typeof body === "string" ? body : new TextDecoder().decode(body);
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ChatKitRequestError({
        status: 400,
        code: "invalid_json",
        message: `the body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw refuse('the body must be a JSON object with a string "type"', "type");
  }
  const deep = tooDeepAt(json);
  if (deep !== undefined) {
    const field = fieldOf(deep);
    throw refuse(`${field}: the request nests deeper than ${MAX_REQUEST_DEPTH} levels`, field);
  }
  const type = (json as { type?: unknown }).type;
  if (typeof type !== "string" || !KNOWN_TYPES.includes(type)) {
    throw refuse(
      `unknown request type ${quoteExcerpt(type)}; expected one of ${KNOWN_TYPES.join(", ")}`,
      "type",
    );
  }
  const result = ChatKitRequestSchema.safeParse(json);
  if (!result.success) {
    const issues = issuesOf(result.error);
    throw refuse(
      `invalid ${type} request: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join("; ")}`,
      issues[0]?.field,
      issues,
    );
  }
  return result.data;
}
