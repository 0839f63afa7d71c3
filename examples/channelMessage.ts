import { z } from "zod";
import { WidgetTemplate } from "chatkit-rx";

/**
 * The seed's channel-message widget, exported from the Studio and committed
 * next to the code. A zod schema types `build`'s data (the file's own
 * `jsonSchema` is checked too).
 */
export const ChannelMessageData = z.object({
  user_name: z.string(),
  channel: z.string(),
  message: z.string(),
  streaming: z.boolean().optional(),
  reactions: z.array(z.object({ emoji: z.string(), count: z.number().int(), mine: z.boolean() })).optional(),
});

export const channelMessage = WidgetTemplate.fromFile("widgets/channel_message.widget", {
  baseDir: __dirname,
  schema: ChannelMessageData,
});

/** A thread to stream into; a real server takes it from its store. */
export const exampleThread = { id: "thr_example" };
