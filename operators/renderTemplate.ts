import { animationFrameScheduler, defer, map, Observable } from "rxjs";
import type { OperatorFunction, SchedulerLike, Subscription } from "rxjs";

import type { WidgetRoot } from "../widgets/components";
import { LinkedSubscriber } from "./internal/LinkedSubscriber";

/** Anything that turns data into a widget root, such as a loaded `.widget` template. */
export interface WidgetBuilder<T> {
  build(data: T): WidgetRoot;
  /**
   * A builder for one stream of builds, which keeps what makes its next
   * build cheap (`WidgetTemplate.streamBuilder`); when present,
   * `renderTemplate` makes one per subscription.
   */
  streamBuilder?(): { build(data: T): WidgetRoot };
}

/** Options of {@link renderTemplate}. */
export interface RenderTemplateConfig {
  /**
   * When given, render at most once per frame timed by this scheduler
   * (e.g. `animationFrameScheduler`, or `asyncScheduler` on a server).
   * Without it, every value is rendered.
   */
  readonly scheduler?: SchedulerLike | undefined;
  /**
   * Length of a frame in milliseconds (finite, >= 0). Defaults to 16, or to
   * 0 with `animationFrameScheduler`, whose delay-0 actions are what run
   * on the browser's animation frames. Only with `scheduler`.
   */
  readonly frameMs?: number | undefined;
}

/**
 * Renders each value through a widget template into a widget root.
 *
 * It's like `map((data) => template.build(data))`, but with a scheduler it
 * renders at most once per frame: data arriving faster than that is not
 * rendered until the frame ends, and then only the latest.
 *
 * ```
 * source:  -a-b-c----|
 *          renderTemplate(template, undefined, { scheduler, frameMs: 5 })
 * result:  -A----C---|     A = build(a), C = build(c); b was superseded
 * ```
 *
 * - Without `config.scheduler` every value is rendered, synchronously.
 * - With it, the first value after a quiet frame is rendered at once (no
 *   added latency), then at each frame's end the latest value not yet
 *   rendered, if any. Superseded values are never rendered, and a value
 *   already rendered is never rendered again.
 * - Each subscription builds with its own `template.streamBuilder()` when
 *   the template has one (a `WidgetTemplate` does), so what one build parsed
 *   serves the next build of the same stream, however many streams render
 *   the template at once.
 * - On completion the latest value not yet rendered is rendered at once,
 *   then the output completes: the final state always arrives, without
 *   waiting for the frame.
 * - On a source error the latest value not yet rendered is rendered first
 *   (nothing the source delivered is lost); if that render throws, the
 *   source error, which ended the stream, is the one forwarded.
 * - `project` and `build` run only for values that are rendered, with the
 *   value's index in the source. Whatever they throw (a
 *   `WidgetTemplateError` from `build`, say) reaches the subscriber as the
 *   error, unchanged.
 * - Unsubscribing stops the source at once, even a synchronous one that
 *   is still inside its `subscribe`, and cancels the pending frame.
 *
 * ## Example
 *
 * ```ts
 * const card = WidgetTemplate.fromFile("widgets/weather.widget", { baseDir: __dirname });
 * forecast$.pipe(
 *   renderTemplate(card, (forecast) => ({ city: forecast.city, days: forecast.days }), {
 *     scheduler: animationFrameScheduler,
 *   }),
 * );
 * ```
 *
 * @param template What renders the data: any object with `build(data)`.
 * @param project Maps each source value (and its index) to the template's
 * data. Defaults to passing the value through.
 * @param config The scheduler and frame length that limit the render rate.
 * @return A function that returns an Observable of widget roots.
 */
