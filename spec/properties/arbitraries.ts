/**
 * fast-check arbitraries for widget trees and sequences of widget states,
 * shared by the property specs. States change the way servers change them:
 * text grows (mostly), but also shrinks, ids vanish, move and collide, props
 * change, children come and go, `Transition`s wrap and unwrap, unknown
 * components appear. Half of the sequences are built with immer (subtrees
 * shared between states), half as fresh JSON copies (nothing shared).
 */
import fc from "fast-check";
import { produce } from "immer";

import type { WidgetRoot } from "../../widgets/components";

type Json = Record<string, unknown>;

/** A small id pool, so duplicates, collisions and moves are frequent. */
export const idArb: fc.Arbitrary<string | undefined> = fc.option(
  fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h"),
  {
    nil: undefined,
    freq: 4,
  },
);

const withId = (node: Json, id: string | undefined): Json => (id === undefined ? node : { ...node, id });

/** Short text, including the characters JSON and SSE care about. */
export const textArb: fc.Arbitrary<string> = fc.string({
  unit: fc.constantFrom("a", "b", " ", "\n", '"', "\\", "é", "😀", "\u2028"),
  maxLength: 6,
});

/** A `Text` or `Markdown`, with or without id and `streaming`. */
export const streamingTextArb: fc.Arbitrary<Json> = fc
  .record({
    type: fc.constantFrom("Text", "Markdown"),
    id: idArb,
    value: textArb,
    streaming: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map(({ type, id, value, streaming }) =>
    withId({ type, value, ...(streaming === undefined ? {} : { streaming }) }, id),
  );

const leafArb: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: streamingTextArb },
  {
    weight: 1,
    arbitrary: fc
      .record({ id: idArb, value: textArb })
      .map(({ id, value }) => withId({ type: "Title", value }, id)),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ id: idArb, label: textArb, color: fc.constantFrom("info", "success") })
      .map(({ id, label, color }) => withId({ type: "Badge", label, color }, id)),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ id: idArb, knob: fc.jsonValue({ maxDepth: 1 }) })
      .map(({ id, knob }) =>
        withId({ type: "FutureLeaf", knob, onClickAction: { type: "x", payload: { id: "a" } } }, id),
      ),
  },
);

/** Any component subtree: leaves, boxes, unknown containers and (nested) `Transition`s. */
export const componentArb: fc.Arbitrary<Json> = fc.letrec<{ node: Json }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafArb,
    fc
      .record({
        type: fc.constantFrom("Box", "Col", "Row", "Fancy"),
        id: idArb,
        children: fc.array(tie("node"), { maxLength: 3 }),
        gap: fc.option(fc.nat(4), { nil: undefined }),
      })
      .map(({ type, id, children, gap }) =>
        withId({ type, children, ...(gap === undefined ? {} : { gap }) }, id),
      ),
    fc
      .record({ id: idArb, child: tie("node") })
      .map(({ id, child }) => withId({ type: "Transition", children: child }, id)),
  ),
})).node;

/** A widget root: a `Card`, a `Basic` or a `ListView` of `ListViewItem`s. */
export const widgetRootArb: fc.Arbitrary<WidgetRoot> = fc.oneof(
  fc
    .record({ id: idArb, children: fc.array(componentArb, { maxLength: 4 }) })
    .map(({ id, children }) => withId({ type: "Card", children }, id)),
  fc
    .record({ children: fc.array(componentArb, { maxLength: 4 }) })
    .map(({ children }) => ({ type: "Basic", children })),
  fc
    .record({
      items: fc.array(fc.record({ id: idArb, children: fc.array(componentArb, { maxLength: 2 }) }), {
        maxLength: 3,
      }),
    })
    .map(({ items }) => ({
      type: "ListView",
      children: items.map(({ id, children }) => withId({ type: "ListViewItem", children }, id)),
    })),
) as unknown as fc.Arbitrary<WidgetRoot>;

