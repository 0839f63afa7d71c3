/** Positions: the library's tokens carry none, so they are found again in the source. */
import type { TemplatePosition } from "../../errors";
import {
  ITERATE,
  ITERATE_PAIRS,
  OUTPUT,
  type Program,
  SCOPE,
  type Statement,
  STRICT,
  type Token,
  view,
} from "./library";

export class SourceMap {
  private lineStarts: number[] | undefined;
  private identifiers: Map<Statement, number> | undefined;
  private offsets: number[] | undefined;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
    private readonly program: Program | undefined,
  ) {}

  position(offset: number): TemplatePosition {
    this.lineStarts ??= lineStarts(this.source);
    let line = 0;
    while (line + 1 < this.lineStarts.length && (this.lineStarts[line + 1] ?? Infinity) <= offset) line++;
    return { line: line + 1, column: offset - (this.lineStarts[line] ?? 0) + 1 };
  }

  tokenPosition(index: number): TemplatePosition {
    this.offsets ??= tokenOffsets(this.source, this.tokens);
    // Past the end (an unclosed block), Jinja2 reports where the last token starts.
    const offset = this.offsets[Math.min(index, this.tokens.length - 1)];
    return offset === undefined ? {} : this.position(offset);
  }

  /** Where an expression starts: its first identifier, matched to the identifier tokens in source order. */
  nodePosition(statement: Statement | undefined): TemplatePosition {
    if (statement === undefined || this.program === undefined) return {};
    this.identifiers ??= matchIdentifiers(this.program, this.tokens);
    const first = firstIdentifier(statement);
    const index = first === undefined ? undefined : this.identifiers.get(first);
    return index === undefined ? {} : this.tokenPosition(index);
  }

  /** The first `{% name %}` tag, for errors about a tag (which has no identifier node). */
  tagPosition(name: string): TemplatePosition {
    const index = this.tokens.findIndex(
      (token, i) =>
        token.type === "Identifier" && token.value === name && this.tokens[i - 1]?.type === "OpenStatement",
    );
    return index < 0 ? {} : this.tokenPosition(index - 1);
  }
}

function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = source.indexOf("\n"); i >= 0; i = source.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** Each token's offset in the source, scanning forward; stops (leaving later tokens unknown) if one is not found. */
function tokenOffsets(source: string, tokens: readonly Token[]): number[] {
  const offsets: number[] = [];
  let cursor = 0;
  for (const token of tokens) {
    let at: number;
    let end: number;
    if (token.type === "StringLiteral") {
      at = cursor;
      while (at < source.length && source[at] !== '"' && source[at] !== "'") at++;
      const quote = source[at];
      end = at + 1;
      while (end < source.length && source[end] !== quote) end += source[end] === "\\" ? 2 : 1;
      end++;
    } else if (token.type === "Comment") {
      at = source.indexOf("{#", cursor);
      end = source.indexOf("#}", at + 2) + 2;
    } else {
      at = source.indexOf(token.value, cursor);
      end = at + token.value.length;
    }
    if (at < 0 || at >= source.length) break;
    offsets.push(at);
    cursor = end;
  }
  return offsets;
}

/** Identifier tokens the parser consumes as keywords, without making an `Identifier` node. */
const KEYWORDS = new Set(["in", "not", "and", "or", "is", "if", "else"]);

function matchIdentifiers(program: Program, tokens: readonly Token[]): Map<Statement, number> {
  const tokenIndexes: number[] = [];
  tokens.forEach((token, i) => {
    if (
      token.type === "Identifier" &&
      !KEYWORDS.has(token.value) &&
      tokens[i - 1]?.type !== "OpenStatement"
    ) {
      tokenIndexes.push(i);
    }
  });
  const nodes: Statement[] = [];
  walkInSourceOrder(program, (statement) => {
    if (view(statement).type === "Identifier") nodes.push(statement);
  });
  const matched = new Map<Statement, number>();
  if (nodes.length !== tokenIndexes.length) return matched; // the walk and the tokens disagree: no positions
  for (let i = 0; i < nodes.length; i++) {
    const statement = nodes[i];
    const index = tokenIndexes[i];
    if (statement === undefined || index === undefined) return new Map();
    const node = view(statement);
    if (node.type !== "Identifier" || tokens[index]?.value !== node.value) return new Map();
    matched.set(statement, index);
  }
  return matched;
}

