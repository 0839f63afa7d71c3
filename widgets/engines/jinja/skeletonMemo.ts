import { rendersSameText } from "./slotOnlyNames";
import type { Skeleton, Slots } from "./slots";

/**
 * Where `renderParsed` finds the skeleton (see `slots.ts`) of a text with
 * markers it rendered before: `undefined` when it has none, `null` when the
 * text was found not to be JSON (or a marker misplaced), so it is not
 * parsed again to learn that twice.
 */
export interface SkeletonMemo {
  get(text: string): Skeleton | null | undefined;
  remember(text: string, skeleton: Skeleton | null): void;
  /**
   * Whether the last render found long strings to put in slots: then the
   * next render goes through slots too, rather than a value builder (see
   * `valueBuilder.ts`), whose widgets share nothing between builds.
   */
  prefersSlots: boolean;
  /**
   * The strings to fill the last render's skeleton with for `data`, when
   * `data` renders the same text with slots (only slot-only names changed,
   * see `slotOnlyNames.ts`), so the template need not run; `undefined`
   * otherwise, or if this memo keeps no render (a shared memo does not).
   */
  refill?(data: Readonly<Record<string, unknown>>, slotOnly: ReadonlySet<string>): Refill | undefined;
  /** Keeps `data`'s render, whose text has `skeleton`, for `refill`. */
  rememberRender?(data: Readonly<Record<string, unknown>>, slots: Slots, skeleton: Skeleton): void;
}

/** What `SkeletonMemo.refill` gives: the skeleton to fill, and the strings of its slots. */
export interface Refill {
  readonly skeleton: Skeleton;
  readonly values: readonly string[];
}

/** A stream's last render: its data, and the strings of its slots, updated by each refill. */
interface KeptRender extends Refill {
  data: Readonly<Record<string, unknown>>;
  values: readonly string[];
  readonly names: readonly (string | undefined)[];
}

/**
 * One stream's memo: the skeleton of its last text. A widget streaming into
 * a card renders the same text token after token (only the long strings in
 * the slots differ); when the text changes (a reaction added, the stream
 * ending), the new skeleton replaces the old one. It lives as long as the
 * stream that holds it, so a template rendered by any number of streams at
 * once keeps one skeleton per stream, and no state outlives its stream.
 */
export class LastSkeleton implements SkeletonMemo {
  prefersSlots = false;
  #text: string | undefined;
  #skeleton: Skeleton | null = null;

  get(text: string): Skeleton | null | undefined {
    return text === this.#text ? this.#skeleton : undefined;
  }

  remember(text: string, skeleton: Skeleton | null): void {
    this.#text = text;
    this.#skeleton = skeleton;
  }

  #render: KeptRender | undefined;

  refill(data: Readonly<Record<string, unknown>>, slotOnly: ReadonlySet<string>): Refill | undefined {
    const last = this.#render;
    if (last === undefined || !rendersSameText(last.data, data, slotOnly)) return undefined;
    const { names } = last;
    const values = last.values.slice();
    for (let index = 0; index < values.length; index++) {
      const name = names[index];
      if (name !== undefined && slotOnly.has(name)) values[index] = data[name] as string;
    }
    last.data = data;
    last.values = values;
    return last;
  }

  rememberRender(data: Readonly<Record<string, unknown>>, slots: Slots, skeleton: Skeleton): void {
    this.#render = { data, values: slots.values, names: slots.names ?? [], skeleton };
  }
}

/**
 * The memo of one-off renders (`WidgetTemplate.build`), shared by every
 * caller of a template: the last `capacity` texts, oldest out first. A few
 * generators building a card per token still reuse their skeletons; more
 * streams than that should each hold a `LastSkeleton` (as `renderTemplate`
 * does through `streamRenderer`), since this memo, being bounded, then
 * misses on every render.
 */
export class RecentSkeletons implements SkeletonMemo {
  prefersSlots = false;
  readonly #skeletons = new Map<string, Skeleton | null>();

  constructor(private readonly capacity: number) {}

  get(text: string): Skeleton | null | undefined {
    return this.#skeletons.get(text);
  }

  remember(text: string, skeleton: Skeleton | null): void {
    if (this.#skeletons.size >= this.capacity) {
      const oldest = this.#skeletons.keys().next().value;
      if (oldest !== undefined) this.#skeletons.delete(oldest);
    }
    this.#skeletons.set(text, skeleton);
  }
}
