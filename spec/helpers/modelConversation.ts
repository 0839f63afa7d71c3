/** Only what a conversation is made of (the Runner adds ids and provider data to what it sends). */
export function conversation(requestInput: unknown): unknown[] {
  return (requestInput as Record<string, unknown>[]).map((item) => {
    if (item["role"] === "user" || item["role"] === "assistant") {
      const { role, content, status } = item;
      return status === undefined ? { role, content } : { role, status, content };
    }
    const { type, callId, name, arguments: args, output } = item;
    return {
      type,
      callId,
      name,
      ...(args === undefined ? {} : { arguments: args }),
      ...(output === undefined ? {} : { output }),
    };
  });
}

/** A user's message as the model receives it (what {@link conversation} keeps of it). */
export const user = (text: string) => ({ role: "user", content: [{ type: "input_text", text }] });

/** An answer of the model's as the next request gives it back. */
export const assistant = (text: string) => ({
  role: "assistant",
  status: "completed",
  content: [{ type: "output_text", text }],
});
