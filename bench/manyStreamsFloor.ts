/**
 * The floor under W4's fast stream: what Node and the kernel cost per frame
 * on this machine when a server does nothing but write a ready SSE frame per
 * token, paced as the fast stream is (a 1 ms tick writing the tokens due in
 * one `res.write`, or one `res.write` per turn of the event loop), to a
 * client in another process that reads it. No ChatKitServer, no pipeline:
 * the server's CPU per token here is what any server pays for the same
 * writes, so the fast stream's figure minus this is what our code costs.
 *
 * Run alone: `node dist-bench/bench/manyStreamsFloor.js` (after `npm run bench`'s compile).
 */
import { once } from "node:events";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import type { BenchResult } from "./harness";
import { forkBenchScript } from "./loopback";

/** One text-delta frame as the fast stream sends it (a token of about 6 characters). */
const FRAME = `data: ${JSON.stringify({
  type: "thread.item.updated",
  item_id: "msg_0123456789abcdef01234567",
  update: {
    type: "widget.streaming_text.value_delta",
    component_id: "message",
    delta: " lorem",
    done: false,
  },
})}\n\n`;

export interface FloorConfig {
  readonly tokens: number;
  /** `"timed"`: at `tokensPerSecond`, each tick writing the frames due in one write; `"flat-out"`: a write per turn. */
  readonly pace: "timed" | "flat-out";
  readonly tokensPerSecond: number;
}

/** Writes `config.tokens` frames on `res`, paced; resolves with the server's CPU in ms. */
function writeFrames(config: FloorConfig, write: (chunk: string) => void): Promise<number> {
  const start = process.cpuUsage();
  const cpuMs = (): number => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e3;
  };
  return new Promise((resolve) => {
    let sent = 0;
    if (config.pace === "flat-out") {
      const next = (): void => {
        if (sent === config.tokens) return resolve(cpuMs());
        write(FRAME);
        sent++;
        setImmediate(next);
      };
      setImmediate(next);
      return;
    }
    const periodMs = 1000 / config.tokensPerSecond;
    const startMs = performance.now();
    const timer = setInterval(() => {
      const due = Math.min(config.tokens, Math.floor((performance.now() - startMs) / periodMs));
      if (due > sent) write(FRAME.repeat(due - sent));
      sent = due;
      if (sent === config.tokens) {
        clearInterval(timer);
        resolve(cpuMs());
      }
    }, periodMs);
  });
}

function caseName(config: FloorConfig): string {
  const pace = config.pace === "flat-out" ? "flat out, a turn each" : `${config.tokensPerSecond}/s`;
  return `floor: Node writing a ready frame per token, ${config.tokens} tokens ${pace}`;
}

export async function runFloor(config: FloorConfig): Promise<BenchResult> {
  let cpu: Promise<number> | undefined;
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.flushHeaders();
    cpu = writeFrames(config, (chunk) => res.write(chunk));
    void cpu.then(() => res.end());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const client = forkBenchScript("manyStreamsFloor.ts", process.env, ["--client", String(port)]);
  const [bytes] = (await once(client, "message")) as [number];
  await once(client, "exit");
  server.close();
  const cpuMs = await (cpu ?? Promise.reject(new Error("many streams floor: no request came")));
  if (bytes !== FRAME.length * config.tokens)
    throw new Error(
      `many streams floor: the client read ${bytes} bytes, not ${FRAME.length * config.tokens}`,
    );
  const perToken = (cpuMs * 1e3) / config.tokens;
  return {
    workload: "many streams",
    name: caseName(config),
    unit: "µs CPU/token",
    median: perToken,
    min: perToken,
    max: perToken,
    runs: 1,
    note: "what Node and the kernel cost for these writes alone: the fast stream's figure beside it, minus this, is the library's",
    metrics: { serverCpuUsPerToken: perToken },
  };
}

/** The client: reads the whole response and tells the bench how many bytes came. */
function readAll(port: number): void {
  const req = request({ port, host: "127.0.0.1", method: "GET" }, (res) => {
    let bytes = 0;
    res.on("data", (chunk: Buffer) => (bytes += chunk.length));
    res.on("end", () => {
      process.send?.(bytes);
      process.disconnect?.();
    });
  });
  req.end();
}

if (require.main === module) {
  const [first, second] = process.argv.slice(2);
  if (first === "--client") readAll(Number(second));
  else {
    void (async () => {
      for (const pace of ["timed", "flat-out"] as const) {
        const result = await runFloor({ tokens: 20_000, pace, tokensPerSecond: 10_000 });
        console.log(`${result.name}: ${result.median.toFixed(1)} ${result.unit}`);
      }
    })();
  }
}
