import { z } from "zod";

/**
 * Icon names the ChatKit client renders, in the order `@openai/chatkit`
 * publishes them (`WidgetIcon` in its `widgets.d.ts`). A name outside this
 * list is rejected by parsing because the client would render nothing.
 */
export const WIDGET_ICON_NAMES = [
  "agent",
  "analytics",
  "atom",
  "batch",
  "bolt",
  "book-open",
  "book-closed",
  "book-clock",
  "bug",
  "calendar",
  "chart",
  "check",
  "check-circle",
  "check-circle-filled",
  "chevron-left",
  "chevron-right",
  "circle-question",
  "compass",
  "confetti",
  "cube",
  "desktop",
  "document",
  "dot",
  "dots-horizontal",
  "dots-vertical",
  "empty-circle",
  "external-link",
  "globe",
  "keys",
  "lab",
  "images",
  "info",
  "lifesaver",
  "lightbulb",
  "mail",
  "map-pin",
  "maps",
  "mobile",
  "name",
  "notebook",
  "notebook-pencil",
  "page-blank",
  "phone",
  "play",
  "plus",
  "profile",
  "profile-card",
  "reload",
  "star",
  "star-filled",
  "search",
  "sparkle",
  "sparkle-double",
  "square-code",
  "square-image",
  "square-text",
  "suitcase",
  "settings-slider",
  "user",
  "wreath",
  "write",
  "write-alt",
  "write-alt2",
] as const;

export const WidgetIconSchema = z.enum(WIDGET_ICON_NAMES, {
  // The default message lists all the names, which buries the one that was wrong.
  error: (issue) =>
    `expected a ChatKit icon name (see WIDGET_ICON_NAMES), got ${JSON.stringify(issue.input)}`,
});
export type WidgetIcon = z.infer<typeof WidgetIconSchema>;
