import {
  concat,
  EMPTY,
  finalize,
  from,
  lastValueFrom,
  map,
  mergeMap,
  of,
  Subject,
  throwError,
  toArray,
} from "rxjs";
import { z } from "zod";

import { ThreadStreamEventSchema, type ThreadStreamEvent } from "../../../lib/events/threadEvents";
import type { ThreadItem, WidgetItem } from "../../../lib/events/threadItems";
import { streamWidget } from "../../../lib/streamWidget";
import { ChatKitServer, CANCELLED_STREAM_NOTE, type ProcessResult } from "../../../lib/server/ChatKitServer";
import { MemoryStore } from "../../../lib/server/MemoryStore";
import { ofActionType } from "../../../lib/server/ofActionType";
import type { WidgetRoot } from "../../../widgets/components";
import { input } from "../../helpers/userInput";

const card = (text: string, extra: Record<string, unknown> = {}): WidgetRoot => ({
  type: "Card",
  children: [
    { type: "Text", id: "t", value: text },
    { type: "Button", id: "b", label: "Like", onClickAction: { type: "like" } },
    { type: "Button", id: "r", label: "Rename", onClickAction: { type: "rename" } },
  ],
  ...extra,
});

function makeServer(overrides: ConstructorParameters<typeof ChatKitServer<undefined>>[0] = {}) {
  let n = 0;
  const store = new MemoryStore<undefined>({ generateId: (type) => `${type}_${++n}` });
  const errors: unknown[] = [];
  const server = new ChatKitServer<undefined>({
    store,
    now: () => Date.UTC(2025, 0, 1),
    onError: (error) => errors.push(error),
    respond: (thread, message) =>
      streamWidget(thread, of(card("Hel"), card("Hello")), {
        generateId: () => `w_${message?.id ?? "none"}`,
      }),
    ...overrides,
  });
  return { server, store, errors };
}

async function stream(result: ProcessResult): Promise<ThreadStreamEvent[]> {
  if (result.kind !== "stream") throw new Error(`expected a stream, got ${JSON.stringify(result)}`);
  const events = await lastValueFrom(result.events.pipe(toArray()));
  for (const event of events) ThreadStreamEventSchema.parse(JSON.parse(JSON.stringify(event)));
  return events;
}

function json(result: ProcessResult): unknown {
  if (result.kind !== "json") throw new Error(`expected JSON, got ${JSON.stringify(result)}`);
  return result.body;
}

async function items(store: MemoryStore<undefined>, threadId: string): Promise<ThreadItem[]> {
  return (await store.loadThreadItems(threadId, { limit: 100, order: "asc" }, undefined)).data;
}

async function createThread(server: ChatKitServer<undefined>): Promise<string> {
  const events = await stream(
    await server.process(
      JSON.stringify({ type: "threads.create", params: { input: input("hi") } }),
      undefined,
    ),
  );
  const created = events[0];
  if (created?.type !== "thread.created") throw new Error("no thread.created");
  return created.thread.id;
}

describe("ChatKitServer.process: threads.create", () => {
  it("sends thread.created, the user message, stream_options, then the response, and saves them", async () => {
    const { server, store } = makeServer();
    const events = await stream(
      await server.process(
        JSON.stringify({ type: "threads.create", params: { input: input("hi") } }),
        undefined,
      ),
    );
    expect(events.map((e) => e.type)).toEqual([
      "thread.created",
      "thread.item.done",
      "stream_options",
      "thread.item.added",
      "thread.item.updated",
      "thread.item.done",
    ]);
    expect(events[0]).toEqual({
      type: "thread.created",
      thread: {
        id: "thread_1",
        created_at: "2025-01-01T00:00:00.000Z",
        status: { type: "active" },
        items: { data: [], has_more: false },
      },
    });
    expect(events[1]).toMatchObject({
      item: { type: "user_message", id: "message_2", content: [{ type: "input_text", text: "hi" }] },
    });
    expect(events[2]).toEqual({ type: "stream_options", stream_options: { allow_cancel: true } });
    const saved = await items(store, "thread_1");
    expect(saved.map((item) => [item.type, item.id])).toEqual([
      ["user_message", "message_2"],
      ["widget", "w_message_2"],
    ]);
    expect((saved[1] as WidgetItem).widget).toEqual(card("Hello"));
  });

  it("accepts an async iterable from respond", async () => {
    const { server } = makeServer({
      async *respond(thread) {
        await Promise.resolve();
        yield {
          type: "thread.item.done",
          item: { type: "widget", id: "w1", thread_id: thread.id, created_at: "x", widget: card("a") },
        } as const;
      },
    });
    const events = await stream(
      await server.process({ type: "threads.create", params: { input: input("x") } }, undefined),
    );
    expect(events.map((e) => e.type)).toEqual([
      "thread.created",
      "thread.item.done",
      "stream_options",
      "thread.item.done",
    ]);
  });
});

