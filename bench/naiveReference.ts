/**
 * The baseline of the streaming benchmark (W1): the reference SDK's
 * algorithm, written the naive way its ports write it, so that our figures
 * are ratios against something real rather than absolute claims.
 *
 * Per token it renders the template anew (compiled once, as the reference's
 * `WidgetTemplate` does, with `@huggingface/jinja`), parses the JSON, decides
 * whether the whole root must be replaced by comparing every prop as JSON
 * text, finds the streaming texts by walking both trees, checks each grown
 * text with `startsWith`, and serialises each event on its own.
 *
 * Deliberately unoptimised; it is never used outside `bench/`.
 */
/** `@huggingface/jinja`'s `Template`; its ESM typings do not resolve from this CommonJS package (see the engine). */
interface LibraryTemplate {
  render(data: Record<string, unknown>): string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see LibraryTemplate
const { Template } = require("@huggingface/jinja") as { Template: new (source: string) => LibraryTemplate };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Node = { [key: string]: Json };

const isNode = (value: Json | undefined): value is Node =>
  typeof value === "object" && value !== null && !Array.isArray(value) && typeof value["type"] === "string";

const isStreamingText = (node: Node): boolean =>
  (node["type"] === "Text" || node["type"] === "Markdown") &&
  typeof node["id"] === "string" &&
  typeof node["value"] === "string";

/** Whether `after` cannot be reached from `before` by text deltas: the reference's `full_replace`. */
function fullReplace(before: Node, after: Node): boolean {
  if (before["type"] !== after["type"] || before["id"] !== after["id"]) return true;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    const a = before[key];
    const b = after[key];
    if (key === "children") {
      if (Array.isArray(a) && Array.isArray(b)) {
        if (a.length !== b.length) return true;
        for (let i = 0; i < a.length; i++) {
          const x = a[i];
          const y = b[i];
          if (isNode(x) && isNode(y) ? fullReplace(x, y) : JSON.stringify(x) !== JSON.stringify(y))
            return true;
        }
        continue;
      }
      if (isNode(a) && isNode(b)) {
        if (fullReplace(a, b)) return true;
        continue;
      }
    }
    if (key === "value" && isStreamingText(before) && isStreamingText(after)) {
      if (!(b as string).startsWith(a as string)) return true;
      continue;
    }
    if (key === "streaming" && isStreamingText(before) && a === true) continue;
    if (JSON.stringify(a) !== JSON.stringify(b)) return true;
  }
  return false;
}

function streamingTexts(node: Node, found: Map<string, Node>): Map<string, Node> {
  if (isStreamingText(node)) found.set(node["id"] as string, node);
  const children = node["children"];
  if (Array.isArray(children)) for (const child of children) if (isNode(child)) streamingTexts(child, found);
  if (isNode(children)) streamingTexts(children, found);
  return found;
}

/** The reference's `diff_widget`: a root replacement, or one delta per grown streaming text. */
function naiveDiff(before: Node, after: Node): Json[] {
  if (fullReplace(before, after)) return [{ type: "widget.root.updated", widget: after }];
  const beforeTexts = streamingTexts(before, new Map());
  const updates: Json[] = [];
  for (const [id, node] of streamingTexts(after, new Map())) {
    const old = beforeTexts.get(id);
    if (old === undefined) return [{ type: "widget.root.updated", widget: after }];
    const value = node["value"] as string;
    const oldValue = old["value"] as string;
    const done = node["streaming"] !== true;
    if (value !== oldValue || (done && old["streaming"] === true)) {
      updates.push({
        type: "widget.streaming_text.value_delta",
        component_id: id,
        delta: value.slice(oldValue.length),
        done,
      });
    }
  }
  return updates;
}

const frame = (event: Json): string => `data: ${JSON.stringify(event)}\n\n`;

/**
 * The SSE frames of a widget item streamed the naive way: `added` with the
 * first state, one `updated` per update of each later state, `done` with
 * the last. Same ids and timestamps as the library's cases, so the output
 * checks alike.
 */
export function naiveStreamFrames(
  source: string,
  states: readonly object[],
  ids: { readonly thread: string; readonly item: string },
): string[] {
  const frames: string[] = [];
  const item = { type: "widget", id: ids.item, thread_id: ids.thread, created_at: new Date(0).toISOString() };
  const template = new Template(source);
  let before: Node | undefined;
  for (const data of states) {
    const widget = JSON.parse(template.render(data as Record<string, unknown>)) as Node;
    if (before === undefined) {
      frames.push(frame({ type: "thread.item.added", item: { ...item, widget } }));
    } else {
      for (const update of naiveDiff(before, widget)) {
        frames.push(frame({ type: "thread.item.updated", item_id: ids.item, update }));
      }
    }
    before = widget;
  }
  if (before !== undefined) {
    frames.push(frame({ type: "thread.item.done", item: { ...item, widget: before } }));
  }
  return frames;
}
