import { isDeepStrictEqual } from "node:util";
import { from, type Observable } from "rxjs";

import type { ThreadStreamEvent } from "../lib/events/threadEvents";
import type { ThreadItem } from "../lib/events/threadItems";
import { applyThreadEvent } from "../lib/reducer/applyThreadEvent";
import { streamWidget } from "../lib/streamWidget";
import { accumulateText } from "../operators/accumulateText";
import { renderTemplate } from "../operators/renderTemplate";
import { toServerSentEvents } from "../operators/toServerSentEvents";
import { toThreadEvents, type ToThreadEventsConfig } from "../operators/toThreadEvents";
import type { WidgetRoot } from "../widgets/components";
import { WidgetTemplate } from "../widgets/template/WidgetTemplate";
import { naiveStreamFrames } from "./naiveReference";
import {
  measureInterleaved,
  timedRun,
  type BenchCase,
  type BenchResult,
  type MeasureConfig,
  repoPath,
} from "./harness";

/** Token counts of the streaming cases; the 16k/1k ratio of time per token shows how the cost grows. */
export const TOKEN_COUNTS: readonly number[] = [1_000, 4_000, 16_000];

/** The target for (time per token at 16k) / (time per token at 1k); a quadratic pipeline is ~16x. */
const TARGET_RATIO = 3;

const LOREM = (
  "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et " +
  "dolore magna aliqua ut enim ad minim veniam quis nostrud exercitation ullamco laboris nisi ut aliquip ex " +
  "ea commodo consequat duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu " +
  "fugiat nulla pariatur excepteur sint occaecat cupidatat non proident sunt in culpa qui officia deserunt " +
  "mollit anim id est laborum"
).split(" ");

/** A small deterministic PRNG (mulberry32), so every run streams the same text. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` tokens of lorem-ipsum Markdown, the way a model streams it: a word
 * with its leading space, cut into pieces of at most 4 characters (about 3.2
 * characters a token on average), sentences ending with ".", paragraphs
 * separated by a "\n\n" token.
 */
export function loremTokens(count: number, seed = 1): string[] {
  const next = random(seed);
  const tokens: string[] = [];
  let wordsLeftInSentence = 0;
  let sentencesLeftInParagraph = 4;
  let startOfParagraph = true;
  while (tokens.length < count) {
    let word = LOREM[Math.floor(next() * LOREM.length)]!;
    if (wordsLeftInSentence === 0) {
      wordsLeftInSentence = 6 + Math.floor(next() * 10);
      word = word[0]!.toUpperCase() + word.slice(1);
    }
    wordsLeftInSentence--;
    if (wordsLeftInSentence === 0) word += ".";
    const piece = startOfParagraph ? word : ` ${word}`;
    startOfParagraph = false;
    for (let at = 0; at < piece.length && tokens.length < count; at += 4)
      tokens.push(piece.slice(at, at + 4));
    if (wordsLeftInSentence === 0 && --sentencesLeftInParagraph === 0 && tokens.length < count) {
      tokens.push("\n\n");
      sentencesLeftInParagraph = 3 + Math.floor(next() * 4);
      startOfParagraph = true;
    }
  }
  return tokens;
}

/** The data of `examples/widgets/channel_message.widget` for one state of the streamed message. */
export interface ChannelMessageData {
  readonly user_name: string;
  readonly channel: string;
  readonly message: string;
  readonly streaming: boolean;
}

export function channelMessage(message: string, streaming: boolean): ChannelMessageData {
  return { user_name: "Ada Lovelace", channel: "general", message, streaming };
}

export const THREAD = { id: "thr_bench" };
export const ITEM_ID = "msg_bench";
/** A fixed id and clock, so every run sends the same bytes. */
export const EVENTS_CONFIG: ToThreadEventsConfig = { generateId: () => ITEM_ID, now: () => 0 };