describe("ChatKitServer.process: bad input changes nothing", () => {
  const cases: [string, unknown, number, string | undefined][] = [
    ["not JSON", "{nope", 400, undefined],
    ["not an object", "[1]", 400, "type"],
    ["an unknown type", JSON.stringify({ type: "threads.explode", params: {} }), 400, "type"],
    ["missing params", JSON.stringify({ type: "threads.add_user_message" }), 400, "params"],
    [
      "a missing thread_id",
      JSON.stringify({ type: "threads.get_by_id", params: {} }),
      400,
      "params.thread_id",
    ],
    [
      "a bad content part",
      JSON.stringify({
        type: "threads.create",
        params: { input: { ...input("x"), content: [{ type: "input_text" }] } },
      }),
      400,
      "params.input.content[0].text",
    ],
    [
      "an unknown thread",
      JSON.stringify({ type: "threads.get_by_id", params: { thread_id: "thr_nope" } }),
      404,
      "params.thread_id",
    ],
    [
      "an unknown thread (streaming)",
      JSON.stringify({
        type: "threads.add_user_message",
        params: { thread_id: "thr_nope", input: input("x") },
      }),
      404,
      "params.thread_id",
    ],
    [
      "attachments",
      JSON.stringify({
        type: "threads.create",
        params: { input: { ...input("x"), attachments: ["atc_1"] } },
      }),
      501,
      "params.input.attachments",
    ],
    [
      "attachments.create",
      JSON.stringify({ type: "attachments.create", params: { name: "a", size: 1, mime_type: "text/plain" } }),
      501,
      "type",
    ],
    [
      "input.transcribe",
      JSON.stringify({ type: "input.transcribe", params: { audio_base64: "", mime_type: "audio/webm" } }),
      501,
      "type",
    ],
  ];

  it.each(cases)("%s is refused", async (_name, body, status, field) => {
    const { server, store } = makeServer();
    const threadId = await createThread(server);
    const before = JSON.stringify(await items(store, threadId));
    const result = await server.process(body, undefined);
    if (result.kind !== "error") throw new Error(`expected an error, got ${result.kind}`);
    expect(result.error.status).toBe(status);
    expect(result.error.field).toBe(field);
    expect(result.error.toJSON().error.message).toEqual(expect.any(String));
    expect(JSON.stringify(await items(store, threadId))).toBe(before);
    expect((await store.loadThreads({ limit: 10, order: "asc" }, undefined)).data).toHaveLength(1);
  });

  it("refuses unknown items and a custom_action whose sender is not a widget", async () => {
    const { server, store } = makeServer({ action: () => EMPTY });
    const threadId = await createThread(server);
    const before = JSON.stringify(await items(store, threadId));
    const unknown = await server.process(
      {
        type: "threads.custom_action",
        params: { thread_id: threadId, item_id: "msg_nope", action: { type: "like" } },
      },
      undefined,
    );
    expect(unknown.kind === "error" && [unknown.error.status, unknown.error.field]).toEqual([
      404,
      "params.item_id",
    ]);
    const notWidget = await server.process(
      {
        type: "threads.custom_action",
        params: { thread_id: threadId, item_id: "message_2", action: { type: "like" } },
      },
      undefined,
    );
    expect(notWidget.kind === "error" && [notWidget.error.status, notWidget.error.field]).toEqual([
      400,
      "params.item_id",
    ]);
    expect(JSON.stringify(await items(store, threadId))).toBe(before);
  });
});

