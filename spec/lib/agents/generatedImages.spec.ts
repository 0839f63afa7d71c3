import OpenAI from "openai";
import { Agent, imageGenerationTool, OpenAIResponsesModel, run } from "@openai/agents";
import { lastValueFrom, toArray } from "rxjs";
import {
  applyThreadEvent,
  ThreadStreamEventSchema,
  type ThreadItem,
  type ThreadMetadata,
  type ThreadStreamEvent,
} from "chatkit-rx";
import { AgentContext } from "../../../lib/agents/AgentContext";
import {
  imageMimeType,
  ResponseStreamConverter,
  type Base64Image,
} from "../../../lib/agents/ResponseStreamConverter";
import { streamAgentResponse, type StreamAgentResponseConfig } from "../../../lib/agents/streamAgentResponse";
import {
  startFakeResponsesApi,
  type FakeStreamEvent,
  type RecordedRequest,
} from "../../helpers/fakeResponsesApi";
import { ScriptedModel } from "./ScriptedModel";
import { testContext } from "./testContext";

const thread: ThreadMetadata = {
  id: "thr_img",
  created_at: "2025-01-01T00:00:00.000Z",
  status: { type: "active" },
};

const PNG = "iVBORw0KGgoAAAANSUhEUg";
const JPEG = "/9j/4AAQSkZJRgABAQ";

/** The Responses events of one image generation call, as the API streams them. */
function imageCall(
  id: string,
  outputIndex: number,
  partials: readonly string[],
  final: { readonly result: string | null; readonly format?: "png" | "jpeg" | "webp" },
): FakeStreamEvent[] {
  const format = final.format === undefined ? {} : { output_format: final.format };
  return [
    {
      type: "response.output_item.added",
      output_index: outputIndex,
      item: { type: "image_generation_call", id, status: "in_progress", result: null },
    },
    { type: "response.image_generation_call.in_progress", item_id: id, output_index: outputIndex },
    { type: "response.image_generation_call.generating", item_id: id, output_index: outputIndex },
    ...partials.map((partial, index): FakeStreamEvent => ({
      type: "response.image_generation_call.partial_image",
      item_id: id,
      output_index: outputIndex,
      partial_image_index: index,
      partial_image_b64: partial,
      ...format,
    })),
    {
      type: "response.output_item.done",
      output_index: outputIndex,
      item: {
        type: "image_generation_call",
        id,
        status: final.result === null ? "failed" : "completed",
        result: final.result,
        ...format,
      },
    },
  ];
}

/** A streamed assistant message, as the API sends it. */
function message(id: string, outputIndex: number, text: string): FakeStreamEvent[] {
  return [
    {
      type: "response.output_item.added",
      output_index: outputIndex,
      item: { type: "message", id, role: "assistant", status: "in_progress", content: [] },
    },
    {
      type: "response.output_text.delta",
      item_id: id,
      output_index: outputIndex,
      content_index: 0,
      delta: text,
      logprobs: [],
    },
    {
      type: "response.output_item.done",
      output_index: outputIndex,
      item: {
        type: "message",
        id,
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text, annotations: [], logprobs: [] }],
      },
    },
  ];
}

let fake: Awaited<ReturnType<typeof startFakeResponsesApi>>;
let script: readonly FakeStreamEvent[] = [];

beforeAll(async () => {
  fake = await startFakeResponsesApi(() => ({ events: script }));
});
afterAll(() => fake.close());

/**
 * One response of an agent with the image generation tool, over the real
 * `openai` client and `OpenAIResponsesModel` against the fake Responses API
 * streaming `events`: every event reaches the conversion the way it does in
 * production.
 */
async function respond(
  events: readonly FakeStreamEvent[],
  config: StreamAgentResponseConfig = {},
  partialImages?: number,
): Promise<ThreadStreamEvent[]> {
  script = events;
  const context = testContext(thread);
  const model = new OpenAIResponsesModel(
    new OpenAI({ apiKey: "sk-test", baseURL: fake.baseURL }),
    "gpt-test",
  );
  const agent = new Agent<AgentContext>({
    name: "Painter",
    model,
    tools: [imageGenerationTool(partialImages === undefined ? {} : { partialImages })],
  });
  const result = await run(agent, "Paint a cat", { stream: true, context, signal: context.signal });
  const all = await lastValueFrom(streamAgentResponse(context, result, config).pipe(toArray()));
  for (const event of all) expect(ThreadStreamEventSchema.safeParse(event).success).toBe(true);
  return all;
}

const dataUrl = (type: string, base64: string) => `data:${type};base64,${base64}`;

