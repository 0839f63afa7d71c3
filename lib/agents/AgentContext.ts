import { asyncScheduler, catchError, EMPTY, finalize, from, mergeAll, Observable, of, Subject } from "rxjs";

import type { ThreadStreamEvent } from "../events/threadEvents";
import type { Task, ThreadMetadata, Workflow, WorkflowSummary } from "../events/threadItems";
import { defaultGenerateId, type IdGenerator } from "../ids";
import type { Store } from "../server/Store";
import { streamWidget, type WidgetSource } from "../streamWidget";
import type { WidgetRoot } from "../../widgets/components";
import { AgentContextClosedError, AgentStreamConsumedError, type AgentContextOperation } from "../errors";
import { ActiveWorkflow } from "./ActiveWorkflow";

/** What `new AgentContext(...)` takes. */
export interface AgentContextConfig<TContext> {
  /** The thread the response belongs to. */
  readonly thread: ThreadMetadata;
  /** When given (and no `generateId`), item ids come from `store.generateItemId`. */
  readonly store?: Store<TContext> | undefined;
  /** Whatever the HTTP layer passed along (the user, a tenant...); handed to the store. */
  readonly requestContext: TContext;
  /** Makes item ids. Default: the store's, else {@link defaultGenerateId}. */
  readonly generateId?: IdGenerator | undefined;
  /** The clock for `created_at`, in epoch milliseconds. Default `asyncScheduler.now`. */
  readonly now?: (() => number) | undefined;
}

/** Options of {@link AgentContext.streamWidget}. */
export interface AgentStreamWidgetConfig {
  /** The item's `copy_text`: a string, or a function of the final widget. */
  readonly copyText?: string | ((widget: WidgetRoot) => string | undefined) | undefined;
}

/** A tool call the client runs, marked by a tool: the response ends with it pending. */
export interface ClientToolCall {
  /** The client's tool name (what the client's `onClientTool` handler is called with). */
  readonly name: string;
  /** Its arguments, as JSON. */
  readonly arguments: Readonly<Record<string, unknown>>;
  /**
   * The model's `call_id` of the function call, so the client's output goes
   * back to the model as that call's output: pass `details.toolCall.callId`
   * (the tool's third argument). Default: the run's last function call.
   */
  readonly callId?: string | undefined;
}

/** A source of events waiting for the response to start streaming, and how to settle its promise if it never runs. */
interface Queued {
  readonly events: Observable<ThreadStreamEvent>;
  readonly settle: () => void;
}

/**
 * What tools receive as `runContext.context` during an agent run: the
 * thread, the request context, the id generator, and a channel into the
 * response. Tools push widgets and events into it while the run goes on;
 * {@link streamAgentResponse} merges them with the run's own events.
 *
 * It's like the reference SDK's `AgentContext`, but the channel is a merge
 * of Observables rather than a queue: each `streamWidget` call is its own
 * item stream, so parallel tool calls interleave correctly, each with its
 * own item, and the response knows when every one has finished.
 *
 * One context per response: its events can be streamed once, and it closes
 * when the response ends; pushing after that throws
 * {@link AgentContextClosedError}. `signal` aborts when the response is
 * cancelled: pass it to nested runs (`run(writer, prompt, { stream: true,
 * signal: context.signal })`) and to the outer `run` as well, so a
 * cancellation reaches them at once.
 *
 * @example
 * ```ts
 * const sampleWidget = tool({
 *   name: "sample_widget", description: "Show a widget", parameters: z.object({}),
 *   execute: async (_input, runContext?: RunContext<AgentContext>) => {
 *     await runContext?.context.streamWidget(card, { copyText: "Hello" });
 *     return "shown";
 *   },
 * });
 * ```
 */
export class AgentContext<TContext = unknown> {
  readonly thread: ThreadMetadata;
  readonly store: Store<TContext> | undefined;
  readonly requestContext: TContext;
  readonly generateId: IdGenerator;
  readonly now: () => number;
  /**
   * The workflow the response has open, shared with the run's reasoning:
   * {@link streamAgentResponse} ends it before the next visible item.
   */
  readonly workflow: ActiveWorkflow;

  private readonly controller = new AbortController();
  private queued: Queued[] = [];
  private sink: Subject<Observable<ThreadStreamEvent>> | undefined;
  private consumed = false;
  private clientCall: ClientToolCall | undefined;
  private closed = false;

