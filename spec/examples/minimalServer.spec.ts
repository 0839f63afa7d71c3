import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import {
  applyThreadEvent,
  type Thread,
  type ThreadItem,
  type ThreadStreamEvent,
  type WidgetItem,
} from "chatkit-rx";
import { readEvents } from "../lib/server/sse";
import { input } from "../helpers/userInput";

/**
 * The README's "Serve ChatKit" code is examples/server/minimalServer.ts
 * (spec/examples/readme.spec.ts holds them equal): it runs here as a user
 * runs it, in its own process on a free port, and is driven over real HTTP.
 */
const example = join(__dirname, "../../examples/server/minimalServer.ts");
let child: ChildProcess;
let url = "";

beforeAll(async () => {
  child = spawn(process.execPath, ["--import", "tsx", example], {
    env: { ...process.env, PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /ChatKit on (http:\/\/\S+)/.exec(output);
      if (found?.[1] !== undefined) resolve(found[1]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the example exited with ${String(code)}:\n${output}`)));
  });
}, 60_000);

afterAll(async () => {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill();
  await exited;
});

function post(body: unknown, userId?: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(userId === undefined ? {} : { "x-user-id": userId }) },
    body: JSON.stringify(body),
  });
}

function widgets(items: readonly ThreadItem[]): WidgetItem[] {
  return items.filter((item): item is WidgetItem => item.type === "widget");
}

describe("examples/server/minimalServer over real HTTP", () => {
  it("streams the reply as text deltas to the user getContext names, then the likes card; a like updates the stored card", async () => {
    const created = await readEvents(
      await post({ type: "threads.create", params: { input: input("Hi") } }, "ron"),
    );
    const deltas = created.filter(
      (e) => e.type === "thread.item.updated" && e.update.type === "widget.streaming_text.value_delta",
    );
    expect(deltas.length).toBeGreaterThan(2);
    const [reply, likes] = widgets(created.reduce<readonly ThreadItem[]>(applyThreadEvent, []));
    expect(reply?.widget).toEqual({
      type: "Card",
      children: [{ type: "Markdown", id: "reply", value: "Hello ron, you said: Hi", streaming: false }],
    });
    expect(JSON.stringify(likes?.widget)).toContain('"value":"Likes: 0"');
    const thread = (created[0] as Extract<ThreadStreamEvent, { type: "thread.created" }>).thread;
    if (likes === undefined) throw new Error("no likes card");

    const liked = await readEvents(
      await post(
        {
          type: "threads.custom_action",
          params: {
            thread_id: thread.id,
            item_id: likes.id,
            action: { type: "like", payload: { count: 0 } },
          },
        },
        "ron",
      ),
    );
    expect(liked.filter((e) => e.type === "thread.item.updated").length).toBeGreaterThan(0);
    const [, afterLike] = widgets(
      liked.reduce<readonly ThreadItem[]>(applyThreadEvent, [reply, likes] as ThreadItem[]),
    );
    expect(JSON.stringify(afterLike?.widget)).toContain('"value":"Likes: 1"');

    const reloaded = (await (
      await post({ type: "threads.get_by_id", params: { thread_id: thread.id } }, "ron")
    ).json()) as Thread;
    const stored = widgets(reloaded.items.data).find((item) => item.id === likes.id);
    expect(stored?.widget).toEqual(afterLike?.widget);
  });

  it("answers an action that names no widget (sender is null) with no update", async () => {
    const created = await readEvents(await post({ type: "threads.create", params: { input: input("Yo") } }));
    const thread = (created[0] as Extract<ThreadStreamEvent, { type: "thread.created" }>).thread;
    const [reply] = widgets(created.reduce<readonly ThreadItem[]>(applyThreadEvent, []));
    expect(reply?.widget).toMatchObject({ children: [{ value: "Hello anonymous, you said: Yo" }] });
    const events = await readEvents(
      await post({
        type: "threads.custom_action",
        params: { thread_id: thread.id, action: { type: "like", payload: { count: 0 } } },
      }),
    );
    expect(events.filter((e) => e.type === "thread.item.updated")).toEqual([]);
  });
});
