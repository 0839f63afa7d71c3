/**
 * The client process of the many-streams workload (forked by
 * `bench/manyStreams.ts`): opens `streams` concurrent ChatKit requests to
 * the server, starts spread over `staggerMs`, reads each SSE stream as it
 * comes, rebuilds each widget with `applyThreadEvent` and compares it with
 * the expected final widget (its own card, when each stream has one). Replies with what each stream received, when,
 * and its own CPU time (so we can tell whether the clients kept up).
 */
import { Agent, request } from "node:http";
import { isDeepStrictEqual } from "node:util";

import { createThreadBody, epochMs, serveClient, SseClient } from "./loopback";
import { streamCard, streamMessage, type CardData } from "./manyStreamsCard";
import { loadChannelMessage, loremTokens } from "./streaming";

const template = loadChannelMessage();

export interface ManyStreamsRequest {
  readonly port: number;
  readonly streams: number;
  readonly tokens: number;
  readonly staggerMs: number;
  readonly cards: CardData;
}

export interface StreamReport {
  readonly threadId: string;
  /** When the client sent the stream's request (epoch ms). */
  readonly sentAt: number;
  readonly exact: boolean;
  readonly lostChars: number;
  readonly frames: number;
  readonly bytes: number;
  readonly lengths: readonly number[];
  readonly times: readonly number[];
}

export interface ManyStreamsReply {
  readonly reports: readonly StreamReport[];
  readonly errors: readonly string[];
  readonly cpuMs: number;
  readonly wallMs: number;
}

function readStream(
  agent: Agent,
  { port, tokens, cards }: ManyStreamsRequest,
  index: number,
): Promise<StreamReport> {
  return new Promise((resolve, reject) => {
    const client = new SseClient();
    const sentAt = epochMs();
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/chatkit",
        agent,
        headers: { "content-type": "application/json" },
      },
      (res) => {
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => client.receive(chunk, epochMs()));
        res.on("error", reject);
        res.on("end", () => {
          const text = loremTokens(tokens, index + 1).join("");
          const expected = template.build(streamCard(cards, index, text, false));
          resolve({
            threadId: client.threadId,
            sentAt,
            exact: isDeepStrictEqual(client.widget(), expected),
            lostChars: client.lostChars(text),
            frames: client.frames,
            bytes: client.bytes,
            lengths: client.lengths,
            times: client.times,
          });
        });
      },
    );
    req.on("error", reject);
    req.end(createThreadBody(streamMessage({ index, tokens })));
  });
}

async function run(request: ManyStreamsRequest): Promise<ManyStreamsReply> {
  const { streams, staggerMs } = request;
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const cpu = process.cpuUsage();
  const start = epochMs();
  const errors: string[] = [];
  const started = (index: number): Promise<void> =>
    new Promise((resolve) => setTimeout(resolve, (index * staggerMs) / streams));
  const reports = await Promise.all(
    Array.from({ length: streams }, async (_, index) => {
      await started(index);
      try {
        return await readStream(agent, request, index);
      } catch (error) {
        errors.push(`stream ${index}: ${String(error)}`);
        return undefined;
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    reports: reports.filter((report): report is StreamReport => report !== undefined),
    errors,
    cpuMs: (used.user + used.system) / 1e3,
    wallMs: epochMs() - start,
  };
}

serveClient(run);