describe("generated images (real OpenAIResponsesModel and Runner, fake Responses API)", () => {
  it("partial images update a generated_image item with progress; the final image ends it, as data URLs of their type", async () => {
    const all = await respond(
      [
        ...imageCall("ig_1", 0, [`${JPEG}p0`, `${JPEG}p1`], { result: `${JPEG}final`, format: "jpeg" }),
        ...message("msg_1", 1, "Here is your cat."),
      ],
      { converter: new ResponseStreamConverter({ partialImages: 2 }) },
      2,
    );
    const request = fake.requests[fake.requests.length - 1] as RecordedRequest;
    expect(request.body.tools).toEqual([
      expect.objectContaining({ type: "image_generation", partial_images: 2 }),
    ]);

    const item = {
      type: "generated_image",
      id: "message_1",
      thread_id: "thr_img",
      created_at: new Date(0).toISOString(),
    };
    const image = (url: string) => ({ id: "ig_1", url });
    expect(all.slice(0, 4)).toEqual([
      { type: "thread.item.added", item },
      {
        type: "thread.item.updated",
        item_id: "message_1",
        update: {
          type: "generated_image.updated",
          image: image(dataUrl("image/jpeg", `${JPEG}p0`)),
          progress: 1 / 3,
        },
      },
      {
        type: "thread.item.updated",
        item_id: "message_1",
        update: {
          type: "generated_image.updated",
          image: image(dataUrl("image/jpeg", `${JPEG}p1`)),
          progress: 2 / 3,
        },
      },
      { type: "thread.item.done", item: { ...item, image: image(dataUrl("image/jpeg", `${JPEG}final`)) } },
    ]);
    expect(all.reduce<readonly ThreadItem[]>(applyThreadEvent, [])).toEqual([
      { ...item, image: image(dataUrl("image/jpeg", `${JPEG}final`)) },
      expect.objectContaining({
        type: "assistant_message",
        content: [expect.objectContaining({ text: "Here is your cat." })],
      }),
    ]);
  });

  it("an overridden base64ImageToUrl uploads each image (asynchronously) and the thread keeps its URLs, in order", async () => {
    const uploads: Base64Image[] = [];
    class UploadingConverter extends ResponseStreamConverter {
      override async base64ImageToUrl(image: Base64Image): Promise<string> {
        uploads.push(image);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return `https://cdn.test/${image.imageId}/${image.partialImageIndex ?? "final"}`;
      }
    }
    const all = await respond(
      [...imageCall("ig_1", 0, [PNG], { result: `${PNG}final` }), ...message("msg_1", 1, "Done.")],
      { converter: new UploadingConverter() },
    );
    expect(uploads).toEqual([
      { imageId: "ig_1", base64: PNG, partialImageIndex: 0, format: undefined },
      { imageId: "ig_1", base64: `${PNG}final`, format: undefined },
    ]);
    // Without a known number of partial images, an update says nothing of progress.
    expect(all[1]).toEqual({
      type: "thread.item.updated",
      item_id: "message_1",
      update: { type: "generated_image.updated", image: { id: "ig_1", url: "https://cdn.test/ig_1/0" } },
    });
    expect(all.map((event) => event.type)).toEqual([
      "thread.item.added",
      "thread.item.updated",
      "thread.item.done",
      "thread.item.added",
      "thread.item.updated",
      "thread.item.updated",
      "thread.item.updated",
      "thread.item.done",
    ]);
    expect(all.reduce<readonly ThreadItem[]>(applyThreadEvent, [])[0]).toMatchObject({
      type: "generated_image",
      image: { id: "ig_1", url: "https://cdn.test/ig_1/final" },
    });
  });

  it("two image calls in one response each get their own item (the reference sends both into the last one)", async () => {
    const first = imageCall("ig_a", 0, [`${PNG}a0`], { result: `${PNG}a` });
    const second = imageCall("ig_b", 1, [`${PNG}b0`], { result: `${PNG}b` });
    // Interleaved: both calls are added before either streams a partial image.
    const all = await respond([
      first[0],
      second[0],
      first[3],
      second[3],
      first[4],
      second[4],
      ...message("msg_1", 2, "Two cats."),
    ] as FakeStreamEvent[]);
    const items = all.reduce<readonly ThreadItem[]>(applyThreadEvent, []);
    expect(items.slice(0, 2)).toEqual([
      expect.objectContaining({
        id: "message_1",
        image: { id: "ig_a", url: dataUrl("image/png", `${PNG}a`) },
      }),
      expect.objectContaining({
        id: "message_2",
        image: { id: "ig_b", url: dataUrl("image/png", `${PNG}b`) },
      }),
    ]);
    const updates = all.flatMap((event) => (event.type === "thread.item.updated" ? [event.item_id] : []));
    expect(updates.slice(0, 2)).toEqual(["message_1", "message_2"]);
  });

  it("a failed call ends with its last partial image, or is taken back when it has none (the reference leaves it open)", async () => {
    const all = await respond([
      ...imageCall("ig_p", 0, [`${PNG}p0`], { result: null }),
      ...imageCall("ig_n", 1, [], { result: null }),
      ...message("msg_1", 2, "The image failed."),
    ]);
    expect(all.filter((event) => event.type !== "thread.item.updated")).toEqual([
      { type: "thread.item.added", item: expect.objectContaining({ id: "message_1" }) as ThreadItem },
      {
        type: "thread.item.done",
        item: expect.objectContaining({
          id: "message_1",
          image: { id: "ig_p", url: dataUrl("image/png", `${PNG}p0`) },
        }) as ThreadItem,
      },
      { type: "thread.item.added", item: expect.objectContaining({ id: "message_2" }) as ThreadItem },
      { type: "thread.item.removed", item_id: "message_2" },
      {
        type: "thread.item.added",
        item: expect.objectContaining({ type: "assistant_message" }) as ThreadItem,
      },
      {
        type: "thread.item.done",
        item: expect.objectContaining({ type: "assistant_message" }) as ThreadItem,
      },
    ]);
  });

  it("a call that failed before it showed anything sends nothing", async () => {
    const all = await respond([
      ...imageCall("ig_x", 0, [], { result: null }).slice(-1),
      ...message("msg_1", 1, "No image today."),
    ]);
    expect(all.some((event) => "item" in event && event.item.type === "generated_image")).toBe(false);
    expect(all.some((event) => event.type === "thread.item.removed")).toBe(false);
  });

  it("a response that ends mid-image keeps the last partial image; an image with none is taken back", async () => {
    const all = await respond([
      ...imageCall("ig_p", 0, [`${PNG}p0`], { result: null }).slice(0, 4),
      ...imageCall("ig_n", 1, [], { result: null }).slice(0, 1),
      ...message("msg_1", 2, "Still painting."),
    ]);
    expect(all.filter((event) => event.type !== "thread.item.updated").slice(-2)).toEqual([
      {
        type: "thread.item.done",
        item: expect.objectContaining({
          id: "message_1",
          image: { id: "ig_p", url: dataUrl("image/png", `${PNG}p0`) },
        }) as ThreadItem,
      },
      { type: "thread.item.removed", item_id: "message_2" },
    ]);
  });
});

