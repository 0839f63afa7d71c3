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
}

export function decodeStudioState(encodedWidget: string | null | undefined): StudioState {
  if (typeof encodedWidget !== "string" || encodedWidget.length === 0) return {};
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(encodedWidget, "base64url").toString("utf8"));
  } catch {
    return {};
  }
  if (!isJsonObject(decoded)) return {};
  const defaultState = decoded["defaultState"];
  return isJsonObject(defaultState) ? { defaultState } : {};
}
