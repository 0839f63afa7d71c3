/**
 * chatkit-rx/agents: the glue for `@openai/agents`, an optional peer
 * dependency. It is its own entry point (package.json `exports["./agents"]`)
 * because these declarations import the SDK's types: kept out of the main
 * entry, a consumer without the SDK never type-checks a reference to it.
 * Every export is named here on purpose; `spec/index.spec.ts` pins the list.
 *
 * The errors these functions throw (`AgentContextClosedError`,
 * `AgentStreamConsumedError`) are exported from the main entry, with every
 * other error class.
 */
export { AgentContext } from "./lib/agents/AgentContext";
export type { ActiveWorkflow } from "./lib/agents/ActiveWorkflow";
export type { AgentContextConfig, AgentStreamWidgetConfig, ClientToolCall } from "./lib/agents/AgentContext";
export { stopAtClientToolCall } from "./lib/agents/stopAtClientToolCall";
export { streamAgentResponse } from "./lib/agents/streamAgentResponse";
export type { StreamAgentResponseConfig } from "./lib/agents/streamAgentResponse";
export { ResponseStreamConverter, imageMimeType } from "./lib/agents/ResponseStreamConverter";
export type { Base64Image, ResponseStreamConverterConfig } from "./lib/agents/ResponseStreamConverter";
export { runEventsToThreadEvents } from "./lib/agents/runEventsToThreadEvents";
export type { RunEventsToThreadEventsConfig } from "./lib/agents/runEventsToThreadEvents";
export { textDeltas, isTextDeltaEvent } from "./lib/agents/textDeltas";
export type { TextDeltaRunEvent } from "./lib/agents/textDeltas";
export { fromStreamedRun } from "./lib/agents/fromStreamedRun";
export type { StreamedRunLike } from "./lib/agents/fromStreamedRun";
export { ThreadItemConverter, inputList } from "./lib/agents/ThreadItemConverter";
export type { ConvertedInput, UserInputContent } from "./lib/agents/ThreadItemConverter";
export { attachmentContent } from "./lib/agents/attachmentContent";
export type { AttachmentBytesReader } from "./lib/agents/attachmentContent";
export { loadAgentInput } from "./lib/agents/loadAgentInput";
export type { LoadAgentInputConfig } from "./lib/agents/loadAgentInput";
