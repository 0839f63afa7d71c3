/** Compiling: parse, check what Jinja2 checks at compile time, instrument. */
import type { TemplatePosition } from "../../errors";
import {
  guard,
  ITERATE,
  ITERATE_PAIRS,
  OUTPUT,
  type Program,
  scope,
  type Statement,
  STRICT,
  view,
} from "./library";
import { JINJA2_FILTERS, JINJA2_TESTS, OWN_FILTERS } from "./filters";
import { CONSTANTS } from "./globals";
import { SourceMap } from "./sourceMap";

export class CompileError extends Error {
  constructor(
    message: string,
    readonly position: () => TemplatePosition,
  ) {
    super(message);
  }
}

/** Instruments a parsed template in place: guard nodes where the library's semantics differ from Jinja2's. */
export class Instrumenter {
  constructor(
    private readonly map: SourceMap,
    private readonly missing: ReadonlyMap<Statement[], readonly string[]>,
  ) {}

  block(body: Statement[], soft: boolean): Statement[] {
    return body.map((statement) => this.statement(statement, soft));
  }

  /** A block that gets its own variables, if it assigns any (a `for` body or a `{% set %}` block). */
  scopedBlock(body: Statement[]): Statement[] {
    const instrumented = this.block(body, false);
    return assignsVariables(body) ? [scope(instrumented, this.missing.get(body) ?? [])] : instrumented;
  }

  statement(statement: Statement, soft: boolean): Statement {
    const node = view(statement);
    switch (node.type) {
      case "If":
        node.test = this.expr(node.test, true);
        node.body = this.block(node.body, true);
        node.alternate = this.block(node.alternate, true);
        return statement;
      case "For": {
        const kind = view(node.loopvar).type === "TupleLiteral" ? ITERATE_PAIRS : ITERATE;
        const iterable = view(node.iterable);
        if (iterable.type === "SelectExpression") {
          iterable.lhs = guard(kind, this.expr(iterable.lhs, soft));
          iterable.test = this.expr(iterable.test, soft);
        } else {
          node.iterable = guard(kind, this.expr(node.iterable, soft));
        }
        node.body = this.scopedBlock(node.body);
        node.defaultBlock = this.block(node.defaultBlock, false);
        return statement;
      }
      case "Set": {
        if (node.value !== null) node.value = this.expr(node.value, soft);
        const assignee = view(node.assignee);
        if (assignee.type === "MemberExpression") assignee.object = this.expr(assignee.object, soft);
        node.body = this.scopedBlock(node.body);
        return statement;
      }
      case "Macro":
        node.args = node.args.map((arg) => this.expr(arg, soft));
        node.body = this.block(node.body, false);
        return statement;
      case "CallStatement":
        node.call.callee = guard(STRICT, this.expr(node.call.callee, soft));
        node.call.args = node.call.args.map((arg) => this.expr(arg, soft));
        node.body = this.block(node.body, false);
        return statement;
      case "FilterStatement":
        this.checkFilter(node.filter, soft);
        node.body = this.block(node.body, false);
        return statement;
      case "Break":
      case "Continue": {
        const tag = node.type.toLowerCase();
        throw new CompileError(
          `Encountered unknown tag '${tag}' (Jinja2 needs the loopcontrols extension for it, which is not enabled)`,
          () => this.map.tagPosition(tag),
        );
      }
      case "Comment":
      case "StringLiteral":
        return statement;
      default:
        return guard(OUTPUT, this.expr(statement, soft));
    }
  }

