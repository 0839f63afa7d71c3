/**
 * chatkit-rx: the one public entry point. Every export is named here on
 * purpose (no `export *`), so the public surface is reviewed, not accidental;
 * `spec/index.spec.ts` pins the list.
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
export { defaultGenerateId, ID_PREFIXES } from "./lib/ids";
export type { IdGenerator, IdItemType } from "./lib/ids";

// Client-side reducers: rebuild what the browser holds.
export { applyWidgetUpdate } from "./lib/reducer/applyWidgetUpdate";
export { applyThreadEvent } from "./lib/reducer/applyThreadEvent";

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
export type { Store, PageRequest } from "./lib/server/Store";
export { MemoryStore } from "./lib/server/MemoryStore";
export type { MemoryStoreConfig } from "./lib/server/MemoryStore";
export { runStoreContract } from "./lib/server/storeContract";
export type { ContractRunner, StoreContractConfig } from "./lib/server/storeContract";
export { persistEvents } from "./lib/server/persistEvents";
export type { PersistEventsConfig } from "./lib/server/persistEvents";
export { ofActionType } from "./lib/server/ofActionType";
export type { TypedAction } from "./lib/server/ofActionType";
export { applyFormValues } from "./lib/server/applyFormValues";
export { toNodeHandler } from "./lib/server/toNodeHandler";
export { toFetchHandler } from "./lib/server/toFetchHandler";
export { createPageHandler } from "./lib/page/createPageHandler";
export type { PageHandlerConfig } from "./lib/page/createPageHandler";
export type { HttpHandlerConfig } from "./lib/server/httpCommon";
export {
  ChatKitRequestSchema,
  UserMessageInputSchema,
  ActionSchema,
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
} from "./lib/server/requests";

// Agents glue (@openai/agents, an optional peer: only its types are imported here).
export { AgentContext } from "./lib/agents/AgentContext";
export type { AgentContextConfig, AgentStreamWidgetConfig } from "./lib/agents/AgentContext";
export { streamAgentResponse } from "./lib/agents/streamAgentResponse";
export type { StreamAgentResponseConfig } from "./lib/agents/streamAgentResponse";
export { runEventsToThreadEvents } from "./lib/agents/runEventsToThreadEvents";
export type { RunEventsToThreadEventsConfig } from "./lib/agents/runEventsToThreadEvents";
export { textDeltas, isTextDeltaEvent } from "./lib/agents/textDeltas";
export type { TextDeltaRunEvent } from "./lib/agents/textDeltas";
export { fromStreamedRun } from "./lib/agents/fromStreamedRun";
export type { StreamedRunLike } from "./lib/agents/fromStreamedRun";
