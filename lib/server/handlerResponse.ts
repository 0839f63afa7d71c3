import { concat, defer, of, type Observable } from "rxjs";

import type { ServerAttachments } from "../attachments/ServerAttachments";
import type { ErrorEvent, ThreadStreamEvent } from "../events/threadEvents";
import type { ThreadItem, ThreadMetadata } from "../events/threadItems";
import { handlerEvents } from "./handlerEvents";
import type { ThreadTurn } from "./holdingThread";
import { persistEvents } from "./persistEvents";
import { attachmentReader } from "./requestAttachments";
import type { HandlerOptions, ThreadEventSource } from "./serverTypes";
import type { Store } from "./Store";

/**
 * The methods of a server that run around a handler's events. A
 * `ChatKitServer` passes itself, so what a subclass overrides is what runs.
 */
export interface ResponseHooks<TContext> {
  streamOptions(thread: ThreadMetadata, context: TContext): { allow_cancel: boolean };
  toErrorEvent(error: unknown): ErrorEvent;
  handleStreamCancelled(
    thread: ThreadMetadata,
    pendingItems: readonly ThreadItem[],
    context: TContext,
  ): Promise<void>;
}

/** What {@link handlerResponse} needs of the server. */
export interface HandlerResponseConfig<TContext> {
  readonly store: Store<TContext>;
  readonly attachments: ServerAttachments<TContext> | undefined;
  readonly handlers: ResponseHooks<TContext>;
  /** Told about unexpected failures (a dropped widget update, a failing clean-up). */
  readonly report: (error: unknown) => void;
}

/**
 * `stream_options`, then the events of the handler `run` calls, with the
 * server's bookkeeping (see {@link persistEvents}): what the client shows
 * is saved, a failure ends the stream as an `error` event, and a client
 * that leaves early has its pending items handed to `handleStreamCancelled`
 * before the thread's next request may start.
 *
 * @param run Calls the handler (`respond`/`action`) with the options of this turn.
 */
export function handlerResponse<TContext>(
  config: HandlerResponseConfig<TContext>,
  thread: ThreadMetadata,
  context: TContext,
  turn: ThreadTurn,
  run: (options: HandlerOptions) => ThreadEventSource,
): Observable<ThreadStreamEvent> {
  const { handlers, report } = config;
  return concat(
    defer(() =>
      of({ type: "stream_options", stream_options: handlers.streamOptions(thread, context) } as const),
    ),
    defer(() =>
      handlerEvents(
        run({ signal: turn.signal, readAttachment: attachmentReader(config.attachments, context) }),
      ),
    ).pipe(
      persistEvents({
        store: config.store,
        thread,
        context,
        toErrorEvent: (error) => handlers.toErrorEvent(error),
        // The client got the update and could not apply it either: a bug in the handler worth knowing about.
        onDroppedUpdate: (error) => report(error),
        onCancel: (pending) =>
          turn.finishBeforeRelease(
            handlers.handleStreamCancelled(thread, pending, context).catch((error: unknown) => report(error)),
          ),
      }),
    ),
  );
}