  constructor(config: AgentContextConfig<TContext>) {
    if (typeof config !== "object" || config === null) {
      throw new TypeError("new AgentContext: pass { thread, requestContext, store?, generateId? }");
    }
    const { thread, store } = config;
    if (typeof thread !== "object" || thread === null || typeof thread.id !== "string") {
      throw new TypeError("new AgentContext: config.thread must be a thread (an object with a string id)");
    }
    if (config.generateId !== undefined && typeof config.generateId !== "function") {
      throw new TypeError("new AgentContext: config.generateId must be a function (itemType) => string");
    }
    this.thread = thread;
    this.store = store;
    this.requestContext = config.requestContext;
    this.generateId =
      config.generateId ??
      (store === undefined
        ? defaultGenerateId
        : (itemType) =>
            itemType === "thread"
              ? store.generateThreadId(config.requestContext)
              : store.generateItemId(itemType, thread, config.requestContext));
    this.now = config.now ?? (() => asyncScheduler.now());
    this.workflow = new ActiveWorkflow(thread.id, this.generateId, this.now);
  }

  /** Aborts when the response is cancelled (or fails); pass it to the runs that feed it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once the response ended: no more events are accepted. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Streams a widget into the response as its own item: one finished
   * widget, or its successive states (Observable, async iterable,
   * iterable), as {@link streamWidget} does.
   *
   * The promise resolves when the widget stream has ended (its
   * `thread.item.done` was sent), or when the response was cancelled
   * before it could; it rejects with the source's error if the states fail
   * (the item is closed with its last good state first), so a tool that
   * awaits it fails the way the SDK reports tool errors to the model.
   *
   * @throws {TypeError} when `widget` is not a widget or a source of widgets.
   */
  streamWidget(widget: WidgetSource, config: AgentStreamWidgetConfig = {}): Promise<void> {
    const events = streamWidget(this.thread, widget, {
      copyText: config.copyText,
      generateId: this.generateId,
      now: this.now,
    });
    if (this.closed) return Promise.reject(new AgentContextClosedError("streamWidget", this.thread.id));
    return new Promise<void>((resolve, reject) => {
      this.push(
        events.pipe(
          catchError((error: unknown) => {
            // The widget source's own error, whatever it is, is what the tool sees.
            // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
            reject(error);
            return EMPTY;
          }),
          // Completion, cancellation and (after the reject above) error all end the wait.
          finalize(() => resolve()),
        ),
        () => resolve(),
      );
    });
  }

  /**
   * Sends any other event (a `progress_update`, a `notice`, a
   * `client_effect`...) into the response, after what was pushed before it.
   *
   * @throws {AgentContextClosedError} when the response has ended.
   */
  stream(event: ThreadStreamEvent): void {
    if (
      typeof event !== "object" ||
      event === null ||
      typeof (event as { type?: unknown }).type !== "string"
    ) {
      throw new TypeError(
        "AgentContext.stream: event must be a thread stream event (an object with a string type)",
      );
    }
    if (this.closed) throw new AgentContextClosedError("stream", this.thread.id);
    this.push(of(event), () => undefined);
  }

  /**
   * Sends a `progress_update`: a transient status line ("Searching the
   * docs...") the client shows until the next item; it is not saved.
   *
   * @throws {AgentContextClosedError} when the response has ended.
   */
  progress(text: string, icon?: string): void {
    if (typeof text !== "string") {
      throw new TypeError(`AgentContext.progress: text must be a string, got ${typeof text}`);
    }
    this.stream(
      icon === undefined ? { type: "progress_update", text } : { type: "progress_update", text, icon },
    );
  }

  /**
   * Opens a workflow item (a group of tasks shown together, like "Searched
   * 3 sites"). An empty custom workflow is sent with its first task; a
   * workflow still open is ended first.
   *
   * @throws {AgentContextClosedError} when the response has ended.
   */
  startWorkflow(workflow: Workflow): void {
    this.sendAll("startWorkflow", () => this.workflow.start(workflow));
  }

  /** Appends a task to the open workflow (opening a custom one if none is): `workflow.task.added`. */
  addWorkflowTask(task: Task): void {
    this.sendAll("addWorkflowTask", () => this.workflow.addTask(task));
  }