describe("ChatKitServer.process: non-streaming requests", () => {
  it("gets, lists, renames and deletes threads; hides hidden items", async () => {
    const { server, store } = makeServer();
    const threadId = await createThread(server);
    await store.addThreadItem(
      threadId,
      { type: "sdk_hidden_context", id: "h1", thread_id: threadId, created_at: "x", content: "secret" },
      undefined,
    );
    const thread = json(
      await server.process({ type: "threads.get_by_id", params: { thread_id: threadId } }, undefined),
    ) as {
      items: { data: ThreadItem[] };
    };
    expect(thread.items.data.map((item) => item.type)).toEqual(["user_message", "widget"]);
    const listed = json(
      await server.process({ type: "items.list", params: { thread_id: threadId, order: "asc" } }, undefined),
    ) as {
      data: ThreadItem[];
    };
    expect(listed.data.map((item) => item.id)).toEqual(["message_2", "w_message_2"]);
    expect(
      json(
        await server.process(
          { type: "threads.update", params: { thread_id: threadId, title: "T" } },
          undefined,
        ),
      ),
    ).toMatchObject({
      id: threadId,
      title: "T",
    });
    expect(json(await server.process({ type: "threads.list", params: {} }, undefined))).toMatchObject({
      data: [{ id: threadId, title: "T" }],
      has_more: false,
    });
    expect(
      json(
        await server.process(
          {
            type: "items.feedback",
            params: { thread_id: threadId, item_ids: ["w_message_2"], kind: "positive" },
          },
          undefined,
        ),
      ),
    ).toEqual({});
    expect(
      json(await server.process({ type: "threads.delete", params: { thread_id: threadId } }, undefined)),
    ).toEqual({});
    await expect(store.loadThread(threadId, undefined)).rejects.toThrow("not found");
  });

  it("saves and returns what syncAction answers; a bad payload is a 400", async () => {
    const { server, store } = makeServer({
      syncAction: async (_thread, action, sender) => {
        const [typed] = await lastValueFrom(
          of(action).pipe(ofActionType("rename", z.object({ text: z.string() })), toArray()),
        );
        if (sender === null || typed === undefined) return null;
        return { ...sender, widget: card(typed.payload.text) };
      },
    });
    const threadId = await createThread(server);
    const body = json(
      await server.process(
        {
          type: "threads.sync_custom_action",
          params: {
            thread_id: threadId,
            item_id: "w_message_2",
            action: { type: "rename", payload: { text: "New" } },
          },
        },
        undefined,
      ),
    ) as { updated_item: WidgetItem };
    expect(body.updated_item.widget).toEqual(card("New"));
    expect(await store.loadItem(threadId, "w_message_2", undefined)).toMatchObject({ widget: card("New") });
    const bad = await server.process(
      {
        type: "threads.sync_custom_action",
        params: {
          thread_id: threadId,
          item_id: "w_message_2",
          action: { type: "rename", payload: { text: 1 } },
        },
      },
      undefined,
    );
    expect(bad.kind === "error" && [bad.error.status, bad.error.field]).toEqual([
      400,
      "params.action.payload.text",
    ]);
  });
});

