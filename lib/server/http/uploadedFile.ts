import { ChatKitRequestError } from "../../errors";

/** Room for the multipart framing around a file (boundaries, part headers, a long file name). */
export const MULTIPART_OVERHEAD_BYTES = 16 * 1024;

/** Whether a `Content-Type` is `multipart/form-data` (with its boundary parameter). */
export function isMultipart(contentType: string | undefined): boolean {
  return (contentType?.split(";")[0] ?? "").trim().toLowerCase() === "multipart/form-data";
}

/**
 * The `file` field of a `multipart/form-data` body (what the ChatKit web
 * component POSTs to an upload URL), parsed by the runtime's own
 * `Response.formData()` (undici in Node), so no parser dependency: the
 * body was already read up to its limit, so parsing it whole is bounded.
 * A body that is not valid multipart, or has no `file`, is a 400 naming
 * the field.
 */
export async function fileOfMultipart(body: Uint8Array, contentType: string): Promise<Uint8Array> {
  let form: FormData;
  try {
    form = await new Response(body, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new ChatKitRequestError({
      status: 400,
      code: "invalid_request",
      field: "content-type",
      message: "the upload is not a valid multipart/form-data body",
    });
  }
  const file = form.get("file");
  if (file === null || typeof file === "string") {
    throw new ChatKitRequestError({
      status: 400,
      code: "invalid_request",
      field: "file",
      message: "file: the multipart upload has no file field named `file`",
    });
  }
  return new Uint8Array(await file.arrayBuffer());
}
