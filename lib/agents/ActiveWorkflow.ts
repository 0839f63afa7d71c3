import type { ThreadStreamEvent } from "../events/threadEvents";
import type { Task, ThreadItem, Workflow, WorkflowItem, WorkflowSummary } from "../events/threadItems";
import type { IdGenerator } from "../ids";

/**
 * The one workflow a response has open, shared by the run's reasoning
 * (`runEventsToThreadEvents`) and the app's `AgentContext` workflow helpers,
 * so a thought the model streams lands in the workflow a tool started, and
 * the workflow is ended once whoever shows something visible next.
 *
 * It's the reference SDK's `AgentContext.workflow_item` with its helpers,
 * but each method returns the events to send instead of sending them: the
 * caller decides which stream they go into.
 */
export class ActiveWorkflow {
  private current: WorkflowItem | undefined;
  /** True once the current workflow's `thread.item.added` was returned. */
  private announced = false;

  constructor(
    private readonly threadId: string,
    private readonly generateId: IdGenerator,
    private readonly now: () => number,
  ) {}

  /** The open workflow item in its current state, if any. */
  get item(): WorkflowItem | undefined {
    return this.current;
  }

  /**
   * Opens `workflow` as a new item. A reasoning workflow, or one that
   * already has tasks, is announced at once; an empty custom workflow waits
   * for its first task (nothing to show before). A workflow still open is
   * ended first.
   */
  start(workflow: Workflow): ThreadStreamEvent[] {
    const events = this.end();
    this.current = {
      type: "workflow",
      id: this.generateId("workflow"),
      thread_id: this.threadId,
      created_at: new Date(this.now()).toISOString(),
      workflow: { ...workflow, tasks: [...workflow.tasks] },
    };
    this.announced = false;
    if (workflow.type === "reasoning" || workflow.tasks.length > 0) events.push(this.announce());
    return events;
  }

  /** Appends `task`, opening a custom workflow if none is open. */
  addTask(task: Task): ThreadStreamEvent[] {
    const events =
      this.current === undefined ? this.start({ type: "custom", tasks: [], expanded: false }) : [];
    const item = this.current as WorkflowItem;
    const tasks = [...item.workflow.tasks, task];
    this.current = { ...item, workflow: { ...item.workflow, tasks } };
    if (!this.announced) {
      events.push(this.announce());
      return events;
    }
    events.push({
      type: "thread.item.updated",
      item_id: item.id,
      update: { type: "workflow.task.added", task_index: tasks.length - 1, task },
    });
    return events;
  }

  /**
   * Replaces the task at `index` with `task`.
   *
   * @throws {TypeError} when no workflow is open or `index` names no task.
   */
  updateTask(task: Task, index: number): ThreadStreamEvent[] {
    const item = this.current;
    if (item === undefined) {
      throw new TypeError(
        "updateWorkflowTask: no workflow is open (call startWorkflow or addWorkflowTask first)",
      );
    }
    if (!Number.isInteger(index) || index < 0 || index >= item.workflow.tasks.length) {
      throw new TypeError(
        `updateWorkflowTask: index ${String(index)} names no task (the workflow has ${item.workflow.tasks.length})`,
      );
    }
    const tasks = item.workflow.tasks.map((existing, at) => (at === index ? task : existing));
    this.current = { ...item, workflow: { ...item.workflow, tasks } };
    if (!this.announced) return [this.announce()];
    return [
      {
        type: "thread.item.updated",
        item_id: item.id,
        update: { type: "workflow.task.updated", task_index: index, task },
      },
    ];
  }

  /**
   * Ends the open workflow: `thread.item.done` with `summary`, else the one
   * it has, else how many whole seconds it was open (`{ duration }`), and
   * `expanded` (default collapsed, as the reference ends workflows). Nothing
   * if none is open, or if it never had anything to show.
   */
  end(summary?: WorkflowSummary, expanded = false): ThreadStreamEvent[] {
    const item = this.current;
    if (item === undefined) return [];
    this.current = undefined;
    if (!this.announced) return [];
    const duration = Math.max(0, Math.floor((this.now() - Date.parse(item.created_at)) / 1000));
    const done: WorkflowItem = {
      ...item,
      workflow: {
        ...item.workflow,
        summary: summary ?? item.workflow.summary ?? { duration },
        expanded,
      },
    };
    return [{ type: "thread.item.done", item: done }];
  }

  /**
   * Ends the open workflow before `item` is shown, the reference's way: any
   * visible item but the workflow itself, a client tool call or hidden context.
   */
  endBefore(item: ThreadItem): ThreadStreamEvent[] {
    if (this.current === undefined || item.id === this.current.id) return [];
    if (
      item.type === "client_tool_call" ||
      item.type === "hidden_context_item" ||
      item.type === "sdk_hidden_context"
    ) {
      return [];
    }
    return this.end();
  }

  /**
   * Takes the open workflow out without ending it, to keep it open across a
   * client tool call: the caller saves it as it is, and the next response
   * {@link resume}s it. `undefined` when none is open or it never showed.
   */
  suspend(): WorkflowItem | undefined {
    const item = this.current;
    if (item === undefined || !this.announced) return undefined;
    this.current = undefined;
    return item;
  }

  /**
   * Opens `item`, a workflow an earlier response showed and left open: its
   * tasks go on from where they were, and it ends as any other.
   */
  resume(item: WorkflowItem): void {
    this.current = item;
    this.announced = true;
  }

  private announce(): ThreadStreamEvent {
    this.announced = true;
    return { type: "thread.item.added", item: this.current as WorkflowItem };
  }
}
