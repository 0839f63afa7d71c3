/**
 * Ids for threads and thread items: `<prefix>_<10 time digits><20 random
 * digits>` in lowercase Crockford base32, with the prefixes of the
 * reference Python SDK (`chatkit/store.py`): `thr_`, `msg_` (every
 * message-like item, widgets included), `tc_`, `tsk_`, `wf_`, `atc_`,
 * `hcx_`, `shcx_`. Inject an {@link IdGenerator} wherever ids are made, so
 * tests and stores can choose their own.
 *
 * Why this shape: the reference's 32 random bits collide with even odds at
 * about 77k ids; 100 random bits put that past 10^15 ids per millisecond.
 * The 48-bit millisecond timestamp in front makes ids sort by creation time
 * as plain strings (the Crockford alphabet is in ASCII order), and within one
 * generator ids made in the same millisecond still sort in creation order
 * (ULID's "monotonic" trick, see {@link createIdGenerator}).
 */

/** What an id is for; decides its prefix. */
export type IdItemType =
  | "thread"
  | "message"
  | "tool_call"
  | "task"
  | "workflow"
  | "attachment"
  | "hidden_context"
  | "sdk_hidden_context";

/** Makes a fresh id for one kind of thing. Must not return the same id twice within a thread. */
export type IdGenerator = (itemType: IdItemType) => string;

/** The prefix of each {@link IdItemType}. */
export const ID_PREFIXES: Readonly<Record<IdItemType, string>> = Object.freeze({
  thread: "thr",
  message: "msg",
  tool_call: "tc",
  task: "tsk",
  workflow: "wf",
  attachment: "atc",
  hidden_context: "hcx",
  sdk_hidden_context: "shcx",
});

/** Crockford's base32 digits, lowercase; ascending in ASCII, so ids compare like the numbers they spell. */
export const ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** Base32 digits of the millisecond timestamp (50 bits, enough for 48). */
export const ID_TIME_DIGITS = 10;

/** Base32 digits of the random part: 20 × 5 = 100 random bits. */
export const ID_RANDOM_DIGITS = 20;

/** The largest timestamp 48 bits hold (the year 10889). */
const MAX_TIME = 2 ** 48 - 1;

/**
 * How many of the lowest random digits a same-millisecond id adds a random
 * step to: 6 digits = 30 bits, so successive ids stay hard to guess yet the
 * 100-bit counter cannot realistically run out.
 */
const STEP_DIGITS = 6;

/** Options of {@link createIdGenerator}. */
export interface IdGeneratorConfig {
  /** Milliseconds since the epoch. Default `Date.now` (pass a scheduler's `now` to virtualise it). */
  now?: () => number;
  /** Fills a byte array with random bytes. Default Web Crypto's `crypto.getRandomValues`. */
  getRandomValues?: (bytes: Uint8Array) => void;
}

function encodeTime(time: number): string {
  let digits = "";
  let rest = time;
  for (let i = 0; i < ID_TIME_DIGITS; i++) {
    digits = ID_ALPHABET[rest % 32]! + digits;
    rest = Math.floor(rest / 32);
  }
  return digits;
}

/**
 * Makes an {@link IdGenerator} whose ids sort in the order it made them.
 *
 * Each id is the time of `now()` then 100 random bits. When `now()` has not
 * moved past the previous id's time (same millisecond, or a clock that went
 * back), the new id keeps the previous time and adds a random step of 1 to
 * 2^30 to the previous random part instead of drawing a new one, so it sorts
 * after it. Should that 100-bit counter ever overflow, the time part moves on
 * one millisecond. Separate generators (processes, tabs) only share the
 * time order to the millisecond; uniqueness between them rests on the 100
 * random bits.
 *
 * @param config Optional clock and random source (for tests, or a virtual scheduler).
 * @return A generator of ids like `msg_01jc5s8x2a3kz8q0w4f7v9m1ht6e5rbn`.
 */
export function createIdGenerator(config: IdGeneratorConfig = {}): IdGenerator {
  return makeIdGenerator(config, "createIdGenerator");
}

function makeIdGenerator(config: IdGeneratorConfig, name: string): IdGenerator {
  const now = config.now ?? Date.now;
  const getRandomValues =
    config.getRandomValues ?? ((bytes: Uint8Array) => void globalThis.crypto.getRandomValues(bytes));
  let lastTime = -1;
  /** The previous id's random part, one base32 digit (0..31) per entry. */
  let lastRandom: Uint8Array = new Uint8Array(ID_RANDOM_DIGITS);

  const freshRandom = (): Uint8Array => {
    const bytes = new Uint8Array(ID_RANDOM_DIGITS);
    getRandomValues(bytes);
    // 256 is a multiple of 32: the low 5 bits of a uniform byte are uniform.
    return bytes.map((byte) => byte & 31);
  };

  /** `lastRandom` plus a random step; `undefined` when it overflows 100 bits. */
  const nextRandom = (): Uint8Array | undefined => {
    const step = freshRandom().subarray(0, STEP_DIGITS);
    step[STEP_DIGITS - 1]! |= 1; // never a step of 0
    const next = new Uint8Array(lastRandom);
    let carry = 0;
    for (let i = ID_RANDOM_DIGITS - 1; i >= 0; i--) {
      const offset = ID_RANDOM_DIGITS - 1 - i;
      const sum = next[i]! + (offset < STEP_DIGITS ? step[STEP_DIGITS - 1 - offset]! : 0) + carry;
      next[i] = sum & 31;
      carry = sum >> 5;
    }
    return carry === 0 ? next : undefined;
  };

  return (itemType) => {
    const prefix = Object.hasOwn(ID_PREFIXES, itemType) ? ID_PREFIXES[itemType] : undefined;
    if (prefix === undefined) {
      throw new TypeError(
        `${name}: unknown item type ${JSON.stringify(itemType)}; expected one of ${Object.keys(ID_PREFIXES).join(", ")}`,
      );
    }
    const clock = now();
    if (!Number.isFinite(clock) || clock < 0 || clock > MAX_TIME) {
      throw new TypeError(
        `${name}: now() returned ${String(clock)}; expected milliseconds since the epoch between 0 and 2^48 - 1`,
      );
    }
    const time = Math.floor(clock);
    if (time > lastTime) {
      lastTime = time;
      lastRandom = freshRandom();
    } else {
      const next = nextRandom();
      if (next === undefined) {
        lastTime += 1;
        lastRandom = freshRandom();
      } else {
        lastRandom = next;
      }
    }
    let random = "";
    for (const digit of lastRandom) random += ID_ALPHABET[digit]!;
    return `${prefix}_${encodeTime(lastTime)}${random}`;
  };
}

/**
 * The default {@link IdGenerator}: `<prefix>_<30 base32 digits>`, 48-bit
 * timestamp then 100 random bits (Web Crypto randomness, so it works in
 * Node and browsers alike), sortable in creation order within one process.
 *
 * @param itemType What the id is for.
 * @return e.g. `msg_01jc5s8x2a3kz8q0w4f7v9m1ht6e5rbn`.
 */
export const defaultGenerateId: IdGenerator = makeIdGenerator({}, "defaultGenerateId");
