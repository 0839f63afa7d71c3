import { isDeepStrictEqual } from "node:util";
import { Subject } from "rxjs";

import { renderTemplate } from "../operators/renderTemplate";
import type { WidgetRoot } from "../widgets/components";
import type { WidgetTemplate } from "../widgets/template/WidgetTemplate";
import {
  formatTable,
  measureInterleaved,
  type BenchCase,
  type BenchResult,
  type MeasureConfig,
} from "./harness";
import { loadChannelMessage, loremTokens } from "./streaming";

/** Numbers of streams building at once, in turns: up to 16 fit the old shared cache, 17 is one past it. */
export const STREAM_COUNTS: readonly number[] = [1, 16, 17, 100, 1000];

/** The target: a card per stream costs at most this much more per build than one card for all. */
const TARGET_RATIO = 1.2;

/** Tokens each stream takes per run, all streams in turns. */
const TOKENS_PER_RUN = 40;

/** Each stream is mid-answer: its message starts this many tokens in, well past the slot threshold. */
const TOKENS_BEFORE = 60;

/** The card's data for stream `stream`: its own user and channel when `distinct`, else the same for all. */
function cardData(stream: number, distinct: boolean, message: string) {
  const who = distinct ? stream : 0;
  return {
    user_name: `User ${who}`,
    channel: `channel-${who}`,
    avatar_url: `https://example.com/avatars/${who}.png`,
    message,
    streaming: true,
  };
}

/** A case, and a check of what its streams built last. */
export interface StreamsCase {
  readonly bench: BenchCase;
  /** Runs the case once and throws unless every stream's last widget is the one-off build of its data. */
  readonly check: () => void;
}

/**
 * `streams` streams of the Studio card, each a `renderTemplate` subscription
 * as a server holds one per response, fed one token each in turns: the
 * interleaving of many concurrent conversations. One run feeds
 * `TOKENS_PER_RUN` tokens to every stream; every message restarts at the
 * same text per run, so runs do the same work however many there are.
 */
export function streamsCase(template: WidgetTemplate, streams: number, distinct: boolean): StreamsCase {
  const tokens = loremTokens(TOKENS_BEFORE + TOKENS_PER_RUN);
  const before = tokens.slice(0, TOKENS_BEFORE).join("");
  const subjects = Array.from({ length: streams }, () => new Subject<string>());
  const last = new Array<WidgetRoot | undefined>(streams).fill(undefined);
  subjects.forEach((subject, stream) =>
    subject
      .pipe(renderTemplate(template, (message: string) => cardData(stream, distinct, message)))
      .subscribe((widget) => (last[stream] = widget)),
  );
  const texts = new Array<string>(streams);
  const run = (): void => {
    texts.fill(before);
    for (let t = TOKENS_BEFORE; t < tokens.length; t++) {
      const token = tokens[t]!;
      for (let stream = 0; stream < streams; stream++) subjects[stream]!.next((texts[stream] += token));
    }
  };
  const name = `${distinct ? "distinct" : "shared"} cards, S=${streams}`;
  const check = (): void => {
    run();
    const message = tokens.join("");
    last.forEach((widget, stream) => {
      if (!isDeepStrictEqual(widget, template.build(cardData(stream, distinct, message))))
        throw new Error(`distinct cards workload, ${name}: stream ${stream} built a wrong widget`);
    });
  };
  // CPU time, not wall time: on a machine shared with other jobs, a ratio of wall times is mostly their noise.
  const runTimed = (): number => {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    return used.user + used.system;
  };
  return { bench: { name, operations: streams * TOKENS_PER_RUN, operation: "build (CPU)", runTimed }, check };
}

/**
 * Issue #13's per-stream builds: S streams of the Studio card
 * (`channel_message.widget`) building one token each in turns, every
 * stream's card its own (its user, channel and avatar) against one card
 * for all, in µs of this process's CPU time per build (other jobs on the
 * machine do not count). A cache shared by every stream of a template
 * (the old 16 skeletons) misses for distinct cards from S=17 on; what makes
 * a build cheap must travel with the stream.
 */
export function distinctCardsWorkload(
  counts: readonly number[] = STREAM_COUNTS,
  config: MeasureConfig = { warmupRuns: 2, runs: 7, minRunMs: 100 },
): BenchResult[] {
  const template = loadChannelMessage();
  return counts.flatMap((streams) => {
    const cases = [streamsCase(template, streams, true), streamsCase(template, streams, false)];
    for (const c of cases) c.check();
    const [distinct, shared] = measureInterleaved(
      "distinct cards",
      cases.map((c) => c.bench),
      config,
    );
    if (distinct === undefined || shared === undefined) {
      throw new Error("distinct cards workload: measureInterleaved returned fewer results than cases");
    }
    const ratio = distinct.median / shared.median;
    return [
      {
        ...distinct,
        note: `distinct/shared ${ratio.toFixed(2)}x (target <= ${TARGET_RATIO}x)`,
        metrics: { streams, ratioToShared: ratio },
      },
      { ...shared, metrics: { streams } },
    ];
  });
}

/** `node dist-bench/bench/distinctCards.js [S...]`: this workload alone, for some stream counts. */
if (require.main === module) {
  const counts = process.argv.slice(2).map(Number);
  console.log(formatTable(distinctCardsWorkload(counts.length > 0 ? counts : STREAM_COUNTS)));
}
