/**
 * chatkit-rx: the main public entry point. Every export is named here on
 * purpose (no `export *`), so the public surface is reviewed, not accidental;
 * `spec/index.spec.ts` pins the list. The `@openai/agents` glue lives behind
 * `chatkit-rx/agents` (`agents.ts`), so that no type of that optional peer is
 * reachable from here and consumers without it compile with `skipLibCheck` off.
 */

// Errors: every runtime failure, tested with `instanceof`.
export {
  ChatKitRxError,
  WidgetTemplateError,
  WidgetFileError,
  TemplateSyntaxError,
  TemplateUndefinedError,
  TemplateRenderError,
  TemplateOutputError,
  WidgetRootError,
  WidgetDataError,
  WidgetUpdateError,
  ChatKitRequestError,
  StoreNotFoundError,
  StoreConflictError,
  StoreSchemaError,
  ThreadBusyError,
  ActionPayloadError,
  AgentContextClosedError,
  AgentStreamConsumedError,
} from "./lib/errors";
export type { WidgetErrorContext, TemplatePosition, DataIssue, WidgetUpdateErrorReason } from "./lib/errors";

// Widgets: the component model.
export {
  ListViewItemSchema,
  BoxSchema,
  RowSchema,
  ColSchema,
  FormSchema,
  SpacerSchema,
  DividerSchema,
  TransitionSchema,
  TitleSchema,
  CaptionSchema,
  TextComponentSchema,
  MarkdownSchema,
  BadgeSchema,
  IconSchema,
  ImageSchema,
  ButtonSchema,
  TableCellSchema,
  TableRowSchema,
  TableSchema,
  InputSchema,
  TextareaSchema,
  SelectSchema,
  DatePickerSchema,
  CheckboxSchema,
  RadioGroupSchema,
  LabelSchema,
  ChartSeriesSchema,
  ChartSchema,
  WidgetComponentSchema,
  CardSchema,
  ListViewSchema,
  BasicRootSchema,
  WidgetRootSchema,
  WIDGET_COMPONENT_TYPES,
  WIDGET_ROOT_TYPES,
} from "./widgets/components";
export type {
  ListViewItem,
  Box,
  Row,
  Col,
  Form,
  Spacer,
  Divider,
  Transition,
  Title,
  Caption,
  TextComponent,
  Markdown,
  Badge,
  Icon,
  Image,
  Button,
  TableCell,
  TableRow,
  Table,
  Input,
  Textarea,
  Select,
  DatePicker,
  Checkbox,
  RadioGroup,
  Label,
  ChartSeries,
  Chart,
  WidgetComponent,
  Card,
  ListView,
  BasicRoot,
  WidgetRoot,
  WidgetComponentType,
  WidgetRootType,
} from "./widgets/components";
export { ActionConfigSchema } from "./widgets/actions";
export type { ActionConfig } from "./widgets/actions";
export { WidgetIconSchema, WIDGET_ICON_NAMES } from "./widgets/icons";
export type { WidgetIcon } from "./widgets/icons";
export { dropNulls } from "./widgets/serialize";
export type { WithoutNulls } from "./widgets/serialize";
export { parseWidgetRoot, isWidgetRoot } from "./widgets/parseWidget";
export { checkWidget } from "./widgets/checkWidget";
export type { WidgetWarning, WidgetWarningCode } from "./widgets/checkWidget";

// Templates: Studio `.widget` files and Handlebars.
export { WidgetTemplate } from "./widgets/template/WidgetTemplate";
export type {
  WidgetDefinitionInput,
  WidgetTemplateConfig,
  WidgetFileConfig,
  HandlebarsTemplateConfig,
  SafeBuildResult,
} from "./widgets/template/WidgetTemplate";
export { WidgetDefinitionSchema } from "./widgets/template/WidgetDefinition";
export type { WidgetDefinition, TemplateEngineName } from "./widgets/template/WidgetDefinition";

