/**
 * Every event a streaming response sends (PROTOCOL §3), each one Server-Sent
 * Event frame. Keys are the wire format (snake_case). Update payloads of
 * `thread.item.updated` follow the reference Python SDK
 * (`openai/chatkit-python`, `ThreadItemUpdate`).
 */
import { z } from "zod";

import {
  AnnotationSchema,
  AssistantMessageContentSchema,
  GeneratedImageSchema,
  TaskSchema,
  ThreadItemSchema,
  ThreadSchema,
} from "./threadItems";
import { WidgetUpdateSchema } from "./widgetUpdates";

// ---------------------------------------------------------------------------
// Updates of assistant messages and workflows

/** A new content part starts at `content_index`. */
export const AssistantMessageContentPartAddedSchema = z.object({
  type: z.literal("assistant_message.content_part.added"),
  content_index: z.number().int(),
  content: AssistantMessageContentSchema,
});
export type AssistantMessageContentPartAdded = z.infer<typeof AssistantMessageContentPartAddedSchema>;

/** Append `delta` to the text of the content part at `content_index`. */
export const AssistantMessageContentPartTextDeltaSchema = z.object({
  type: z.literal("assistant_message.content_part.text_delta"),
  content_index: z.number().int(),
  delta: z.string(),
});
export type AssistantMessageContentPartTextDelta = z.infer<typeof AssistantMessageContentPartTextDeltaSchema>;

/** Insert `annotation` at `annotation_index` of the content part at `content_index`. */
export const AssistantMessageContentPartAnnotationAddedSchema = z.object({
  type: z.literal("assistant_message.content_part.annotation_added"),
  content_index: z.number().int(),
  annotation_index: z.number().int(),
  annotation: AnnotationSchema,
});
export type AssistantMessageContentPartAnnotationAdded = z.infer<
  typeof AssistantMessageContentPartAnnotationAddedSchema
>;

/** The content part at `content_index` is final; `content` is its final state. */
export const AssistantMessageContentPartDoneSchema = z.object({
  type: z.literal("assistant_message.content_part.done"),
  content_index: z.number().int(),
  content: AssistantMessageContentSchema,
});
export type AssistantMessageContentPartDone = z.infer<typeof AssistantMessageContentPartDoneSchema>;

export const AssistantMessageUpdateSchema = z.discriminatedUnion("type", [
  AssistantMessageContentPartAddedSchema,
  AssistantMessageContentPartTextDeltaSchema,
  AssistantMessageContentPartAnnotationAddedSchema,
  AssistantMessageContentPartDoneSchema,
]);
export type AssistantMessageUpdate = z.infer<typeof AssistantMessageUpdateSchema>;

export const WorkflowTaskAddedSchema = z.object({
  type: z.literal("workflow.task.added"),
  task_index: z.number().int(),
  task: TaskSchema,
});
export type WorkflowTaskAdded = z.infer<typeof WorkflowTaskAddedSchema>;

export const WorkflowTaskUpdatedSchema = z.object({
  type: z.literal("workflow.task.updated"),
  task_index: z.number().int(),
  task: TaskSchema,
});
export type WorkflowTaskUpdated = z.infer<typeof WorkflowTaskUpdatedSchema>;

export const WorkflowUpdateSchema = z.discriminatedUnion("type", [
  WorkflowTaskAddedSchema,
  WorkflowTaskUpdatedSchema,
]);
export type WorkflowUpdate = z.infer<typeof WorkflowUpdateSchema>;

/**
 * A generated image has a new (partial or final) state: `image` replaces the
 * item's image; `progress` (0 to 1, when known) is for display only.
 */
export const GeneratedImageUpdatedSchema = z.object({
  type: z.literal("generated_image.updated"),
  image: GeneratedImageSchema,
  progress: z.number().exactOptional(),
});
export type GeneratedImageUpdated = z.infer<typeof GeneratedImageUpdatedSchema>;

/** Anything `thread.item.updated` can carry. */
export const ThreadItemUpdateSchema = z.discriminatedUnion("type", [
  AssistantMessageUpdateSchema,
  WidgetUpdateSchema,
  WorkflowUpdateSchema,
  GeneratedImageUpdatedSchema,
]);
export type ThreadItemUpdate = z.infer<typeof ThreadItemUpdateSchema>;

