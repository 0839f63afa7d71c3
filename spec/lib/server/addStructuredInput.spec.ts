import { from, lastValueFrom, of, toArray } from "rxjs";
import { TestScheduler } from "rxjs/testing";

import { ThreadStreamEventSchema, type ThreadStreamEvent } from "../../../lib/events/threadEvents";
import type { StructuredInputItem, UserMessageItem } from "../../../lib/events/threadItems";
import { answerStructuredInput, structuredInputResponse } from "../../../lib/server/addStructuredInput";
import { ChatKitServer, type ProcessResult } from "../../../lib/server/ChatKitServer";
import { MemoryStore } from "../../../lib/server/MemoryStore";
import {
  isStreamingRequest,
  StructuredInputSubmissionSchema,
  type ChatKitRequest,
} from "../../../lib/server/requests";
import { ChatKitRequestError } from "../../../lib/errors";

const base = { thread_id: "thr_1", created_at: "2025-01-01T00:00:00.000Z" };

const pending: StructuredInputItem = {
  ...base,
  type: "structured_input",
  id: "si_1",
  status: "pending",
  inputs: [
    {
      type: "multiple_choice",
      id: "size",
      question: "Size?",
      options: [{ value: "S" }, { value: "M" }],
      multiple: false,
    },
    {
      type: "multiple_choice",
      id: "toppings",
      question: "Toppings?",
      options: [{ value: "a" }],
      multiple: true,
    },
    { type: "freeform", id: "note", question: "Anything else?" },
  ],
};

const submit = (input: unknown) => StructuredInputSubmissionSchema.parse(input);

describe("answerStructuredInput", () => {
  it("records the answers; a single choice keeps its first value, values need not be options", () => {
    const answered = answerStructuredInput(
      pending,
      submit({
        answers: {
          size: { values: ["M", "S"] },
          toppings: { values: ["a", "extra cheese"] },
          note: { values: ["no onions"] },
        },
      }),
    );
    expect(answered.status).toBe("answered");
    expect(answered.inputs.map((question) => question.answer)).toEqual([
      { values: ["M"], skipped: false },
      { values: ["a", "extra cheese"], skipped: false },
      { values: ["no onions"], skipped: false },
    ]);
  });

  it("marks as skipped a question with no answer, a skipped answer, or no values", () => {
    const answered = answerStructuredInput(
      pending,
      submit({ answers: { size: { values: ["S"], skipped: true }, toppings: { values: [] } } }),
    );
    expect(answered.status).toBe("answered");
    expect(answered.inputs.map((question) => question.answer)).toEqual([
      { values: [], skipped: true },
      { values: [], skipped: true },
      { values: [], skipped: true },
    ]);
  });

  it("skips every question of a skipped submission, whatever it answers", () => {
    const answered = answerStructuredInput(
      pending,
      submit({ status: "skipped", answers: { size: { values: ["S"] } } }),
    );
    expect(answered.status).toBe("skipped");
    expect(answered.inputs.every((question) => question.answer?.skipped === true)).toBe(true);
  });

  it("ignores answers to questions the item does not have, and ids that are Object.prototype keys", () => {
    const odd: StructuredInputItem = {
      ...pending,
      inputs: [{ type: "freeform", id: "constructor", question: "?" }],
    };
    const answered = answerStructuredInput(odd, submit({ answers: { nope: { values: ["x"] } } }));
    expect(answered.inputs).toEqual([
      { type: "freeform", id: "constructor", question: "?", answer: { values: [], skipped: true } },
    ]);
  });

  it("leaves its input as it was", () => {
    const copy = structuredClone(pending);
    answerStructuredInput(pending, submit({ answers: { size: { values: ["S"] } } }));
    expect(pending).toEqual(copy);
  });

  it.each(["answered", "skipped"] as const)(
    "refuses an item that is %s already (400 naming params.item_id)",
    (status) => {
      expect(() => answerStructuredInput({ ...pending, status }, submit({}))).toThrow(
        expect.objectContaining({ status: 400, field: "params.item_id" }) as Error,
      );
    },
  );
});

describe("structuredInputResponse", () => {
  let testScheduler: TestScheduler;
  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });
  const r: ThreadStreamEvent = { type: "thread.item.replaced", item: pending };
  const a: ThreadStreamEvent = { type: "progress_update", text: "a" };
  const b: ThreadStreamEvent = { type: "progress_update", text: "b" };

  it("sends the replacement, then what respond sends", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<ThreadStreamEvent>("-a-b-|", { a, b });
      expectObservable(structuredInputResponse(pending, () => source)).toBe("ra-b-|", { r, a, b });
      expectSubscriptions(source.subscriptions).toBe("^----!");
    });
  });

  it("passes respond's error on, after the replacement", () => {
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold<ThreadStreamEvent>("-a-#", { a });
      expectObservable(structuredInputResponse(pending, () => source)).toBe("ra-#", { r, a });
    });
  });

  it("mirrors a respond that never ends, and unsubscribes from it", () => {
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<ThreadStreamEvent>("-a-", { a });
      expectObservable(
        structuredInputResponse(pending, () => source),
        "^--!",
      ).toBe("ra-", { r, a });
      expectSubscriptions(source.subscriptions).toBe("^--!");
    });
  });

  it("calls respond only on subscription", async () => {
    let calls = 0;
    const events$ = structuredInputResponse(pending, () => {
      calls++;
      return of(a);
    });
    expect(calls).toBe(0);
    expect(await lastValueFrom(events$.pipe(toArray()))).toEqual([r, a]);
    expect(calls).toBe(1);
  });

  it("errors with a TypeError when respond returns something that is not a stream", async () => {
    const events$ = structuredInputResponse(pending, () => undefined as never);
    await expect(lastValueFrom(events$.pipe(toArray()))).rejects.toThrow(TypeError);
  });
});

