/**
 * Action payloads are any JSON value (PROTOCOL §2; the reference types them
 * `Any = None` and its client sends `"payload": null`), end to end: the
 * request schema, `ofActionType`, form values and the widget schemas.
 */
import { lastValueFrom, map, of, toArray } from "rxjs";
import { z } from "zod";

import type { ThreadStreamEvent } from "../../../lib/events/threadEvents";
import type { WidgetItem } from "../../../lib/events/threadItems";
import { ChatKitServer, type ProcessResult } from "../../../lib/server/ChatKitServer";
import { MemoryStore } from "../../../lib/server/MemoryStore";
import { ofActionType } from "../../../lib/server/ofActionType";
import type { Action } from "../../../lib/server/requests";
import { streamWidget } from "../../../lib/streamWidget";
import { WidgetRootSchema, type WidgetRoot } from "../../../widgets/components";

const form: WidgetRoot = {
  type: "Card",
  asForm: true,
  children: [
    { type: "Input", name: "title" },
    { type: "Button", id: "b", label: "Save", onClickAction: { type: "save", payload: null } },
  ],
};

function makeServer() {
  let n = 0;
  const store = new MemoryStore<undefined>({ generateId: (type) => `${type}_${++n}` });
  const seen: Action[] = [];
  const server: ChatKitServer<undefined> = new ChatKitServer<undefined>({
    store,
    respond: (thread) => streamWidget(thread, form, { generateId: () => "form_1" }),
    action: (_thread, action) => {
      seen.push(action);
      return of(action).pipe(
        map((): ThreadStreamEvent => ({
          type: "progress_update",
          text: `got ${JSON.stringify(action.payload)}`,
        })),
      );
    },
    syncAction: (thread, action, sender, context): Promise<WidgetItem> | null => {
      seen.push(action);
      return sender === null ? null : server.saveFormValues(thread, sender, action.payload, context);
    },
  });
  return { server, store, seen };
}

async function events(result: ProcessResult): Promise<ThreadStreamEvent[]> {
  if (result.kind !== "stream") throw new Error(`expected a stream, got ${JSON.stringify(result)}`);
  return lastValueFrom(result.events.pipe(toArray()));
}

async function createThread(server: ChatKitServer<undefined>): Promise<string> {
  const [created] = await events(
    await server.process(
      JSON.stringify({
        type: "threads.create",
        params: { input: { content: [{ type: "input_text", text: "hi" }], attachments: [] } },
      }),
      undefined,
    ),
  );
  if (created?.type !== "thread.created") throw new Error("no thread.created");
  return created.thread.id;
}

const PAYLOADS: readonly [string, unknown][] = [
  ["null (what the reference client sends)", null],
  ["a list", [1, "two", { three: 3 }]],
  ["a string", "msg_1"],
  ["a number", 42],
  ["a boolean", false],
  ["an object", { a: { b: [null] } }],
];

describe("action payloads: any JSON value", () => {
  it.each(PAYLOADS)(
    "threads.custom_action accepts %s and hands it to action() as sent",
    async (_, payload) => {
      const { server, seen } = makeServer();
      const threadId = await createThread(server);
      const body = JSON.stringify({
        type: "threads.custom_action",
        params: { thread_id: threadId, item_id: "form_1", action: { type: "save", payload } },
      });
      const sent = await events(await server.process(body, undefined));
      expect(sent.at(-1)).toEqual({ type: "progress_update", text: `got ${JSON.stringify(payload)}` });
      expect(seen).toEqual([{ type: "save", payload }]);
    },
  );

  it("threads.custom_action accepts an action without a payload", async () => {
    const { server, seen } = makeServer();
    const threadId = await createThread(server);
    const result = await server.process(
      { type: "threads.custom_action", params: { thread_id: threadId, action: { type: "save" } } },
      undefined,
    );
    await events(result);
    expect(seen).toEqual([{ type: "save" }]);
  });

  it.each(PAYLOADS)("threads.sync_custom_action accepts %s", async (_, payload) => {
    const { server, seen } = makeServer();
    const threadId = await createThread(server);
    const result = await server.process(
      {
        type: "threads.sync_custom_action",
        params: { thread_id: threadId, item_id: "form_1", action: { type: "save", payload } },
      },
      undefined,
    );
    expect(result.kind).toBe("json");
    expect(seen).toEqual([{ type: "save", payload }]);
  });

  it("still refuses an action that is not an object with a string type", async () => {
    const { server } = makeServer();
    const threadId = await createThread(server);
    const result = await server.process(
      { type: "threads.custom_action", params: { thread_id: threadId, action: { payload: null } } },
      undefined,
    );
    expect(result.kind === "error" && [result.error.status, result.error.field]).toEqual([
      400,
      "params.action.type",
    ]);
  });
});