/** Subscribes and counts what arrives; the pipelines are synchronous, so everything has arrived on return. */
function drain(frames$: Observable<string>): { frames: number; chars: number } {
  let frames = 0;
  let chars = 0;
  let completed = false;
  frames$.subscribe({
    next: (frame) => {
      frames++;
      chars += frame.length;
    },
    complete: () => (completed = true),
  });
  if (!completed) throw new Error("streaming workload: the pipeline did not complete synchronously");
  return { frames, chars };
}

export function collect(frames$: Observable<string>): string[] {
  const frames: string[] = [];
  let completed = false;
  frames$.subscribe({ next: (frame) => frames.push(frame), complete: () => (completed = true) });
  if (!completed) throw new Error("streaming workload: the pipeline did not complete synchronously");
  return frames;
}

/** What one case's output was, checked once outside the timed loop. */
export interface CheckedOutput {
  readonly frames: number;
  readonly bytes: number;
  /** How many updates of each `type` the frames carried (only text deltas, ideally). */
  readonly updates: Readonly<Record<string, number>>;
}

/**
 * Parses the SSE frames as a client would and applies them with
 * `applyThreadEvent`: the item must be added first and done last, and the
 * widget rebuilt from `added` plus the updates (without `done`) must equal
 * `expected` exactly, as must the `done` item's widget. Throws otherwise.
 */
export function checkFrames(
  caseName: string,
  frames: readonly string[],
  expected: WidgetRoot,
): CheckedOutput {
  const fail = (why: string): never => {
    throw new Error(`streaming workload, ${caseName}: ${why}`);
  };
  const events = frames.map((frame, index): ThreadStreamEvent => {
    if (!frame.startsWith("data: ") || !frame.endsWith("\n\n") || frame.indexOf("\n") !== frame.length - 2)
      fail(`frame ${index} is not one "data: <json>\\n\\n" line`);
    return JSON.parse(frame.slice("data: ".length, -2)) as ThreadStreamEvent;
  });
  const first = events[0];
  const last = events[events.length - 1];
  if (first?.type !== "thread.item.added")
    return fail(`the first event is ${first?.type}, not thread.item.added`);
  if (last?.type !== "thread.item.done") return fail(`the last event is ${last?.type}, not thread.item.done`);
  const updates: Record<string, number> = {};
  let items: readonly ThreadItem[] = [];
  for (const event of events.slice(0, -1)) {
    if (event.type === "thread.item.updated")
      updates[event.update.type] = (updates[event.update.type] ?? 0) + 1;
    items = applyThreadEvent(items, event);
  }
  const item = items[0];
  if (items.length !== 1 || item?.type !== "widget") return fail("the events do not leave one widget item");
  if (!isDeepStrictEqual(item.widget, expected))
    fail("the widget rebuilt from the frames differs from the final widget");
  if (!isDeepStrictEqual(last.item, item)) fail("the thread.item.done item differs from the rebuilt item");
  const bytes = frames.reduce((sum, frame) => sum + Buffer.byteLength(frame, "utf8"), 0);
  return { frames: frames.length, bytes, updates };
}

const UPDATE_NAMES: Readonly<Record<string, string>> = {
  "widget.streaming_text.value_delta": "text deltas",
  "widget.component.updated": "component updates",
  "widget.root.updated": "root updates",
};

/** The checked output's figures for results.json. */
export function outputMetrics(output: CheckedOutput, tokens: number): Record<string, number> {
  return { tokens, frames: output.frames, bytes: output.bytes, bytesPerToken: output.bytes / tokens };
}

export function describeOutput(output: CheckedOutput, tokens: number): string {
  const updates = Object.entries(output.updates).map(([type, n]) => `${n} ${UPDATE_NAMES[type] ?? type}`);
  return [
    `${output.frames} frames`,
    `${(output.bytes / 1000).toFixed(0)} kB = ${(output.bytes / tokens).toFixed(1)} B/token`,
    ...updates,
    "rebuilt ok",
  ].join(", ");
}

