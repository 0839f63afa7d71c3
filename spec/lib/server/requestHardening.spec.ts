import fc from "fast-check";
import { EMPTY, lastValueFrom, of, toArray } from "rxjs";

import type { ThreadStreamEvent } from "../../../lib/events/threadEvents";
import { ChatKitServer, type ChatKitServerConfig } from "../../../lib/server/ChatKitServer";
import { declaredActionTypes } from "../../../lib/server/declaredActions";
import { MemoryStore } from "../../../lib/server/MemoryStore";
import { MAX_REQUEST_DEPTH, tooDeepAt } from "../../../lib/server/parseRequest";
import type { WidgetRoot } from "../../../widgets/components";

const now = () => new Date(Date.UTC(2025, 0, 1)).toISOString();
const input = (content: unknown[]) => ({ content, attachments: [], inference_options: {} });

function makeServer(config: ChatKitServerConfig<undefined> = {}) {
  const store = new MemoryStore<undefined>();
  const server = new ChatKitServer<undefined>({ store, respond: () => EMPTY, ...config });
  return { server, store };
}

const threadCount = async (store: MemoryStore<undefined>) =>
  (await store.loadThreads({ limit: 1000, order: "asc" }, undefined)).data.length;

/** `{ d: { d: ... } }`, `depth` objects deep. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let level = 1; level < depth; level++) value = { d: value };
  return value;
}

const reactions: WidgetRoot = {
  type: "Card",
  children: [
    { type: "Text", id: "likes", value: "0 likes" },
    { type: "Button", label: "Like", onClickAction: { type: "demo.like", payload: { likes: 0 } } },
  ],
};
const message: WidgetRoot = { type: "Card", children: [{ type: "Markdown", id: "message", value: "Hi" }] };

async function seed(store: MemoryStore<undefined>): Promise<void> {
  await store.saveThread({ id: "thr", created_at: now(), status: { type: "active" } }, undefined);
  for (const [id, widget] of [
    ["reactions", reactions],
    ["message", message],
  ] as const) {
    await store.addThreadItem(
      "thr",
      { type: "widget", id, thread_id: "thr", created_at: now(), widget },
      undefined,
    );
  }
}

describe("ChatKitServer: hostile requests are refused before anything is written", () => {
  it("JSON nested deeper than the bound is a 400 naming the path, and no thread is created", async () => {
    const { server, store } = makeServer();
    const depth = 10_000;
    const data = '{"d":'.repeat(depth) + "{}" + "}".repeat(depth);
    const body = `{"type":"threads.create","params":{"input":{"content":[{"type":"input_tag","id":"t","text":"x","data":${data}}],"attachments":[]}}}`;
    expect(body.length).toBeLessThan(80_000);
    const result = await server.process(body, undefined);
    expect(result.kind).toBe("error");
    if (result.kind !== "error") return;
    expect(result.error.status).toBe(400);
    expect(result.error.field).toMatch(/^params\.input\.content\[0\]\.data(\.d)+$/);
    expect(result.error.message).toContain(`deeper than ${MAX_REQUEST_DEPTH} levels`);
    expect(await threadCount(store)).toBe(0);
  });

  it("a request at the depth bound still goes through", async () => {
    const { server } = makeServer();
    // type, params, input, content, [0], data: the tag's data may nest to the bound less those levels.
    const body = {
      type: "threads.create",
      params: {
        input: input([{ type: "input_tag", id: "t", text: "x", data: nested(MAX_REQUEST_DEPTH - 5) }]),
      },
    };
    const result = await server.process(body, undefined);
    expect(result.kind).toBe("stream");
  });

  it("errors quote the input only as a short excerpt", async () => {
    const { server } = makeServer();
    const threadId = "thr_" + "a".repeat(900_000);
    const result = await server.process(
      { type: "threads.get_by_id", params: { thread_id: threadId } },
      undefined,
    );
    expect(result.kind === "error" && result.error.status).toBe(404);
    if (result.kind !== "error") return;
    expect(JSON.stringify(result.error.toJSON()).length).toBeLessThan(2000);
    expect(result.error.message).toContain("(+");
    const unknownType = await server.process({ type: "x".repeat(100_000) }, undefined);
    expect(unknownType.kind === "error" && JSON.stringify(unknownType.error.toJSON()).length).toBeLessThan(
      2000,
    );
  });

  it("a page never holds more than maxPageSize entries, whatever limit the client asks", async () => {
    const { server, store } = makeServer({ pageSize: 5, maxPageSize: 7 });
    for (let index = 0; index < 10; index++) {
      await store.saveThread(
        { id: `thr_${index}`, created_at: now(), status: { type: "active" } },
        undefined,
      );
    }
    const result = await server.process({ type: "threads.list", params: { limit: 1_000_000 } }, undefined);
    expect(result.kind === "json" && result.body).toMatchObject({ has_more: true });
    expect(result.kind === "json" && (result.body as { data: unknown[] }).data).toHaveLength(7);
    expect(() => new ChatKitServer({ maxPageSize: 0 })).toThrow("maxPageSize must be a positive integer");
    expect(() => new ChatKitServer({ pageSize: 50, maxPageSize: 10 })).toThrow("at least pageSize");
  });
});

describe("ChatKitServer: an action is bound to the widget that declared it", () => {
  const like = (itemId: string) => ({
    type: "threads.custom_action",
    params: { thread_id: "thr", item_id: itemId, action: { type: "demo.like", payload: { likes: 0 } } },
  });
  const replaceSender = (config: { calls: number }): ChatKitServerConfig<undefined> => ({
    action: (_thread, _action, sender) => {
      config.calls++;
      return of<ThreadStreamEvent>({
        type: "thread.item.updated",
        item_id: sender!.id,
        update: { type: "widget.root.updated", widget: { type: "Card", children: [] } },
      });
    },
  });

  it("an action the sender does not declare is a 400 on params.action.type, and the widget is untouched", async () => {
    const calls = { calls: 0 };
    const { server, store } = makeServer(replaceSender(calls));
    await seed(store);
    const result = await server.process(like("message"), undefined);
    expect(result.kind === "error" && [result.error.status, result.error.field]).toEqual([
      400,
      "params.action.type",
    ]);
    expect(calls.calls).toBe(0);
    expect(await store.loadItem("thr", "message", undefined)).toMatchObject({ widget: message });
  });

  it("the declaring widget's own action goes through", async () => {
    const calls = { calls: 0 };
    const { server, store } = makeServer(replaceSender(calls));
    await seed(store);
    const result = await server.process(like("reactions"), undefined);
    if (result.kind !== "stream") throw new Error(result.kind);
    await lastValueFrom(result.events.pipe(toArray()));
    expect(calls.calls).toBe(1);
  });

  it("threads.sync_custom_action is bound the same way", async () => {
    const { server, store } = makeServer({ syncAction: () => null });
    await seed(store);
    const result = await server.process(
      { ...like("message"), type: "threads.sync_custom_action" },
      undefined,
    );
    expect(result.kind === "error" && [result.error.status, result.error.field]).toEqual([
      400,
      "params.action.type",
    ]);
  });

  it("declaredActionTypes finds every action config, and nothing inside payloads", () => {
    const widget: WidgetRoot = {
      type: "ListView",
      children: [
        {
          type: "ListViewItem",
          onClickAction: { type: "open", payload: { onClickAction: { type: "smuggled" } } },
          children: [{ type: "Select", name: "s", options: [], onChangeAction: { type: "pick" } }],
        },
      ],
    };
    const card: WidgetRoot = {
      type: "Card",
      children: [{ type: "Form", onSubmitAction: { type: "submit" }, children: [] }],
      confirm: { label: "OK", action: { type: "confirm" } },
      cancel: { label: "No", action: { type: "cancel" } },
    };
    expect([...declaredActionTypes(widget)].sort()).toEqual(["open", "pick"]);
    expect([...declaredActionTypes(card)].sort()).toEqual(["cancel", "confirm", "submit"]);
  });
});

describe("ChatKitServer: a request no handler answers is a 501", () => {
  it.each([
    ["threads.sync_custom_action", "syncAction"],
    ["threads.custom_action", "action"],
  ])("%s without %s()", async (type, handler) => {
    const { server, store } = makeServer();
    await seed(store);
    const result = await server.process(
      { type, params: { thread_id: "thr", item_id: "reactions", action: { type: "demo.like" } } },
      undefined,
    );
    expect(result.kind === "error" && [result.error.status, result.error.code]).toEqual([
      501,
      "not_supported",
    ]);
    expect(result.kind === "error" && result.error.message).toContain(`${handler}()`);
  });

  it("threads.create without respond(), and nothing is written", async () => {
    const store = new MemoryStore<undefined>();
    const server = new ChatKitServer<undefined>({ store });
    const result = await server.process({ type: "threads.create", params: { input: input([]) } }, undefined);
    expect(result.kind === "error" && result.error.status).toBe(501);
    expect(await threadCount(store)).toBe(0);
  });

  it("a subclass that overrides the handler needs no config", async () => {
    class Server extends ChatKitServer<undefined> {
      override syncAction() {
        return null;
      }
    }
    const store = new MemoryStore<undefined>();
    await seed(store);
    const result = await new Server({ store }).process(
      {
        type: "threads.sync_custom_action",
        params: { thread_id: "thr", item_id: "reactions", action: { type: "demo.like" } },
      },
      undefined,
    );
    expect(result).toEqual({ kind: "json", body: { updated_item: null } });
  });
});

describe("tooDeepAt", () => {
  const deepArrays = (depth: number): unknown => {
    let value: unknown = [];
    for (let level = 1; level < depth; level++) value = [value];
    return value;
  };

  it("finds exactly the values nested deeper than the bound, with their path", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 100 }), (depth, bound) => {
        const path = tooDeepAt(deepArrays(depth), bound);
        if (depth <= bound) expect(path).toBeUndefined();
        else expect(path).toEqual(Array.from({ length: bound }, () => 0));
      }),
    );
  });

  it("does not overflow the stack on a million levels", () => {
    expect(tooDeepAt(deepArrays(1_000_000))).toHaveLength(MAX_REQUEST_DEPTH);
  });
});

describe("ChatKitServer: a locked or closed thread takes no new input", () => {
  it.each([
    [{ type: "locked", reason: "Waiting for review" }, "locked (Waiting for review)"],
    [{ type: "closed" }, "closed"],
  ] as const)("%j refuses a message with a 409 and writes nothing", async (status, said) => {
    const { server, store } = makeServer();
    await store.saveThread({ id: "thr", created_at: now(), status }, undefined);
    const result = await server.process(
      {
        type: "threads.add_user_message",
        params: { thread_id: "thr", input: input([{ type: "input_text", text: "hi" }]) },
      },
      undefined,
    );
    expect(result.kind === "error" && [result.error.status, result.error.code]).toEqual([
      409,
      "thread_not_active",
    ]);
    expect(result.kind === "error" && result.error.message).toContain(`the thread is ${said}`);
    expect((await store.loadThreadItems("thr", { limit: 10, order: "asc" }, undefined)).data).toEqual([]);
  });

  it("an active thread takes the message", async () => {
    const { server, store } = makeServer();
    await store.saveThread({ id: "thr", created_at: now(), status: { type: "active" } }, undefined);
    const result = await server.process(
      {
        type: "threads.add_user_message",
        params: { thread_id: "thr", input: input([{ type: "input_text", text: "hi" }]) },
      },
      undefined,
    );
    expect(result.kind).toBe("stream");
  });
});
