import type { ThreadStreamEvent } from "../../lib/events/threadEvents";
import type { Thread, WidgetItem } from "../../lib/events/threadItems";
import { CANCELLED_STREAM_NOTE } from "../../lib/server/ChatKitServer";
import { startDemoServer } from "../../examples/server/demoServer";
import { eventually, readEvents } from "../lib/server/sse";
import { input } from "../helpers/userInput";

function post(url: string, body: unknown, signal?: AbortSignal, user?: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(user === undefined ? {} : { "x-user-id": user }) },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

function widgetText(item: WidgetItem, id: string): unknown {
  const found = JSON.stringify(item.widget).match(new RegExp(`"id":"${id}","value":("(?:[^"\\\\]|\\\\.)*")`));
  return found?.[1] === undefined ? undefined : JSON.parse(found[1]);
}

describe("examples/server/demoServer over real HTTP (127.0.0.1, port 0, fetch)", () => {
  let demo: Awaited<ReturnType<typeof startDemoServer>>;
  let stopped = 0;

  beforeAll(async () => {
    demo = await startDemoServer({ port: 0, tokenDelayMs: 2, onModelStopped: () => stopped++ });
  });
  afterAll(() => demo.close());

  it("creates a thread, streams the reply, runs an action that updates the widget, and a reload shows it", async () => {
    const created = await readEvents(
      await post(demo.url, { type: "threads.create", params: { input: input("Hi") } }),
    );
    expect(created.slice(0, 4).map((e) => e.type)).toEqual([
      "thread.created",
      "thread.item.done",
      "stream_options",
      "thread.item.added",
    ]);
    expect(
      created.some(
        (e) => e.type === "thread.item.updated" && e.update.type === "widget.streaming_text.value_delta",
      ),
    ).toBe(true);
    const thread = (created[0] as Extract<ThreadStreamEvent, { type: "thread.created" }>).thread;
    const done = created.filter(
      (e): e is Extract<ThreadStreamEvent, { type: "thread.item.done" }> => e.type === "thread.item.done",
    );
    expect(done.map((e) => e.item.type)).toEqual(["user_message", "widget", "widget"]);
    const message = done[1]?.item as WidgetItem;
    expect(widgetText(message, "message")).toBe('You said: "Hi". Scripted reply, token by token.');
    const reactions = done[2]?.item as WidgetItem;
    expect(widgetText(reactions, "likes")).toBe("0 likes");

    const acted = await readEvents(
      await post(demo.url, {
        type: "threads.custom_action",
        params: {
          thread_id: thread.id,
          item_id: reactions.id,
          action: { type: "demo.like", payload: { likes: 0 } },
        },
      }),
    );
    expect(acted[0]).toEqual({ type: "stream_options", stream_options: { allow_cancel: true } });
    expect(acted.slice(1).every((e) => e.type === "thread.item.updated" && e.item_id === reactions.id)).toBe(
      true,
    );

    const reloaded = (await (
      await post(demo.url, { type: "threads.get_by_id", params: { thread_id: thread.id } })
    ).json()) as Thread;
    const stored = reloaded.items.data.find((item) => item.id === reactions.id) as WidgetItem;
    expect(widgetText(stored, "likes")).toBe("1 like");

    const followUp = await readEvents(
      await post(demo.url, {
        type: "threads.add_user_message",
        params: { thread_id: thread.id, input: input("Again") },
      }),
    );
    expect(followUp.slice(0, 2).map((e) => e.type)).toEqual(["thread.item.done", "stream_options"]);
  });

  it('keeps each x-user-id\'s threads apart (no header is the user "demo")', async () => {
    const create = async (user?: string): Promise<string> => {
      const events = await readEvents(
        await post(demo.url, { type: "threads.create", params: { input: input("mine") } }, undefined, user),
      );
      return (events[0] as Extract<ThreadStreamEvent, { type: "thread.created" }>).thread.id;
    };
    const listed = async (user?: string): Promise<string[]> => {
      const response = await post(
        demo.url,
        { type: "threads.list", params: { limit: 100, order: "asc" } },
        undefined,
        user,
      );
      return ((await response.json()) as { data: Thread[] }).data.map((thread) => thread.id);
    };
    const alices = await create("alice");
    const bobs = await create("bob");
    const anonymous = await create();
    expect(await listed("alice")).toEqual([alices]);
    expect(await listed("bob")).toEqual([bobs]);
    expect(await listed("demo")).toContain(anonymous);
    expect(await listed()).not.toContain(alices);
    const read = await post(
      demo.url,
      { type: "threads.get_by_id", params: { thread_id: alices } },
      undefined,
      "bob",
    );
    expect([read.status, ((await read.json()) as { error: { code: string } }).error.code]).toEqual([
      404,
      "not_found",
    ]);
    const own = await post(
      demo.url,
      { type: "threads.get_by_id", params: { thread_id: alices } },
      undefined,
      "alice",
    );
    expect(((await own.json()) as Thread).id).toBe(alices);
  });

  it("answers bad input with a JSON error naming the field", async () => {
    const missing = await post(demo.url, { type: "threads.get_by_id", params: {} });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({
      error: { code: "invalid_request", field: "params.thread_id" },
    });
    const unknown = await post(demo.url, { type: "threads.get_by_id", params: { thread_id: "thr_nope" } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "not_found", field: "params.thread_id" } });
    const notJson = await post(demo.url, "{oops");
    expect([notJson.status, ((await notJson.json()) as { error: { code: string } }).error.code]).toEqual([
      400,
      "invalid_json",
    ]);
    const badPayload = await post(demo.url, { type: "threads.list", params: { limit: -1 } });
    expect(await badPayload.json()).toMatchObject({ error: { field: "params.limit" } });
  });

  it("on a client abort mid-stream, stops the model and saves the pending widget and a hidden note", async () => {
    const slow = await startDemoServer({ port: 0, tokenDelayMs: 30, onModelStopped: () => stopped++ });
    try {
      const before = stopped;
      const abort = new AbortController();
      let threadId = "";
      let widgetId = "";
      let deltas = 0;
      const response = await post(
        slow.url,
        { type: "threads.create", params: { input: input("Cancel me") } },
        abort.signal,
      );
      await readEvents(response, (event) => {
        if (event.type === "thread.created") threadId = event.thread.id;
        if (event.type === "thread.item.added") widgetId = event.item.id;
        if (event.type === "thread.item.updated") deltas++;
        return deltas >= 2 ? "stop" : undefined;
      });
      abort.abort();
      await eventually(() => stopped > before, "the token stream's finaliser");
      await slow.chatkit.idle();
      const saved = await slow.chatkit.store.loadThreadItems(
        threadId,
        { limit: 20, order: "asc" },
        {
          userId: "demo",
        },
      );
      expect(saved.data.map((item) => item.type)).toEqual(["user_message", "widget", "sdk_hidden_context"]);
      const widget = saved.data[1] as WidgetItem;
      expect(widget.id).toBe(widgetId);
      const text = widgetText(widget, "message") as string;
      expect('You said: "Cancel me". Scripted reply, token by token.'.startsWith(text)).toBe(true);
      expect(text.length).toBeGreaterThan("You ".length);
      expect(saved.data[2]).toMatchObject({ content: CANCELLED_STREAM_NOTE });
      // The note is for the server only: the client never sees it.
      const reloaded = (await (
        await post(slow.url, { type: "threads.get_by_id", params: { thread_id: threadId } })
      ).json()) as Thread;
      expect(reloaded.items.data.map((item) => item.type)).toEqual(["user_message", "widget"]);
    } finally {
      await slow.close();
    }
  });
});
