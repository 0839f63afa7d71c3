/** Test helpers: read Server-Sent Events from a fetch Response and parse every frame with our schemas. */
import { ThreadStreamEventSchema, type ThreadStreamEvent } from "../../../lib/events/threadEvents";

/** Parses one `data: <json>` frame (and fails the test on anything else). */
export function parseFrame(frame: string): ThreadStreamEvent {
  if (!frame.startsWith("data: ")) throw new Error(`not an SSE data frame: ${JSON.stringify(frame)}`);
  return ThreadStreamEventSchema.parse(JSON.parse(frame.slice("data: ".length)));
}

/**
 * Reads frames as they arrive, calling `onEvent` for each; stops when the
 * body ends or `onEvent` returns `"stop"` (then cancels nothing: the caller aborts).
 */
export async function readEvents(
  response: Response,
  onEvent: (event: ThreadStreamEvent) => "stop" | void = () => undefined,
): Promise<ThreadStreamEvent[]> {
  if (response.body === null) throw new Error("no body");
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const events: ThreadStreamEvent[] = [];
  let buffer = "";
  for (let reads = 0; reads < 100_000; reads++) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end !== -1) {
      const event = parseFrame(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      events.push(event);
      if (onEvent(event) === "stop") {
        reader.releaseLock();
        return events;
      }
      end = buffer.indexOf("\n\n");
    }
  }
  expect(buffer).toBe("");
  return events;
}

/** Waits (a bounded number of 10 ms ticks) until `condition` holds. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
