/** A user's message as a ChatKit request's `params.input` carries it: text only, no attachments. */
export const input = (text: string) => ({
  content: [{ type: "input_text", text }],
  attachments: [],
  inference_options: {},
});
