import fc from "fast-check";

import {
  createIdGenerator,
  defaultGenerateId,
  ID_ALPHABET,
  ID_PREFIXES,
  ID_RANDOM_DIGITS,
  ID_TIME_DIGITS,
  type IdItemType,
} from "../../lib/ids";

const ITEM_TYPES = Object.keys(ID_PREFIXES) as IdItemType[];
const BODY = `[${ID_ALPHABET}]{${ID_TIME_DIGITS + ID_RANDOM_DIGITS}}`;

/** The part after the prefix, which alone must sort (prefixes differ in length). */
const body = (id: string): string => id.slice(id.indexOf("_") + 1);

/** The millisecond timestamp an id spells in its first ten digits. */
function timeOf(id: string): number {
  let time = 0;
  for (const digit of body(id).slice(0, ID_TIME_DIGITS)) time = time * 32 + ID_ALPHABET.indexOf(digit);
  return time;
}

const isSorted = (xs: string[]): boolean => xs.every((x, i) => i === 0 || xs[i - 1]! < x);

describe("defaultGenerateId", () => {
  it.each([
    ["thread", "thr"],
    ["message", "msg"],
    ["tool_call", "tc"],
    ["task", "tsk"],
    ["workflow", "wf"],
    ["attachment", "atc"],
    ["hidden_context", "hcx"],
    ["sdk_hidden_context", "shcx"],
  ] as const)("makes %s ids as <%s>_<30 base32 digits>", (type, prefix) => {
    expect(defaultGenerateId(type)).toMatch(new RegExp(`^${prefix}_${BODY}$`));
    expect(ID_PREFIXES[type]).toBe(prefix);
  });

  it("has at least 96 random bits and a 48-bit time part", () => {
    expect(ID_RANDOM_DIGITS * Math.log2(ID_ALPHABET.length)).toBeGreaterThanOrEqual(96);
    expect(ID_TIME_DIGITS * Math.log2(ID_ALPHABET.length)).toBeGreaterThanOrEqual(48);
    expect([...ID_ALPHABET].sort().join("")).toBe(ID_ALPHABET);
  });

  it("starts with the current millisecond and sorts, unique, in creation order over 20k ids", () => {
    const before = Date.now();
    const ids = Array.from({ length: 20_000 }, () => defaultGenerateId("message"));
    const after = Date.now();
    expect(new Set(ids).size).toBe(ids.length);
    expect(isSorted(ids)).toBe(true);
    expect(timeOf(ids[0]!)).toBeGreaterThanOrEqual(before);
    expect(timeOf(ids[0]!)).toBeLessThanOrEqual(after);
  });

  it("throws a TypeError naming the unknown type", () => {
    expect(() => defaultGenerateId("nope" as IdItemType)).toThrow(
      /defaultGenerateId: unknown item type "nope"/,
    );
    expect(() => defaultGenerateId("toString" as IdItemType)).toThrow(TypeError);
  });
});

describe("createIdGenerator", () => {
  it("is sortable, unique and well-formed whatever the clock does (same ms, going back, jumping)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...ITEM_TYPES), fc.integer({ min: 0, max: 2 ** 48 - 1 })), {
          minLength: 1,
          maxLength: 200,
        }),
        fc.integer({ min: 0, max: 2 ** 48 - 1 }),
        (calls, start) => {
          // A clock that mostly repeats or creeps forward, sometimes jumps anywhere (backwards too).
          let clock = start;
          const generate = createIdGenerator({ now: () => clock });
          const ids = calls.map(([type, jump], i) => {
            if (i % 7 === 3) clock = jump;
            else if (i % 3 === 0) clock = Math.min(clock + 1, 2 ** 48 - 1);
            const id = generate(type);
            expect(id).toMatch(new RegExp(`^${ID_PREFIXES[type]}_${BODY}$`));
            return id;
          });
          const bodies = ids.map(body);
          expect(isSorted(bodies)).toBe(true);
          expect(new Set(ids).size).toBe(ids.length);
        },
      ),
    );
  });

  it("encodes the clock's millisecond in the first ten digits", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (time) => {
        expect(timeOf(createIdGenerator({ now: () => time })("thread"))).toBe(time);
      }),
    );
  });

  it("keeps the time and steps the random part within one millisecond", () => {
    const generate = createIdGenerator({ now: () => 1_700_000_000_000 });
    const [a, b] = [generate("message"), generate("message")];
    expect(timeOf(a)).toBe(1_700_000_000_000);
    expect(timeOf(b)).toBe(1_700_000_000_000);
    expect(body(a) < body(b)).toBe(true);
  });

  it("moves to the next millisecond when the random part would overflow", () => {
    // All-ones random bytes: the random part is all 'z', so any step overflows it.
    const generate = createIdGenerator({ now: () => 5, getRandomValues: (bytes) => bytes.fill(255) });
    const first = generate("task");
    expect(first).toBe(`tsk_0000000005${"z".repeat(ID_RANDOM_DIGITS)}`);
    const second = generate("task");
    expect(timeOf(second)).toBe(6);
    expect(body(first) < body(second)).toBe(true);
  });

  it("draws its randomness from the random source it is given", () => {
    const generate = createIdGenerator({ now: () => 0, getRandomValues: (bytes) => bytes.fill(0) });
    expect(generate("thread")).toBe(`thr_${"0".repeat(ID_TIME_DIGITS + ID_RANDOM_DIGITS)}`);
  });

  it.each([NaN, -1, 2 ** 48, Infinity])("throws a TypeError naming a clock that returns %p", (time) => {
    expect(() => createIdGenerator({ now: () => time })("thread")).toThrow(
      /createIdGenerator: now\(\) returned .*expected milliseconds since the epoch/,
    );
  });

  it("names itself in the TypeError for an unknown type", () => {
    expect(() => createIdGenerator()("nope" as IdItemType)).toThrow(
      /createIdGenerator: unknown item type "nope"/,
    );
  });
});
