import { availableParallelism } from "node:os";
import { asyncScheduler } from "rxjs";

import { resolveClusterConfig } from "../../../../lib/server/cluster/clusterConfig";
import { serveOnAllCores } from "../../../../lib/server/cluster/serveOnAllCores";

const start = () => {
  throw new Error("never started here");
};

describe("serveOnAllCores's config", () => {
  it("defaults to one worker per core on 127.0.0.1, 10 s to finish streams, asyncScheduler", () => {
    const resolved = resolveClusterConfig({ port: 8000, start });
    expect(resolved).toMatchObject({
      workers: availableParallelism(),
      port: 8000,
      host: "127.0.0.1",
      gracefulStopMs: 10_000,
      restart: {},
      scheduler: asyncScheduler,
    });
  });

  it.each([
    [{ port: 8000, start, workers: 0 }, "serveOnAllCores: workers must be an integer >= 1, got 0"],
    [{ port: 8000, start, workers: 1.5 }, "serveOnAllCores: workers must be an integer >= 1, got 1.5"],
    [{ port: -1, start }, "serveOnAllCores: port must be an integer from 0 to 65535, got -1"],
    [{ port: 70000, start }, "serveOnAllCores: port must be an integer from 0 to 65535, got 70000"],
    [{ port: 8000, start, host: "" }, "serveOnAllCores: host must be a host name or address, got "],
    [{ port: 8000, start: "server.js" }, "serveOnAllCores: start must be a function, got server.js"],
    [
      { port: 8000, start, gracefulStopMs: -5 },
      "serveOnAllCores: gracefulStopMs must be a number of milliseconds >= 0, got -5",
    ],
  ])("refuses %o with a TypeError naming the field", (config, message) => {
    // Thrown at call time, before any process is forked.
    expect(() => serveOnAllCores(config as never)).toThrow(new TypeError(message));
  });
});
