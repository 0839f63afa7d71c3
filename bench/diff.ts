import { isDeepStrictEqual } from "node:util";
import { enablePatches, Immer, type Draft } from "immer";

import type { WidgetUpdate } from "../lib/events/widgetUpdates";
import { applyWidgetUpdate } from "../lib/reducer/applyWidgetUpdate";
import { diffWidgetPatches } from "../operators/diffPatchedWidgets";
import { diffWidgetStates } from "../operators/diffWidgets";
import type { WidgetRoot } from "../widgets/components";
import { measureInterleaved, type BenchCase, type BenchResult, type MeasureConfig } from "./harness";

/** List sizes of the diff cases. */
export const LIST_SIZES: readonly number[] = [100, 1_000, 5_000];

/** The target for a diff of two immer states, at every K. */
const TARGET_SHARED_MICROS = 10;

/** What the streaming text gains per state: 4 characters, about one token. */
const GROWTH = "abcd";

/** States in one immer stream: the first diff of a stream counts the tree's ids, the rest reuse the count. */
const STREAM_LENGTH = 200;

/** Diffs timed per run: enough to amortise the timer, few enough to keep the fresh trees in memory. */
function diffsPerRun(size: number): number {
  return Math.max(4, Math.round(20_000 / size));
}

interface ListState {
  readonly type: "ListView";
  readonly children: {
    type: "ListViewItem";
    id: string;
    gap: number;
    onClickAction: { type: string; payload: { id: number } };
    children: { type: "Row"; children: Record<string, unknown>[] }[];
  }[];
}

/**
 * A ListView of `size` inbox rows (an item id, a click action, a title, a
 * caption, a badge), as a Studio list template renders it; the row in the
 * middle holds the streaming `Text` (id "reply") with `text` in it.
 */
export function listState(size: number, text: string): ListState {
  const streamingRow = size >> 1;
  return {
    type: "ListView",
    children: Array.from({ length: size }, (_, index) => ({
      type: "ListViewItem" as const,
      id: `item-${index}`,
      gap: 2,
      onClickAction: { type: "inbox.open", payload: { id: index } },
      children: [
        {
          type: "Row" as const,
          children: [
            { type: "Text", value: `Message ${index}: the quarterly report`, weight: "semibold" },
            index === streamingRow
              ? { type: "Text", id: "reply", value: text, streaming: true }
              : { type: "Caption", value: `from someone-${index % 97}@example.com`, size: "sm" },
            { type: "Badge", label: index % 3 === 0 ? "unread" : "read", color: "info" },
          ],
        },
      ],
    })),
  };
}

const asRoot = (state: ListState): WidgetRoot => state as unknown as WidgetRoot;
const parseRoot = (json: string): WidgetRoot => JSON.parse(json) as WidgetRoot;

/** Throws unless `updates` is exactly one text delta that turns `prev` into `next`. */
function check(name: string, prev: WidgetRoot, next: WidgetRoot, updates: readonly WidgetUpdate[]): void {
  const [update] = updates;
  if (updates.length !== 1 || update?.type !== "widget.streaming_text.value_delta" || update.delta !== GROWTH)
    throw new Error(
      `diff workload, ${name}: expected one text delta of "${GROWTH}", got ${JSON.stringify(updates).slice(0, 200)}`,
    );
  if (!isDeepStrictEqual(applyWidgetUpdate(prev, update), next))
    throw new Error(`diff workload, ${name}: applying the delta does not give the next state`);
}

/**
 * Pairs of states parsed from JSON: nothing shared between or within pairs
 * (a fresh parse per pair), as when a template renders each state anew.
 */
function freshCase(size: number): BenchCase {
  const before = JSON.stringify(listState(size, "Hello"));
  const after = JSON.stringify(listState(size, `Hello${GROWTH}`));
  const count = diffsPerRun(size);
  let pairs: [WidgetRoot, WidgetRoot][] = [];
  const name = `fresh from JSON.parse, K=${size}`;
  const [prev, next] = [JSON.parse(before) as WidgetRoot, JSON.parse(after) as WidgetRoot];
  check(name, prev, next, diffWidgetStates(prev, next));
  return {
    name,
    operations: count,
    operation: "diff",
    prepare: () => {
      pairs = Array.from({ length: count }, () => [parseRoot(before), parseRoot(after)]);
    },
    run: () => {
      for (const [a, b] of pairs) {
        if (diffWidgetStates(a, b).length !== 1) throw new Error(`diff workload, ${name}: output changed`);
      }
    },
  };
}

/**
 * Successive states of one stream made with immer: each shares every row
 * but the streaming one with the state before. With immer's default
 * `autoFreeze` the states are frozen, and V8 reads a frozen array's
 * elements several times slower than a plain one's; once a loop has met
 * frozen arrays it stays slow for plain ones too, so the unfrozen case must
 * run in a process of its own (`npx tsx bench/diff.ts unfrozen`). As in a live stream, each
 * state is produced right before it is diffed against the previous one
 * (only the diff is timed), and the first diff of a stream meets a tree it
 * has never seen.
 */
function sharedCase(size: number, autoFreeze: boolean): BenchCase {
  const name = `immer states (shared${autoFreeze ? "" : ", autoFreeze off"}), K=${size}`;
  const streamingRow = size >> 1;
  const { produce } = new Immer({ autoFreeze });
  return immerStreamCase(name, size, (state) => {
    const next = produce(state, (draft) => growRow(draft, streamingRow));
    return { next, diff: () => diffWidgetStates(asRoot(state), asRoot(next)) };
  });
}

