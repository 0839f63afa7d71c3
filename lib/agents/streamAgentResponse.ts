import { merge, Observable, tap, type Subscription } from "rxjs";

import type { ThreadItemDoneEvent, ThreadStreamEvent } from "../events/threadEvents";
import { LinkedSubscriber } from "../../operators/internal/LinkedSubscriber";
import { OpenItems, type DroppedUpdateHandler } from "../reducer/OpenItems";
import type { ClientToolCallItem, WorkflowItem } from "../events/threadItems";
import type { AgentContext, ClientToolCall } from "./AgentContext";
import { isGuardrailTripwire } from "./isGuardrailTripwire";
import { fromStreamedRun, type StreamedRunLike } from "./fromStreamedRun";
import { openWorkflowOf } from "./openWorkflowOf";
import type { ResponseStreamConverter } from "./ResponseStreamConverter";
import { runEventsToThreadEvents } from "./runEventsToThreadEvents";

/** Options of {@link streamAgentResponse}. */
export interface StreamAgentResponseConfig {
  /**
   * Cancels the response *gracefully*: when it aborts, the run and every
   * widget stream stop, each item still open gets its `thread.item.done`
   * with its last state, and the Observable completes. Use it for a user's
   * "stop" button; the client still receives the closing events.
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * Called when the subscriber unsubscribes before the end (the client went
   * away), with a `thread.item.done` for every item that was still open,
   * each with its last state. Nobody can receive them any more: persist
   * them (the reference server saves pending items when a stream is
   * cancelled), so nothing stays half-open.
   */
  readonly onCancel?: ((closing: readonly ThreadItemDoneEvent[]) => void) | undefined;
  /**
   * Told about an update (from a tool, or the run) that does not apply to
   * its open item, such as a delta naming no component. The event is still
   * sent (the client finds it cannot apply it either) and the item keeps its
   * last good state for the closing events; the stream goes on. A held text
   * delta is only checked if the item's state is needed (the response is
   * cancelled or fails before the item's `done`). If it throws, the stream
   * errors with that error, after closing the open items, as a failing run
   * does.
   */
  readonly onDroppedUpdate?: DroppedUpdateHandler | undefined;
  /**
   * How generated images get their URL (a data URL by default; override
   * `base64ImageToUrl` to upload them) and citations become annotations.
   */
  readonly converter?: ResponseStreamConverter | undefined;
}

/**
 * The ChatKit events of one agent response: the run's assistant messages
 * and everything its tools streamed through the context, merged in the
 * order they happen.
 *
 * It's like the reference SDK's `stream_agent_response`, but an
 * Observable: it completes when the run *and* every widget stream it
 * started have finished (a run whose tools stream nothing completes with
 * the run), and unsubscribing cancels the run.
 *
 * ```
 * run:      -a-b--------|        assistant message events (see runEventsToThreadEvents)
 * context:  ---w--x--y-----|     widget events pushed by tools
 * result:   -a-wb-x--y-----|
 * ```
 *
 * - Unsubscribing aborts the run (its stream is cancelled, and
 *   `context.signal` aborts for nested runs), stops every widget stream, and
 *   hands the done events of the items still open to `config.onCancel`.
 * - `config.signal` cancels gracefully: the same, but the done events are
 *   sent, then the Observable completes.
 * - If the run fails, every open item is closed with its last state, then
 *   the run's error is forwarded. If a guardrail tripped
 *   (`InputGuardrailTripwireTriggered`, `OutputGuardrailTripwireTriggered`),
 *   nothing of the response may stay: a `thread.item.removed` is sent for
 *   every item it showed (open or done; `persistEvents` deletes the saved
 *   ones), then the tripwire is forwarded, as the reference does.
 * - A workflow (the model's reasoning, or a tool's) is ended before the next
 *   visible item, and when the response ends; but when it ends with a
 *   pending client tool call and the context has a `store`, the workflow
 *   stays open (saved as it is, as the reference does) and the response
 *   after the client's output goes on in it. A workflow left open that the
 *   user moved on from (wrote instead) is ended when the next response starts.
 * - A client tool call a tool marked (`context.clientToolCall`) ends the
 *   response as a pending `client_tool_call` item (its `call_id` the
 *   model's, so the client's output answers that call). A tool's error is not a run failure: the
 *   SDK reports it to the model and the run goes on.
 * - An update that does not apply to its item (a tool's malformed widget
 *   update) is sent as it is and goes to `config.onDroppedUpdate`; the open
 *   item keeps its last good state and the stream goes on.
 *
 * @example
 * ```ts
 * const context = new AgentContext({ thread, store, requestContext });
 * const result = await run(agent, input, { stream: true, context, signal: context.signal });
 * streamAgentResponse(context, result).pipe(toServerSentEvents()).subscribe((frame) => res.write(frame));
 * ```
 *
 * @param context The context the run was given (`run(..., { context })`).
 * @param run What `run(agent, input, { stream: true })` resolved to.
 * @param config Graceful cancellation and what to do with items left open.
 * @return A one-shot Observable of thread stream events.
 */
