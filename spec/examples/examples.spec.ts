import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { firstValueFrom, lastValueFrom, map, of, toArray } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import {
  applyThreadEvent,
  ThreadStreamEventSchema,
  type ThreadItem,
  type ThreadStreamEvent,
} from "chatkit-rx";
import { channelMessage } from "../../examples/channelMessage";
import { DRAFT, runDemo } from "../../examples/demo";
import { sendChannelMessage } from "../../examples/sendChannelMessage";
import { streamDraftFromGenerator } from "../../examples/streamFromAsyncGenerator";
import { streamDraftFromTokens } from "../../examples/streamFromTokens";
import { applyThreadEventAppendOnly } from "../helpers/appendOnlyClient";

/** The examples are code: each runs here, and what it sends is replayed through the client reducer. */
function replay(events: readonly ThreadStreamEvent[]): readonly ThreadItem[] {
  return events.reduce<readonly ThreadItem[]>(applyThreadEvent, []);
}

/** The same, for a client that only appends text deltas and ignores their `done`. */
function replayAppendOnly(events: readonly ThreadStreamEvent[]): readonly ThreadItem[] {
  return events.reduce<readonly ThreadItem[]>(applyThreadEventAppendOnly, []);
}

function kindOf(event: ThreadStreamEvent): string {
  if (event.type === "thread.item.updated" && event.update.type === "widget.streaming_text.value_delta") {
    return event.update.done ? "final delta" : "delta";
  }
  if (event.type === "thread.item.updated" && event.update.type === "widget.root.updated") return "root";
  return event.type.replace("thread.item.", "");
}

function markdownOf(item: ThreadItem | undefined): unknown {
  if (item?.type !== "widget") throw new Error("expected a widget item");
  const card = item.widget as {
    children: { type: string; id?: string; value?: unknown; streaming?: unknown }[];
  };
  return card.children.find((child) => child.id === "message");
}

describe("examples/sendChannelMessage", () => {
  it("sends the finished widget as one thread.item.done", async () => {
    const events = await lastValueFrom(
      sendChannelMessage("Harry Potter", "Yer a wizard, Harry").pipe(toArray()),
    );
    expect(events.map((event) => event.type)).toEqual(["thread.item.done"]);
    const [done] = events;
    if (done?.type !== "thread.item.done" || done.item.type !== "widget")
      throw new Error("expected a widget");
    expect(done.item.copy_text).toBe("Message to Harry Potter: Yer a wizard, Harry");
    expect(done.item.widget).toEqual(
      channelMessage.build({
        user_name: "Harry Potter",
        channel: "hogwarts",
        message: "Yer a wizard, Harry",
      }),
    );
  });
});

describe("examples/streamFromAsyncGenerator", () => {
  it("sends added, text deltas, the end of streaming as a root update, then done with the whole message", async () => {
    const text = "Dear Harry, see you at the match.";
    const events = await lastValueFrom(streamDraftFromGenerator(text).pipe(toArray()));
    expect(events[0]?.type).toBe("thread.item.added");
    expect(events.at(-1)?.type).toBe("thread.item.done");
    const updates = events.slice(1, -2);
    expect(updates.length).toBeGreaterThan(3);
    for (const event of updates) {
      expect(event).toMatchObject({
        type: "thread.item.updated",
        update: { type: "widget.streaming_text.value_delta", done: false },
      });
    }
    expect(events.at(-2)).toMatchObject({
      type: "thread.item.updated",
      update: { type: "widget.root.updated" },
    });
    for (const [item] of [replay(events), replayAppendOnly(events)]) {
      expect(markdownOf(item)).toEqual({ type: "Markdown", id: "message", value: text, streaming: false });
    }
  });

  it("builds each stream's states with a streamBuilder of its own, not the shared build", async () => {
    const streamBuilder = jest.spyOn(channelMessage, "streamBuilder");
    const build = jest.spyOn(channelMessage, "build");
    try {
      await lastValueFrom(streamDraftFromGenerator("One two.").pipe(toArray()));
      await lastValueFrom(streamDraftFromGenerator("Three four.").pipe(toArray()));
      expect(streamBuilder).toHaveBeenCalledTimes(2);
      expect(build).not.toHaveBeenCalled();
    } finally {
      streamBuilder.mockRestore();
      build.mockRestore();
    }
  });
});

describe("examples/streamFromTokens", () => {
  it("turns each token into a text delta, in virtual time (marble)", () => {
    new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(
      ({ cold, expectObservable, expectSubscriptions }) => {
        const tokens = cold("-a-b--c|", { a: "Dear ", b: "Harry", c: "!" });
        const expected = "   -A-D--D(RE|)";
        const events = streamDraftFromTokens(tokens).pipe(map(kindOf));
        expectObservable(events).toBe(expected, { A: "added", D: "delta", R: "root", E: "done" });
        expectSubscriptions(tokens.subscriptions).toBe("^------!");
      },
    );
  });

  it("streams every token and ends the text stream", async () => {
    const tokens = ["Dear ", "Harry", ", ", "the match ", "is on."];
    const events = await firstValueFrom(streamDraftFromTokens(of(...tokens)).pipe(toArray()));
    const kinds = events.map((event) =>
      event.type === "thread.item.updated" && event.update.type === "widget.streaming_text.value_delta"
        ? `delta:${event.update.delta}${event.update.done ? ":done" : ""}`
        : event.type,
    );
    expect(kinds).toEqual([
      "thread.item.added",
      "delta:Harry",
      "delta:, ",
      "delta:the match ",
      "delta:is on.",
      "thread.item.updated",
      "thread.item.done",
    ]);
    for (const items of [replay(events), replayAppendOnly(events)]) {
      expect(markdownOf(items[0])).toEqual({
        type: "Markdown",
        id: "message",
        value: tokens.join(""),
        streaming: false,
      });
    }
  });
});

describe("examples/demo (the main job)", () => {
  it("writes valid SSE frames that rebuild both widgets", async () => {
    let output = "";
    const items = await runDemo(0, (text) => (output += text));
    const frames = output.split("\n\n").filter((frame) => frame.startsWith("data: "));
    for (const frame of frames) ThreadStreamEventSchema.parse(JSON.parse(frame.slice("data: ".length)));
    expect(items).toHaveLength(2);
    expect(markdownOf(items[0])).toMatchObject({ value: "Yer a wizard, Harry" });
    expect(markdownOf(items[1])).toMatchObject({ value: DRAFT, streaming: false });
    expect(output).toMatch(/# \d+ frames, \d+ bytes; the client now holds 2 widget items\.\n$/);
  });

  it("runs as `npm start` does", () => {
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", join(__dirname, "../../examples/demo.ts")],
      {
        env: { ...process.env, DEMO_TOKEN_MS: "0" },
        encoding: "utf8",
      },
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('"type":"thread.item.done"');
  });
});