describe("action payloads: form values", () => {
  it("an object payload's form values are written into the stored widget", async () => {
    const { server, store } = makeServer();
    const threadId = await createThread(server);
    const result = await server.process(
      {
        type: "threads.sync_custom_action",
        params: {
          thread_id: threadId,
          item_id: "form_1",
          action: { type: "save", payload: { title: "Milk" } },
        },
      },
      undefined,
    );
    const body = (result.kind === "json" ? result.body : undefined) as { updated_item: WidgetItem };
    expect(body.updated_item.widget.children?.[0]).toEqual({
      type: "Input",
      name: "title",
      defaultValue: "Milk",
    });
    expect(await store.loadItem(threadId, "form_1", undefined)).toEqual(body.updated_item);
  });

  it.each(
    PAYLOADS.filter(
      ([, payload]) => typeof payload !== "object" || payload === null || Array.isArray(payload),
    ),
  )("%s holds no form values: the widget is saved unchanged", async (_, payload) => {
    const { server, store } = makeServer();
    const threadId = await createThread(server);
    const result = await server.process(
      {
        type: "threads.sync_custom_action",
        params: { thread_id: threadId, item_id: "form_1", action: { type: "save", payload } },
      },
      undefined,
    );
    const body = (result.kind === "json" ? result.body : undefined) as { updated_item: WidgetItem };
    expect(body.updated_item.widget).toEqual(form);
    expect(((await store.loadItem(threadId, "form_1", undefined)) as WidgetItem).widget).toEqual(form);
  });
});

describe("action payloads: ofActionType", () => {
  const run = async <T>(action: Action, schema: z.ZodType<T>) =>
    lastValueFrom(of(action).pipe(ofActionType("pick", schema), toArray()));

  it("narrows a list payload with a list schema", async () => {
    const [typed] = await run({ type: "pick", payload: ["a", "b"] }, z.array(z.string()));
    expect(typed?.payload).toEqual(["a", "b"]);
  });

  it("narrows a bare string payload with a string schema", async () => {
    const [typed] = await run({ type: "pick", payload: "msg_1" }, z.string().startsWith("msg_"));
    expect(typed?.payload).toBe("msg_1");
  });

  it("parses a null payload like a missing one, as {}", async () => {
    const schema = z.object({ page: z.number().default(1) });
    expect((await run({ type: "pick", payload: null }, schema))[0]?.payload).toEqual({ page: 1 });
    expect((await run({ type: "pick" }, schema))[0]?.payload).toEqual({ page: 1 });
  });

  it("still rejects a payload of the wrong shape, naming the field", async () => {
    await expect(run({ type: "pick", payload: [1] }, z.object({ id: z.string() }))).rejects.toMatchObject({
      actionType: "pick",
      issues: [{ field: "payload" }],
    });
    await expect(run({ type: "pick", payload: ["a", 2] }, z.array(z.string()))).rejects.toMatchObject({
      issues: [{ field: "payload.1" }],
    });
  });
});

describe("action payloads: widget schemas", () => {
  it.each(PAYLOADS)("a Button's onClickAction may carry %s", (_, payload) => {
    const widget = {
      type: "Card",
      children: [{ type: "Button", label: "Go", onClickAction: { type: "go", payload } }],
      confirm: { label: "OK", action: { type: "ok", payload } },
    };
    const result = WidgetRootSchema.safeParse(widget);
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual(widget);
  });
});
