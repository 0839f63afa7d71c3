import type { ThreadStreamEvent } from "../../lib/events/threadEvents";
import { readServerSentEvents } from "./readServerSentEvents";

/** A failed ChatKit request: the HTTP status and what the server said. */
export class ChatKitRequestError extends Error {
  override readonly name = "ChatKitRequestError";
  constructor(
    readonly requestType: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${requestType} failed with HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

/** One ChatKit request body (PROTOCOL §4): a `type` and its `params`. */
export interface ChatKitRequestBody {
  readonly type: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

/**
 * Talks to a ChatKit endpoint the way the ChatKit web component does: one
 * JSON POST per request, answered with one JSON body or with Server-Sent
 * Events. The endpoint is relative by default, so the page only ever talks
 * to the origin that served it.
 */
export class ChatKitClient {
  constructor(private readonly endpoint: string = "/chatkit") {}

  private async post(body: ChatKitRequestBody, signal?: AbortSignal): Promise<Response> {
    const response = await fetch(this.endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      ...(signal === undefined ? {} : { signal }),
    });
    if (!response.ok) throw new ChatKitRequestError(body.type, response.status, await response.text());
    return response;
  }

  /** A non-streaming request (`threads.list`, `threads.get_by_id`, `items.list`...): its JSON answer. */
  async request<T>(body: ChatKitRequestBody): Promise<T> {
    return (await (await this.post(body)).json()) as T;
  }

  /** A streaming request (`threads.create`, `threads.add_user_message`, `threads.custom_action`...): its events. */
  async *stream(body: ChatKitRequestBody, signal?: AbortSignal): AsyncGenerator<ThreadStreamEvent> {
    const response = await this.post(body, signal);
    if (response.body === null) return;
    for await (const data of readServerSentEvents(response.body)) yield JSON.parse(data) as ThreadStreamEvent;
  }
}
