import type { ChatKitServer } from "../ChatKitServer";
import { describe } from "./describe";

/**
 * Checks an adapter's `server` and `getContext` when the handler is made,
 * so a JavaScript caller's mistake is a `TypeError` naming the adapter, not
 * a 500 on every request. A missing `getContext` gives every request the
 * context `undefined`.
 */
export function checkHandlerArguments<TRequest, TContext>(
  caller: string,
  server: ChatKitServer<TContext>,
  getContext: ((request: TRequest) => TContext | Promise<TContext>) | undefined,
): (request: TRequest) => TContext | Promise<TContext> {
  if (typeof server !== "object" || server === null || typeof server.process !== "function") {
    throw new TypeError(`${caller}: server must be a ChatKitServer, got ${describe(server)}`);
  }
  if (getContext === undefined) return () => undefined as TContext;
  if (typeof getContext !== "function") {
    throw new TypeError(
      `${caller}: getContext must be a function (request) => context, or left out, got ${describe(getContext)}`,
    );
  }
  return getContext;
}