function firstIdentifier(statement: Statement): Statement | undefined {
  let first: Statement | undefined;
  walkInSourceOrder(statement, (s) => {
    if (first === undefined && view(s).type === "Identifier") first = s;
  });
  return first;
}

/** Visits every node in the order its tokens appear in the source (a ternary's true branch comes first). */
export function walkInSourceOrder(
  statement: Statement | null | undefined,
  visit: (statement: Statement) => void,
): void {
  if (statement === null || statement === undefined) return;
  visit(statement);
  const all = (list: readonly Statement[] | null | undefined) =>
    list?.forEach((s) => walkInSourceOrder(s, visit));
  const node = view(statement);
  switch (node.type) {
    case "Program":
      return all(node.body);
    case "If":
      walkInSourceOrder(node.test, visit);
      all(node.body);
      return all(node.alternate);
    case "For":
      walkInSourceOrder(node.loopvar, visit);
      walkInSourceOrder(node.iterable, visit);
      all(node.body);
      return all(node.defaultBlock);
    case "Set":
      walkInSourceOrder(node.assignee, visit);
      walkInSourceOrder(node.value, visit);
      return all(node.body);
    case "Macro":
      walkInSourceOrder(node.name, visit);
      all(node.args);
      return all(node.body);
    case "CallStatement":
      all(node.callerArgs);
      walkInSourceOrder(node.call, visit);
      return all(node.body);
    case "FilterStatement":
      walkInSourceOrder(node.filter, visit);
      return all(node.body);
    case "MemberExpression":
      walkInSourceOrder(node.object, visit);
      return walkInSourceOrder(node.property, visit);
    case "CallExpression":
      walkInSourceOrder(node.callee, visit);
      return all(node.args);
    case "BinaryExpression":
      walkInSourceOrder(node.left, visit);
      return walkInSourceOrder(node.right, visit);
    case "FilterExpression":
      walkInSourceOrder(node.operand, visit);
      return walkInSourceOrder(node.filter, visit);
    case "TestExpression":
      walkInSourceOrder(node.operand, visit);
      return walkInSourceOrder(node.test, visit);
    case "UnaryExpression":
    case "SpreadExpression":
    case "KeywordSpreadExpression":
      return walkInSourceOrder(node.argument, visit);
    case "SliceExpression":
      walkInSourceOrder(node.start, visit);
      walkInSourceOrder(node.stop, visit);
      return walkInSourceOrder(node.step, visit);
    case "SelectExpression":
      walkInSourceOrder(node.lhs, visit);
      return walkInSourceOrder(node.test, visit);
    case "Ternary":
      walkInSourceOrder(node.trueExpr, visit);
      walkInSourceOrder(node.condition, visit);
      return walkInSourceOrder(node.falseExpr, visit);
    case "KeywordArgumentExpression":
      walkInSourceOrder(node.key, visit);
      return walkInSourceOrder(node.value, visit);
    case "ArrayLiteral":
    case "TupleLiteral":
      return all(node.value);
    case "ObjectLiteral":
      for (const [key, value] of node.value) {
        walkInSourceOrder(key, visit);
        walkInSourceOrder(value, visit);
      }
      return;
    case OUTPUT:
    case STRICT:
    case ITERATE:
    case ITERATE_PAIRS:
      return walkInSourceOrder(node.expr, visit);
    case SCOPE:
      return walkInSourceOrder(node.block, visit);
    default:
      return;
  }
}
