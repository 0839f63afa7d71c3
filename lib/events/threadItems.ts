/**
 * Thread items and threads as they travel on the wire (PROTOCOL §3, §4):
 * snake_case keys, ISO 8601 `created_at` strings, optional fields left out
 * rather than `null`. Field names follow the reference Python SDK
 * (`openai/chatkit-python`, `chatkit/types.py`). Widget props inside a
 * `widget` item keep their camelCase and are validated by `WidgetRootSchema`.
 */
import { z } from "zod";

import { WidgetRootSchema } from "../../widgets/components";

// ---------------------------------------------------------------------------
// Sources and annotations (assistant message citations)

const SourceBaseShape = {
  title: z.string(),
  description: z.string().exactOptional(),
  timestamp: z.string().exactOptional(),
  group: z.string().exactOptional(),
};

export const URLSourceSchema = z.object({
  ...SourceBaseShape,
  type: z.literal("url"),
  url: z.string(),
  attribution: z.string().exactOptional(),
});
export type URLSource = z.infer<typeof URLSourceSchema>;

export const FileSourceSchema = z.object({
  ...SourceBaseShape,
  type: z.literal("file"),
  filename: z.string(),
});
export type FileSource = z.infer<typeof FileSourceSchema>;

export const EntitySourceSchema = z.object({
  ...SourceBaseShape,
  type: z.literal("entity"),
  id: z.string(),
  icon: z.string().exactOptional(),
  label: z.string().exactOptional(),
  data: z.record(z.string(), z.unknown()).exactOptional(),
});
export type EntitySource = z.infer<typeof EntitySourceSchema>;

export const SourceSchema = z.discriminatedUnion("type", [
  URLSourceSchema,
  FileSourceSchema,
  EntitySourceSchema,
]);
export type Source = z.infer<typeof SourceSchema>;

export const AnnotationSchema = z.object({
  type: z.literal("annotation"),
  source: SourceSchema,
  index: z.number().int().exactOptional(),
});
export type Annotation = z.infer<typeof AnnotationSchema>;

// ---------------------------------------------------------------------------
// Message content

/** One content part of an assistant message. `annotations` defaults to `[]` when parsing. */
export const AssistantMessageContentSchema = z.object({
  type: z.literal("output_text"),
  text: z.string(),
  annotations: z.array(AnnotationSchema).default([]),
});
export type AssistantMessageContent = z.infer<typeof AssistantMessageContentSchema>;

export const UserMessageTextContentSchema = z.object({
  type: z.literal("input_text"),
  text: z.string(),
});
export type UserMessageTextContent = z.infer<typeof UserMessageTextContentSchema>;

export const UserMessageTagContentSchema = z.object({
  type: z.literal("input_tag"),
  id: z.string(),
  text: z.string(),
  data: z.record(z.string(), z.unknown()),
  group: z.string().exactOptional(),
  interactive: z.boolean().default(false),
});
export type UserMessageTagContent = z.infer<typeof UserMessageTagContentSchema>;

export const UserMessageContentSchema = z.discriminatedUnion("type", [
  UserMessageTextContentSchema,
  UserMessageTagContentSchema,
]);
export type UserMessageContent = z.infer<typeof UserMessageContentSchema>;

export const InferenceOptionsSchema = z.object({
  tool_choice: z.object({ id: z.string() }).exactOptional(),
  model: z.string().exactOptional(),
});
export type InferenceOptions = z.infer<typeof InferenceOptionsSchema>;

/** Where and how the client sends an attachment's bytes (the two-phase upload's second phase). */
export const AttachmentUploadDescriptorSchema = z.object({
  url: z.string(),
  method: z.enum(["POST", "PUT"]),
  headers: z.record(z.string(), z.string()).default({}),
});
export type AttachmentUploadDescriptor = z.infer<typeof AttachmentUploadDescriptorSchema>;

const AttachmentBaseShape = {
  id: z.string(),
  name: z.string(),
  mime_type: z.string(),
  upload_url: z.string().exactOptional(),
  /** Set until the bytes are uploaded (reference v1.6: replaces `upload_url`). */
  upload_descriptor: AttachmentUploadDescriptorSchema.exactOptional(),
  /** The thread whose message carries it, once sent. */
  thread_id: z.string().exactOptional(),
};

export const FileAttachmentSchema = z.object({ ...AttachmentBaseShape, type: z.literal("file") });
export const ImageAttachmentSchema = z.object({
  ...AttachmentBaseShape,
  type: z.literal("image"),
  preview_url: z.string(),
});
export const AttachmentSchema = z.discriminatedUnion("type", [FileAttachmentSchema, ImageAttachmentSchema]);
export type Attachment = z.infer<typeof AttachmentSchema>;

// ---------------------------------------------------------------------------
// Workflows and tasks

const TaskBaseShape = {
  status_indicator: z.enum(["none", "loading", "complete"]).default("none"),
};