  expr(statement: Statement, soft: boolean): Statement {
    const node = view(statement);
    const each = (list: Statement[], isSoft = soft) => list.map((s) => this.expr(s, isSoft));
    switch (node.type) {
      case "MemberExpression":
        node.object = this.expr(node.object, soft);
        if (node.computed) node.property = this.expr(node.property, soft);
        return statement;
      case "CallExpression":
        node.callee = guard(STRICT, this.expr(node.callee, soft));
        node.args = each(node.args);
        return statement;
      case "BinaryExpression":
        node.left = this.expr(node.left, soft);
        node.right = this.expr(node.right, soft);
        return statement;
      case "UnaryExpression":
      case "SpreadExpression":
      case "KeywordSpreadExpression":
        node.argument = this.expr(node.argument, soft);
        return statement;
      case "FilterExpression": {
        const name = this.checkFilter(node.filter, soft);
        node.operand = this.expr(node.operand, soft);
        if (!OWN_FILTERS.has(name)) node.operand = guard(STRICT, node.operand);
        return statement;
      }
      case "TestExpression":
        if (!JINJA2_TESTS.has(node.test.value) && !soft) {
          throw new CompileError(`No test named '${node.test.value}'.`, () =>
            this.map.nodePosition(node.test),
          );
        }
        node.operand = this.expr(node.operand, soft);
        return statement;
      case "SliceExpression":
        if (node.start !== undefined) node.start = this.expr(node.start, soft);
        if (node.stop !== undefined) node.stop = this.expr(node.stop, soft);
        if (node.step !== undefined) node.step = this.expr(node.step, soft);
        return statement;
      case "SelectExpression":
        node.lhs = this.expr(node.lhs, true);
        node.test = this.expr(node.test, true);
        return statement;
      case "Ternary":
        node.condition = this.expr(node.condition, true);
        node.trueExpr = this.expr(node.trueExpr, true);
        node.falseExpr = this.expr(node.falseExpr, true);
        return statement;
      case "KeywordArgumentExpression":
        node.value = this.expr(node.value, soft);
        return statement;
      case "ArrayLiteral":
      case "TupleLiteral":
        node.value = each(node.value);
        return statement;
      case "ObjectLiteral":
        node.value = new Map([...node.value].map(([k, v]) => [this.expr(k, soft), this.expr(v, soft)]));
        return statement;
      default:
        return statement;
    }
  }

  /** Returns the filter's name; throws (outside `if`) for a filter Jinja2 does not have. Instruments its arguments. */
  private checkFilter(filter: Statement, soft: boolean): string {
    const node = view(filter);
    const nameNode = node.type === "CallExpression" ? node.callee : filter;
    const nameView = view(nameNode);
    const name = nameView.type === "Identifier" ? nameView.value : "";
    if (node.type === "CallExpression") node.args = node.args.map((arg) => this.expr(arg, soft));
    if (!JINJA2_FILTERS.has(name) && !soft) {
      throw new CompileError(`No filter named '${name}'.`, () => this.map.nodePosition(nameNode));
    }
    return name;
  }
}

/**
 * Jinja2 resolves names at compile time (its `idtracking`): every frame (the
 * template, a `for` body, a `{% set %}` block) has a local for each name it
 * reads or assigns at its own level, `if` branches included. A name whose
 * first use in the frame is an assignment, and that no enclosing frame knows,
 * starts out *missing*: until the assignment runs, reading it, from this
 * frame or from a loop nested in it, is undefined even when the data has the
 * name. Dynamic lookup would find the data; this finds those names.
 *
 * @return For each frame body that has any, the names it starts without.
 */
