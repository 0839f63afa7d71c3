import { isJsonObject } from "../json";

/**
 * What we can read from a Studio export's `encodedWidget` (base64url JSON of
 * the Studio's working copy). Hand-written files sometimes hold something
 * else there (PROTOCOL §1), so every read is defensive: anything
 * unreadable is simply "no default state", never an error.
 */
export interface StudioState {
  /** The Studio's default data: what `outputJsonPreview` was rendered from. */
  readonly defaultState?: Readonly<Record<string, unknown>>;
  /** Why there is no `defaultState`, for tools that report what they could not check. */
  readonly problem?: string;
}

export function decodeStudioState(encodedWidget: string | null | undefined): StudioState {
  if (typeof encodedWidget !== "string" || encodedWidget.length === 0) {
    return {
      problem: "the file has no encodedWidget (the Studio's working copy, which holds the default data)",
    };
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(encodedWidget, "base64url").toString("utf8"));
  } catch (error) {
    return { problem: `its encodedWidget cannot be decoded as base64url JSON (${(error as Error).message})` };
  }
  if (!isJsonObject(decoded)) return { problem: "its encodedWidget does not hold a JSON object" };
  const defaultState = decoded["defaultState"];
  return isJsonObject(defaultState)
    ? { defaultState }
    : { problem: "its encodedWidget has no defaultState object (the Studio's default data)" };
}