describe("ChatKitServer: threads.add_structured_input", () => {
  function makeServer() {
    let n = 0;
    const store = new MemoryStore<undefined>({ generateId: (type) => `${type}_${++n}` });
    const messages: (UserMessageItem | null)[] = [];
    const server = new ChatKitServer<undefined>({
      store,
      now: () => Date.UTC(2025, 0, 1),
      respond: (thread, message) => {
        messages.push(message);
        if (message === null) return of<ThreadStreamEvent>({ type: "progress_update", text: "thanks" });
        return from<ThreadStreamEvent[]>([
          { type: "thread.item.done", item: { ...pending, thread_id: thread.id } },
          {
            type: "thread.item.done",
            item: { ...base, thread_id: thread.id, type: "end_of_turn", id: "eot_1" },
          },
        ]);
      },
    });
    return { server, store, messages };
  }

  async function events(result: ProcessResult): Promise<ThreadStreamEvent[]> {
    if (result.kind !== "stream") throw new Error(`expected a stream, got ${JSON.stringify(result)}`);
    const all = await lastValueFrom(result.events.pipe(toArray()));
    for (const event of all) ThreadStreamEventSchema.parse(JSON.parse(JSON.stringify(event)));
    return all;
  }

  async function setUp() {
    const made = makeServer();
    const [created] = await events(
      await made.server.process(
        JSON.stringify({
          type: "threads.create",
          params: { input: { content: [{ type: "input_text", text: "pizza" }], attachments: [] } },
        }),
        undefined,
      ),
    );
    if (created?.type !== "thread.created") throw new Error("no thread.created");
    return { ...made, threadId: created.thread.id };
  }

  const request = (threadId: string, input: unknown, itemId = "si_1") =>
    JSON.stringify({
      type: "threads.add_structured_input",
      params: { thread_id: threadId, item_id: itemId, input },
    });

  it("is a streaming request", () => {
    const parsed = {
      type: "threads.add_structured_input",
      params: { thread_id: "t", item_id: "i", input: submit({}) },
    };
    expect(isStreamingRequest(parsed as ChatKitRequest)).toBe(true);
  });

  it("replaces the item with its answers (saved), then responds with no user message", async () => {
    const { server, store, messages, threadId } = await setUp();
    const sent = await events(
      await server.process(
        request(threadId, { status: "answered", answers: { size: { values: ["M"] } } }),
        undefined,
      ),
    );
    const answered = { ...pending, thread_id: threadId, status: "answered" };
    expect(sent.map((event) => event.type)).toEqual([
      "stream_options",
      "thread.item.replaced",
      "progress_update",
    ]);
    const replaced = sent[1] as Extract<ThreadStreamEvent, { type: "thread.item.replaced" }>;
    expect(replaced.item).toMatchObject(answered);
    expect((replaced.item as StructuredInputItem).inputs.map((question) => question.answer)).toEqual([
      { values: ["M"], skipped: false },
      { values: [], skipped: true },
      { values: [], skipped: true },
    ]);
    expect(await store.loadItem(threadId, "si_1", undefined)).toEqual(replaced.item);
    expect(messages.at(-1)).toBeNull();
  });

  it("refuses a second submission with a 400, the stored answers untouched", async () => {
    const { server, store, threadId } = await setUp();
    await events(
      await server.process(request(threadId, { answers: { size: { values: ["S"] } } }), undefined),
    );
    const before = await store.loadItem(threadId, "si_1", undefined);
    const again = await server.process(
      request(threadId, { answers: { size: { values: ["M"] } } }),
      undefined,
    );
    expect(again.kind === "error" && [again.error.status, again.error.field]).toEqual([
      400,
      "params.item_id",
    ]);
    expect(await store.loadItem(threadId, "si_1", undefined)).toEqual(before);
  });

  it.each([
    ["an unknown thread", (threadId: string) => request(`${threadId}x`, {}), 404, "params.thread_id"],
    ["an unknown item", (threadId: string) => request(threadId, {}, "nope"), 404, "params.item_id"],
    [
      "an item that is not a structured input",
      (threadId: string) => request(threadId, {}, "eot_1"),
      400,
      "params.item_id",
    ],
    [
      "answers that are not lists of strings",
      (threadId: string) => request(threadId, { answers: { size: { values: "M" } } }),
      400,
      "params.input.answers.size.values",
    ],
    [
      "an unknown status",
      (threadId: string) => request(threadId, { status: "maybe" }),
      400,
      "params.input.status",
    ],
  ])("answers %s with %i naming the field, and writes nothing", async (_, body, status, field) => {
    const { server, store, messages, threadId } = await setUp();
    const before = await store.loadThreadItems(threadId, { limit: 100, order: "asc" }, undefined);
    const result = await server.process(body(threadId), undefined);
    expect(result.kind === "error" && result.error).toBeInstanceOf(ChatKitRequestError);
    expect(result.kind === "error" && [result.error.status, result.error.field]).toEqual([status, field]);
    expect(await store.loadThreadItems(threadId, { limit: 100, order: "asc" }, undefined)).toEqual(before);
    expect(messages).toHaveLength(1);
  });
});