// Thread items, events and widget updates (the wire format, snake_case).
export {
  StreamingTextValueDeltaSchema,
  WidgetRootUpdatedSchema,
  WidgetComponentUpdatedSchema,
  WidgetUpdateSchema,
  UpdatedComponentSchema,
} from "./lib/events/widgetUpdates";
export type {
  StreamingTextValueDelta,
  WidgetRootUpdated,
  WidgetComponentUpdated,
  WidgetUpdate,
  UpdatedComponent,
  WidgetUpdateType,
} from "./lib/events/widgetUpdates";
export {
  ThreadItemSchema,
  WidgetItemSchema,
  AssistantMessageItemSchema,
  UserMessageItemSchema,
  ClientToolCallItemSchema,
  TaskItemSchema,
  WorkflowItemSchema,
  GeneratedImageSchema,
  GeneratedImageItemSchema,
  StructuredInputAnswerSchema,
  StructuredInputMultipleChoiceSchema,
  StructuredInputFreeformSchema,
  StructuredInputSchema,
  StructuredInputItemSchema,
  HiddenContextItemSchema,
  SDKHiddenContextItemSchema,
  EndOfTurnItemSchema,
  AssistantMessageContentSchema,
  AnnotationSchema,
  SourceSchema,
  URLSourceSchema,
  FileSourceSchema,
  EntitySourceSchema,
  UserMessageContentSchema,
  UserMessageTextContentSchema,
  UserMessageTagContentSchema,
  InferenceOptionsSchema,
  AttachmentSchema,
  AttachmentUploadDescriptorSchema,
  TaskSchema,
  WorkflowSchema,
  WorkflowSummarySchema,
  ThreadStatusSchema,
  ThreadMetadataSchema,
  ThreadSchema,
  PageSchema,
} from "./lib/events/threadItems";
export type {
  ThreadItem,
  WidgetItem,
  AssistantMessageItem,
  UserMessageItem,
  ClientToolCallItem,
  TaskItem,
  WorkflowItem,
  GeneratedImage,
  GeneratedImageItem,
  StructuredInputAnswer,
  StructuredInputMultipleChoice,
  StructuredInputFreeform,
  StructuredInput,
  StructuredInputItem,
  HiddenContextItem,
  SDKHiddenContextItem,
  EndOfTurnItem,
  AssistantMessageContent,
  Annotation,
  Source,
  URLSource,
  FileSource,
  EntitySource,
  UserMessageContent,
  UserMessageTextContent,
  UserMessageTagContent,
  InferenceOptions,
  Attachment,
  AttachmentUploadDescriptor,
  Task,
  Workflow,
  WorkflowSummary,
  ThreadStatus,
  ThreadMetadata,
  Thread,
  ThreadItemType,
  Page,
} from "./lib/events/threadItems";
export {
  AssistantMessageContentPartAddedSchema,
  AssistantMessageContentPartTextDeltaSchema,
  AssistantMessageContentPartAnnotationAddedSchema,
  AssistantMessageContentPartDoneSchema,
  AssistantMessageUpdateSchema,
  WorkflowTaskAddedSchema,
  WorkflowTaskUpdatedSchema,
  WorkflowUpdateSchema,
  GeneratedImageUpdatedSchema,
  ThreadItemUpdateSchema,
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
  ThreadStreamEventSchema,
} from "./lib/events/threadEvents";
export type {
  AssistantMessageContentPartAdded,
  AssistantMessageContentPartTextDelta,
  AssistantMessageContentPartAnnotationAdded,
  AssistantMessageContentPartDone,
  AssistantMessageUpdate,
  WorkflowTaskAdded,
  WorkflowTaskUpdated,
  WorkflowUpdate,
  GeneratedImageUpdated,
  ThreadItemUpdate,
  ThreadCreatedEvent,
  ThreadUpdatedEvent,
  ThreadItemAddedEvent,
  ThreadItemUpdatedEvent,
  ThreadItemDoneEvent,
  ThreadItemReplacedEvent,
  ThreadItemRemovedEvent,
  ProgressUpdateEvent,
  ClientEffectEvent,
  NoticeEvent,
  StreamOptionsEvent,
  ErrorEvent,
  ThreadStreamEvent,
  ThreadStreamEventType,
} from "./lib/events/threadEvents";
export { serializeEvent } from "./lib/events/serializeEvent";
export { createIdGenerator, defaultGenerateId, ID_ALPHABET, ID_PREFIXES } from "./lib/ids";
export type { IdGenerator, IdGeneratorConfig, IdItemType } from "./lib/ids";

