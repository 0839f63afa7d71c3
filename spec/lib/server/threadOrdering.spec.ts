import { concat, lastValueFrom, map, NEVER, Observable, of, take, tap, timer, toArray } from "rxjs";

import type { ThreadStreamEvent } from "../../../lib/events/threadEvents";
import type { ThreadItem, WidgetItem } from "../../../lib/events/threadItems";
import {
  ChatKitServer,
  type ChatKitServerConfig,
  type ProcessResult,
} from "../../../lib/server/ChatKitServer";
import { MemoryStore } from "../../../lib/server/MemoryStore";
import type { WidgetRoot } from "../../../widgets/components";
import { input } from "../../helpers/userInput";

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A MemoryStore whose every call takes `latencyMs`, as a database would: races show up. */
class SlowStore extends MemoryStore<undefined> {
  constructor(readonly latencyMs: number) {
    let n = 0;
    super({ generateId: (type) => `${type}_${++n}` });
  }
}
for (const method of [
  "loadThread",
  "saveThread",
  "loadThreads",
  "loadThreadItems",
  "addThreadItem",
  "saveItem",
  "loadItem",
  "deleteThreadItem",
] as const) {
  const original = MemoryStore.prototype[method] as (...args: unknown[]) => Promise<unknown>;
  (SlowStore.prototype as unknown as Record<string, unknown>)[method] = async function (
    this: SlowStore,
    ...args: unknown[]
  ) {
    await delay(this.latencyMs);
    return original.apply(this, args);
  };
}

const now = () => new Date(Date.UTC(2025, 0, 1)).toISOString();

function makeServer(config: ChatKitServerConfig<undefined>, latencyMs = 5) {
  const store = new SlowStore(latencyMs);
  const errors: unknown[] = [];
  const server = new ChatKitServer<undefined>({ store, onError: (error) => errors.push(error), ...config });
  return { server, store, errors };
}

function events(result: ProcessResult): Observable<ThreadStreamEvent> {
  if (result.kind !== "stream") throw new Error(`expected a stream, got ${JSON.stringify(result)}`);
  return result.events;
}

const all = (result: ProcessResult) => lastValueFrom(events(result).pipe(toArray()));

async function seedWidget(store: MemoryStore<undefined>, widget: WidgetRoot): Promise<void> {
  await store.saveThread({ id: "thr", created_at: now(), status: { type: "active" } }, undefined);
  await store.addThreadItem(
    "thr",
    { type: "widget", id: "w", thread_id: "thr", created_at: now(), widget },
    undefined,
  );
}

const itemTypes = async (store: MemoryStore<undefined>, threadId: string) =>
  (await store.loadThreadItems(threadId, { limit: 50, order: "asc" }, undefined)).data.map(
    (item: ThreadItem) =>
      item.type === "user_message" && item.content[0]?.type === "input_text"
        ? `user(${item.content[0].text})`
        : item.type,
  );

