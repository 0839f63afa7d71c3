import type { Annotation } from "../events/threadItems";

// The reference SDK's citation conversions; `ResponseStreamConverter` calls them per citation type.

/** The fields of a Responses citation that ChatKit uses (`file_citation`, `url_citation`, `container_file_citation`). */
export interface RawCitation {
  readonly type?: unknown;
  readonly filename?: unknown;
  readonly url?: unknown;
  readonly title?: unknown;
  readonly index?: unknown;
  readonly end_index?: unknown;
}

const indexOf = (value: unknown): { index?: number } =>
  typeof value === "number" && Number.isInteger(value) ? { index: value } : {};

/**
 * A file or container-file citation as a `FileSource` titled with its
 * filename, at `index`; `undefined` without a filename (ChatKit cannot show it).
 */
export function fileAnnotation(filename: unknown, index: unknown): Annotation | undefined {
  if (typeof filename !== "string" || filename === "") return undefined;
  return { type: "annotation", source: { type: "file", filename, title: filename }, ...indexOf(index) };
}

/** A URL citation as a `URLSource` (titled with its URL when it has no title), at the cited span's end. */
export function urlAnnotation(citation: RawCitation): Annotation | undefined {
  const { url, title } = citation;
  if (typeof url !== "string") return undefined;
  return {
    type: "annotation",
    source: { type: "url", url, title: typeof title === "string" ? title : url },
    ...indexOf(citation.end_index),
  };
}
