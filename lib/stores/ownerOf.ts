import type { OwnerOf } from "../server/Store";

/** The owner every caller shares when a store is given no {@link OwnerOf} function. */
export const SHARED_OWNER = "";

/**
 * The owner of the caller, checked: an owner function that returns anything
 * but a non-empty string would silently put threads in a space nobody (or
 * everybody) can see, so it is misuse and throws at once.
 */
export function ownerOf<TContext>(
  owner: OwnerOf<TContext> | undefined,
  context: TContext,
  storeName: string,
): string {
  if (owner === undefined) return SHARED_OWNER;
  const value: unknown = owner(context);
  if (typeof value !== "string" || value === "") {
    throw new TypeError(
      `${storeName}: the owner function returned ${JSON.stringify(value) ?? typeof value}; ` +
        `it must return a non-empty string (the user or tenant the request is for)`,
    );
  }
  return value;
}