  /**
   * Replaces the task at `index` of the open workflow: `workflow.task.updated`.
   *
   * @throws {TypeError} when no workflow is open or `index` names no task.
   */
  updateWorkflowTask(task: Task, index: number): void {
    this.sendAll("updateWorkflowTask", () => this.workflow.updateTask(task, index));
  }

  /**
   * Ends the open workflow with `summary` (default: how long it took, in
   * seconds), collapsed unless `expanded`. Nothing happens if none is open.
   */
  endWorkflow(summary?: WorkflowSummary, expanded = false): void {
    this.sendAll("endWorkflow", () => this.workflow.end(summary, expanded));
  }

  /**
   * Marks a call of a client tool: the run should stop after this tool
   * (give the agent `toolUseBehavior: stopAtClientToolCall`), and the
   * response ends with a `client_tool_call` item, pending until the client
   * sends its output (`threads.add_client_tool_output`). One per response.
   *
   * @throws {TypeError} when `call` is malformed or a call was marked already.
   * @throws {AgentContextClosedError} when the response has ended.
   */
  clientToolCall(call: ClientToolCall): void {
    if (typeof call !== "object" || call === null || typeof call.name !== "string" || call.name === "") {
      throw new TypeError("AgentContext.clientToolCall: call.name must be a non-empty string");
    }
    if (typeof call.arguments !== "object" || call.arguments === null || Array.isArray(call.arguments)) {
      throw new TypeError(`AgentContext.clientToolCall: call.arguments of "${call.name}" must be an object`);
    }
    if (call.callId !== undefined && typeof call.callId !== "string") {
      throw new TypeError(`AgentContext.clientToolCall: call.callId of "${call.name}" must be a string`);
    }
    if (this.closed) throw new AgentContextClosedError("clientToolCall", this.thread.id);
    if (this.clientCall !== undefined) {
      throw new TypeError(
        `AgentContext.clientToolCall: "${this.clientCall.name}" is already pending; a response ends with one client tool call`,
      );
    }
    this.clientCall = { ...call, arguments: { ...call.arguments } };
  }

  /** The client tool call a tool marked, if any. */
  get pendingClientToolCall(): ClientToolCall | undefined {
    return this.clientCall;
  }

  /**
   * Every event pushed into this context, queued ones first, in the order
   * they happen; completes once {@link close} was called and every widget
   * stream has finished. {@link streamAgentResponse} subscribes to it; use
   * it directly only to drive tools without an agent run. One subscription
   * per context ({@link AgentStreamConsumedError} otherwise); unsubscribing
   * stops every widget stream and closes the context.
   */
  events(): Observable<ThreadStreamEvent> {
    return new Observable<ThreadStreamEvent>((subscriber) => {
      if (this.consumed) {
        subscriber.error(new AgentStreamConsumedError("context"));
        return undefined;
      }
      this.consumed = true;
      const sink = new Subject<Observable<ThreadStreamEvent>>();
      const subscription = sink.pipe(mergeAll()).subscribe(subscriber);
      this.sink = sink;
      const queued = this.queued;
      this.queued = [];
      for (const entry of queued) sink.next(entry.events);
      if (this.closed) sink.complete();
      return () => {
        this.sink = undefined;
        this.closed = true;
        subscription.unsubscribe();
      };
    });
  }

  /**
   * No more events will be pushed (the run is over): {@link events}
   * completes once the running widget streams finish.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink?.complete();
  }

  /**
   * Cancels the response: aborts {@link signal}, closes the context, and
   * settles the promises of widget streams that never started. Running
   * widget streams stop when {@link events} is unsubscribed.
   */
  abort(reason?: unknown): void {
    this.close();
    for (const entry of this.queued) entry.settle();
    this.queued = [];
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** Checks the context is open, then sends what `make` returns, in order. */
  private sendAll(operation: AgentContextOperation, make: () => ThreadStreamEvent[]): void {
    if (this.closed) throw new AgentContextClosedError(operation, this.thread.id);
    const events = make();
    if (events.length > 0) this.push(from(events), () => undefined);
  }

  private push(events: Observable<ThreadStreamEvent>, settle: () => void): void {
    if (this.sink === undefined) this.queued.push({ events, settle });
    else this.sink.next(events);
  }
}