describe("ChatKitServer: actions and persistence", () => {
  it("a custom_action's widget update reaches the stored widget", async () => {
    const { server, store } = makeServer({
      action: (_thread, _action, sender) =>
        of<ThreadStreamEvent>({
          type: "thread.item.updated",
          item_id: sender?.id ?? "",
          update: {
            type: "widget.component.updated",
            component_id: "t",
            component: { type: "Text", id: "t", value: "Liked" },
          },
        }),
    });
    const threadId = await createThread(server);
    const events = await stream(
      await server.process(
        {
          type: "threads.custom_action",
          params: { thread_id: threadId, item_id: "w_message_2", action: { type: "like" } },
        },
        undefined,
      ),
    );
    expect(events.map((e) => e.type)).toEqual(["stream_options", "thread.item.updated"]);
    const stored = (await store.loadItem(threadId, "w_message_2", undefined)) as WidgetItem;
    expect(stored.widget.children?.[0]).toEqual({ type: "Text", id: "t", value: "Liked" });
  });

  it("saveFormValues writes submitted values into the stored widget", async () => {
    const form: WidgetRoot = {
      type: "Card",
      asForm: true,
      children: [
        { type: "Input", name: "todo.title" },
        { type: "Checkbox", name: "done", label: "Done" },
      ],
      confirm: { label: "Save", action: { type: "save" } },
    };
    const { server, store } = makeServer({
      respond: (thread) => streamWidget(thread, form, { generateId: () => "form_1" }),
      action: (thread, action, sender) =>
        from(server.saveFormValues(thread, sender as WidgetItem, action.payload, undefined)).pipe(
          map((item): ThreadStreamEvent => ({ type: "thread.item.replaced", item })),
        ),
    });
    const threadId = await createThread(server);
    await stream(
      await server.process(
        {
          type: "threads.custom_action",
          params: {
            thread_id: threadId,
            item_id: "form_1",
            action: { type: "save", payload: { todo: { title: "Milk" }, done: true } },
          },
        },
        undefined,
      ),
    );
    const stored = (await store.loadItem(threadId, "form_1", undefined)) as WidgetItem;
    expect(stored.widget.children).toEqual([
      { type: "Input", name: "todo.title", defaultValue: "Milk" },
      { type: "Checkbox", name: "done", label: "Done", defaultChecked: true },
    ]);
  });

  it("an error in respond ends pending items (saved) and sends an error event", async () => {
    const { server, store, errors } = makeServer({
      respond: (thread) =>
        streamWidget(
          thread,
          concat(
            of(card("partial")),
            throwError(() => new Error("model down")),
          ),
          { generateId: () => "w_err" },
        ).pipe(),
    });
    const events = await stream(
      await server.process({ type: "threads.create", params: { input: input("x") } }, undefined),
    );
    expect(events.map((e) => e.type)).toEqual([
      "thread.created",
      "thread.item.done",
      "stream_options",
      "thread.item.added",
      "thread.item.done",
      "error",
    ]);
    expect(events.at(-1)).toEqual({ type: "error", code: "stream.error", allow_retry: true });
    expect(errors).toEqual([new Error("model down")]);
    expect(((await store.loadItem("thread_1", "w_err", undefined)) as WidgetItem).widget).toEqual(
      card("partial"),
    );
  });

  it("an error before any item still ends with an error event; a pending item without done is closed", async () => {
    const { server, store } = makeServer({
      respond: (thread) =>
        concat(
          of<ThreadStreamEvent>({
            type: "thread.item.added",
            item: { type: "widget", id: "w_open", thread_id: thread.id, created_at: "x", widget: card("a") },
          }),
          throwError(() => new Error("boom")),
        ),
    });
    const events = await stream(
      await server.process({ type: "threads.create", params: { input: input("x") } }, undefined),
    );
    expect(events.slice(3).map((e) => e.type)).toEqual(["thread.item.added", "thread.item.done", "error"]);
    expect(await store.loadItem("thread_1", "w_open", undefined)).toMatchObject({ widget: card("a") });
  });

  it("a payload rejected by ofActionType becomes a visible error event", async () => {
    const { server } = makeServer({
      action: (_thread, action) =>
        of(action).pipe(
          ofActionType("like", z.object({ n: z.number() })),
          mergeMap(() => EMPTY),
        ),
    });
    const threadId = await createThread(server);
    const events = await stream(
      await server.process(
        {
          type: "threads.custom_action",
          params: { thread_id: threadId, action: { type: "like", payload: { n: "x" } } },
        },
        undefined,
      ),
    );
    expect(events).toEqual([
      { type: "stream_options", stream_options: { allow_cancel: true } },
      {
        type: "error",
        code: "custom",
        message: 'The action "like" was rejected: invalid payload.',
        allow_retry: false,
      },
    ]);
  });

  it("on unsubscribe mid-stream, stops the upstream and saves the pending widget in its last state and a hidden note", async () => {
    const states = new Subject<WidgetRoot>();
    let finalised = false;
    const { server, store } = makeServer({
      respond: (thread) =>
        streamWidget(thread, states, { generateId: () => "w_live" }).pipe(finalize(() => (finalised = true))),
    });
    const result = await server.process({ type: "threads.create", params: { input: input("x") } }, undefined);
    if (result.kind !== "stream") throw new Error("expected a stream");
    const seen: ThreadStreamEvent[] = [];
    const subscription = result.events.subscribe((event) => seen.push(event));
    await settle(() => states.observed);
    states.next(card("Hel"));
    states.next(card("Hello wor"));
    await settle(() => seen.length >= 5);
    subscription.unsubscribe();
    expect(finalised).toBe(true);
    expect(states.observed).toBe(false);
    await server.idle();
    const saved = await items(store, "thread_1");
    expect(saved.map((item) => item.type)).toEqual(["user_message", "widget", "sdk_hidden_context"]);
    expect((saved[1] as WidgetItem).widget).toEqual(card("Hello wor"));
    expect(saved[2]).toMatchObject({ content: CANCELLED_STREAM_NOTE });
  });
});