// Client-side reducers: rebuild what the browser holds.
export { applyWidgetUpdate } from "./lib/reducer/applyWidgetUpdate";
export { applyThreadEvent } from "./lib/reducer/applyThreadEvent";
export type { DroppedUpdateHandler } from "./lib/reducer/OpenItems";

// Streaming.
export { streamWidget } from "./lib/streamWidget";
export type { StreamWidgetConfig, WidgetSource } from "./lib/streamWidget";
export { toAsyncIterable } from "./lib/toAsyncIterable";

// Operators.
export { renderTemplate } from "./operators/renderTemplate";
export type { WidgetBuilder, RenderTemplateConfig } from "./operators/renderTemplate";
export { accumulateText } from "./operators/accumulateText";
export { diffWidgets, diffWidgetStates } from "./operators/diffWidgets";
export type { DiffWidgetsConfig } from "./operators/diffWidgets";
export { diffPatchedWidgets, diffWidgetPatches } from "./operators/diffPatchedWidgets";
export type { PatchedWidget } from "./operators/diffPatchedWidgets";
export { produceWidgets } from "./operators/produceWidgets";
export type { WidgetRecipe } from "./operators/produceWidgets";
export { mergeTextDeltasWhilePaused } from "./operators/mergeTextDeltasWhilePaused";
export { throttleTextDeltas } from "./operators/throttleTextDeltas";
export type { ThrottleTextDeltasConfig } from "./operators/throttleTextDeltas";
export { toThreadEvents } from "./operators/toThreadEvents";
export type { ToThreadEventsConfig, ThreadRef } from "./operators/toThreadEvents";
export { toServerSentEvents } from "./operators/toServerSentEvents";

