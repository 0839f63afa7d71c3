/**
 * Reading a request body up to a limit, for both adapters: reading stops at
 * the limit (nothing past it is buffered or even pulled), and a body that
 * breaks off (the client disconnected mid-upload) is an outcome, not a
 * server failure.
 */
import type { IncomingMessage } from "node:http";

export type BodyOutcome =
  | { readonly kind: "body"; readonly bytes: Uint8Array }
  | { readonly kind: "too_large" }
  | { readonly kind: "aborted" };

const TOO_LARGE: BodyOutcome = Object.freeze({ kind: "too_large" });
const ABORTED: BodyOutcome = Object.freeze({ kind: "aborted" });

/**
 * Reads a Node request. Past `limit` it stops listening and pauses the
 * request, so the socket stops being read (TCP pushes back on the sender);
 * the caller answers 413 and closes the connection.
 */
export function readNodeBody(req: IncomingMessage, limit: number): Promise<BodyOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: BodyOutcome): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onAbort);
      req.off("close", onAbort);
      // A late 'error' after we stopped listening must not become an uncaught exception.
      req.on("error", () => undefined);
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        settle(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => settle({ kind: "body", bytes: Buffer.concat(chunks, size) });
    // 'error' ("aborted", ECONNRESET) or 'close' before 'end': the client is gone.
    const onAbort = (): void => settle(ABORTED);
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onAbort);
    req.on("close", onAbort);
  });
}

/**
 * Reads a Web `ReadableStream` body (`request.body`). Past `limit` it
 * cancels the stream, so the runtime stops pulling from the client. A read
 * that fails, or `signal` aborting (runtimes report a client that left
 * either way), is `aborted`.
 */
export async function readStreamBody(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  signal: AbortSignal,
): Promise<BodyOutcome> {
  if (body === null) return { kind: "body", bytes: new Uint8Array(0) };
  const reader = body.getReader();
  const stop = (): void => void reader.cancel().catch(() => undefined);
  if (signal.aborted) {
    stop();
    return ABORTED;
  }
  // Cancelling makes the pending read resolve `done`; `signal.aborted` tells that apart from the end.
  signal.addEventListener("abort", stop, { once: true });
  try {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      let result: Awaited<ReturnType<typeof reader.read>>;
      try {
        result = await reader.read();
      } catch {
        return ABORTED;
      }
      if (signal.aborted) return ABORTED;
      if (result.done) break;
      const chunk: unknown = result.value;
      if (!(chunk instanceof Uint8Array)) {
        stop();
        throw new TypeError(
          `toFetchHandler: the request body must be a stream of bytes, got a chunk of ${typeof chunk}`,
        );
      }
      size += chunk.byteLength;
      if (size > limit) {
        stop();
        return TOO_LARGE;
      }
      chunks.push(chunk);
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return { kind: "body", bytes };
  } finally {
    signal.removeEventListener("abort", stop);
  }
}
