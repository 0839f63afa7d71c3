/**
 * The requests a ChatKit client POSTs (PROTOCOL §4), one JSON body each,
 * discriminated by `type`. Shapes follow the reference Python SDK
 * (`openai/chatkit-python`, `chatkit/types.py`). The browser sends them, so
 * they are untrusted: optional fields accept `null` as well as absence (the
 * JS client sends both), and everything is checked before the store is
 * touched.
 */
import { z } from "zod";

import { UserMessageContentSchema } from "../events/threadItems";
import { ActionConfigSchema } from "../../widgets/actions";

const MetadataShape = {
  /** Integration-specific data; any request may carry it. */
  metadata: z.record(z.string(), z.unknown()).nullish(),
};

/** What the composer sends as a new user message. */
export const UserMessageInputSchema = z.object({
  content: z.array(UserMessageContentSchema),
  /** Ids of the caller's uploaded attachments (see `attachments.create`); each is checked before anything is written. */
  attachments: z.array(z.string()).default([]),
  quoted_text: z.string().nullish(),
  inference_options: z
    .object({
      tool_choice: z.object({ id: z.string() }).nullish(),
      model: z.string().nullish(),
    })
    .nullish(),
});
export type UserMessageInput = z.infer<typeof UserMessageInputSchema>;

/** A widget action as the client sends it: untrusted `type` and `payload` (any JSON value, `null` included). */
export const ActionSchema = ActionConfigSchema;
export type Action = z.infer<typeof ActionSchema>;

const PageParamsShape = {
  limit: z.number().int().positive().nullish(),
  order: z.enum(["asc", "desc"]).default("desc"),
  after: z.string().nullish(),
};

const ActionParamsSchema = z.object({
  thread_id: z.string(),
  item_id: z.string().nullish(),
  action: ActionSchema,
});

// ---------------------------------------------------------------------------
// Streaming requests (answered with Server-Sent Events)

export const ThreadsCreateRequestSchema = z.object({
  ...MetadataShape,
  type: z.literal("threads.create"),
  params: z.object({ input: UserMessageInputSchema }),
});
export type ThreadsCreateRequest = z.infer<typeof ThreadsCreateRequestSchema>;

export const ThreadsAddUserMessageRequestSchema = z.object({
  ...MetadataShape,
  type: z.literal("threads.add_user_message"),
  params: z.object({ thread_id: z.string(), input: UserMessageInputSchema }),
});
export type ThreadsAddUserMessageRequest = z.infer<typeof ThreadsAddUserMessageRequestSchema>;

export const ThreadsAddClientToolOutputRequestSchema = z.object({
  ...MetadataShape,
  type: z.literal("threads.add_client_tool_output"),
  params: z.object({ thread_id: z.string(), result: z.unknown() }),
});
export type ThreadsAddClientToolOutputRequest = z.infer<typeof ThreadsAddClientToolOutputRequestSchema>;

/** The answer to one question of a structured input: the values chosen or typed, or `skipped`. */
export const StructuredInputAnswerSubmissionSchema = z.object({
  values: z.array(z.string()).default([]),
  skipped: z.boolean().default(false),
});
export type StructuredInputAnswerSubmission = z.infer<typeof StructuredInputAnswerSubmissionSchema>;

/** What the client submits for a pending `structured_input` item: answers keyed by question id. */
export const StructuredInputSubmissionSchema = z.object({
  status: z.enum(["answered", "skipped"]).default("answered"),
  answers: z.record(z.string(), StructuredInputAnswerSubmissionSchema).default({}),
});
export type StructuredInputSubmission = z.infer<typeof StructuredInputSubmissionSchema>;

/** Answers a pending `structured_input` item; the server replaces it with its answered state, then responds. */
export const ThreadsAddStructuredInputRequestSchema = z.object({
  ...MetadataShape,
  type: z.literal("threads.add_structured_input"),
  params: z.object({
    thread_id: z.string(),
    item_id: z.string(),
    input: StructuredInputSubmissionSchema,
  }),
});
export type ThreadsAddStructuredInputRequest = z.infer<typeof ThreadsAddStructuredInputRequestSchema>;

export const ThreadsRetryAfterItemRequestSchema = z.object({
  ...MetadataShape,
  type: z.literal("threads.retry_after_item"),
  params: z.object({ thread_id: z.string(), item_id: z.string() }),
});
export type ThreadsRetryAfterItemRequest = z.infer<typeof ThreadsRetryAfterItemRequestSchema>;

export const ThreadsCustomActionRequestSchema = z.object({
  ...MetadataShape,
  type: z.literal("threads.custom_action"),
  params: ActionParamsSchema,
});
export type ThreadsCustomActionRequest = z.infer<typeof ThreadsCustomActionRequestSchema>;

// ---------------------------------------------------------------------------
// Non-streaming requests (answered with one JSON body)

