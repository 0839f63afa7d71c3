import type { ThreadStreamEvent } from "../events/threadEvents";
import type { GeneratedImage, GeneratedImageItem } from "../events/threadItems";
import type { ResponseStreamConverter } from "./ResponseStreamConverter";

/** What a step returns: the events at once, or once the converter has made an image's URL. */
export type Steps = readonly ThreadStreamEvent[] | Promise<readonly ThreadStreamEvent[]>;

/** The fields of the image generation events and items that the conversion reads. */
interface RawImageEvent {
  readonly type?: unknown;
  readonly item?: unknown;
  readonly item_id?: unknown;
  readonly partial_image_b64?: unknown;
  readonly partial_image_index?: unknown;
  readonly output_format?: unknown;
}

interface RawImageCall {
  readonly type?: unknown;
  readonly id?: unknown;
  readonly result?: unknown;
  readonly output_format?: unknown;
}

/** What the steps need of their stream. */
export interface GeneratedImageStepsConfig {
  readonly converter: ResponseStreamConverter;
  /** A new, empty `generated_image` item (its id, thread and time). */
  readonly newItem: () => GeneratedImageItem;
  /** Events to send before an image item first shows (the open workflow's end). */
  readonly before: (item: GeneratedImageItem) => ThreadStreamEvent[];
}

/** The image generation steps of one stream. */
export interface GeneratedImageSteps {
  /** The events of a raw Responses event, or `undefined` when it is not about image generation. */
  readonly raw: (raw: unknown) => Steps | undefined;
  /** A finished `image_generation_call` the run reported (`hosted_tool_call`), whose stream may not have shown it. */
  readonly hostedCall: (id: unknown, result: unknown, format: unknown) => Steps;
  /** Closes the images still open when the stream ends: done with their last image, or removed if they have none. */
  readonly closeAll: () => ThreadStreamEvent[];
}

const formatOf = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/**
 * The reference SDK's image generation conversion, for the raw Responses
 * events the JS SDK forwards (`data.type === "model"`):
 *
 * - `response.output_item.added` of an `image_generation_call` adds a
 *   `generated_image` item with no image yet;
 * - each `response.image_generation_call.partial_image` replaces its image
 *   (`generated_image.updated`, with the converter's progress);
 * - `response.output_item.done` with the call's `result` ends it with the
 *   final image (`thread.item.done`).
 *
 * Image URLs come from `converter.base64ImageToUrl` (a data URL by default),
 * which may be asynchronous (an upload).
 *
 * Unlike the reference, each call is tracked by its own id (the reference
 * keeps one image per response, so a second call's partial images land in
 * the first one's item), a call that fails or never finishes is not left
 * open forever (done with its last partial image, or removed when it has
 * none), and a call the stream never showed (a model that sends no raw
 * events) still appears, from the run's `hosted_tool_call` item.
 */
export function generatedImageSteps(config: GeneratedImageStepsConfig): GeneratedImageSteps {
  const { converter } = config;
  /** Open items by the model's call id. */
  const open = new Map<string, GeneratedImageItem>();
  /** Calls already ended here: their `hosted_tool_call` run item is not shown again. */
  const ended = new Set<string>();

  const add = (callId: string): ThreadStreamEvent[] => {
    const item = config.newItem();
    open.set(callId, item);
    return [...config.before(item), { type: "thread.item.added", item }];
  };

  /** Ends call `callId` with its final image, or (without one) with what it has. */
  const finish = async (
    callId: string,
    base64: string | undefined,
    format: unknown,
  ): Promise<ThreadStreamEvent[]> => {
    const events = open.has(callId) ? [] : add(callId);
    const item = open.get(callId) as GeneratedImageItem;
    let final = item;
    if (base64 !== undefined) {
      const url = await converter.base64ImageToUrl({ imageId: callId, base64, format: formatOf(format) });
      final = { ...item, image: { id: callId, url } };
    }
    open.delete(callId);
    ended.add(callId);
    events.push(close(final));
    return events;
  };

  const close = (item: GeneratedImageItem): ThreadStreamEvent =>
    item.image === undefined
      ? { type: "thread.item.removed", item_id: item.id }
      : { type: "thread.item.done", item };

  const partial = async (event: RawImageEvent): Promise<ThreadStreamEvent[]> => {
    const callId = event.item_id as string;
    const events = open.has(callId) ? [] : add(callId);
    const index = typeof event.partial_image_index === "number" ? event.partial_image_index : 0;
    const url = await converter.base64ImageToUrl({
      imageId: callId,
      base64: event.partial_image_b64 as string,
      partialImageIndex: index,
      format: formatOf(event.output_format),
    });
    const item = open.get(callId);
    // The call ended while the URL was being made: its final image stays.
    if (item === undefined) return events;
    const image: GeneratedImage = { id: callId, url };
    open.set(callId, { ...item, image });
    const progress = converter.partialImageProgress(index);
    events.push({
      type: "thread.item.updated",
      item_id: item.id,
      update:
        progress === undefined
          ? { type: "generated_image.updated", image }
          : { type: "generated_image.updated", image, progress },
    });
    return events;
  };

  return {
    raw: (raw) => {
      if (typeof raw !== "object" || raw === null) return undefined;
      const event = raw as RawImageEvent;
      switch (event.type) {
        case "response.output_item.added":
        case "response.output_item.done": {
          const call = (event.item ?? {}) as RawImageCall;
          if (call.type !== "image_generation_call" || typeof call.id !== "string") return undefined;
          if (event.type === "response.output_item.added") return open.has(call.id) ? [] : add(call.id);
          if (ended.has(call.id)) return [];
          // A call that failed before it showed anything has nothing to take back.
          if (typeof call.result !== "string" && !open.has(call.id)) return [];
          return finish(
            call.id,
            typeof call.result === "string" ? call.result : undefined,
            call.output_format,
          );
        }
        case "response.image_generation_call.partial_image":
          if (typeof event.item_id !== "string" || typeof event.partial_image_b64 !== "string") return [];
          if (ended.has(event.item_id)) return [];
          return partial(event);
        default:
          return undefined;
      }
    },
    hostedCall: (id, result, format) => {
      if (typeof id !== "string" || ended.has(id)) return [];
      // A call that produced nothing and never showed has nothing to take back.
      if (typeof result !== "string" && !open.has(id)) return [];
      return finish(id, typeof result === "string" ? result : undefined, format);
    },
    closeAll: () => {
      const events = [...open.values()].map(close);
      for (const callId of open.keys()) ended.add(callId);
      open.clear();
      return events;
    },
  };
}
