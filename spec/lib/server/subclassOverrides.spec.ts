import { lastValueFrom, NEVER, concat, of, throwError, toArray, type Observable } from "rxjs";

import type { ErrorEvent, ThreadStreamEvent } from "../../../lib/events/threadEvents";
import type {
  ThreadItem,
  ThreadMetadata,
  UserMessageItem,
  WidgetItem,
} from "../../../lib/events/threadItems";
import { ChatKitServer, type HandlerOptions, type ProcessResult } from "../../../lib/server/ChatKitServer";
import { MemoryStore } from "../../../lib/server/MemoryStore";
import type { Action } from "../../../lib/server/requests";
import { streamWidget } from "../../../lib/streamWidget";
import type { WidgetRoot } from "../../../widgets/components";
import { input } from "../../helpers/userInput";

/**
 * The request routing lives outside ChatKitServer and calls the server's
 * overridable methods through narrow interfaces: what a subclass overrides
 * must be what runs, for every hook, with no config at all.
 */

const likeCard: WidgetRoot = {
  type: "Card",
  children: [{ type: "Button", id: "b", label: "Like", onClickAction: { type: "like" } }],
};

/** A server configured only by overriding; each hook records that it ran. */
class Overriding extends ChatKitServer<undefined> {
  readonly calls: string[] = [];
  readonly cancelled: ThreadItem[][] = [];
  respondWith: (thread: ThreadMetadata) => Observable<ThreadStreamEvent> = (thread) =>
    streamWidget(thread, of(likeCard), { generateId: () => "w_1" });

  override respond(
    thread: ThreadMetadata,
    message: UserMessageItem | null,
    _context: undefined,
    options: HandlerOptions,
  ): Observable<ThreadStreamEvent> {
    this.calls.push(`respond:${message === null ? "null" : message.type}:${String(options.signal.aborted)}`);
    return this.respondWith(thread);
  }

  override action(
    thread: ThreadMetadata,
    action: Action,
    sender: WidgetItem | null,
  ): Observable<ThreadStreamEvent> {
    this.calls.push(`action:${action.type}:${sender?.id ?? "none"}`);
    return of<ThreadStreamEvent>({ type: "progress_update", text: `liked in ${thread.id}` });
  }

  override syncAction(_thread: ThreadMetadata, action: Action, sender: WidgetItem | null): ThreadItem | null {
    this.calls.push(`syncAction:${action.type}:${sender?.id ?? "none"}`);
    return null;
  }

  override addFeedback(
    threadId: string,
    itemIds: readonly string[],
    kind: "positive" | "negative",
  ): Promise<void> {
    this.calls.push(`addFeedback:${threadId}:${itemIds.join(",")}:${kind}`);
    return Promise.resolve();
  }

  override streamOptions(): { allow_cancel: boolean } {
    return { allow_cancel: false };
  }

  override toErrorEvent(error: unknown): ErrorEvent {
    return { type: "error", code: "custom", message: `subclass: ${String(error)}`, allow_retry: false };
  }

  override async handleStreamCancelled(
    _thread: ThreadMetadata,
    pendingItems: readonly ThreadItem[],
  ): Promise<void> {
    await Promise.resolve();
    this.cancelled.push([...pendingItems]);
  }
}

function makeServer(): Overriding {
  let n = 0;
  return new Overriding({
    store: new MemoryStore<undefined>({ generateId: (type) => `${type}_${++n}` }),
    now: () => Date.UTC(2025, 0, 1),
  });
}

async function stream(result: ProcessResult): Promise<ThreadStreamEvent[]> {
  if (result.kind !== "stream") throw new Error(`expected a stream, got ${JSON.stringify(result)}`);
  return lastValueFrom(result.events.pipe(toArray()));
}

async function createThread(server: Overriding): Promise<string> {
  const events = await stream(
    await server.process({ type: "threads.create", params: { input: input("hi") } }, undefined),
  );
  const created = events[0];
  if (created?.type !== "thread.created") throw new Error("no thread.created");
  return created.thread.id;
}

describe("ChatKitServer subclass: overridden methods are what the requests call", () => {
  it("respond and streamOptions: a new thread is answered by the override, its stream_options too", async () => {
    const server = makeServer();
    const events = await stream(
      await server.process({ type: "threads.create", params: { input: input("hi") } }, undefined),
    );
    expect(events.map((event) => event.type)).toEqual([
      "thread.created",
      "thread.item.done",
      "stream_options",
      "thread.item.added",
      "thread.item.done",
    ]);
    expect(events[2]).toEqual({ type: "stream_options", stream_options: { allow_cancel: false } });
    expect(server.calls).toEqual(["respond:user_message:false"]);
  });

  it("toErrorEvent: a failing respond ends the stream with the override's error event", async () => {
    const server = makeServer();
    server.respondWith = () => throwError(() => new Error("boom"));
    const events = await stream(
      await server.process({ type: "threads.create", params: { input: input("hi") } }, undefined),
    );
    expect(events.at(-1)).toEqual({
      type: "error",
      code: "custom",
      message: "subclass: Error: boom",
      allow_retry: false,
    });
  });

  it("handleStreamCancelled: a client that leaves hands the pending widget to the override", async () => {
    const server = makeServer();
    const threadId = await createThread(server);
    server.respondWith = (thread) =>
      concat(streamWidget(thread, concat(of(likeCard), NEVER), { generateId: () => "w_pending" }), NEVER);
    const result = await server.process(
      { type: "threads.add_user_message", params: { thread_id: threadId, input: input("again") } },
      undefined,
    );
    if (result.kind !== "stream") throw new Error("expected a stream");
    const seen: string[] = [];
    const subscription = result.events.subscribe((event) => seen.push(event.type));
    while (!seen.includes("thread.item.added")) await new Promise((resolve) => setImmediate(resolve));
    subscription.unsubscribe();
    await server.idle();
    expect(server.cancelled.map((items) => items.map((item) => item.id))).toEqual([["w_pending"]]);
  });

  it("action, syncAction and addFeedback: the overrides answer without any config", async () => {
    const server = makeServer();
    const threadId = await createThread(server);
    const events = await stream(
      await server.process(
        {
          type: "threads.custom_action",
          params: { thread_id: threadId, item_id: "w_1", action: { type: "like" } },
        },
        undefined,
      ),
    );
    expect(events).toEqual([
      { type: "stream_options", stream_options: { allow_cancel: false } },
      { type: "progress_update", text: `liked in ${threadId}` },
    ]);
    const sync = await server.process(
      {
        type: "threads.sync_custom_action",
        params: { thread_id: threadId, item_id: "w_1", action: { type: "like" } },
      },
      undefined,
    );
    expect(sync).toEqual({ kind: "json", body: { updated_item: null } });
    const feedback = await server.process(
      { type: "items.feedback", params: { thread_id: threadId, item_ids: ["w_1"], kind: "positive" } },
      undefined,
    );
    expect(feedback).toEqual({ kind: "json", body: {} });
    expect(server.calls.slice(1)).toEqual([
      "action:like:w_1",
      "syncAction:like:w_1",
      `addFeedback:${threadId}:w_1:positive`,
    ]);
  });
});
