import type { ThreadStreamEvent } from "../events/threadEvents";
import type { Task } from "../events/threadItems";
import type { ActiveWorkflow } from "./ActiveWorkflow";

/** A raw Responses stream event, as the SDK passes it in a `model` stream event. */
interface RawResponsesEvent {
  readonly type?: unknown;
  readonly item?: unknown;
  readonly item_id?: unknown;
  readonly summary_index?: unknown;
  readonly delta?: unknown;
  readonly text?: unknown;
}

/** The thought being streamed, delta by delta: which summary it is and where its task sits. */
interface StreamingThought {
  readonly workflowId: string;
  readonly itemId: unknown;
  readonly summaryIndex: unknown;
  readonly taskIndex: number;
  content: string;
}

function thought(content: string): Task {
  return { type: "thought", content, status_indicator: "none" };
}

/**
 * The reference SDK's reasoning conversion, for the raw Responses events the
 * JS SDK forwards (`raw_model_stream_event` with `data.type === "model"`):
 *
 * - `response.output_item.added` of a `reasoning` item opens a reasoning
 *   workflow, unless one (the model's, or a tool's) is open already;
 * - the first summary of a still-empty reasoning workflow streams as a
 *   thought: `workflow.task.added` with the first delta, then
 *   `workflow.task.updated` with the text so far on each delta;
 * - `response.reasoning_summary_text.done` finishes that thought with the
 *   whole text, or adds any other summary as one new thought.
 *
 * Summary deltas with no workflow open are dropped, as the reference does.
 * The workflow itself is ended by whoever shows the next visible item.
 *
 * @param workflow The response's open workflow.
 * @return A step from one raw event to the thread events it makes.
 */
export function reasoningSteps(workflow: ActiveWorkflow): (raw: RawResponsesEvent) => ThreadStreamEvent[] {
  let streaming: StreamingThought | undefined;

  /** The streaming thought `raw` continues (same summary, its workflow still open), if any. */
  const continued = (raw: RawResponsesEvent): StreamingThought | undefined =>
    streaming !== undefined &&
    workflow.item?.id === streaming.workflowId &&
    raw.item_id === streaming.itemId &&
    raw.summary_index === streaming.summaryIndex
      ? streaming
      : undefined;

  return (raw) => {
    switch (raw.type) {
      case "response.output_item.added": {
        const item = raw.item as { type?: unknown } | undefined;
        if (item?.type !== "reasoning" || workflow.item !== undefined) return [];
        return workflow.start({ type: "reasoning", tasks: [], expanded: false });
      }
      case "response.reasoning_summary_text.delta": {
        const open = workflow.item;
        if (open === undefined || typeof raw.delta !== "string") return [];
        if (open.workflow.type === "reasoning" && open.workflow.tasks.length === 0) {
          streaming = {
            workflowId: open.id,
            itemId: raw.item_id,
            summaryIndex: raw.summary_index,
            taskIndex: 0,
            content: raw.delta,
          };
          return workflow.addTask(thought(raw.delta));
        }
        const current = continued(raw);
        if (current === undefined) return [];
        current.content += raw.delta;
        return workflow.updateTask(thought(current.content), current.taskIndex);
      }
      case "response.reasoning_summary_text.done": {
        if (workflow.item === undefined || typeof raw.text !== "string") return [];
        const current = continued(raw);
        if (current !== undefined) {
          streaming = undefined;
          return workflow.updateTask(thought(raw.text), current.taskIndex);
        }
        return workflow.addTask(thought(raw.text));
      }
      default:
        return [];
    }
  };
}
