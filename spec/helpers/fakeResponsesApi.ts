import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";

/** A Responses stream event as the API declares it, but for its `sequence_number` (the fake counts). */
export type FakeStreamEvent = ResponseStreamEvent extends infer E
  ? E extends { sequence_number: number }
    ? Omit<E, "sequence_number">
    : never
  : never;

/**
 * What the fake model answers to one request: streamed text, one function
 * call, or these stream events as they are (for what the other two do not
 * make, such as hosted tools' events); the response's output is then the
 * items of their `response.output_item.done`.
 */
export type FakeReply =
  | { readonly text: readonly string[] }
  | { readonly call: { readonly name: string; readonly arguments: Record<string, unknown> } }
  | { readonly events: readonly FakeStreamEvent[] };

/** One `POST /v1/responses` the fake received, its JSON body as sent by the real `openai` client. */
export interface RecordedRequest {
  /** The `Authorization` header: the key the client was given. */
  readonly authorization: string | undefined;
  readonly body: {
    readonly model?: string;
    readonly stream?: boolean;
    readonly instructions?: string;
    readonly input: unknown;
    readonly tools?: readonly { readonly name?: string }[];
  };
}

/**
 * A small stand-in for the OpenAI Responses API on 127.0.0.1, streaming
 * real Server-Sent Events in the API's event shapes (`response.created`,
 * `response.output_item.added`, `response.output_text.delta`,
 * `response.completed`...), so the real `openai` client and the Agents SDK
 * run unchanged against it (`OPENAI_BASE_URL`). `reply` decides each answer
 * from the request, as a scripted model would.
 */
export async function startFakeResponsesApi(
  reply: (request: RecordedRequest, index: number) => FakeReply,
): Promise<{ baseURL: string; requests: RecordedRequest[]; close: () => Promise<void> }> {
  const requests: RecordedRequest[] = [];
  let ids = 0;
  const id = (prefix: string) => `${prefix}_fake${++ids}`;

  const server: Server = createServer((req, res) => {
    void readJson(req).then((body) => {
      if (req.method !== "POST" || !(req.url ?? "").endsWith("/responses")) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found"}}');
        return;
      }
      const request: RecordedRequest = {
        authorization: req.headers.authorization,
        body: body as RecordedRequest["body"],
      };
      requests.push(request);
      const answer = reply(request, requests.length - 1);
      res.writeHead(200, { "content-type": "text/event-stream" });
      let sequence = 0;
      const send = (event: Record<string, unknown>) =>
        res.write(
          `event: ${String(event["type"])}\ndata: ${JSON.stringify({ ...event, sequence_number: sequence++ })}\n\n`,
        );
      const responseId = id("resp");
      const base = {
        id: responseId,
        object: "response",
        created_at: Math.floor(Date.now() / 1000),
        model: request.body.model ?? "fake",
        status: "in_progress",
        output: [] as unknown[],
        usage: null,
      };
      send({ type: "response.created", response: base });
      let item: Record<string, unknown>;
      if ("events" in answer) {
        for (const event of answer.events) send(event);
        const output = answer.events.flatMap((event) =>
          event.type === "response.output_item.done" ? [event.item] : [],
        );
        send({ type: "response.completed", response: { ...base, status: "completed", output, usage: null } });
        res.end();
        return;
      } else if ("text" in answer) {
        const itemId = id("msg");
        send({
          type: "response.output_item.added",
          output_index: 0,
          item: { type: "message", id: itemId, role: "assistant", status: "in_progress", content: [] },
        });
        for (const delta of answer.text) {
          send({
            type: "response.output_text.delta",
            item_id: itemId,
            output_index: 0,
            content_index: 0,
            delta,
            logprobs: [],
          });
        }
        const text = answer.text.join("");
        send({
          type: "response.output_text.done",
          item_id: itemId,
          output_index: 0,
          content_index: 0,
          text,
          logprobs: [],
        });
        item = {
          type: "message",
          id: itemId,
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text, annotations: [], logprobs: [] }],
        };
      } else {
        item = {
          type: "function_call",
          id: id("fc"),
          call_id: id("call"),
          name: answer.call.name,
          arguments: JSON.stringify(answer.call.arguments),
          status: "completed",
        };
        send({ type: "response.output_item.added", output_index: 0, item });
      }
      send({ type: "response.output_item.done", output_index: 0, item });
      send({
        type: "response.completed",
        response: {
          ...base,
          status: "completed",
          output: [item],
          usage: {
            input_tokens: 10,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: 5,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: 15,
          },
        },
      });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        resolve(undefined);
      }
    });
  });
}