/** Waits (a bounded number of macrotasks) until `condition` holds. */
async function settle(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error("condition not met in time");
}

describe("ChatKitServer.process: threads.add_client_tool_output", () => {
  const pendingCall = (threadId: string, status: "pending" | "completed" = "pending"): ThreadItem => ({
    type: "client_tool_call",
    id: "call_item",
    thread_id: threadId,
    created_at: "x",
    status,
    call_id: "call_1",
    name: "get_location",
    arguments: { precise: true },
  });

  it("completes the pending call with the result, then responds with no user message", async () => {
    const messages: unknown[] = [];
    const { server, store } = makeServer({
      respond: (thread, message) => {
        messages.push(message);
        return streamWidget(thread, of(card("After tool")), {
          generateId: () => `w_after_${messages.length}`,
        });
      },
    });
    const threadId = await createThread(server);
    await store.addThreadItem(threadId, pendingCall(threadId), undefined);
    const events = await stream(
      await server.process(
        {
          type: "threads.add_client_tool_output",
          params: { thread_id: threadId, result: { lat: 1, lng: 2 } },
        },
        undefined,
      ),
    );
    expect(events.map((e) => e.type)).toEqual(["stream_options", "thread.item.added", "thread.item.done"]);
    expect(messages.at(-1)).toBeNull();
    expect(await store.loadItem(threadId, "call_item", undefined)).toEqual({
      ...pendingCall(threadId),
      status: "completed",
      output: { lat: 1, lng: 2 },
    });
    expect((await items(store, threadId)).map((item) => item.id)).toEqual([
      "message_2",
      "w_after_1",
      "call_item",
      "w_after_2",
    ]);
  });

  it("finds the pending call behind items saved after it (the reference looks only at the last item)", async () => {
    const { server, store } = makeServer();
    const threadId = await createThread(server);
    await store.addThreadItem(threadId, pendingCall(threadId), undefined);
    await store.addThreadItem(
      threadId,
      { type: "sdk_hidden_context", id: "note", thread_id: threadId, created_at: "x", content: "note" },
      undefined,
    );
    await store.addThreadItem(
      threadId,
      {
        type: "workflow",
        id: "wf",
        thread_id: threadId,
        created_at: "x",
        workflow: { type: "reasoning", tasks: [], expanded: false, summary: { duration: 1 } },
      },
      undefined,
    );
    await stream(
      await server.process(
        { type: "threads.add_client_tool_output", params: { thread_id: threadId, result: 7 } },
        undefined,
      ),
    );
    expect(await store.loadItem(threadId, "call_item", undefined)).toMatchObject({
      status: "completed",
      output: 7,
    });
  });

  it("does not complete a call that a later user message left behind", async () => {
    const { server, store } = makeServer();
    const threadId = await createThread(server);
    await store.addThreadItem(threadId, pendingCall(threadId), undefined);
    await stream(
      await server.process(
        { type: "threads.add_user_message", params: { thread_id: threadId, input: input("never mind") } },
        undefined,
      ),
    );
    const result = await server.process(
      { type: "threads.add_client_tool_output", params: { thread_id: threadId, result: 1 } },
      undefined,
    );
    expect(result.kind === "error" && result.error.status).toBe(400);
    expect(await store.loadItem(threadId, "call_item", undefined)).toMatchObject({ status: "pending" });
  });

  it("writes nothing until the stream is subscribed", async () => {
    const { server, store } = makeServer();
    const threadId = await createThread(server);
    await store.addThreadItem(threadId, pendingCall(threadId), undefined);
    const result = await server.process(
      { type: "threads.add_client_tool_output", params: { thread_id: threadId, result: "ok" } },
      undefined,
    );
    expect(result.kind).toBe("stream");
    expect(await store.loadItem(threadId, "call_item", undefined)).toMatchObject({ status: "pending" });
    await stream(result);
    expect(await store.loadItem(threadId, "call_item", undefined)).toMatchObject({
      status: "completed",
      output: "ok",
    });
  });

  it.each([
    ["the thread has no client tool call", false],
    ["the last client tool call is already completed", true],
  ])("is a 400 on params.thread_id when %s, and changes nothing", async (_name, addCompleted) => {
    const { server, store } = makeServer();
    const threadId = await createThread(server);
    if (addCompleted) await store.addThreadItem(threadId, pendingCall(threadId, "completed"), undefined);
    const before = JSON.stringify(await items(store, threadId));
    const result = await server.process(
      { type: "threads.add_client_tool_output", params: { thread_id: threadId, result: 1 } },
      undefined,
    );
    if (result.kind !== "error") throw new Error(`expected an error, got ${result.kind}`);
    expect([result.error.status, result.error.code, result.error.field]).toEqual([
      400,
      "invalid_request",
      "params.thread_id",
    ]);
    expect(result.error.message).toContain("has no pending client tool call");
    expect(JSON.stringify(await items(store, threadId))).toBe(before);
  });

  it("is a 404 for an unknown thread", async () => {
    const { server } = makeServer();
    const result = await server.process(
      { type: "threads.add_client_tool_output", params: { thread_id: "thr_nope", result: 1 } },
      undefined,
    );
    expect(result.kind === "error" && [result.error.status, result.error.field]).toEqual([
      404,
      "params.thread_id",
    ]);
  });
});