export const ThreadsSyncCustomActionRequestSchema = z.object({
  ...MetadataShape,
  type: z.literal("threads.sync_custom_action"),
  params: ActionParamsSchema,
});
export type ThreadsSyncCustomActionRequest = z.infer<typeof ThreadsSyncCustomActionRequestSchema>;

export const ThreadsGetByIdRequestSchema = z.object({
  ...MetadataShape,
  type: z.literal("threads.get_by_id"),
  params: z.object({ thread_id: z.string() }),
});
export type ThreadsGetByIdRequest = z.infer<typeof ThreadsGetByIdRequestSchema>;

export const ThreadsListRequestSchema = z.object({
  ...MetadataShape,
  type: z.literal("threads.list"),
  params: z.object(PageParamsShape).default({ order: "desc" }),
});
export type ThreadsListRequest = z.infer<typeof ThreadsListRequestSchema>;

export const ItemsListRequestSchema = z.object({
  ...MetadataShape,
  type: z.literal("items.list"),
  params: z.object({ ...PageParamsShape, thread_id: z.string() }),
});
export type ItemsListRequest = z.infer<typeof ItemsListRequestSchema>;

export const ItemsFeedbackRequestSchema = z.object({
  ...MetadataShape,
  type: z.literal("items.feedback"),
  params: z.object({
    thread_id: z.string(),
    item_ids: z.array(z.string()),
    kind: z.enum(["positive", "negative"]),
  }),
});
export type ItemsFeedbackRequest = z.infer<typeof ItemsFeedbackRequestSchema>;

export const ThreadsUpdateRequestSchema = z.object({
  ...MetadataShape,
  type: z.literal("threads.update"),
  params: z.object({ thread_id: z.string(), title: z.string() }),
});
export type ThreadsUpdateRequest = z.infer<typeof ThreadsUpdateRequestSchema>;

export const ThreadsDeleteRequestSchema = z.object({
  ...MetadataShape,
  type: z.literal("threads.delete"),
  params: z.object({ thread_id: z.string() }),
});
export type ThreadsDeleteRequest = z.infer<typeof ThreadsDeleteRequestSchema>;

export const AttachmentsCreateRequestSchema = z.object({
  ...MetadataShape,
  type: z.literal("attachments.create"),
  params: z.object({ name: z.string(), size: z.number().int(), mime_type: z.string() }),
});
export type AttachmentsCreateRequest = z.infer<typeof AttachmentsCreateRequestSchema>;

export const AttachmentsDeleteRequestSchema = z.object({
  ...MetadataShape,
  type: z.literal("attachments.delete"),
  params: z.object({ attachment_id: z.string() }),
});
export type AttachmentsDeleteRequest = z.infer<typeof AttachmentsDeleteRequestSchema>;

export const InputTranscribeRequestSchema = z.object({
  ...MetadataShape,
  type: z.literal("input.transcribe"),
  params: z.object({ audio_base64: z.string(), mime_type: z.string() }),
});
export type InputTranscribeRequest = z.infer<typeof InputTranscribeRequestSchema>;

// ---------------------------------------------------------------------------

/** Every request, discriminated on `type`. */
export const ChatKitRequestSchema = z.discriminatedUnion("type", [
  ThreadsCreateRequestSchema,
  ThreadsAddUserMessageRequestSchema,
  ThreadsAddClientToolOutputRequestSchema,
  ThreadsAddStructuredInputRequestSchema,
  ThreadsRetryAfterItemRequestSchema,
  ThreadsCustomActionRequestSchema,
  ThreadsSyncCustomActionRequestSchema,
  ThreadsGetByIdRequestSchema,
  ThreadsListRequestSchema,
  ItemsListRequestSchema,
  ItemsFeedbackRequestSchema,
  ThreadsUpdateRequestSchema,
  ThreadsDeleteRequestSchema,
  AttachmentsCreateRequestSchema,
  AttachmentsDeleteRequestSchema,
  InputTranscribeRequestSchema,
]);
export type ChatKitRequest = z.infer<typeof ChatKitRequestSchema>;
export type ChatKitRequestType = ChatKitRequest["type"];

/** The request types answered with Server-Sent Events. */
export const STREAMING_REQUEST_TYPES = Object.freeze([
  "threads.create",
  "threads.add_user_message",
  "threads.add_client_tool_output",
  "threads.add_structured_input",
  "threads.retry_after_item",
  "threads.custom_action",
] as const);

export type StreamingRequest = Extract<ChatKitRequest, { type: (typeof STREAMING_REQUEST_TYPES)[number] }>;
export type NonStreamingRequest = Exclude<ChatKitRequest, StreamingRequest>;

const STREAMING: ReadonlySet<string> = new Set(STREAMING_REQUEST_TYPES);

/** Whether the request is answered with Server-Sent Events (narrows the type). */
export function isStreamingRequest(request: ChatKitRequest): request is StreamingRequest {
  return STREAMING.has(request.type);
}