describe("generated images a model reports without raw events (scripted model, real Runner)", () => {
  it("the run's hosted image_generation_call item shows as a finished generated_image", async () => {
    const context = testContext(thread);
    const model = new ScriptedModel([
      {
        text: ["A cat."],
        output: [
          {
            type: "hosted_tool_call",
            id: "ig_h",
            name: "image_generation_call",
            status: "completed",
            output: JPEG,
            providerData: { type: "image_generation_call", output_format: "jpeg" },
          },
        ],
      },
    ]);
    const agent = new Agent<AgentContext>({ name: "Painter", model, tools: [imageGenerationTool()] });
    const result = await run(agent, "Paint", { stream: true, context, signal: context.signal });
    const all = await lastValueFrom(streamAgentResponse(context, result).pipe(toArray()));
    expect(all.reduce<readonly ThreadItem[]>(applyThreadEvent, [])).toEqual([
      expect.objectContaining({ type: "assistant_message" }),
      expect.objectContaining({
        type: "generated_image",
        image: { id: "ig_h", url: dataUrl("image/jpeg", JPEG) },
      }),
    ]);
  });
});

describe("imageMimeType", () => {
  it("takes the reported format, else the magic bytes, else PNG", () => {
    expect(imageMimeType({ base64: PNG, format: "webp" })).toBe("image/webp");
    expect(imageMimeType({ base64: JPEG })).toBe("image/jpeg");
    expect(imageMimeType({ base64: "UklGRiQAAABXRUJQ" })).toBe("image/webp");
    expect(imageMimeType({ base64: "R0lGODlh" })).toBe("image/gif");
    expect(imageMimeType({ base64: "AAAA" })).toBe("image/png");
  });

  it("ResponseStreamConverter rejects a partialImages that is not a positive integer", () => {
    expect(() => new ResponseStreamConverter({ partialImages: 0 })).toThrow(
      new TypeError("new ResponseStreamConverter: partialImages must be a positive integer, got 0"),
    );
  });
});
