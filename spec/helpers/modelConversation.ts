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
