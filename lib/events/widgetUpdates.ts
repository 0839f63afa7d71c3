/**
 * The three widget updates a `thread.item.updated` event can carry for a
 * widget item (PROTOCOL §3). Keys are the wire format (snake_case); the
 * widget props inside `widget`/`component` are untouched camelCase.
 */
import { z } from "zod";

import {
  componentNodeSchema,
  WIDGET_COMPONENT_TYPES,
  WIDGET_ROOT_TYPES,
  WidgetRootSchema,
  type ListViewItem,
  type WidgetComponent,
  type WidgetRoot,
} from "../../widgets/components";

/**
 * What `widget.component.updated` may carry: any node that can hold an `id`
 * below the root, so a `ListViewItem`, or a root nested in a `Basic`, as
 * well as the published `WidgetComponent` union. As with `children`, a
 * known `type` is checked against its own schema and an unknown `type`
 * passes untouched (a widget built for a newer client must still reach it).
 */
export type UpdatedComponent = WidgetComponent | ListViewItem | WidgetRoot;

export const UpdatedComponentSchema = componentNodeSchema({
  expected: "a component",
  allowedTypes: new Set<string>([...WIDGET_COMPONENT_TYPES, ...WIDGET_ROOT_TYPES]),
}) as z.ZodType<UpdatedComponent>;

/** Append `delta` to the `value` of the `Text`/`Markdown` whose `id` is `component_id`; `done` once it stops streaming. */
export const StreamingTextValueDeltaSchema = z.object({
  type: z.literal("widget.streaming_text.value_delta"),
  component_id: z.string(),
  delta: z.string(),
  done: z.boolean(),
});
export type StreamingTextValueDelta = z.infer<typeof StreamingTextValueDeltaSchema>;

/** Replace the whole widget. */
export const WidgetRootUpdatedSchema = z.object({
  type: z.literal("widget.root.updated"),
  widget: WidgetRootSchema,
});
export type WidgetRootUpdated = z.infer<typeof WidgetRootUpdatedSchema>;

/** Replace the one component whose `id` is `component_id`. */
export const WidgetComponentUpdatedSchema = z.object({
  type: z.literal("widget.component.updated"),
  component_id: z.string(),
  component: UpdatedComponentSchema,
});
export type WidgetComponentUpdated = z.infer<typeof WidgetComponentUpdatedSchema>;

/** Any update of a widget item, discriminated on `type`. */
export const WidgetUpdateSchema = z.discriminatedUnion("type", [
  StreamingTextValueDeltaSchema,
  WidgetRootUpdatedSchema,
  WidgetComponentUpdatedSchema,
]);
export type WidgetUpdate = z.infer<typeof WidgetUpdateSchema>;

/** The `type` tags of {@link WidgetUpdate}. */
export type WidgetUpdateType = WidgetUpdate["type"];
