/**
 * `superviseWorkers` against workers it cannot reach: a worker exiting on
 * its own closes its IPC channel, and the primary may not have heard of it
 * yet (`isConnected()` still true) when it sends that worker "stop". Node
 * then fails the send with EPIPE, as an `error` event on the worker unless
 * the send has a callback; unheard, that event took the primary down (CI,
 * 2026-11-29). The fake cluster here fails such sends the way Node does.
 */
import { EventEmitter } from "node:events";

import { resolveClusterConfig } from "../../../../lib/server/cluster/clusterConfig";
import { superviseWorkers } from "../../../../lib/server/cluster/superviseWorkers";

/** A cluster worker whose channel can be closed under the primary, as Node's `Worker` behaves. */
class FakeWorker extends EventEmitter {
  static nextPid = 1000;
  channelClosed = false;
  dead = false;
  readonly sent: unknown[] = [];
  readonly process = {
    pid: FakeWorker.nextPid++,
    kill: (signal: string): void => {
      this.killedWith.push(signal);
      this.exit(null, signal);
    },
  };
  readonly killedWith: string[] = [];

  isConnected(): boolean {
    return !this.dead; // Node learns of a closed channel only later: still "connected" here.
  }

  isDead(): boolean {
    return this.dead;
  }

  /** Node's `child_process` send: a failed write goes to the callback if there is one, else to `error`. */
  send(message: unknown, callback?: (error: Error | null) => void): boolean {
    if (this.channelClosed) {
      const epipe = Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
      if (callback !== undefined) process.nextTick(callback, epipe);
      else process.nextTick(() => this.emit("error", epipe));
      return false;
    }
    this.sent.push(message);
    if (callback !== undefined) process.nextTick(callback, null);
    return true;
  }

  exit(code: number | null, signal: string | null = null): void {
    if (this.dead) return;
    this.dead = true;
    setImmediate(() => this.emit("exit", code, signal));
  }
}

const forked: FakeWorker[] = [];
jest.mock("node:cluster", () => ({
  __esModule: true,
  default: {
    fork: () => {
      const worker = new FakeWorker();
      forked.push(worker);
      return worker;
    },
  },
}));

const refused = {
  chatkitRxCluster: "refused",
  message: "serveOnAllCores: the server's store (MemoryStore) lives in one process",
};

describe("superviseWorkers", () => {
  beforeEach(() => (forked.length = 0));

  it("stops on a refusal even when another worker's channel closed as the stop went out, and rejects with the refusal", async () => {
    const log: string[] = [];
    const supervised = superviseWorkers(
      resolveClusterConfig({
        workers: 2,
        port: 0,
        start: () => ({}) as never,
        log: (line) => log.push(line),
      }),
    );
    const [first, second] = forked as [FakeWorker, FakeWorker];
    // Both refuse; the second has already exited its side of the channel when the primary tells it to stop.
    second.channelClosed = true;
    first.emit("message", refused);
    first.exit(1);
    second.exit(1);

    await expect(supervised).rejects.toThrow(refused.message);
    expect(first.sent).toEqual([{ chatkitRxCluster: "stop" }]);
    expect(second.sent).toEqual([]);
    expect(log).toEqual(["serveOnAllCores: a worker refused to start; stopping every worker"]);
  });

  it("terminates a worker that the stop cannot reach but that has not exited", async () => {
    const supervised = superviseWorkers(
      resolveClusterConfig({ workers: 2, port: 0, start: () => ({}) as never, log: () => undefined }),
    );
    const [first, second] = forked as [FakeWorker, FakeWorker];
    second.channelClosed = true; // its channel broke, yet the process lives on
    first.emit("message", refused);
    first.exit(1);

    await expect(supervised).rejects.toThrow(refused.message);
    expect(second.killedWith).toEqual(["SIGTERM"]);
  });
});
