import type { Annotation } from "../events/threadItems";
import { fileAnnotation, urlAnnotation, type RawCitation } from "./citations";

/** Options of {@link ResponseStreamConverter}. */
export interface ResponseStreamConverterConfig {
  /**
   * How many partial images the image generation tool was asked for (its
   * `partialImages`), so each `generated_image.updated` says how far along
   * the image is. Unknown (default): updates carry no `progress`.
   */
  readonly partialImages?: number | undefined;
}

/** A base64 image the image generation tool produced: a partial one, or the final one. */
export interface Base64Image {
  /** The image generation call's id; the same for its partial images and its final one. */
  readonly imageId: string;
  /** The image, base64-encoded. */
  readonly base64: string;
  /** Which partial image this is, from 0; absent for the final image. */
  readonly partialImageIndex?: number | undefined;
  /** The format the tool reported (`png`, `jpeg`, `webp`...), when it did. */
  readonly format?: string | undefined;
}

const MIME_TYPES: Readonly<Record<string, string>> = {
  png: "image/png",
  jpeg: "image/jpeg",
  jpg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  svg: "image/svg+xml",
};

/** Base64 openings of each format's magic bytes, for an image whose format was not reported. */
const SIGNATURES: readonly (readonly [string, string])[] = [
  ["iVBORw0KGgo", "image/png"],
  ["/9j/", "image/jpeg"],
  ["UklGR", "image/webp"],
  ["R0lGOD", "image/gif"],
];

/** The MIME type of a base64 image: its reported format, else its magic bytes, else PNG. */
export function imageMimeType(image: Pick<Base64Image, "base64" | "format">): string {
  const reported = image.format === undefined ? undefined : MIME_TYPES[image.format.toLowerCase()];
  if (reported !== undefined) return reported;
  return SIGNATURES.find(([prefix]) => image.base64.startsWith(prefix))?.[1] ?? "image/png";
}

/**
 * How a response's model output becomes ChatKit values, one overridable
 * method per conversion: generated images (their URL, their progress) and
 * citations (one method per citation type). Pass a subclass to
 * `streamAgentResponse(context, run, { converter })`.
 *
 * It's the reference SDK's `ResponseStreamConverter`, but the data URL
 * carries the image's real type (the reference labels every image PNG,
 * which a JPEG or WebP from `outputFormat` is not), and without a known
 * number of partial images an update says nothing of its progress rather
 * than 0.
 *
 * @example
 * ```ts
 * class UploadingConverter extends ResponseStreamConverter {
 *   override async base64ImageToUrl(image: Base64Image): Promise<string> {
 *     return bucket.put(`${image.imageId}-${image.partialImageIndex ?? "final"}`, image.base64);
 *   }
 * }
 * ```
 */
export class ResponseStreamConverter {
  readonly partialImages: number | undefined;

  constructor(config: ResponseStreamConverterConfig = {}) {
    const { partialImages } = config;
    if (partialImages !== undefined && !(Number.isInteger(partialImages) && partialImages > 0)) {
      throw new TypeError(
        `new ResponseStreamConverter: partialImages must be a positive integer, got ${String(partialImages)}`,
      );
    }
    this.partialImages = partialImages;
  }

  /**
   * The URL a generated image is shown from. Default: a data URL of its
   * type. Override it to upload the image and return where it lives, so the
   * thread stores a link instead of megabytes of base64 (called once per
   * partial image and once for the final one).
   */
  base64ImageToUrl(image: Base64Image): string | Promise<string> {
    return `data:${imageMimeType(image)};base64,${image.base64}`;
  }

  /**
   * How far along the image is after partial image `partialImageIndex`
   * (from 0), between 0 and 1; `undefined` leaves it out. Default: with
   * `partialImages` known, the share of the steps done, the final image
   * being the last step (`(index + 1) / (partialImages + 1)`).
   */
  partialImageProgress(partialImageIndex: number): number | undefined {
    if (this.partialImages === undefined) return undefined;
    return Math.min(1, (partialImageIndex + 1) / (this.partialImages + 1));
  }

  /** A `file_citation`: a file source titled with its filename; `undefined` without one. */
  fileCitationToAnnotation(citation: RawCitation): Annotation | undefined {
    return fileAnnotation(citation.filename, citation.index);
  }

  /** A `container_file_citation`: as a file citation, at the cited span's end. */
  containerFileCitationToAnnotation(citation: RawCitation): Annotation | undefined {
    return fileAnnotation(citation.filename, citation.end_index);
  }

  /** A `url_citation`: a URL source with its title, at the cited span's end. */
  urlCitationToAnnotation(citation: RawCitation): Annotation | undefined {
    return urlAnnotation(citation);
  }

  /** Dispatches a raw annotation on its type; `undefined` for one ChatKit cannot show. */
  annotation(raw: unknown): Annotation | undefined {
    if (typeof raw !== "object" || raw === null) return undefined;
    const citation = raw as RawCitation;
    switch (citation.type) {
      case "file_citation":
        return this.fileCitationToAnnotation(citation);
      case "container_file_citation":
        return this.containerFileCitationToAnnotation(citation);
      case "url_citation":
        return this.urlCitationToAnnotation(citation);
      default:
        return undefined;
    }
  }
}
