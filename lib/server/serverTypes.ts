import type { Observable } from "rxjs";

import type { AttachmentsConfig } from "../attachments/attachmentsConfig";
import type { ThreadStreamEvent } from "../events/threadEvents";
import type { ThreadItem, ThreadMetadata, UserMessageItem, WidgetItem } from "../events/threadItems";
import type { ChatKitRequestError } from "../errors";
import type { Action } from "./requests";
import type { Store } from "./Store";
import type { ThreadLocks } from "./ThreadLocks";

/**
 * What an application gives a {@link ChatKitServer}: its handlers (or a
 * subclass's overrides), their options, and what `process` answers.
 */

/** What `respond` and `action` may return: events as an Observable or an async iterable (an async generator, say). */
export type ThreadEventSource = Observable<ThreadStreamEvent> | AsyncIterable<ThreadStreamEvent>;

/**
 * The last argument of every handler. Pass `signal` on to whatever the
 * handler awaits (a model call: `run(agent, input, { signal })`, `fetch`):
 * it aborts when the client goes away or the server cancels, which is the
 * only way to stop an async generator that is not at a `yield`.
 */
export interface HandlerOptions {
  readonly signal: AbortSignal;
  /**
   * The bytes of an uploaded attachment of this thread's user (say, of
   * `userMessage.attachments[i].id`), to send to a model. Rejects with
   * `StoreNotFoundError` for an attachment the caller does not own, one not
   * uploaded or deleted, and on a server without `attachments`.
   */
  readonly readAttachment: (attachmentId: string) => Promise<Uint8Array>;
}

/** Audio for {@link TranscribeHandler} (reference `AudioInput`). */
export interface AudioInput {
  readonly data: Uint8Array;
  /** As the client sent it, e.g. `audio/webm;codecs=opus`. */
  readonly mime_type: string;
  /** Without parameters, e.g. `audio/webm`. */
  readonly media_type: string;
}

/** Speech to text for `input.transcribe` (dictation): what to put in the composer. */
export type TranscribeHandler<TContext> = (
  audio: AudioInput,
  context: TContext,
) => Promise<{ readonly text: string }> | { readonly text: string };

/** `respond(thread, userMessage, context, { signal })`: `userMessage` is `null` after a client tool output. */
export type RespondHandler<TContext> = (
  thread: ThreadMetadata,
  userMessage: UserMessageItem | null,
  context: TContext,
  options: HandlerOptions,
) => ThreadEventSource;

/**
 * `action(thread, action, sender, context, { signal })`: `sender` is the
 * widget item that fired it (as stored when the request's turn began), or
 * `null` when the client named none.
 */
export type ActionHandler<TContext> = (
  thread: ThreadMetadata,
  action: Action,
  sender: WidgetItem | null,
  context: TContext,
  options: HandlerOptions,
) => ThreadEventSource;

/** `syncAction(...)`: the updated item (saved, then sent back), or `null` for no change. */
export type SyncActionHandler<TContext> = (
  thread: ThreadMetadata,
  action: Action,
  sender: WidgetItem | null,
  context: TContext,
  options: HandlerOptions,
) => Promise<ThreadItem | null> | ThreadItem | null;

/** Options of {@link ChatKitServer.process}. */
export interface ProcessOptions {
  /** Aborts a non-streaming request's handler when the client goes away (a streaming one stops on unsubscribe). */
  readonly signal?: AbortSignal | undefined;
}

/** Options of {@link ChatKitServer}: configure it with these, or subclass it and override the methods. */
export interface ChatKitServerConfig<TContext> {
  /** Where threads live. Default: a new {@link MemoryStore}. */
  readonly store?: Store<TContext> | undefined;
  readonly respond?: RespondHandler<TContext> | undefined;
  readonly action?: ActionHandler<TContext> | undefined;
  readonly syncAction?: SyncActionHandler<TContext> | undefined;
  /** Accept attachments (two-phase upload). Without it, attachment requests and messages with attachments are 501. */
  readonly attachments?: AttachmentsConfig<TContext> | undefined;
  /** Answer `input.transcribe` (dictation). Without it, that request is 501. */
  readonly transcribe?: TranscribeHandler<TContext> | undefined;
  /** Items per page when the client does not say. Default 20, as the reference SDK. */
  readonly pageSize?: number | undefined;
  /** The largest page a client may ask for; larger `limit`s are cut to it. Default 100 (or `pageSize`, if larger). */
  readonly maxPageSize?: number | undefined;
  /**
   * Serialise each thread's requests. Default: the store's `threadLocks` (a
   * store shared by several processes has them), else a {@link LocalThreadLocks}.
   */
  readonly threadLocks?: ThreadLocks | undefined;
  /**
   * How long a request waits for the thread's earlier requests to finish,
   * in ms; past it, a streaming request gets an `error` event and a
   * non-streaming one a 409 (`thread_busy`). Default 30 000.
   */
  readonly threadBusyWaitMs?: number | undefined;
  /** The clock for `created_at`, in epoch milliseconds. Default `asyncScheduler.now`. */
  readonly now?: (() => number) | undefined;
  /** Told about unexpected failures (a throwing `respond`, a failing store). Default `console.error`. */
  readonly onError?: ((error: unknown) => void) | undefined;
}

/**
 * What {@link ChatKitServer.process} answers. Errors are data, as with zod's
 * `safeParse`: an adapter maps each kind to HTTP without try/catch.
 */
export type ProcessResult =
  /** Send as Server-Sent Events (`toServerSentEvents`); unsubscribe when the client goes away. */
  | { readonly kind: "stream"; readonly events: Observable<ThreadStreamEvent> }
  /** Send `body` as JSON with status 200. */
  | { readonly kind: "json"; readonly body: unknown }
  /** Send `error.toJSON()` with `error.status`; the store was not changed. */
  | { readonly kind: "error"; readonly error: ChatKitRequestError };
