import { asyncScheduler } from "rxjs";

import { ServerAttachments } from "../attachments/ServerAttachments";
import { LocalThreadLocks } from "./LocalThreadLocks";
import { MemoryStore } from "./MemoryStore";
import type { ChatKitServerConfig } from "./serverTypes";
import type { Store } from "./Store";
import type { ThreadLocks } from "./ThreadLocks";

/** A {@link ChatKitServerConfig} with every default filled in and every number checked. */
export interface ResolvedServerConfig<TContext> {
  readonly store: Store<TContext>;
  readonly attachments: ServerAttachments<TContext> | undefined;
  readonly pageSize: number;
  readonly maxPageSize: number;
  readonly locks: ThreadLocks;
  readonly busyWaitMs: number;
  readonly now: () => number;
  /** `onError`, or `console.error`; a throwing `onError` is ignored (a failing logger must not break a stream). */
  readonly report: (error: unknown) => void;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`ChatKitServer: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * The defaults of a {@link ChatKitServerConfig} filled in, so a misconfigured
 * server fails when it is built (a `TypeError` naming the option) rather
 * than on its first request.
 */
export function resolveServerConfig<TContext>(
  config: ChatKitServerConfig<TContext>,
): ResolvedServerConfig<TContext> {
  const store: Store<TContext> = config.store ?? new MemoryStore<TContext>();
  const pageSize = positiveInteger(config.pageSize ?? 20, "pageSize");
  const maxPageSize = positiveInteger(config.maxPageSize ?? Math.max(100, pageSize), "maxPageSize");
  if (maxPageSize < pageSize) {
    throw new TypeError(
      `ChatKitServer: maxPageSize (${maxPageSize}) must be at least pageSize (${pageSize})`,
    );
  }
  const locks = config.threadLocks ?? store.threadLocks ?? new LocalThreadLocks();
  const busyWaitMs = config.threadBusyWaitMs ?? 30_000;
  if (!Number.isFinite(busyWaitMs) || busyWaitMs < 0) {
    throw new TypeError(
      `ChatKitServer: threadBusyWaitMs must be a number of milliseconds >= 0, got ${String(busyWaitMs)}`,
    );
  }
  const now = config.now ?? (() => asyncScheduler.now());
  const attachments =
    config.attachments === undefined
      ? undefined
      : new ServerAttachments(store, config.attachments, now, { locks, waitMs: busyWaitMs });
  const report = (error: unknown): void => {
    const onError = config.onError ?? ((cause: unknown) => console.error("ChatKitServer:", cause));
    try {
      onError(error);
    } catch {
      // A failing logger must not break the stream.
    }
  };
  return { store, attachments, pageSize, maxPageSize, locks, busyWaitMs, now, report };
}
