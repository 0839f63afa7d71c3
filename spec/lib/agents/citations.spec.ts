import { Agent, run, type RunStreamEvent } from "@openai/agents";
import { lastValueFrom, of, toArray } from "rxjs";
import {
  applyThreadEvent,
  ThreadStreamEventSchema,
  type Annotation,
  type ThreadItem,
  type ThreadMetadata,
  type ThreadStreamEvent,
} from "chatkit-rx";
import { AgentContext } from "../../../lib/agents/AgentContext";
import { runEventsToThreadEvents } from "../../../lib/agents/runEventsToThreadEvents";
import { streamAgentResponse } from "../../../lib/agents/streamAgentResponse";
import type { RawCitation } from "../../../lib/agents/citations";
import { ResponseStreamConverter } from "../../../lib/agents/ResponseStreamConverter";

const toAnnotation = (raw: unknown) => new ResponseStreamConverter().annotation(raw);
import { ScriptedModel } from "./ScriptedModel";
import { testContext } from "./testContext";

const thread: ThreadMetadata = {
  id: "thr_cite",
  created_at: "2025-01-01T00:00:00.000Z",
  status: { type: "active" },
};

const urlCitation = {
  type: "url_citation",
  url: "https://example.com/rx",
  title: "RxJS guide",
  start_index: 0,
  end_index: 4,
};
const fileCitation = { type: "file_citation", file_id: "file_1", filename: "notes.pdf", index: 9 };
const unnamedFileCitation = { type: "file_citation", file_id: "file_2", filename: "", index: 5 };
const containerCitation = {
  type: "container_file_citation",
  container_id: "cntr_1",
  file_id: "file_3",
  filename: "plot.png",
  start_index: 2,
  end_index: 7,
};

const urlAnnotation: Annotation = {
  type: "annotation",
  source: { type: "url", url: "https://example.com/rx", title: "RxJS guide" },
  index: 4,
};
const fileAnnotation: Annotation = {
  type: "annotation",
  source: { type: "file", filename: "notes.pdf", title: "notes.pdf" },
  index: 9,
};
const containerAnnotation: Annotation = {
  type: "annotation",
  source: { type: "file", filename: "plot.png", title: "plot.png" },
  index: 7,
};

describe("ResponseStreamConverter.annotation", () => {
  it("converts url, file and container-file citations the reference's way; drops what ChatKit cannot show", () => {
    expect(toAnnotation(urlCitation)).toEqual(urlAnnotation);
    expect(toAnnotation(fileCitation)).toEqual(fileAnnotation);
    expect(toAnnotation(containerCitation)).toEqual(containerAnnotation);
    expect(toAnnotation(unnamedFileCitation)).toBeUndefined();
    expect(toAnnotation({ type: "file_path", file_id: "f" })).toBeUndefined();
    expect(toAnnotation(null)).toBeUndefined();
    // A URL citation without a title is titled with its URL (the source's title is required).
    expect(toAnnotation({ type: "url_citation", url: "https://a.b", end_index: 1 })).toEqual({
      type: "annotation",
      source: { type: "url", url: "https://a.b", title: "https://a.b" },
      index: 1,
    });
  });
});