describe("ChatKitServer.process: threads.retry_after_item", () => {
  it("deletes every item after the user message, then responds to that message again", async () => {
    let runs = 0;
    const seen: unknown[] = [];
    const { server, store } = makeServer({
      respond: (thread, message) => {
        seen.push(message);
        runs++;
        return streamWidget(thread, of(card(`answer ${runs}`)), { generateId: () => `w_run_${runs}` });
      },
    });
    const threadId = await createThread(server);
    await store.addThreadItem(
      threadId,
      { type: "sdk_hidden_context", id: "h_after", thread_id: threadId, created_at: "x", content: "n" },
      undefined,
    );
    await store.addThreadItem(
      threadId,
      { type: "assistant_message", id: "a_after", thread_id: threadId, created_at: "x", content: [] },
      undefined,
    );
    const events = await stream(
      await server.process(
        { type: "threads.retry_after_item", params: { thread_id: threadId, item_id: "message_2" } },
        undefined,
      ),
    );
    expect(events.map((e) => e.type)).toEqual(["stream_options", "thread.item.added", "thread.item.done"]);
    expect(seen.at(-1)).toMatchObject({ type: "user_message", id: "message_2" });
    expect((await items(store, threadId)).map((item) => item.id)).toEqual(["message_2", "w_run_2"]);
    expect(((await store.loadItem(threadId, "w_run_2", undefined)) as WidgetItem).widget).toEqual(
      card("answer 2"),
    );
  });

  it("deletes across several pages of items", async () => {
    const { server, store } = makeServer({
      pageSize: 2,
      respond: () => EMPTY,
    });
    const threadId = await createThread(server);
    for (let i = 0; i < 5; i++) {
      await store.addThreadItem(
        threadId,
        { type: "assistant_message", id: `a${i}`, thread_id: threadId, created_at: "x", content: [] },
        undefined,
      );
    }
    await stream(
      await server.process(
        { type: "threads.retry_after_item", params: { thread_id: threadId, item_id: "message_2" } },
        undefined,
      ),
    );
    expect((await items(store, threadId)).map((item) => item.id)).toEqual(["message_2"]);
  });

  it("deletes nothing until the stream is subscribed", async () => {
    const { server, store } = makeServer();
    const threadId = await createThread(server);
    const before = JSON.stringify(await items(store, threadId));
    const result = await server.process(
      { type: "threads.retry_after_item", params: { thread_id: threadId, item_id: "message_2" } },
      undefined,
    );
    expect(result.kind).toBe("stream");
    expect(JSON.stringify(await items(store, threadId))).toBe(before);
  });

  it.each([
    ["an item that is not a user message", "w_message_2", 400],
    ["an unknown item", "msg_nope", 404],
  ])("refuses %s on params.item_id and changes nothing", async (_name, itemId, status) => {
    const { server, store } = makeServer();
    const threadId = await createThread(server);
    const before = JSON.stringify(await items(store, threadId));
    const result = await server.process(
      { type: "threads.retry_after_item", params: { thread_id: threadId, item_id: itemId } },
      undefined,
    );
    if (result.kind !== "error") throw new Error(`expected an error, got ${result.kind}`);
    expect([result.error.status, result.error.field]).toEqual([status, "params.item_id"]);
    expect(JSON.stringify(await items(store, threadId))).toBe(before);
  });

  it("is a 404 for an unknown thread", async () => {
    const { server } = makeServer();
    const result = await server.process(
      { type: "threads.retry_after_item", params: { thread_id: "thr_nope", item_id: "message_2" } },
      undefined,
    );
    expect(result.kind === "error" && [result.error.status, result.error.field]).toEqual([
      404,
      "params.thread_id",
    ]);
  });
});