describe("ChatKitServer: a thread's requests take turns", () => {
  it("two concurrent actions updating one saved widget both land in the store (no lost update)", async () => {
    const { server, store } = makeServer({
      action: (_thread, action, sender) =>
        of<ThreadStreamEvent>({
          type: "thread.item.updated",
          item_id: sender!.id,
          update: {
            type: "widget.streaming_text.value_delta",
            component_id: (action.payload as { c: string }).c,
            delta: (action.payload as { c: string }).c.toUpperCase(),
            done: false,
          },
        }),
    });
    await seedWidget(store, {
      type: "Card",
      children: [
        { type: "Text", id: "a", value: "", streaming: true },
        { type: "Text", id: "b", value: "", streaming: true },
        { type: "Button", label: "Set", onClickAction: { type: "set", payload: {} } },
      ],
    });
    const request = (c: string) => ({
      type: "threads.custom_action",
      params: { thread_id: "thr", item_id: "w", action: { type: "set", payload: { c } } },
    });
    const [first, second] = await Promise.all([
      server.process(request("a"), undefined),
      server.process(request("b"), undefined),
    ]);
    await Promise.all([all(first), all(second)]);
    const stored = (await store.loadItem("thr", "w", undefined)) as WidgetItem;
    expect(stored.widget.children.slice(0, 2)).toEqual([
      { type: "Text", id: "a", value: "A", streaming: true },
      { type: "Text", id: "b", value: "B", streaming: true },
    ]);
  });

  it("a cancelled stream's note lands before the next message, and the next respond sees it", async () => {
    let seenByModel: string[] | undefined;
    const { server, store } = makeServer(
      {
        respond: (thread, message) => {
          if (message?.content[0]?.type === "input_text" && message.content[0].text === "second") {
            return new Observable<ThreadStreamEvent>((subscriber) => {
              void itemTypes(store, thread.id).then((types) => {
                seenByModel = types;
                subscriber.complete();
              });
            });
          }
          const widget: WidgetItem = {
            type: "widget",
            id: "w1",
            thread_id: thread.id,
            created_at: now(),
            widget: { type: "Card", children: [{ type: "Text", id: "t", value: "Hel", streaming: true }] },
          };
          return concat(of<ThreadStreamEvent>({ type: "thread.item.added", item: widget }), NEVER);
        },
      },
      10,
    );
    const first = await server.process(
      { type: "threads.create", params: { input: input("first") } },
      undefined,
    );
    let threadId = "";
    const subscription = events(first).subscribe((event) => {
      if (event.type === "thread.created") threadId = event.thread.id;
    });
    await delay(100);
    subscription.unsubscribe();
    const second = await server.process(
      { type: "threads.add_user_message", params: { thread_id: threadId, input: input("second") } },
      undefined,
    );
    await all(second);
    await server.idle();
    const order = ["user(first)", "widget", "sdk_hidden_context", "user(second)"];
    expect(seenByModel).toEqual(order);
    expect(await itemTypes(store, threadId)).toEqual(order);
  });

  it("a second message waits for the running response: the two responses never interleave", async () => {
    const { server, store } = makeServer({
      respond: (_thread, message) =>
        timer(0, 5).pipe(
          take(3),
          map((index): ThreadStreamEvent => ({
            type: "progress_update",
            text: `${message?.content[0]?.type === "input_text" ? message.content[0].text : "?"} ${index}`,
          })),
        ),
    });
    await seedWidget(store, { type: "Card", children: [] });
    const send = (text: string) =>
      server.process(
        { type: "threads.add_user_message", params: { thread_id: "thr", input: input(text) } },
        undefined,
      );
    const [one, two] = await Promise.all([send("one"), send("two")]);
    const log: string[] = [];
    const tag = (name: string) => (event: ThreadStreamEvent) =>
      log.push(`${name}:${event.type === "progress_update" ? event.text : event.type}`);
    await Promise.all([
      lastValueFrom(events(one).pipe(tap(tag("one")), toArray())),
      lastValueFrom(events(two).pipe(tap(tag("two")), toArray())),
    ]);
    const turns = ["thread.item.done", "stream_options", "0", "1", "2"];
    expect(log).toEqual([
      ...turns.map((step) => `one:${/^\d$/.test(step) ? `one ${step}` : step}`),
      ...turns.map((step) => `two:${/^\d$/.test(step) ? `two ${step}` : step}`),
    ]);
    expect(await itemTypes(store, "thr")).toEqual(["widget", "user(one)", "user(two)"]);
  });

  it("a request that waits longer than threadBusyWaitMs gets an error event and writes nothing", async () => {
    const { server, store, errors } = makeServer({
      threadBusyWaitMs: 30,
      respond: () => NEVER,
    });
    const first = await server.process(
      { type: "threads.create", params: { input: input("first") } },
      undefined,
    );
    let threadId = "";
    const holder = events(first).subscribe((event) => {
      if (event.type === "thread.created") threadId = event.thread.id;
    });
    await delay(50);
    const second = await server.process(
      { type: "threads.add_user_message", params: { thread_id: threadId, input: input("second") } },
      undefined,
    );
    expect(await all(second)).toEqual([
      {
        type: "error",
        code: "custom",
        message: expect.stringContaining("busy") as string,
        allow_retry: true,
      },
    ]);
    expect(await itemTypes(store, threadId)).toEqual(["user(first)"]);
    const rename = await server.process(
      { type: "threads.update", params: { thread_id: threadId, title: "New" } },
      undefined,
    );
    expect(rename.kind === "error" && [rename.error.status, rename.error.code]).toEqual([409, "thread_busy"]);
    expect((await store.loadThread(threadId, undefined)).title).toBeUndefined();
    expect(errors).toEqual([]);
    holder.unsubscribe();
    await server.idle();
  });

  it("an async-generator respond gets a signal that aborts when the client leaves", async () => {
    const log: string[] = [];
    const { server } = makeServer({
      respond: async function* (_thread, _message, _context, { signal }) {
        yield { type: "progress_update", text: "thinking" };
        try {
          await new Promise<void>((resolve, reject) => {
            const slowModel = setTimeout(resolve, 2000);
            signal.addEventListener("abort", () => {
              clearTimeout(slowModel);
              reject(new Error("aborted"));
            });
          });
          log.push("side effects after the client left");
        } catch (error) {
          log.push((error as Error).message);
        }
      },
    });
    const result = await server.process(
      { type: "threads.create", params: { input: input("hi") } },
      undefined,
    );
    const subscription = events(result).subscribe((event) => {
      if (event.type === "progress_update") setTimeout(() => subscription.unsubscribe(), 10);
    });
    await delay(100);
    expect(log).toEqual(["aborted"]);
    await server.idle();
  });

  it("a stream that ends normally leaves its handler's signal alone", async () => {
    let signal: AbortSignal | undefined;
    const { server } = makeServer({
      respond: (_thread, _message, _context, options) => {
        signal = options.signal;
        return of<ThreadStreamEvent>({ type: "progress_update", text: "done" });
      },
    });
    await all(await server.process({ type: "threads.create", params: { input: input("hi") } }, undefined));
    expect(signal?.aborted).toBe(false);
  });

  it("syncAction gets the signal process() was given", async () => {
    const controller = new AbortController();
    let signal: AbortSignal | undefined;
    const { server, store } = makeServer({
      syncAction: (_thread, _action, _sender, _context, options) => {
        signal = options.signal;
        return null;
      },
    });
    await seedWidget(store, {
      type: "Card",
      children: [{ type: "Button", label: "Go", onClickAction: { type: "go" } }],
    });
    const result = await server.process(
      {
        type: "threads.sync_custom_action",
        params: { thread_id: "thr", item_id: "w", action: { type: "go" } },
      },
      undefined,
      { signal: controller.signal },
    );
    expect(result).toEqual({ kind: "json", body: { updated_item: null } });
    controller.abort();
    expect(signal?.aborted).toBe(true);
  });
});