export function missingAtFrameStart(program: Program): Map<Statement[], string[]> {
  const result = new Map<Statement[], string[]>();
  const analyze = (body: Statement[], known: ReadonlySet<string>): void => {
    const first = new Map<string, "load" | "store" | "branch store">();
    const children: { body: Statement[]; params: string[] }[] = [];
    const load = (name: string) => void (first.has(name) || first.set(name, "load"));
    const store = (target: Statement, inBranch: boolean) => {
      for (const name of assignedNames(target))
        if (!first.has(name)) first.set(name, inBranch ? "branch store" : "store");
      const member = view(target);
      if (member.type === "MemberExpression") loadedNames(member.object, load); // `ns.attr = ...` reads `ns`
    };
    const statements = (list: readonly Statement[], inBranch: boolean): void => {
      for (const statement of list) {
        const node = view(statement);
        switch (node.type) {
          case "Set":
            if (node.value !== null) loadedNames(node.value, load);
            store(node.assignee, inBranch);
            if (node.value === null) children.push({ body: node.body, params: [] });
            break;
          case "If":
            loadedNames(node.test, load);
            statements(node.body, true);
            statements(node.alternate, true);
            break;
          case "For": {
            const iterable = view(node.iterable);
            loadedNames(iterable.type === "SelectExpression" ? iterable.lhs : node.iterable, load);
            children.push({ body: node.body, params: [...assignedNames(node.loopvar), "loop"] });
            children.push({ body: node.defaultBlock, params: [] });
            break;
          }
          case "Macro":
            if (!first.has(node.name.value)) first.set(node.name.value, inBranch ? "branch store" : "store");
            children.push({
              body: node.body,
              params: ["varargs", "kwargs", "caller", ...node.args.flatMap(assignedNames)],
            });
            break;
          case "CallStatement":
            loadedNames(node.call, load);
            children.push({ body: node.body, params: (node.callerArgs ?? []).flatMap(assignedNames) });
            break;
          case "FilterStatement":
            loadedNames(node.filter, load);
            children.push({ body: node.body, params: [] });
            break;
          case "Comment":
          case "Break":
          case "Continue":
            break;
          default:
            loadedNames(statement, load);
        }
      }
    };
    statements(body, false);
    const missing = [...first]
      .filter(([name, use]) => use === "store" && !known.has(name))
      .map(([name]) => name);
    if (missing.length > 0) result.set(body, missing);
    const inner = new Set([...known, ...first.keys()]);
    for (const child of children) analyze(child.body, new Set([...inner, ...child.params]));
  };
  analyze(program.body, new Set());
  return result;
}

/** The names an assignment target (or a macro parameter) binds: `x`, `a, b`, `x=default`; none for `ns.attr`. */
function assignedNames(target: Statement): string[] {
  const node = view(target);
  if (node.type === "Identifier") return [node.value];
  if (node.type === "TupleLiteral") return node.value.flatMap(assignedNames);
  if (node.type === "KeywordArgumentExpression") return [node.key.value];
  return [];
}

/** Calls `load` for every variable an expression reads (not attribute, filter, test or keyword names). */
function loadedNames(statement: Statement, load: (name: string) => void): void {
  const node = view(statement);
  const each = (list: readonly (Statement | null | undefined)[]) => {
    for (const item of list) if (item !== null && item !== undefined) loadedNames(item, load);
  };
  switch (node.type) {
    case "Identifier":
      if (!CONSTANTS.has(node.value)) load(node.value);
      return;
    case "MemberExpression":
      return each(node.computed ? [node.object, node.property] : [node.object]);
    case "CallExpression":
      return each([node.callee, ...node.args]);
    case "BinaryExpression":
      return each([node.left, node.right]);
    case "UnaryExpression":
    case "SpreadExpression":
    case "KeywordSpreadExpression":
      return each([node.argument]);
    case "FilterExpression": {
      const filter = view(node.filter);
      return each([node.operand, ...(filter.type === "CallExpression" ? filter.args : [])]);
    }
    case "TestExpression":
      return each([node.operand]);
    case "SliceExpression":
      return each([node.start, node.stop, node.step]);
    case "SelectExpression":
      return each([node.lhs, node.test]);
    case "Ternary":
      return each([node.condition, node.trueExpr, node.falseExpr]);
    case "KeywordArgumentExpression":
      return each([node.value]);
    case "ArrayLiteral":
    case "TupleLiteral":
      return each(node.value);
    case "ObjectLiteral":
      return each([...node.value].flat());
    default:
      return;
  }
}

/** Whether a block assigns variables at its own level (an `if` inside it does not make a new scope). */
function assignsVariables(body: readonly Statement[]): boolean {
  return body.some((statement) => {
    const node = view(statement);
    if (node.type === "Set") return view(node.assignee).type !== "MemberExpression";
    if (node.type === "If") return assignsVariables(node.body) || assignsVariables(node.alternate);
    return node.type === "Macro";
  });
}

/** Where a lexer error is: the first tag that fails to tokenize on its own. */