/** The kinds of streaming case, in table order. */
export const STREAMING_KINDS = ["naive", "seed", "rx", "floor"] as const;
export type StreamingKind = (typeof STREAMING_KINDS)[number];

/** A case ready to time, with what its output was when checked. */
export interface CheckedCase {
  readonly bench: BenchCase;
  readonly note: string;
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * Streams a Markdown answer of N tokens into the `Markdown` (id "message")
 * of the Studio template `examples/widgets/channel_message.widget`, through
 * render -> diff -> thread events -> SSE frames, and reports microseconds
 * per token:
 *
 * - "seed: build + streamWidget": a generator that, per token, yields
 *   `card.build(...)` of the text so far (`card`: the stream's
 *   `template.streamBuilder()`), streamed by
 *   `streamWidget(thread, states())` through `toServerSentEvents()` (the
 *   seed pattern, with a synchronous generator);
 * - "rx: accumulateText + renderTemplate": `from(tokens).pipe(accumulateText(),
 *   renderTemplate(...), toThreadEvents(thread), toServerSentEvents())`;
 * - "floor: stringify one delta event": `JSON.stringify` and SSE framing
 *   of one text-delta event per token, the least any pipeline must do.
 *
 * Every state has `streaming: true` except the last token's, which has
 * `streaming: false` (so its delta is `done`). Each case's frames are
 * checked once, outside the timed loop: parsed and applied with
 * `applyThreadEvent`, they must rebuild the final widget exactly.
 */
export function streamingWorkload(
  counts: readonly number[] = TOKEN_COUNTS,
  config: MeasureConfig = { warmupRuns: 2, runs: 7, minRunMs: 200 },
): BenchResult[] {
  const template = loadChannelMessage();
  const smallest = Math.min(...counts);
  return STREAMING_KINDS.flatMap((kind) => {
    const cases = counts.map((count) => ({ count, ...streamingCase(template, count, kind) }));
    // One kind at a time (one kind's garbage would slow whatever runs next),
    // its sizes in turns, so a ratio compares runs taken under the same load.
    const timings = measureInterleaved(
      "streaming",
      cases.map((c) => c.bench),
      config,
    );
    const base = timings[cases.findIndex((c) => c.count === smallest)]?.median;
    return cases.map(({ count, note, metrics }, index): BenchResult => {
      const result: BenchResult = { ...timings[index]!, note, metrics };
      if (base === undefined || count === smallest) return result;
      const ratio = result.median / base;
      const target = kind === "floor" ? "" : ` (target <= ${TARGET_RATIO}x)`;
      return {
        ...result,
        note: `${kilo(count)}/${kilo(smallest)} ${ratio.toFixed(1)}x${target}; ${note}`,
        metrics: { ...metrics, [`ratioTo${kilo(smallest)}`]: ratio },
      };
    });
  });
}

export function kilo(count: number): string {
  return count % 1_000 === 0 ? `${count / 1_000}k` : String(count);
}

/** One case for `count` tokens, its output checked once (throws if the output is wrong). */
export function streamingCase(template: WidgetTemplate, count: number, kind: StreamingKind): CheckedCase {
  const tokens = loremTokens(count);
  const lastIndex = tokens.length - 1;
  const label = `${kilo(count)} tokens`;
  const data = (text: string, index: number): ChannelMessageData => channelMessage(text, index < lastIndex);

  if (kind === "floor") {
    const floorFrames = (): string[] =>
      tokens.map(
        (delta, index) =>
          `data: ${JSON.stringify({
            type: "thread.item.updated",
            item_id: ITEM_ID,
            update: {
              type: "widget.streaming_text.value_delta",
              component_id: "message",
              delta,
              done: index === lastIndex,
            },
          })}\n\n`,
      );
    const frames = floorFrames();
    const text = frames
      .map(
        (frame) =>
          (JSON.parse(frame.slice("data: ".length, -2)) as { update: { delta: string } }).update.delta,
      )
      .join("");
    if (text !== tokens.join("")) throw new Error(`streaming workload, floor, ${label}: deltas lost text`);
    const bytes = frames.reduce((sum, frame) => sum + Buffer.byteLength(frame, "utf8"), 0);
    const chars = frames.reduce((sum, frame) => sum + frame.length, 0);
    return {
      bench: {
        name: `floor: stringify one delta event, ${label}`,
        operations: count,
        operation: "token",
        run: () => {
          let sent = 0;
          for (const frame of floorFrames()) sent += frame.length;
          if (sent !== chars) throw new Error(`streaming workload, floor, ${label}: output changed`);
        },
      },
      note: `${count} frames, ${(bytes / 1000).toFixed(0)} kB = ${(bytes / count).toFixed(1)} B/token, text rebuilt ok`,
      metrics: { tokens: count, frames: count, bytes, bytesPerToken: bytes / count },
    };
  }

  // The seed pattern: a generator rebuilds the widget per token and yields each state to streamWidget.
  const seedFrames = (): Observable<string> => {
    function* states(): Generator<WidgetRoot> {
      const card = template.streamBuilder(); // this stream's own parsed card, as renderTemplate takes
      let text = "";
      for (let index = 0; index < tokens.length; index++) {
        text += tokens[index]!;
        yield card.build(data(text, index));
      }
    }
    return streamWidget(THREAD, states(), EVENTS_CONFIG).pipe(toServerSentEvents());
  };
  const rxFrames = (): Observable<string> =>
    from(tokens).pipe(
      accumulateText(),
      renderTemplate(template, data),
      toThreadEvents(THREAD, EVENTS_CONFIG),
      toServerSentEvents(),
    );
  // The baseline: the reference algorithm written naively (bench/naiveReference.ts).
  const naiveFrames = (): Observable<string> => {
    let text = "";
    const states = tokens.map((token, index) => data((text += token), index));
    return from(
      naiveStreamFrames(template.definition.template, states, { thread: THREAD.id, item: ITEM_ID }),
    );
  };
  const [name, frames] = {
    naive: ["naive reference: render per token, JSON-compare, startsWith", naiveFrames] as const,
    seed: ["seed: build + streamWidget", seedFrames] as const,
    rx: ["rx: accumulateText + renderTemplate", rxFrames] as const,
  }[kind];
  const expected = template.build(channelMessage(tokens.join(""), false));
  const output = checkFrames(`${name}, ${label}`, collect(frames()), expected);
  return {
    bench: {
      name: `${name}, ${label}`,
      operations: count,
      operation: "token",
      run: () => void drain(frames()),
    },
    note: describeOutput(output, count),
    metrics: outputMetrics(output, count),
  };
}

/** The `.widget` file the streaming cases render. */
export function loadChannelMessage(): WidgetTemplate {
  return WidgetTemplate.fromFile(repoPath("examples", "widgets", "channel_message.widget"));
}

/**
 * For profiling one case alone, e.g.
 * `node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/streaming.ts rx 16000 5`
 * (kind, token count, timed runs after one warm-up; setup and the output
 * check are in the profile too, under `streamingCase`).
 */
function profileMain(args: readonly string[]): void {
  const [kind = "rx", count = "16000", runs = "5"] = args;
  if (!(STREAMING_KINDS as readonly string[]).includes(kind)) {
    throw new TypeError(`bench/streaming.ts: kind must be one of ${STREAMING_KINDS.join(", ")}, got ${kind}`);
  }
  const checked = streamingCase(loadChannelMessage(), Number(count), kind as StreamingKind);
  timedRun(checked.bench);
  let total = 0;
  for (let i = 0; i < Number(runs); i++) total += timedRun(checked.bench);
  const micros = total / (Number(runs) * checked.bench.operations);
  console.log(`${checked.bench.name}: ${micros.toFixed(2)} µs/token over ${runs} runs; ${checked.note}`);
}

if (require.main === module) profileMain(process.argv.slice(2));
