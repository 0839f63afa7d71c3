import {
  Agent,
  InputGuardrailTripwireTriggered,
  OutputGuardrailTripwireTriggered,
  run,
  tool,
  type RunContext,
} from "@openai/agents";
import { catchError, lastValueFrom, of, tap, toArray } from "rxjs";
import { z } from "zod";
import { ThreadStreamEventSchema, type ThreadMetadata, type ThreadStreamEvent } from "chatkit-rx";
import { AgentContext } from "../../../lib/agents/AgentContext";
import { streamAgentResponse } from "../../../lib/agents/streamAgentResponse";
import { MemoryStore } from "../../../lib/server/MemoryStore";
import { ScriptedModel, type ScriptedTurn } from "./ScriptedModel";
import { persistForSpec, testContext } from "./testContext";

const thread: ThreadMetadata = {
  id: "thr_guard",
  created_at: "2025-01-01T00:00:00.000Z",
  status: { type: "active" },
};
const earlier = {
  type: "user_message" as const,
  id: "user_0",
  thread_id: thread.id,
  created_at: thread.created_at,
  content: [{ type: "input_text" as const, text: "hi" }],
  attachments: [],
  inference_options: {},
};

const showCard = tool({
  name: "show_card",
  description: "d",
  parameters: z.object({}),
  execute: async (_input, runContext?: RunContext<AgentContext>) => {
    const context = runContext?.context as AgentContext;
    context.addWorkflowTask({ type: "custom", title: "Drawing", status_indicator: "loading" });
    await context.streamWidget({ type: "Card", children: [] });
    return "shown";
  },
});

interface Outcome {
  readonly sent: ThreadStreamEvent[];
  readonly error: unknown;
  readonly stored: readonly string[];
}

/** Runs `agent` as a server does: its events saved by `persistEvents` into a MemoryStore holding one earlier message. */
async function respondAndPersist(
  agent: Agent<AgentContext>,
  context: AgentContext,
): Promise<Outcome & { readonly persisted: ThreadStreamEvent[] }> {
  const store = new MemoryStore<undefined>();
  await store.saveThread(thread, undefined);
  await store.addThreadItem(thread.id, earlier, undefined);
  const result = await run(agent, "hi", { stream: true, context, signal: context.signal });
  const sent: ThreadStreamEvent[] = [];
  let error: unknown;
  const persisted = await lastValueFrom(
    streamAgentResponse(context, result).pipe(
      tap({ next: (event) => sent.push(event), error: (e: unknown) => (error = e) }),
      persistForSpec(store, thread, (e) => ({
        type: "error",
        code: "custom",
        message: e instanceof Error ? e.name : "failed",
        allow_retry: false,
      })),
      toArray(),
    ),
  );
  const page = await store.loadThreadItems(thread.id, { limit: 100, order: "asc" }, undefined);
  return { sent, error, persisted, stored: page.data.map((item) => item.id) };
}

function newContext(): AgentContext {
  return testContext(thread);
}

function shownIds(events: readonly ThreadStreamEvent[]): string[] {
  const ids = events.flatMap((e) =>
    e.type === "thread.item.added" || e.type === "thread.item.done" ? [e.item.id] : [],
  );
  return [...new Set(ids)];
}

const turns: readonly ScriptedTurn[] = [
  { reasoning: [["Let me draw"]], text: ["Drawing..."], toolCalls: [{ name: "show_card", args: {} }] },
  { text: ["Here ", "it ", "is."] },
];

describe("guardrail tripwires", () => {
  it("an output guardrail: every item the run showed is removed, the stream errors, the store keeps nothing of the run", async () => {
    const agent = new Agent<AgentContext>({
      name: "Assistant",
      model: new ScriptedModel(turns),
      tools: [showCard],
      outputGuardrails: [
        { name: "no_cards", execute: () => Promise.resolve({ tripwireTriggered: true, outputInfo: {} }) },
      ],
    });
    const { sent, error, persisted, stored } = await respondAndPersist(agent, newContext());
    for (const event of sent) expect(ThreadStreamEventSchema.safeParse(event).success).toBe(true);
    expect(error).toBeInstanceOf(OutputGuardrailTripwireTriggered);

    const shown = shownIds(sent.filter((e) => e.type !== "thread.item.removed"));
    // The reasoning workflow, the first message, the tool's workflow, the widget, the final message.
    expect(shown).toHaveLength(5);
    const removed = sent.flatMap((e) => (e.type === "thread.item.removed" ? [e.item_id] : []));
    expect(removed.sort()).toEqual([...shown].sort());
    // Removals come last, after everything they remove; nothing follows them.
    expect(sent.slice(-removed.length).every((e) => e.type === "thread.item.removed")).toBe(true);

    expect(persisted.at(-1)).toEqual({
      type: "error",
      code: "custom",
      message: "OutputGuardrailTripwireTriggered",
      allow_retry: false,
    });
    expect(stored).toEqual(["user_0"]);
  });

  it("an input guardrail that trips while the answer streams: the open message is removed, not closed, and nothing is saved", async () => {
    // The check trips once the third delta is out: a 0 ms timer set then fires before the model's
    // next 10 ms step, whatever the load, so the message is open and unfinished when it trips.
    let thirdDelta!: () => void;
    const threeDeltasOut = new Promise<void>((resolve) => (thirdDelta = resolve));
    const agent = new Agent<AgentContext>({
      name: "Assistant",
      model: new ScriptedModel([{ text: ["a", "b", "c", "d", "e", "f", "g", "h"] }], {
        stepMs: 10,
        onTextDelta: (index) => index === 2 && thirdDelta(),
      }),
      inputGuardrails: [
        {
          name: "slow_check",
          execute: async () => {
            await threeDeltasOut;
            await new Promise((resolve) => setTimeout(resolve, 0));
            return { tripwireTriggered: true, outputInfo: {} };
          },
        },
      ],
    });
    const { sent, error, persisted, stored } = await respondAndPersist(agent, newContext());
    expect(error).toBeInstanceOf(InputGuardrailTripwireTriggered);
    expect(sent.some((e) => e.type === "thread.item.added")).toBe(true);
    // Tripped mid-message: no done for it, only its removal.
    expect(sent.some((e) => e.type === "thread.item.done")).toBe(false);
    expect(sent.at(-1)).toEqual({ type: "thread.item.removed", item_id: "message_1" });
    expect(persisted.at(-1)).toMatchObject({ type: "error", message: "InputGuardrailTripwireTriggered" });
    expect(stored).toEqual(["user_0"]);
  });

  it("an error that is not a tripwire still closes what is open (nothing removed)", async () => {
    const failingModel = new ScriptedModel([{ text: ["partial"] }]);
    const agent = new Agent<AgentContext>({ name: "Assistant", model: failingModel, tools: [showCard] });
    const context = newContext();
    const result = await run(agent, "hi", { stream: true, context, signal: context.signal });
    const failing = {
      ...result,
      toStream: () => result.toStream(),
      completed: Promise.reject(new Error("boom")),
      cancelled: false,
    };
    failing.completed.catch(() => undefined);
    const events = await lastValueFrom(
      streamAgentResponse(context, failing).pipe(
        catchError((e: unknown) =>
          of({ type: "error", code: "custom", message: String(e), allow_retry: false } as const),
        ),
        toArray(),
      ),
    );
    expect(events.some((e) => e.type === "thread.item.removed")).toBe(false);
    expect(events.filter((e) => e.type === "thread.item.done")).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: "error", message: "Error: boom" });
  });
});
