/**
 * The client process of the slow-reader workload (forked by
 * `bench/slowReader.ts`): one ChatKit request whose response it keeps
 * paused, taking one SSE frame every `frameEveryMs` (pulling bytes from the
 * socket only when it has no whole frame left), for `slowForMs`. Then it
 * reads the rest at full speed, rebuilds the widget with `applyThreadEvent`
 * and compares it with the expected final widget.
 */
import { request, type IncomingMessage } from "node:http";
import { isDeepStrictEqual } from "node:util";

import { createThreadBody, epochMs, serveClient, SseClient } from "./loopback";
import { channelMessage, loadChannelMessage, loremTokens } from "./streaming";

export interface SlowReaderRequest {
  readonly socketPath: string;
  readonly tokens: number;
  readonly frameEveryMs: number;
  readonly slowForMs: number;
}

export interface SlowReaderReply {
  readonly exact: boolean;
  readonly lostChars: number;
  /** Frames taken one at a time during the slow phase, and in all. */
  readonly slowFrames: number;
  readonly frames: number;
  readonly bytes: number;
  /** The largest frame, in characters: how much text a frame carried at most. */
  readonly largestFrame: number;
  readonly cpuMs: number;
}

/** Takes whole frames out of a paused response, one at a time, reading the socket only when needed. */
class FrameReader {
  private buffer = "";
  largest = 0;

  constructor(private readonly response: IncomingMessage) {}

  /** The next whole frame, or `undefined` if none has arrived yet. */
  next(): string | undefined {
    for (;;) {
      const end = this.buffer.indexOf("\n\n");
      if (end !== -1) {
        const frame = this.buffer.slice(0, end + 2);
        this.buffer = this.buffer.slice(end + 2);
        this.largest = Math.max(this.largest, frame.length);
        return frame;
      }
      const chunk = this.response.read() as string | null;
      if (chunk === null) return undefined;
      this.buffer += chunk;
    }
  }
}

/** Resolves when `response` has more to read or has ended. */
function more(response: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    const settle = (): void => {
      response.off("readable", settle).off("end", settle);
      resolve();
    };
    response.on("readable", settle).on("end", settle);
  });
}

async function run({
  socketPath,
  tokens,
  frameEveryMs,
  slowForMs,
}: SlowReaderRequest): Promise<SlowReaderReply> {
  const cpu = process.cpuUsage();
  const text = loremTokens(tokens).join("");
  const expected = loadChannelMessage().build(channelMessage(text, false));
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(
      { socketPath, method: "POST", path: "/chatkit", headers: { "content-type": "application/json" } },
      resolve,
    );
    req.on("error", reject);
    req.end(createThreadBody("slow reader"));
  });
  response.setEncoding("utf8");
  response.pause();
  const reader = new FrameReader(response);
  const client = new SseClient();

  const slowUntil = epochMs() + slowForMs;
  let slowFrames = 0;
  while (epochMs() < slowUntil) {
    const frame = reader.next();
    if (frame !== undefined) {
      client.receive(frame, epochMs());
      slowFrames++;
    }
    await new Promise((resolve) => setTimeout(resolve, frameEveryMs));
  }
  // Now fast, to check that everything arrives: take every frame as it comes.
  for (;;) {
    const frame = reader.next();
    if (frame !== undefined) client.receive(frame, epochMs());
    else if (response.readableEnded) break;
    else await more(response);
  }
  const used = process.cpuUsage(cpu);
  return {
    exact: isDeepStrictEqual(client.widget(), expected),
    lostChars: client.lostChars(text),
    slowFrames,
    frames: client.frames,
    bytes: client.bytes,
    largestFrame: reader.largest,
    cpuMs: (used.user + used.system) / 1e3,
  };
}

serveClient(run);