// The server: requests, store, persistence, HTTP adapters.
export { ChatKitServer, CANCELLED_STREAM_NOTE } from "./lib/server/ChatKitServer";
export type {
  ChatKitServerConfig,
  ProcessResult,
  ProcessOptions,
  HandlerOptions,
  ThreadEventSource,
  RespondHandler,
  ActionHandler,
  SyncActionHandler,
} from "./lib/server/serverTypes";
export type { ThreadLocks, AcquireThreadOptions, ReleaseThread } from "./lib/server/ThreadLocks";
export { LocalThreadLocks } from "./lib/server/LocalThreadLocks";
export type { LocalThreadLocksConfig } from "./lib/server/LocalThreadLocks";
export type { Store, PageRequest, OwnerOf } from "./lib/server/Store";
export { MemoryStore } from "./lib/stores/MemoryStore";
export type { MemoryStoreConfig } from "./lib/stores/MemoryStore";
export { PostgresStore } from "./lib/stores/postgres/PostgresStore";
export type { PostgresStoreConfig } from "./lib/stores/postgres/PostgresStore";
export { PostgresThreadLocks } from "./lib/stores/postgres/PostgresThreadLocks";
export type { LeaseConfig } from "./lib/stores/postgres/PostgresThreadLocks";
export { fromPGlite } from "./lib/stores/postgres/fromPGlite";
export type { PGliteLike, PGliteQueryable } from "./lib/stores/postgres/fromPGlite";
export { fromPgPool } from "./lib/stores/postgres/fromPgPool";
export type { PgPoolLike, PgClientLike } from "./lib/stores/postgres/fromPgPool";
export type { SqlDriver, SqlQueryable } from "./lib/stores/postgres/SqlDriver";
export { runStoreContract } from "./lib/server/storeContract";
export type { ContractRunner, StoreContractConfig } from "./lib/server/storeContract";
export { persistEvents } from "./lib/server/persistEvents";
export type { PersistEventsConfig } from "./lib/server/persistEvents";
export { ofActionType } from "./lib/server/ofActionType";
export type { TypedAction } from "./lib/server/ofActionType";
export { applyFormValues } from "./lib/server/applyFormValues";
export { answerStructuredInput } from "./lib/server/addStructuredInput";
export { toNodeHandler } from "./lib/server/toNodeHandler";
export { toFetchHandler } from "./lib/server/toFetchHandler";
export { serveOnAllCores } from "./lib/server/cluster/serveOnAllCores";
export type { ServedCluster } from "./lib/server/cluster/serveOnAllCores";
export type { ClusterWorkerApp, ServeOnAllCoresConfig } from "./lib/server/cluster/clusterConfig";
export type { ServedPrimary } from "./lib/server/cluster/superviseWorkers";
export type { ServedWorker } from "./lib/server/cluster/serveWorker";
export { RestartBackoff } from "./lib/server/cluster/RestartBackoff";
export type { RestartBackoffConfig } from "./lib/server/cluster/RestartBackoff";
export { checkSharedAcrossProcesses } from "./lib/server/cluster/checkSharedAcrossProcesses";
export type { SharedStateOf } from "./lib/server/cluster/checkSharedAcrossProcesses";
export type { HttpHandlerConfig } from "./lib/server/http/config";
export type { CorsConfig } from "./lib/server/http/cors";
export type { NodeContextFactory, NodeHandler } from "./lib/server/toNodeHandler";
export type { FetchContextFactory, FetchHandler } from "./lib/server/toFetchHandler";
// Attachments: two-phase upload, signed upload/preview URLs, where bytes live, dictation.
export type { AttachmentRecord } from "./lib/attachments/AttachmentRecord";
export type { AttachmentStore } from "./lib/attachments/AttachmentStore";
export { DiskAttachmentStore } from "./lib/attachments/DiskAttachmentStore";
export type { DiskAttachmentStoreConfig } from "./lib/attachments/DiskAttachmentStore";
export { PostgresAttachmentStore } from "./lib/stores/postgres/PostgresAttachmentStore";
export type { PostgresAttachmentStoreConfig } from "./lib/stores/postgres/PostgresAttachmentStore";
export { ServerAttachments } from "./lib/attachments/ServerAttachments";
export type { AttachmentCreateParams, AttachmentContent } from "./lib/attachments/ServerAttachments";
export {
  DEFAULT_ATTACHMENT_MIME_TYPES,
  DEFAULT_ATTACHMENT_MAX_BYTES,
  DEFAULT_ATTACHMENT_TOKEN_TTL_MS,
} from "./lib/attachments/attachmentsConfig";
export type { AttachmentsConfig } from "./lib/attachments/attachmentsConfig";
export { signAttachmentToken, verifyAttachmentToken } from "./lib/attachments/attachmentTokens";
export type {
  AttachmentTokenClaims,
  AttachmentTokenKind,
  AttachmentTokenCheck,
  AttachmentTokenRefusal,
} from "./lib/attachments/attachmentTokens";
export type { AudioInput, TranscribeHandler } from "./lib/server/serverTypes";
export { createPageHandler } from "./lib/page/createPageHandler";
export type { PageHandlerConfig } from "./lib/page/createPageHandler";
export {
  ChatKitRequestSchema,
  UserMessageInputSchema,
  ActionSchema,
  StructuredInputSubmissionSchema,
  STREAMING_REQUEST_TYPES,
  isStreamingRequest,
} from "./lib/server/requests";
export type {
  ChatKitRequest,
  ChatKitRequestType,
  StreamingRequest,
  NonStreamingRequest,
  UserMessageInput,
  Action,
  StructuredInputSubmission,
  ThreadsAddStructuredInputRequest,
} from "./lib/server/requests";