describe("ChatKitServer: pages of items leave hidden items out before the limit", () => {
  it("a full page of visible items, never a short one, with hidden items in between", async () => {
    const { server, store } = makeServer();
    await store.createThread(
      { id: "thr", created_at: "2025-01-01T00:00:00.000Z", status: { type: "active" } },
      undefined,
    );
    for (let index = 0; index < 6; index++) {
      await store.addThreadItem(
        "thr",
        {
          type: "sdk_hidden_context",
          id: `h${index}`,
          thread_id: "thr",
          created_at: "2025-01-01T00:00:00.000Z",
          content: "note",
        },
        undefined,
      );
      await store.addThreadItem(
        "thr",
        { type: "end_of_turn", id: `e${index}`, thread_id: "thr", created_at: "2025-01-01T00:00:00.000Z" },
        undefined,
      );
    }
    const first = json(
      await server.process(
        { type: "items.list", params: { thread_id: "thr", limit: 4, order: "asc" } },
        undefined,
      ),
    ) as { data: ThreadItem[]; has_more: boolean; after?: string };
    expect(first.data.map((item) => item.id)).toEqual(["e0", "e1", "e2", "e3"]);
    expect(first.has_more).toBe(true);
    const second = json(
      await server.process(
        { type: "items.list", params: { thread_id: "thr", limit: 4, order: "asc", after: first.after } },
        undefined,
      ),
    ) as { data: ThreadItem[]; has_more: boolean };
    expect(second.data.map((item) => item.id)).toEqual(["e4", "e5"]);
    expect(second.has_more).toBe(false);
  });
});
