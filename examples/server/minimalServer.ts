// examples/server/minimalServer.ts; run it: npx tsx examples/server/minimalServer.ts (PORT, default 8000)
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { concat, concatMap, EMPTY, from, map, of, scan } from "rxjs";
import { z } from "zod";
import {
  ChatKitServer,
  diffWidgetStates,
  MemoryStore,
  ofActionType,
  streamWidget,
  toNodeHandler,
  type ThreadStreamEvent,
  type WidgetRoot,
} from "chatkit-rx";

/** What every handler and store call gets for the request at hand: here, who is asking. */
interface RequestContext {
  readonly userId: string;
}

const reply = (text: string, streaming: boolean): WidgetRoot => ({
  type: "Card",
  children: [{ type: "Markdown", id: "reply", value: text, streaming }],
});

const likes = (count: number): WidgetRoot => ({
  type: "Card",
  children: [
    { type: "Text", id: "likes", value: `Likes: ${count}` },
    { type: "Button", label: "👍 Like", onClickAction: { type: "like", payload: { count } } },
  ],
});

const server = new ChatKitServer<RequestContext>({
  store: new MemoryStore(),
  respond: (thread, userMessage, context) => {
    const said = userMessage?.content.map((part) => part.text).join(" ") ?? "";
    const words = `Hello ${context.userId}, you said: ${said}`.split(/(?<= )/);
    // Successive states of one widget: its text grows a word at a time, as a model's tokens come.
    const states$ = from(words).pipe(
      scan((text, word) => text + word, ""),
      map((text, index) => reply(text, index < words.length - 1)),
    );
    // added, text deltas, done; then a finished widget: one thread.item.done.
    return concat(streamWidget(thread, states$), streamWidget(thread, likes(0)));
  },
  action: (_thread, action, sender) => {
    if (sender === null) return EMPTY; // the client named no widget item
    const updates$ = of(action).pipe(
      ofActionType("like", z.object({ count: z.number().int().min(0) })),
      concatMap(({ payload }) => diffWidgetStates(sender.widget, likes(payload.count + 1))),
      map((update): ThreadStreamEvent => ({ type: "thread.item.updated", item_id: sender.id, update })),
    );
    return updates$;
  },
});

// getContext runs once per request: authenticate there (a header stands in for your session check).
const handler = toNodeHandler(server, (req): RequestContext => ({
  userId: String(req.headers["x-user-id"] ?? "anonymous"),
}));
const http = createServer(handler).listen(Number(process.env["PORT"] ?? 8000), "127.0.0.1", () => {
  console.log(`ChatKit on http://127.0.0.1:${(http.address() as AddressInfo).port}/chatkit`);
});
