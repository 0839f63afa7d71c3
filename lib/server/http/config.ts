/**
 * The options both HTTP adapters take, and their checked, defaulted form,
 * in one place so Node and Web-standard servers never drift apart.
 */
import { asyncScheduler, type SchedulerLike } from "rxjs";

import { resolveCors, type CorsConfig, type ResolvedCors } from "./cors";
import { describe } from "./describe";

/** Options shared by {@link toNodeHandler} and {@link toFetchHandler}. */
export interface HttpHandlerConfig {
  /**
   * Bodies larger than this are refused with 413. Reading stops at the
   * limit (a chunked body without `Content-Length` is never buffered past
   * it). Default 1 MiB. Attachment uploads (`?attachment=<token>`) have
   * their own limit: their declared size, at most `attachments.maxBytes`.
   */
  readonly maxBodyBytes?: number | undefined;
  /** Told about unexpected failures answered with 500 (not about clients that leave). Default `console.error`. */
  readonly onError?: ((error: unknown) => void) | undefined;
  /**
   * Cross-origin browser access. Default: none (no CORS headers are sent and
   * no preflight is approved), which is right when the page and the
   * endpoint share an origin.
   */
  readonly cors?: CorsConfig | undefined;
  /**
   * After this many milliseconds without a frame, a streaming answer sends an
   * SSE comment (`: keep-alive`) so proxies' idle timeouts do not cut a
   * long tool call. Default 15 000; `0` or `false` turns it off.
   */
  readonly heartbeatMs?: number | false | undefined;
  /** Times the heartbeat. Default `asyncScheduler`; tests pass a virtual one. */
  readonly scheduler?: SchedulerLike | undefined;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_HEARTBEAT_MS = 15_000;

/** {@link HttpHandlerConfig} checked once, when the handler is made. */
export interface ResolvedHttpConfig {
  readonly maxBodyBytes: number;
  /** `undefined`: no heartbeat. */
  readonly heartbeatMs: number | undefined;
  readonly scheduler: SchedulerLike;
  readonly cors: ResolvedCors | undefined;
  readonly report: (error: unknown) => void;
}

/**
 * Checks the options (a `TypeError` naming `caller` and the value on
 * misuse) and fills in the defaults.
 */
export function resolveHttpConfig(config: HttpHandlerConfig | undefined, caller: string): ResolvedHttpConfig {
  if (config === undefined) config = {};
  if (typeof config !== "object" || config === null) {
    throw new TypeError(`${caller}: config must be an object or undefined, got ${describe(config)}`);
  }
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new TypeError(`${caller}: maxBodyBytes must be a positive integer, got ${describe(maxBodyBytes)}`);
  }
  const heartbeat = config.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  if (
    heartbeat !== false &&
    (typeof heartbeat !== "number" || !(heartbeat >= 0) || !Number.isFinite(heartbeat))
  ) {
    throw new TypeError(
      `${caller}: heartbeatMs must be a non-negative number of milliseconds or false, got ${describe(heartbeat)}`,
    );
  }
  const scheduler = config.scheduler ?? asyncScheduler;
  if (typeof scheduler !== "object" || scheduler === null || typeof scheduler.schedule !== "function") {
    throw new TypeError(`${caller}: scheduler must be an RxJS SchedulerLike, got ${describe(scheduler)}`);
  }
  const onError = config.onError ?? ((cause: unknown) => console.error("chatkit-rx HTTP:", cause));
  if (typeof onError !== "function") {
    throw new TypeError(`${caller}: onError must be a function, got ${describe(onError)}`);
  }
  return {
    maxBodyBytes,
    heartbeatMs: heartbeat === false || heartbeat === 0 ? undefined : heartbeat,
    scheduler,
    cors: config.cors === undefined ? undefined : resolveCors(config.cors, caller),
    report: (error) => {
      try {
        onError(error);
      } catch {
        // A failing logger must not take the server down.
      }
    },
  };
}
