import { ChatKitRequestError } from "../errors";
import type { TranscribeHandler } from "../server/serverTypes";
import { mediaTypeOf } from "./attachmentsConfig";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * `input.transcribe` (dictation): the audio decoded and handed to the
 * application's `transcribe`, answered `{ text }` as the reference does.
 * Without a `transcribe`, a 501; audio that is not base64, a 400 naming
 * `params.audio_base64`.
 */
export async function transcribeRequest<TContext>(
  transcribe: TranscribeHandler<TContext> | undefined,
  params: { readonly audio_base64: string; readonly mime_type: string },
  context: TContext,
): Promise<{ text: string }> {
  if (transcribe === undefined) {
    throw new ChatKitRequestError({
      status: 501,
      code: "not_supported",
      field: "type",
      message:
        "input.transcribe: this server does not transcribe; pass { transcribe } to the ChatKitServer constructor",
    });
  }
  const audio = params.audio_base64.replace(/\s+/g, "");
  if (audio === "" || !BASE64.test(audio)) {
    throw new ChatKitRequestError({
      status: 400,
      code: "invalid_request",
      field: "params.audio_base64",
      message: "params.audio_base64: must be non-empty base64 audio",
    });
  }
  const data = new Uint8Array(Buffer.from(audio, "base64"));
  const result = await transcribe(
    { data, mime_type: params.mime_type, media_type: mediaTypeOf(params.mime_type) },
    context,
  );
  if (typeof result?.text !== "string") {
    throw new TypeError(
      `ChatKitServer: transcribe() must answer { text: string }, got ${JSON.stringify(result)}`,
    );
  }
  return { text: result.text };
}