export function streamAgentResponse<TContext>(
  context: AgentContext<TContext>,
  run: StreamedRunLike,
  config: StreamAgentResponseConfig = {},
): Observable<ThreadStreamEvent> {
  if (typeof context !== "object" || context === null || typeof context.events !== "function") {
    throw new TypeError(
      "streamAgentResponse: context must be an AgentContext (new AgentContext({ thread, requestContext }))",
    );
  }
  /** The `call_id` of the run's last function call: a client tool call marked without one is that call. */
  let lastCallId: string | undefined;
  const runEvents = fromStreamedRun(run).pipe(
    tap((event) => {
      if (event.type === "run_item_stream_event" && event.name === "tool_called") {
        const raw = event.item.rawItem as { type?: unknown; callId?: unknown };
        if (raw.type === "function_call" && typeof raw.callId === "string") lastCallId = raw.callId;
      }
    }),
    runEventsToThreadEvents(context.thread, {
      generateId: context.generateId,
      now: context.now,
      workflow: context.workflow,
      converter: config.converter,
    }),
    // The run is over, so no tool can push any more: the context completes once its widgets do.
    tap({ complete: () => context.close() }),
  );
  const { signal, onCancel, onDroppedUpdate } = config;

  /** The open workflow this response goes on with, tracked as open from the start. */
  let resumed: WorkflowItem | undefined;
  const respond = new Observable<ThreadStreamEvent>((subscriber) => {
    /** The first throw of `onDroppedUpdate`: the stream errors with it instead of throwing from `next`. */
    let handlerFailure: { readonly error: unknown } | undefined;
    // Items the client has open, in the state it holds: never throws for an update that does not apply.
    const pending = new OpenItems((error, event) => {
      try {
        onDroppedUpdate?.(error, event);
      } catch (thrown: unknown) {
        handlerFailure ??= { error: thrown };
      }
    });
    let ended = false;
    /** Every item this response showed (added or done), so a guardrail tripwire can take them all back. */
    const produced = new Set<string>();

    /** Sends `event`, ending the open workflow first when it shows another visible item. */
    const send = (event: ThreadStreamEvent): void => {
      // A workflow's done (the one `startWorkflow` ended to open the next) shows nothing new.
      const shows =
        event.type === "thread.item.added" ||
        (event.type === "thread.item.done" && event.item.type !== "workflow");
      if (shows) for (const closing of context.workflow.endBefore(event.item)) forward(closing);
      forward(event);
    };
    const forward = (event: ThreadStreamEvent): void => {
      if (event.type === "thread.item.added" || event.type === "thread.item.done")
        produced.add(event.item.id);
      pending.observe(event);
      // An update `onDroppedUpdate` threw for is not sent: the stream ends with that error instead.
      if (handlerFailure === undefined) subscriber.next(event);
    };

    // Linked to `subscriber` before the run and the widgets start: unsubscribing stops even a
    // synchronous widget stream at once, and `finish` can stop it from inside `subscribe`.
    const inner = new LinkedSubscriber<ThreadStreamEvent>(subscriber, {
      next: (event) => {
        send(event);
        if (handlerFailure !== undefined) finish(() => undefined);
      },
      error: (error: unknown) => {
        if (isGuardrailTripwire(error)) retract(error);
        else finish(() => subscriber.error(error));
      },
      complete: () => {
        const call = context.pendingClientToolCall;
        const store = context.store;
        // Waiting for the client's tool output, the workflow stays open: saved as it is, the next response goes on in it.
        const kept =
          call !== undefined && store !== undefined && context.workflow.item?.workflow.summary === undefined
            ? context.workflow.suspend()
            : undefined;
        // Any other workflow left open (the model reasoned, then stopped) ends with the response.
        for (const closing of context.workflow.end()) forward(closing);
        ended = true;
        const close = (): void => {
          if (call !== undefined) forward({ type: "thread.item.done", item: clientToolCallItem(call) });
          subscriber.complete();
        };
        if (kept === undefined || store === undefined) close();
        else
          store
            .addThreadItem(context.thread.id, kept, context.requestContext)
            .then(close, (error: unknown) => subscriber.error(error));
      },
    });
    if (resumed !== undefined) pending.set(resumed);
    merge(runEvents, context.events()).subscribe(inner);

    /** Stops the run and the widgets, sends the closing events, then ends with `end`. */
    function finish(end: () => void): void {
      if (ended) return;
      ended = true;
      // The workflow is open in `pending` too: its done comes from there, with its last state.
      context.workflow.end();
      const closing = pending.close();
      context.abort();
      inner.unsubscribe();
      for (const event of closing) subscriber.next(event);
      if (handlerFailure === undefined) end();
      else subscriber.error(handlerFailure.error);
    }

    /** The pending item of the client tool call a tool marked. */
    function clientToolCallItem(call: ClientToolCall): ClientToolCallItem {
      return {
        type: "client_tool_call",
        id: context.generateId("tool_call"),
        thread_id: context.thread.id,
        created_at: new Date(context.now()).toISOString(),
        status: "pending",
        call_id: call.callId ?? lastCallId ?? context.generateId("tool_call"),
        name: call.name,
        arguments: { ...call.arguments },
      };
    }

    /**
     * A guardrail tripped: nothing of this response may stay. Every item it
     * showed is removed (`persistEvents` deletes the saved ones and forgets
     * the open ones), then the stream errors with the tripwire.
     */
    function retract(error: unknown): void {
      if (ended) return;
      ended = true;
      context.workflow.end(); // its done would show it again: dropped
      pending.close();
      context.abort();
      inner.unsubscribe();
      for (const id of produced) subscriber.next({ type: "thread.item.removed", item_id: id });
      subscriber.error(error);
    }

    const onAbort = (): void => finish(() => subscriber.complete());
    if (signal !== undefined) {
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    }

    return () => {
      signal?.removeEventListener("abort", onAbort);
      if (ended) return;
      ended = true;
      context.workflow.end();
      const closing = pending.close();
      context.abort();
      inner.unsubscribe();
      onCancel?.(closing);
    };
  });

  const store = context.store;
  if (store === undefined) return respond;
  // A workflow an earlier response left open is first found: this response goes on in it, or ends it.
  return new Observable<ThreadStreamEvent>((subscriber) => {
    let body: Subscription | undefined;
    let active = true;
    openWorkflowOf(store, context.thread, context.requestContext).then(
      (open) => {
        if (!active) return;
        if (open !== undefined) {
          context.workflow.resume(open.item);
          if (open.resume) resumed = open.item;
          else for (const event of context.workflow.end()) subscriber.next(event);
        }
        body = respond.subscribe(subscriber);
      },
      (error: unknown) => {
        if (!active) return;
        context.abort(error);
        subscriber.error(error);
      },
    );
    return () => {
      active = false;
      if (body !== undefined) body.unsubscribe();
      else context.abort();
    };
  });
}