/** One change of a widget state. `at` picks the node (modulo the number of nodes). */
export type WidgetMutation =
  | { readonly kind: "grow"; readonly at: number; readonly text: string }
  | { readonly kind: "shrink"; readonly at: number; readonly by: number }
  | { readonly kind: "rewrite"; readonly at: number; readonly text: string }
  | { readonly kind: "streaming"; readonly at: number; readonly value: boolean | undefined }
  | { readonly kind: "id"; readonly at: number; readonly id: string | undefined }
  | { readonly kind: "prop"; readonly at: number; readonly key: string; readonly value: unknown }
  | { readonly kind: "type"; readonly at: number; readonly type: string }
  | { readonly kind: "insert"; readonly at: number; readonly index: number; readonly node: Json }
  | { readonly kind: "remove"; readonly at: number; readonly index: number }
  | { readonly kind: "swap"; readonly at: number; readonly index: number }
  | { readonly kind: "wrap"; readonly at: number; readonly id: string | undefined }
  | { readonly kind: "unwrap"; readonly at: number };

const at = fc.nat(1_000);

/** Mutations, weighted towards text growth (the common case when streaming). */
export const widgetMutationArb: fc.Arbitrary<WidgetMutation> = fc.oneof(
  { weight: 24, arbitrary: fc.record({ kind: fc.constant("grow"), at, text: textArb }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("shrink"), at, by: fc.integer({ min: 1, max: 3 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("rewrite"), at, text: textArb }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("streaming"),
      at,
      value: fc.option(fc.boolean(), { nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("id"), at, id: idArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("prop"),
      at,
      key: fc.constantFrom("color", "gap", "unknownProp", "size"),
      value: fc.jsonValue({ maxDepth: 1 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("type"),
      at,
      type: fc.constantFrom("Text", "Markdown", "Box", "Fancy"),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("insert"), at, index: fc.nat(4), node: componentArb }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("remove"), at, index: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("swap"), at, index: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("wrap"), at, id: idArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("unwrap"), at }) },
);

/** Every component of a (draft) tree, root first, in document order. */
function nodesOf(root: Json): Json[] {
  const nodes: Json[] = [];
  const visit = (node: Json): void => {
    nodes.push(node);
    const children = node["children"];
    if (Array.isArray(children)) for (const child of children as Json[]) visit(child);
    else if (typeof children === "object" && children !== null) visit(children as Json);
  };
  visit(root);
  return nodes;
}

/** The mutation applied to `draft` in place (it may be an immer draft or a JSON copy). */
export function mutate(draft: Json, mutation: WidgetMutation): void {
  const nodes = nodesOf(draft);
  const texts = nodes.filter((node) => typeof node["value"] === "string");
  const containers = nodes.filter((node) => Array.isArray(node["children"]));
  const pick = <T>(list: readonly T[]): T | undefined => list[mutation.at % Math.max(list.length, 1)];
  switch (mutation.kind) {
    case "grow": {
      const node = pick(texts);
      if (node !== undefined) node["value"] = (node["value"] as string) + mutation.text;
      return;
    }
    case "shrink": {
      const node = pick(texts);
      if (node !== undefined) node["value"] = (node["value"] as string).slice(0, -mutation.by);
      return;
    }
    case "rewrite": {
      const node = pick(texts);
      if (node !== undefined) node["value"] = mutation.text;
      return;
    }
    case "streaming": {
      const node = pick(texts);
      if (node === undefined) return;
      if (mutation.value === undefined) delete node["streaming"];
      else node["streaming"] = mutation.value;
      return;
    }
    case "id": {
      const node = pick(nodes);
      if (node === undefined) return;
      if (mutation.id === undefined) delete node["id"];
      else node["id"] = mutation.id;
      return;
    }
    case "prop": {
      const node = pick(nodes);
      if (node !== undefined && mutation.value !== undefined) node[mutation.key] = mutation.value;
      return;
    }
    case "type": {
      const node = pick(nodes.slice(1));
      if (node !== undefined) node["type"] = mutation.type;
      return;
    }
    case "insert": {
      const node = pick(containers);
      if (node === undefined) return;
      const children = node["children"] as Json[];
      const child =
        node["type"] === "ListView" ? { type: "ListViewItem", children: [mutation.node] } : mutation.node;
      children.splice(mutation.index % (children.length + 1), 0, structuredClone(child));
      return;
    }
    case "remove": {
      const node = pick(containers.filter((c) => (c["children"] as Json[]).length > 0));
      if (node === undefined) return;
      const children = node["children"] as Json[];
      children.splice(mutation.index % children.length, 1);
      return;
    }
    case "swap": {
      const node = pick(containers.filter((c) => (c["children"] as Json[]).length > 1));
      if (node === undefined) return;
      const children = node["children"] as Json[];
      const i = mutation.index % (children.length - 1);
      const [first, second] = [children[i], children[i + 1]] as [Json, Json];
      children[i] = second;
      children[i + 1] = first;
      return;
    }
    case "wrap": {
      const node = pick(
        containers.filter((c) => c["type"] !== "ListView" && (c["children"] as Json[]).length > 0),
      );
      if (node === undefined) return;
      const children = node["children"] as Json[];
      const i = mutation.at % children.length;
      children[i] = withId({ type: "Transition", children: children[i] }, mutation.id);
      return;
    }
    case "unwrap": {
      const slots: { parent: Json | Json[]; key: string | number }[] = [];
      for (const node of nodes) {
        const children = node["children"];
        if (Array.isArray(children)) {
          (children as Json[]).forEach((child, index) => {
            if (child["type"] === "Transition") slots.push({ parent: children as Json[], key: index });
          });
        } else if (
          typeof children === "object" &&
          children !== null &&
          (children as Json)["type"] === "Transition"
        ) {
          slots.push({ parent: node, key: "children" });
        }
      }
      const slot = pick(slots);
      if (slot === undefined) return;
      const parent = slot.parent as Record<string | number, Json>;
      const transition = parent[slot.key] as Json;
      parent[slot.key] = transition["children"] as Json;
      return;
    }
  }
}

/** Applies mutations one after another, with immer (structural sharing) or on JSON copies (no sharing). */
export function applyMutations(
  initial: WidgetRoot,
  mutations: readonly (readonly WidgetMutation[])[],
  sharing: boolean,
): WidgetRoot[] {
  const states: WidgetRoot[] = [initial];
  let current = initial as unknown as Json;
  for (const step of mutations) {
    if (sharing) {
      current = produce(current, (draft) => {
        for (const mutation of step) mutate(draft, mutation);
      });
    } else {
      const copy = structuredClone(current);
      for (const mutation of step) mutate(copy, mutation);
      current = copy;
    }
    states.push(current as unknown as WidgetRoot);
  }
  return states;
}

/** Mostly text growth, some `streaming` flips and prop changes: what a streaming server mostly sends. */
export const streamingMutationArb: fc.Arbitrary<WidgetMutation> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant("grow"), at, text: textArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("streaming"),
      at,
      value: fc.option(fc.boolean(), { nil: undefined }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("prop"),
      at,
      key: fc.constant("color"),
      value: fc.jsonValue({ maxDepth: 0 }),
    }),
  },
);

/**
 * A sequence of 1 to `maxLength + 1` widget states, each one to three
 * mutations (drawn from `mutations`, default {@link widgetMutationArb}) away
 * from the previous one.
 */
export function widgetStatesArb(
  maxLength = 12,
  mutations: fc.Arbitrary<WidgetMutation> = widgetMutationArb,
): fc.Arbitrary<WidgetRoot[]> {
  return fc
    .tuple(
      widgetRootArb,
      fc.array(fc.array(mutations, { minLength: 1, maxLength: 3 }), { maxLength }),
      fc.boolean(),
    )
    .map(([initial, steps, sharing]) => applyMutations(initial, steps, sharing));
}

/** Sequences of both kinds: arbitrary changes, and mostly-streaming ones. */
export const anyWidgetStatesArb: fc.Arbitrary<WidgetRoot[]> = fc.oneof(
  widgetStatesArb(),
  widgetStatesArb(20, streamingMutationArb),
);