describe("output text annotations (scripted model, real Runner)", () => {
  it("become annotation_added updates with sources, indices counted per content part, kept in the done states", async () => {
    const context = testContext(thread);
    const model = new ScriptedModel([
      {
        text: ["RxJS ", "is nice."],
        annotations: [urlCitation, unnamedFileCitation, fileCitation, containerCitation],
      },
    ]);
    const agent = new Agent<AgentContext>({ name: "Assistant", model });
    const result = await run(agent, "hi", { stream: true, context, signal: context.signal });
    const all = await lastValueFrom(streamAgentResponse(context, result).pipe(toArray()));
    for (const event of all) expect(ThreadStreamEventSchema.safeParse(event).success).toBe(true);

    const annotationUpdates = all.flatMap((event) =>
      event.type === "thread.item.updated" &&
      event.update.type === "assistant_message.content_part.annotation_added"
        ? [{ item_id: event.item_id, update: event.update }]
        : [],
    );
    // The unnamed file citation is dropped and leaves no gap in annotation_index.
    expect(annotationUpdates).toEqual(
      [urlAnnotation, fileAnnotation, containerAnnotation].map((annotation, index) => ({
        item_id: "message_1",
        update: {
          type: "assistant_message.content_part.annotation_added",
          content_index: 0,
          annotation_index: index,
          annotation,
        },
      })),
    );
    const finalContent = {
      type: "output_text",
      text: "RxJS is nice.",
      annotations: [urlAnnotation, fileAnnotation, containerAnnotation],
    };
    expect(all.slice(-2)).toEqual([
      {
        type: "thread.item.updated",
        item_id: "message_1",
        update: { type: "assistant_message.content_part.done", content_index: 0, content: finalContent },
      },
      {
        type: "thread.item.done",
        item: expect.objectContaining({ id: "message_1", content: [finalContent] }) as ThreadItem,
      },
    ]);
    expect(all.reduce<readonly ThreadItem[]>(applyThreadEvent, [])).toEqual([
      expect.objectContaining({ type: "assistant_message", content: [finalContent] }),
    ]);
  });

  it("a message the model did not stream keeps its citations", async () => {
    const created = {
      type: "run_item_stream_event",
      name: "message_output_created",
      item: {
        rawItem: {
          type: "message",
          role: "assistant",
          id: "msg_x",
          content: [
            { type: "output_text", text: "See notes.", annotations: [fileCitation, unnamedFileCitation] },
          ],
        },
      },
    } as unknown as RunStreamEvent;
    const events: ThreadStreamEvent[] = await lastValueFrom(
      of(created).pipe(runEventsToThreadEvents(thread, { generateId: () => "m1", now: () => 0 }), toArray()),
    );
    expect(events).toEqual([
      {
        type: "thread.item.done",
        item: {
          type: "assistant_message",
          id: "m1",
          thread_id: "thr_cite",
          created_at: new Date(0).toISOString(),
          content: [{ type: "output_text", text: "See notes.", annotations: [fileAnnotation] }],
        },
      },
    ]);
  });

  it("a ResponseStreamConverter subclass decides how a citation type shows, streamed or not", async () => {
    class TitledByHost extends ResponseStreamConverter {
      override urlCitationToAnnotation(citation: RawCitation): Annotation | undefined {
        const url = String(citation.url);
        return { type: "annotation", source: { type: "url", url, title: new URL(url).host } };
      }
    }
    const hosted: Annotation = {
      type: "annotation",
      source: { type: "url", url: "https://example.com/rx", title: "example.com" },
    };
    const context = new AgentContext({
      thread,
      requestContext: undefined,
      generateId: () => "m",
      now: () => 0,
    });
    const model = new ScriptedModel([{ text: ["RxJS."], annotations: [urlCitation, fileCitation] }]);
    const agent = new Agent<AgentContext>({ name: "Assistant", model });
    const result = await run(agent, "hi", { stream: true, context, signal: context.signal });
    const all = await lastValueFrom(
      streamAgentResponse(context, result, { converter: new TitledByHost() }).pipe(toArray()),
    );
    expect(all.at(-1)).toMatchObject({ item: { content: [{ annotations: [hosted, fileAnnotation] }] } });

    const created = {
      type: "run_item_stream_event",
      name: "message_output_created",
      item: {
        rawItem: {
          type: "message",
          id: "msg_y",
          content: [{ type: "output_text", text: "See.", annotations: [urlCitation] }],
        },
      },
    } as unknown as RunStreamEvent;
    const unstreamed = await lastValueFrom(
      of(created).pipe(
        runEventsToThreadEvents(thread, {
          generateId: () => "m1",
          now: () => 0,
          converter: new TitledByHost(),
        }),
        toArray(),
      ),
    );
    expect(unstreamed).toMatchObject([{ item: { content: [{ annotations: [hosted] }] } }]);
  });
});