/**
 * The same immer stream, each state made with `produceWithPatches` and
 * diffed from its patches (`diffWidgetPatches`): only the changed row is
 * compared, whatever K. Only the diff is timed, as in `sharedCase`.
 */
function patchCase(size: number): BenchCase {
  const name = `immer states with their patches (diffWidgetPatches), K=${size}`;
  const streamingRow = size >> 1;
  enablePatches();
  const { produceWithPatches } = new Immer();
  return immerStreamCase(name, size, (state) => {
    const [next, patches] = produceWithPatches(state, (draft) => growRow(draft, streamingRow));
    return {
      next,
      diff: () => diffWidgetPatches(asRoot(state), { widget: asRoot(next), base: asRoot(state), patches }),
    };
  });
}

/** The streaming text of row `row` grows by {@link GROWTH}. */
function growRow(draft: Draft<ListState>, row: number): void {
  const text = draft.children[row]!.children[0]!.children[1]!;
  text["value"] = `${String(text["value"])}${GROWTH}`;
}

/**
 * A stream of {@link STREAM_LENGTH} immer states of a K-row list: `step`
 * makes the next state and how to diff it against the one before. Only the
 * diff is timed; the first three are checked to rebuild their state.
 */
function immerStreamCase(
  name: string,
  size: number,
  step: (state: ListState) => { readonly next: ListState; readonly diff: () => WidgetUpdate[] },
): BenchCase {
  let state = listState(size, "Hello");
  for (let i = 0; i < 3; i++) {
    const { next, diff } = step(state);
    check(name, asRoot(state), asRoot(next), diff());
    state = next;
  }
  return {
    name,
    operations: STREAM_LENGTH,
    operation: "diff",
    prepare: () => {
      state = listState(size, "Hello");
    },
    runTimed: () => {
      let micros = 0;
      for (let i = 0; i < STREAM_LENGTH; i++) {
        const { next, diff } = step(state);
        const start = process.hrtime.bigint();
        const updates = diff();
        micros += Number(process.hrtime.bigint() - start) / 1e3;
        if (updates.length !== 1) throw new Error(`diff workload, ${name}: output changed`);
        state = next;
      }
      return micros;
    },
  };
}

/**
 * `JSON.stringify` of the new state: what sending it whole instead of a diff
 * would cost at least. Like the fresh diff, each run meets trees fresh from
 * `JSON.parse` (the same number), so both pay the same cache misses.
 */
function stringifyCase(size: number): BenchCase {
  const after = JSON.stringify(listState(size, `Hello${GROWTH}`));
  const count = diffsPerRun(size);
  let states: unknown[] = [];
  return {
    name: `JSON.stringify(root), K=${size}`,
    operations: count,
    operation: "diff",
    prepare: () => {
      states = Array.from({ length: count }, () => parseRoot(after));
    },
    run: () => {
      for (const state of states) {
        if (JSON.stringify(state).length !== after.length)
          throw new Error("diff workload: stringify changed");
      }
    },
  };
}

/**
 * W2: a ListView of K rows where one streaming text grows by 4 characters,
 * diffed (a) between two states fresh from `JSON.parse` and (b) between
 * successive immer states, from the two states and from immer's patches,
 * beside `JSON.stringify(root)`; microseconds per
 * diff. Each case's output is checked once, outside the timed runs: one
 * text delta that, applied, gives the next state.
 */
export function diffWorkload(
  sizes: readonly number[] = LIST_SIZES,
  config: MeasureConfig = { warmupRuns: 2, runs: 7, minRunMs: 100 },
): BenchResult[] {
  return sizes.flatMap((size) => {
    const cases = [freshCase(size), sharedCase(size, true), patchCase(size), stringifyCase(size)];
    const [fresh, shared, patched, stringify] = measureInterleaved("diff", cases, config);
    const vsStringify = (result: BenchResult): number => result.median / stringify!.median;
    return [
      {
        ...fresh!,
        note: `${vsStringify(fresh!).toFixed(2)}x JSON.stringify (target <= 1x); one text delta, checked`,
        metrics: { size, ratioToStringify: vsStringify(fresh!) },
      },
      {
        ...shared!,
        note: `target <= ${TARGET_SHARED_MICROS} µs; one text delta per diff, checked`,
        metrics: { size, ratioToStringify: vsStringify(shared!) },
      },
      {
        ...patched!,
        note: `target <= ${TARGET_SHARED_MICROS} µs; one text delta per diff, from the patches, checked`,
        metrics: { size, ratioToStringify: vsStringify(patched!) },
      },
      {
        ...stringify!,
        note: `${(JSON.stringify(listState(size, "")).length / 1000).toFixed(0)} kB`,
        metrics: { size },
      },
    ];
  });
}

/** The immer stream with `autoFreeze` off; run it alone in a fresh process (see `sharedCase`). */
export function unfrozenDiffWorkload(
  sizes: readonly number[] = LIST_SIZES,
  config: MeasureConfig = { warmupRuns: 2, runs: 7, minRunMs: 100 },
): BenchResult[] {
  return measureInterleaved(
    "diff",
    sizes.map((size) => sharedCase(size, false)),
    config,
  ).map((result) => ({ ...result, note: `target <= ${TARGET_SHARED_MICROS} µs; in a process of its own` }));
}

if (require.main === module) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { formatTable } = require("./harness") as typeof import("./harness");
  console.log(formatTable(process.argv[2] === "unfrozen" ? unfrozenDiffWorkload() : diffWorkload()));
}