export const CustomTaskSchema = z.object({
  ...TaskBaseShape,
  type: z.literal("custom"),
  title: z.string().exactOptional(),
  icon: z.string().exactOptional(),
  content: z.string().exactOptional(),
});
export const SearchTaskSchema = z.object({
  ...TaskBaseShape,
  type: z.literal("web_search"),
  title: z.string().exactOptional(),
  title_query: z.string().exactOptional(),
  queries: z.array(z.string()).default([]),
  sources: z.array(URLSourceSchema).default([]),
});
export const ThoughtTaskSchema = z.object({
  ...TaskBaseShape,
  type: z.literal("thought"),
  title: z.string().exactOptional(),
  content: z.string(),
});
export const FileTaskSchema = z.object({
  ...TaskBaseShape,
  type: z.literal("file"),
  title: z.string().exactOptional(),
  sources: z.array(FileSourceSchema).default([]),
});
export const ImageTaskSchema = z.object({
  ...TaskBaseShape,
  type: z.literal("image"),
  title: z.string().exactOptional(),
});
export const TaskSchema = z.discriminatedUnion("type", [
  CustomTaskSchema,
  SearchTaskSchema,
  ThoughtTaskSchema,
  FileTaskSchema,
  ImageTaskSchema,
]);
export type Task = z.infer<typeof TaskSchema>;

export const WorkflowSummarySchema = z.union([
  z.object({ title: z.string(), icon: z.string().exactOptional() }),
  z.object({ duration: z.number() }),
]);
export type WorkflowSummary = z.infer<typeof WorkflowSummarySchema>;

export const WorkflowSchema = z.object({
  type: z.enum(["custom", "reasoning"]),
  tasks: z.array(TaskSchema),
  summary: WorkflowSummarySchema.exactOptional(),
  expanded: z.boolean().default(false),
});
export type Workflow = z.infer<typeof WorkflowSchema>;

// ---------------------------------------------------------------------------
// Thread items

const ThreadItemBaseShape = {
  id: z.string(),
  thread_id: z.string(),
  /** ISO 8601. Kept as the string that travels; parse it where you need a `Date`. */
  created_at: z.string(),
};

/** A widget in the thread (PROTOCOL §3). */
export const WidgetItemSchema = z.object({
  ...ThreadItemBaseShape,
  type: z.literal("widget"),
  widget: WidgetRootSchema,
  copy_text: z.string().exactOptional(),
});
export type WidgetItem = z.infer<typeof WidgetItemSchema>;

export const AssistantMessageItemSchema = z.object({
  ...ThreadItemBaseShape,
  type: z.literal("assistant_message"),
  content: z.array(AssistantMessageContentSchema),
});
export type AssistantMessageItem = z.infer<typeof AssistantMessageItemSchema>;

export const UserMessageItemSchema = z.object({
  ...ThreadItemBaseShape,
  type: z.literal("user_message"),
  content: z.array(UserMessageContentSchema),
  attachments: z.array(AttachmentSchema).default([]),
  quoted_text: z.string().exactOptional(),
  inference_options: InferenceOptionsSchema,
});
export type UserMessageItem = z.infer<typeof UserMessageItemSchema>;

export const ClientToolCallItemSchema = z.object({
  ...ThreadItemBaseShape,
  type: z.literal("client_tool_call"),
  status: z.enum(["pending", "completed"]).default("pending"),
  call_id: z.string(),
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  output: z.unknown().exactOptional(),
});
export type ClientToolCallItem = z.infer<typeof ClientToolCallItemSchema>;

export const TaskItemSchema = z.object({
  ...ThreadItemBaseShape,
  type: z.literal("task"),
  task: TaskSchema,
});
export type TaskItem = z.infer<typeof TaskItemSchema>;

export const WorkflowItemSchema = z.object({
  ...ThreadItemBaseShape,
  type: z.literal("workflow"),
  workflow: WorkflowSchema,
});
export type WorkflowItem = z.infer<typeof WorkflowItemSchema>;

// ---------------------------------------------------------------------------
// Generated images and structured input (reference v1.6.5)

/** An image a model generated: its own id and where the client loads it from. */
export const GeneratedImageSchema = z.object({
  id: z.string(),
  url: z.string(),
});
export type GeneratedImage = z.infer<typeof GeneratedImageSchema>;

/** An image being generated: `image` is absent until the first partial image arrives. */
export const GeneratedImageItemSchema = z.object({
  ...ThreadItemBaseShape,
  type: z.literal("generated_image"),
  image: GeneratedImageSchema.exactOptional(),
});
export type GeneratedImageItem = z.infer<typeof GeneratedImageItemSchema>;

/** What was recorded for one question: the values given, or `skipped`. Defaults `[]` and `false` when parsing. */
export const StructuredInputAnswerSchema = z.object({
  values: z.array(z.string()).default([]),
  skipped: z.boolean().default(false),
});
export type StructuredInputAnswer = z.infer<typeof StructuredInputAnswerSchema>;

