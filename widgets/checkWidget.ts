import {
  childrenRuleFor,
  schemaForType,
  WIDGET_ROOT_TYPES,
  type ChildrenRule,
  type ComponentSchema,
} from "./components";
import { formatJsonPath, isJsonObject } from "./json";

/** What kind of problem a warning reports. */
export type WidgetWarningCode =
  /** A prop the component's published type does not have (often a typo, or a prop newer than this library). */
  | "unknown_prop"
  /** A component `type` this library does not know. */
  | "unknown_component"
  /** A known prop with a value of the wrong type, a missing required prop, or a child in the wrong place. */
  | "invalid_prop"
  /** Asked for a root (`{ root: true }`), found something that is not a `Card`, `ListView` or `Basic`. */
  | "not_root";

export interface CheckWidgetConfig {
  /** The value must be a widget root (`Card`, `ListView` or `Basic`), as what a template renders must. Default: false. */
  readonly root?: boolean;
}

const ROOT_TYPES: ReadonlySet<string> = new Set(WIDGET_ROOT_TYPES);

export interface WidgetWarning {
  readonly code: WidgetWarningCode;
  /** Where, written as `children[2].children[0].colour`; empty for the value itself. */
  readonly path: string;
  readonly message: string;
}

/**
 * Reports what a strict reader of the widget would object to, without
 * rejecting or changing anything: unknown props and component types (which
 * parsing deliberately keeps) and invalid props. It walks the whole tree,
 * so one call lists every problem, each with its path.
 *
 * Use it in tests and tooling (`chatkit-rx check`), where a typo such as
 * `colour` should be seen; use `parseWidgetRoot` where a widget must be
 * valid to go on.
 *
 * @param value Any widget node, usually a root.
 * @param config `root: true` also reports a value that is not a widget root.
 * @return The warnings in document order; empty when the widget is clean.
 */
export function checkWidget(value: unknown, config: CheckWidgetConfig = {}): WidgetWarning[] {
  const warnings: WidgetWarning[] = [];
  if (config.root === true) {
    const type = isJsonObject(value) ? value["type"] : undefined;
    if (typeof type !== "string" || !ROOT_TYPES.has(type)) {
      const found = typeof type === "string" ? `a ${type}` : "no component";
      warn(warnings, "not_root", [], `expected a widget root (Card, ListView or Basic), found ${found}`);
    }
  }
  checkNode(value, [], warnings);
  return warnings;
}

type Path = readonly (string | number)[];

function checkNode(node: unknown, path: Path, warnings: WidgetWarning[]): void {
  if (!isJsonObject(node) || typeof node["type"] !== "string") {
    warn(warnings, "invalid_prop", path, 'expected a component: an object with a string "type"');
    return;
  }
  const type = node["type"];
  const schema = schemaForType(type);
  if (schema === undefined) {
    warn(
      warnings,
      "unknown_component",
      path,
      `unknown component type ${JSON.stringify(type)}; it is kept as is`,
    );
    // Its children may well be known components: check those too.
    if (Array.isArray(node["children"])) {
      node["children"].forEach((child, index) => checkNode(child, [...path, "children", index], warnings));
    } else if (isJsonObject(node["children"])) {
      checkNode(node["children"], [...path, "children"], warnings);
    }
    return;
  }
  checkProps(type, node, schema, path, warnings);
  const rule = childrenRuleFor(type);
  if (rule !== undefined) checkChildren(type, node, rule, path, warnings);
}

function checkProps(
  type: string,
  node: Record<string, unknown>,
  schema: ComponentSchema,
  path: Path,
  warnings: WidgetWarning[],
): void {
  const knownProps = Object.keys(schema.shape);
  for (const prop of Object.keys(node)) {
    if (Object.hasOwn(schema.shape, prop)) continue;
    const suggestion = closest(prop, knownProps);
    warn(
      warnings,
      "unknown_prop",
      [...path, prop],
      `${type} has no prop "${prop}"` + (suggestion === undefined ? "" : `; did you mean "${suggestion}"?`),
    );
  }
  const result = propsSchema(type, schema).safeParse(node);
  if (result.success) return;
  for (const issue of result.error.issues) {
    warn(
      warnings,
      "invalid_prop",
      [...path, ...(issue.path as (string | number)[])],
      `${type}: ${issue.message}`,
    );
  }
}

function checkChildren(
  type: string,
  node: Record<string, unknown>,
  rule: ChildrenRule,
  path: Path,
  warnings: WidgetWarning[],
): void {
  const children = node["children"];
  const childrenPath = [...path, "children"];
  if (children === undefined) {
    if (rule.required)
      warn(warnings, "invalid_prop", childrenPath, `${type} needs children: ${rule.expected}`);
    return;
  }
  if (!rule.list) {
    checkChild(type, children, rule, childrenPath, warnings);
    return;
  }
  if (!Array.isArray(children)) {
    warn(warnings, "invalid_prop", childrenPath, `${type}: children must be an array of ${plural(rule)}`);
    return;
  }
  children.forEach((child, index) => checkChild(type, child, rule, [...childrenPath, index], warnings));
}

function checkChild(
  parentType: string,
  child: unknown,
  rule: ChildrenRule,
  path: Path,
  warnings: WidgetWarning[],
): void {
  if (isJsonObject(child)) {
    const type = child["type"];
    if (typeof type === "string" && schemaForType(type) !== undefined && !rule.allowedTypes.has(type)) {
      warn(
        warnings,
        "invalid_prop",
        path,
        `a ${type} cannot be a child of ${parentType}; expected ${rule.expected}`,
      );
      // Still check it, so its own problems are not hidden behind this one.
    }
  }
  checkNode(child, path, warnings);
}

const propsSchemas = new Map<string, ComponentSchema>();

/** The component's schema without `children`, which `checkChildren` walks itself so each child gets its own warnings. */
function propsSchema(type: string, schema: ComponentSchema): ComponentSchema {
  let props = propsSchemas.get(type);
  if (props === undefined) {
    props = Object.hasOwn(schema.shape, "children") ? schema.omit({ children: true }) : schema;
    propsSchemas.set(type, props);
  }
  return props;
}

function warn(warnings: WidgetWarning[], code: WidgetWarningCode, path: Path, message: string): void {
  warnings.push({ code, path: formatJsonPath(path), message });
}

function plural(rule: ChildrenRule): string {
  return rule.expected.replace(/^an? /, "") + "s";
}

/** The known prop nearest to a misspelt one (at most two edits away, ignoring case), to suggest in the message. */
function closest(prop: string, knownProps: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const known of knownProps) {
    const distance = editDistance(prop.toLowerCase(), known.toLowerCase());
    if (distance < bestDistance) {
      best = known;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