// ---------------------------------------------------------------------------
// Events

export const ThreadCreatedEventSchema = z.object({
  type: z.literal("thread.created"),
  thread: ThreadSchema,
});
export type ThreadCreatedEvent = z.infer<typeof ThreadCreatedEventSchema>;

export const ThreadUpdatedEventSchema = z.object({
  type: z.literal("thread.updated"),
  thread: ThreadSchema,
});
export type ThreadUpdatedEvent = z.infer<typeof ThreadUpdatedEventSchema>;

/** A new item; more updates may follow until its `thread.item.done`. */
export const ThreadItemAddedEventSchema = z.object({
  type: z.literal("thread.item.added"),
  item: ThreadItemSchema,
});
export type ThreadItemAddedEvent = z.infer<typeof ThreadItemAddedEventSchema>;

export const ThreadItemUpdatedEventSchema = z.object({
  type: z.literal("thread.item.updated"),
  item_id: z.string(),
  update: ThreadItemUpdateSchema,
});
export type ThreadItemUpdatedEvent = z.infer<typeof ThreadItemUpdatedEventSchema>;

/** The item in its final state (also sent alone for an item that was never streamed). */
export const ThreadItemDoneEventSchema = z.object({
  type: z.literal("thread.item.done"),
  item: ThreadItemSchema,
});
export type ThreadItemDoneEvent = z.infer<typeof ThreadItemDoneEventSchema>;

export const ThreadItemReplacedEventSchema = z.object({
  type: z.literal("thread.item.replaced"),
  item: ThreadItemSchema,
});
export type ThreadItemReplacedEvent = z.infer<typeof ThreadItemReplacedEventSchema>;

export const ThreadItemRemovedEventSchema = z.object({
  type: z.literal("thread.item.removed"),
  item_id: z.string(),
});
export type ThreadItemRemovedEvent = z.infer<typeof ThreadItemRemovedEventSchema>;

export const ProgressUpdateEventSchema = z.object({
  type: z.literal("progress_update"),
  text: z.string(),
  icon: z.string().exactOptional(),
});
export type ProgressUpdateEvent = z.infer<typeof ProgressUpdateEventSchema>;

export const ClientEffectEventSchema = z.object({
  type: z.literal("client_effect"),
  name: z.string(),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type ClientEffectEvent = z.infer<typeof ClientEffectEventSchema>;

export const NoticeEventSchema = z.object({
  type: z.literal("notice"),
  level: z.enum(["info", "warning", "danger"]),
  /** Markdown. */
  message: z.string(),
  title: z.string().exactOptional(),
});
export type NoticeEvent = z.infer<typeof NoticeEventSchema>;

export const StreamOptionsEventSchema = z.object({
  type: z.literal("stream_options"),
  stream_options: z.object({ allow_cancel: z.boolean() }),
});
export type StreamOptionsEvent = z.infer<typeof StreamOptionsEventSchema>;

/** `code` defaults to `"custom"` and `allow_retry` to `false` when parsing. */
export const ErrorEventSchema = z.object({
  type: z.literal("error"),
  code: z.string().default("custom"),
  message: z.string().exactOptional(),
  allow_retry: z.boolean().default(false),
});
export type ErrorEvent = z.infer<typeof ErrorEventSchema>;

/** Every event of a streaming response, discriminated on `type`. */
export const ThreadStreamEventSchema = z.discriminatedUnion("type", [
  ThreadCreatedEventSchema,
  ThreadUpdatedEventSchema,
  ThreadItemAddedEventSchema,
  ThreadItemUpdatedEventSchema,
  ThreadItemDoneEventSchema,
  ThreadItemReplacedEventSchema,
  ThreadItemRemovedEventSchema,
  ProgressUpdateEventSchema,
  ClientEffectEventSchema,
  NoticeEventSchema,
  StreamOptionsEventSchema,
  ErrorEventSchema,
]);
export type ThreadStreamEvent = z.infer<typeof ThreadStreamEventSchema>;
export type ThreadStreamEventType = ThreadStreamEvent["type"];
