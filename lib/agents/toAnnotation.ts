import type { Annotation } from "../events/threadItems";

/**
 * A Responses output-text annotation (`file_citation`, `url_citation`,
 * `container_file_citation`) as a ChatKit citation, or `undefined` for one
 * ChatKit cannot show (another type, or a file citation without a filename).
 *
 * As the reference SDK converts them: files are `FileSource`s titled with
 * their filename, URLs are `URLSource`s with their title; `index` is where
 * the citation sits in the text (a file citation's `index`, else the cited
 * span's `end_index`).
 */
export function toAnnotation(raw: unknown): Annotation | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const annotation = raw as Record<string, unknown>;
  const index = (value: unknown): { index?: number } =>
    typeof value === "number" && Number.isInteger(value) ? { index: value } : {};
  switch (annotation.type) {
    case "file_citation":
    case "container_file_citation": {
      const filename = annotation.filename;
      if (typeof filename !== "string" || filename === "") return undefined;
      return {
        type: "annotation",
        source: { type: "file", filename, title: filename },
        ...index(annotation.type === "file_citation" ? annotation.index : annotation.end_index),
      };
    }
    case "url_citation": {
      const { url, title } = annotation;
      if (typeof url !== "string") return undefined;
      return {
        type: "annotation",
        source: { type: "url", url, title: typeof title === "string" ? title : url },
        ...index(annotation.end_index),
      };
    }
    default:
      return undefined;
  }
}
