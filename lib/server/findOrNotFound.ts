import { ChatKitRequestError, StoreNotFoundError } from "../errors";

/**
 * Runs a store read for a request; a missing thread or item becomes a 404
 * naming `field` (the request's own name for it), so the client learns
 * which of its ids was wrong and the store's own message stays an excerpt.
 */
export async function findOrNotFound<T>(field: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof StoreNotFoundError)) throw error;
    throw new ChatKitRequestError({
      status: 404,
      code: "not_found",
      field,
      message: `${field}: ${error.message}`,
    });
  }
}