export function renderTemplate<TData>(
  template: WidgetBuilder<TData>,
  project?: undefined,
  config?: RenderTemplateConfig,
): OperatorFunction<TData, WidgetRoot>;
export function renderTemplate<TData, TIn>(
  template: WidgetBuilder<TData>,
  project: (value: TIn, index: number) => TData,
  config?: RenderTemplateConfig,
): OperatorFunction<TIn, WidgetRoot>;
export function renderTemplate<TData, TIn = TData>(
  template: WidgetBuilder<TData>,
  project?: (value: TIn, index: number) => TData,
  config: RenderTemplateConfig = {},
): OperatorFunction<TIn, WidgetRoot> {
  if (typeof (template as Partial<WidgetBuilder<TData>> | null)?.build !== "function") {
    throw new TypeError(
      `renderTemplate: template must be an object with a build(data) method, got ${describe(template)}`,
    );
  }
  if (project !== undefined && typeof project !== "function") {
    throw new TypeError(`renderTemplate: project must be a function or undefined, got ${describe(project)}`);
  }
  const { scheduler } = config;
  if (scheduler === undefined && config.frameMs !== undefined) {
    throw new TypeError(
      `renderTemplate: config.frameMs (${String(config.frameMs)}) needs config.scheduler to time frames; pass e.g. { scheduler: asyncScheduler, frameMs: ${String(config.frameMs)} }`,
    );
  }
  const frameMs = config.frameMs ?? (scheduler === animationFrameScheduler ? 0 : 16);
  if (typeof frameMs !== "number" || !Number.isFinite(frameMs) || frameMs < 0) {
    throw new TypeError(
      `renderTemplate: config.frameMs must be a finite number >= 0, got ${String(frameMs)}`,
    );
  }

  /** Renders one subscription's values, with a builder of its own when the template makes them. */
  const renderer = (): ((value: TIn, index: number) => WidgetRoot) => {
    const builder = template.streamBuilder?.() ?? template;
    // Without `project`, TIn is TData (see the first overload).
    return (value, index) =>
      builder.build(project === undefined ? (value as unknown as TData) : project(value, index));
  };

  if (scheduler === undefined) return (source) => defer(() => source.pipe(map(renderer())));

  return (source) =>
    new Observable<WidgetRoot>((subscriber) => {
      const render = renderer();
      // The latest value not yet rendered (`hasLatest`, so `undefined` is a
      // value), in two variables rather than a box: one value per token
      // comes through here, and only one per frame is rendered.
      let hasLatest = false;
      let latestValue: TIn | undefined;
      let latestIndex = 0;
      let index = 0;
      let frame: Subscription | null = null;

      /** Renders, or errors the subscriber with what was thrown and returns false. */
      const emit = (value: TIn, at: number): boolean => {
        let root: WidgetRoot;
        try {
          root = render(value, at);
        } catch (err: unknown) {
          subscriber.error(err);
          return false;
        }
        subscriber.next(root);
        return true;
      };

      const endOfFrame = (again: () => void): void => {
        if (!hasLatest) {
          frame = null;
          return;
        }
        const value = latestValue as TIn;
        hasLatest = false;
        latestValue = undefined;
        // Open the next frame before emitting, so a re-entrant push from
        // downstream is held for it rather than rendered twice in one frame.
        // It is the same timer: a stream that keeps rendering costs no timer per frame.
        again();
        emit(value, latestIndex);
      };

      const endFrame = (): void => {
        frame?.unsubscribe();
        frame = null;
      };

      // Linked to `subscriber` before the source runs, so unsubscribing
      // stops even a synchronous source, and takes the frame timer with it.
      const upstream = new LinkedSubscriber<TIn>(subscriber, {
        next: (value) => {
          const at = index++;
          if (frame !== null) {
            hasLatest = true;
            latestValue = value;
            latestIndex = at;
            return;
          }
          frame = upstream.schedule(scheduler, frameMs, endOfFrame);
          emit(value, at);
        },
        error: (err: unknown) => {
          endFrame();
          const pending = hasLatest;
          const value = latestValue as TIn;
          hasLatest = false;
          latestValue = undefined;
          let root: WidgetRoot | undefined;
          try {
            if (pending) root = render(value, latestIndex);
          } catch {
            // The source error ended the stream; it is the one to report.
          }
          if (root !== undefined) subscriber.next(root);
          subscriber.error(err);
        },
        complete: () => {
          endFrame();
          const pending = hasLatest;
          const value = latestValue as TIn;
          hasLatest = false;
          latestValue = undefined;
          if (!pending || emit(value, latestIndex)) subscriber.complete();
        },
      });
      source.subscribe(upstream);
    });
}

function describe(value: unknown): string {
  switch (typeof value) {
    case "object":
      return value === null ? "null" : "an object without build()";
    case "function":
      return "a function";
    case "string":
      return JSON.stringify(value);
    case "undefined":
      return "undefined";
    default:
      return `${typeof value} ${String(value)}`;
  }
}