const StructuredInputBaseShape = {
  /** Stable id of the question; answers are keyed by it. */
  id: z.string(),
  question: z.string(),
  answer: StructuredInputAnswerSchema.exactOptional(),
};

/** A question answered by picking one option (or several, with `multiple`). `multiple` defaults to `false`. */
export const StructuredInputMultipleChoiceSchema = z.object({
  ...StructuredInputBaseShape,
  type: z.literal("multiple_choice"),
  options: z.array(z.object({ value: z.string() })),
  multiple: z.boolean().default(false),
});
export type StructuredInputMultipleChoice = z.infer<typeof StructuredInputMultipleChoiceSchema>;

/** A question answered with free text. */
export const StructuredInputFreeformSchema = z.object({
  ...StructuredInputBaseShape,
  type: z.literal("freeform"),
  description: z.string().exactOptional(),
});
export type StructuredInputFreeform = z.infer<typeof StructuredInputFreeformSchema>;

export const StructuredInputSchema = z.discriminatedUnion("type", [
  StructuredInputMultipleChoiceSchema,
  StructuredInputFreeformSchema,
]);
export type StructuredInput = z.infer<typeof StructuredInputSchema>;

/**
 * Questions put to the user; the client answers with a
 * `threads.add_structured_input` request, which replaces this item with
 * its answered (or skipped) state. `status` defaults to `"pending"`.
 */
export const StructuredInputItemSchema = z.object({
  ...ThreadItemBaseShape,
  type: z.literal("structured_input"),
  status: z.enum(["pending", "answered", "skipped"]).default("pending"),
  inputs: z.array(StructuredInputSchema),
});
export type StructuredInputItem = z.infer<typeof StructuredInputItemSchema>;

/** Server-side context stored in the thread; never sent to the client. */
export const HiddenContextItemSchema = z.object({
  ...ThreadItemBaseShape,
  type: z.literal("hidden_context_item"),
  content: z.unknown(),
});
export type HiddenContextItem = z.infer<typeof HiddenContextItemSchema>;

/** Hidden context the SDK itself writes (e.g. "the user cancelled the stream"); never sent to the client. */
export const SDKHiddenContextItemSchema = z.object({
  ...ThreadItemBaseShape,
  type: z.literal("sdk_hidden_context"),
  content: z.string(),
});
export type SDKHiddenContextItem = z.infer<typeof SDKHiddenContextItemSchema>;

/** Marks the end of the assistant's turn. */
export const EndOfTurnItemSchema = z.object({
  ...ThreadItemBaseShape,
  type: z.literal("end_of_turn"),
});
export type EndOfTurnItem = z.infer<typeof EndOfTurnItemSchema>;

export const ThreadItemSchema = z.discriminatedUnion("type", [
  UserMessageItemSchema,
  AssistantMessageItemSchema,
  ClientToolCallItemSchema,
  WidgetItemSchema,
  GeneratedImageItemSchema,
  StructuredInputItemSchema,
  WorkflowItemSchema,
  TaskItemSchema,
  HiddenContextItemSchema,
  SDKHiddenContextItemSchema,
  EndOfTurnItemSchema,
]);
export type ThreadItem = z.infer<typeof ThreadItemSchema>;
export type ThreadItemType = ThreadItem["type"];

/** Items the server keeps for the model but never sends to the client nor lists. */
export function isHiddenItem(item: ThreadItem): boolean {
  return item.type === "hidden_context_item" || item.type === "sdk_hidden_context";
}

// ---------------------------------------------------------------------------
// Threads

export const ThreadStatusSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("active") }),
  z.object({ type: z.literal("locked"), reason: z.string().exactOptional() }),
  z.object({ type: z.literal("closed"), reason: z.string().exactOptional() }),
]);
export type ThreadStatus = z.infer<typeof ThreadStatusSchema>;

/** A thread without its items. `status` defaults to `{ type: "active" }` when parsing. */
export const ThreadMetadataSchema = z.object({
  id: z.string(),
  title: z.string().exactOptional(),
  created_at: z.string(),
  status: ThreadStatusSchema.default({ type: "active" }),
  metadata: z.record(z.string(), z.unknown()).exactOptional(),
});
export type ThreadMetadata = z.infer<typeof ThreadMetadataSchema>;

/** One page of a paginated list. */
export function PageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    has_more: z.boolean(),
    after: z.string().exactOptional(),
  });
}
export interface Page<T> {
  data: T[];
  has_more: boolean;
  after?: string;
}

/** A thread with one page of its items, as `thread.created` / `thread.updated` carry it. */
export const ThreadSchema = ThreadMetadataSchema.extend({
  items: PageSchema(ThreadItemSchema),
});
export type Thread = z.infer<typeof ThreadSchema>;
