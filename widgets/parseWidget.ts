import type { z } from "zod";

import { WidgetRootError, type WidgetErrorContext } from "./errors";
import { WIDGET_ROOT_TYPES, WidgetRootSchema, type WidgetRoot } from "./components";
import { describeJsonValue, formatJsonPath, isJsonObject } from "./json";

/** Messages list this many issues at most, so one broken loop does not print a thousand lines. */
const MAX_LISTED_ISSUES = 10;

const ROOT_TYPES: ReadonlySet<string> = new Set(WIDGET_ROOT_TYPES);

/**
 * Checks that `value` is a widget root (`Card`, `ListView` or `Basic`) with
 * valid props, and returns it parsed. Unknown props and unknown component
 * types nested in `children` are kept (see `widgets/components.ts`).
 *
 * @param value Usually a freshly built widget, after `dropNulls`.
 * @param context Names the widget and file in the error, when known.
 * @return The checked root (nested components may be `value`'s own objects, not copies).
 * @throws {WidgetRootError} `found` names what `value` is instead (`type "Text"`, `an array`, `a string`), or
 * `type "Card"` when the root's props are invalid, with each issue's path in the message.
 */
export function parseWidgetRoot(value: unknown, context: WidgetErrorContext = {}): WidgetRoot {
  const type = isJsonObject(value) ? value["type"] : undefined;
  if (typeof type !== "string" || !ROOT_TYPES.has(type)) {
    throw new WidgetRootError(context, describeJsonValue(value));
  }
  const result = WidgetRootSchema.safeParse(value);
  if (result.success) return result.data;
  throw new WidgetRootError(
    context,
    describeJsonValue(value),
    `the ${type} has invalid props (fix the template or the data that fills them):\n${formatIssues(result.error.issues)}`,
  );
}

/** Whether `value` is a widget root with valid props; the same check as `parseWidgetRoot`, without the copy or the error. */
export function isWidgetRoot(value: unknown): value is WidgetRoot {
  return WidgetRootSchema.safeParse(value).success;
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const path = formatJsonPath(issue.path);
    return `  ${path === "" ? "(root)" : path}: ${issue.message}`;
  });
  if (issues.length > MAX_LISTED_ISSUES) lines.push(`  ...and ${issues.length - MAX_LISTED_ISSUES} more`);
  return lines.join("\n");
}
