/**
 * What `accumulateText` knows about the text it is emitting: that it is the
 * text it emitted before plus one token. Told to whoever reads the text
 * while the emission runs (the diff of `toThreadEvents`, synchronously
 * downstream), so the diff learns a streaming text's delta without
 * comparing the texts.
 *
 * Why: V8 holds `text + token` as a rope, and every read of its characters
 * (`slice`, `startsWith`, `charCodeAt`) first copies the whole text into a
 * flat string. Comparing each state's text with the last one's therefore
 * copied the whole answer once per token: at 16k tokens, 26 of the 31 kB
 * the pipeline allocated per token. `===` and `length` read no characters
 * when the strings are the very ones compared (V8 compares pointers first),
 * so checking that the texts are the ones `accumulateText` made costs O(1).
 *
 * A record is always true (`whole` is `prefix + delta` by construction),
 * whatever stream made it: using one only needs both texts to equal its
 * own, so a stale or foreign record can cost a miss, never a wrong delta.
 */
export class TextGrowth {
  private prefix = "";
  private delta = "";
  private whole = "";

  /**
   * `prefix + delta`, recorded as known for the duration of `emit(whole)`
   * (emissions nested in it, of this or another text, take over and give
   * it back when they return).
   */
  emitGrown(prefix: string, delta: string, emit: (whole: string) => void): void {
    const whole = prefix + delta;
    this.prefix = prefix;
    this.delta = delta;
    this.whole = whole;
    emitTelling(this, emit, whole);
  }

  /** The delta if this record says `after === before + delta`. */
  deltaOf(before: string, after: string): string | undefined {
    return after === this.whole && before === this.prefix ? this.delta : undefined;
  }
}

/** The growth of the emission running now, if any. */
let current: TextGrowth | undefined;

function emitTelling(growth: TextGrowth, emit: (whole: string) => void, whole: string): void {
  const outer = current;
  current = growth;
  try {
    emit(whole);
  } finally {
    current = outer;
  }
}

/**
 * The string that turns `before` into `after` when the emission running
 * now grew `before` into `after` (`after === before + delta`), else
 * `undefined` (then compare the texts). O(1) for the strings that emission
 * made; never wrong.
 */
export function knownDelta(before: string, after: string): string | undefined {
  return current?.deltaOf(before, after);
}
