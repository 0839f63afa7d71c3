import { createParser, type EventSourceMessage } from "eventsource-parser";

/**
 * The `data` of each Server-Sent Event in a `fetch` response body, in order.
 *
 * Why not `EventSource`: ChatKit's streaming requests are POSTs with a JSON
 * body, which `EventSource` cannot send. The frames are parsed by
 * `eventsource-parser` (a maintained parser), so multi-line `data:`, comments
 * and frames split across network chunks are handled as the spec says.
 *
 * @param body The response body of a streaming ChatKit request.
 * @return The `data` field of every event, as text.
 */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const queue: string[] = [];
  const parser = createParser({ onEvent: (event: EventSourceMessage) => void queue.push(event.data) });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (queue.length > 0) yield queue.shift() as string;
    }
    parser.feed(decoder.decode());
    parser.reset({ consume: true });
    while (queue.length > 0) yield queue.shift() as string;
  } finally {
    reader.releaseLock();
  }
}
