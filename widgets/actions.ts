import { z } from "zod";

/**
 * What a widget sends back when the user clicks, submits or changes
 * something (`onClickAction`, `onSubmitAction`, `onChangeAction`,
 * `Card.confirm.action`, `Card.cancel.action`).
 *
 * `handler`, `loadingBehavior` and `streaming` come from the ChatKit
 * protocol; `@openai/chatkit` 1.9 only types `type` and `payload`. They are
 * optional, so both types stay mutually assignable.
 */
export const ActionConfigSchema = z.looseObject({
  type: z.string(),
  payload: z.record(z.string(), z.unknown()).exactOptional(),
  handler: z.enum(["server", "client"]).exactOptional(),
  loadingBehavior: z.enum(["auto", "none", "self", "container"]).exactOptional(),
  streaming: z.boolean().exactOptional(),
});
export type ActionConfig = z.infer<typeof ActionConfigSchema>;
