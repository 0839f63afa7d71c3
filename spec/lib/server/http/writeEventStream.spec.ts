import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { Subject } from "rxjs";

import type { ThreadStreamEvent } from "../../../../lib/events/threadEvents";
import { resolveHttpConfig } from "../../../../lib/server/http/config";
import { writeEventStream } from "../../../../lib/server/http/writeEventStream";
import { d } from "../../../helpers/textDeltaEvents";

/** What `writeEventStream` uses of a `ServerResponse`: its writes are recorded, and always accepted. */
class RecordingResponse extends EventEmitter {
  readonly writableHighWaterMark = 1024;
  readonly writableLength = 0;
  writableEnded = false;
  readonly destroyed = false;
  readonly writes: string[] = [];

  writeHead(): this {
    return this;
  }

  flushHeaders(): void {}

  write(chunk: string): boolean {
    this.writes.push(chunk);
    return true;
  }

  end(chunk?: string): void {
    if (chunk !== undefined && chunk !== "") this.writes.push(chunk);
    this.writableEnded = true;
  }
}

const endOfTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const framesIn = (chunk: string): string[] => chunk.split("\n\n").filter((frame) => frame !== "");

describe("writeEventStream", () => {
  it("counts a burst's UTF-8 bytes, not its characters, against the high-water mark", async () => {
    const res = new RecordingResponse();
    const events = new Subject<ThreadStreamEvent>();
    const config = resolveHttpConfig({ heartbeatMs: false }, "spec");
    writeEventStream(res as unknown as ServerResponse, events, config);
    // Each frame: 450 characters, 1050 bytes. By bytes the first reaches the mark of 1024; by
    // characters only the third would (1350), and at two bytes a character the second (1800).
    const text = "€".repeat(300);
    for (let n = 0; n < 10; n++) events.next(d("t", text));
    await endOfTurn();
    // The write took the first frame (this response's buffer stays empty), so the stream resumed
    // at once, and the nine deltas merged while it was paused went out as one frame.
    expect(res.writes.map(framesIn)).toEqual([
      [`data: ${JSON.stringify(d("t", text))}`],
      [`data: ${JSON.stringify(d("t", text.repeat(9)))}`],
    ]);
    events.complete();
    expect(res.writableEnded).toBe(true);
  });
});
