import { z } from "zod";

/**
 * What a widget sends back when the user clicks, submits or changes
 * something (`onClickAction`, `onSubmitAction`, `onChangeAction`,
 * `Card.confirm.action`, `Card.cancel.action`).
 *
 * `handler`, `loadingBehavior` and `streaming` come from the ChatKit
 * protocol; `@openai/chatkit` 1.9 only types `type` and `payload`.
 *
 * `payload` is any JSON value, as the reference SDK types it (`payload: Any
 * = None` in `chatkit/actions.py`; its client sends `"payload": null` for an
 * action without one), not only the object `@openai/chatkit` 1.9 declares:
 * a widget may carry a bare id, a list or `null`, and a request with one
 * must not be refused. Only an object payload can take a form's values
 * (see `applyFormValues`).
 */
export const ActionConfigSchema = z.looseObject({
  type: z.string(),
  payload: z.unknown().optional(),
  handler: z.enum(["server", "client"]).exactOptional(),
  loadingBehavior: z.enum(["auto", "none", "self", "container"]).exactOptional(),
  streaming: z.boolean().exactOptional(),
});
export type ActionConfig = z.infer<typeof ActionConfigSchema>;
