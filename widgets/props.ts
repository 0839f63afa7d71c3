/**
 * Value shapes shared by several components (colours, spacing, borders,
 * size tokens), mirroring the unexported helper types of `@openai/chatkit`'s
 * `widgets.d.ts`. Object shapes are loose so props the Studio adds survive.
 */
import { z } from "zod";

import { ActionConfigSchema } from "./actions";
import { WidgetIconSchema } from "./icons";

/** A length in px (number) or any CSS length (string). */
export const NumberOrStringSchema = z.union([z.number(), z.string()]);
const numberOrString = NumberOrStringSchema;

export const ThemeColorSchema = z.looseObject({ dark: z.string(), light: z.string() });
export type ThemeColor = z.infer<typeof ThemeColorSchema>;

/** A colour token, a CSS colour, or one colour per theme. */
export const ColorSchema = z.union([z.string(), ThemeColorSchema]);

export const SpacingSchema = z.looseObject({
  top: numberOrString.exactOptional(),
  right: numberOrString.exactOptional(),
  bottom: numberOrString.exactOptional(),
  left: numberOrString.exactOptional(),
  x: numberOrString.exactOptional(),
  y: numberOrString.exactOptional(),
});
export type Spacing = z.infer<typeof SpacingSchema>;

export const BorderSchema = z.looseObject({
  size: z.number(),
  color: ColorSchema.exactOptional(),
  style: z
    .enum(["solid", "dashed", "dotted", "double", "groove", "ridge", "inset", "outset"])
    .exactOptional(),
});
export type Border = z.infer<typeof BorderSchema>;

const numberOrBorder = z.union([z.number(), BorderSchema]);

export const BordersSchema = z.looseObject({
  top: numberOrBorder.exactOptional(),
  right: numberOrBorder.exactOptional(),
  bottom: numberOrBorder.exactOptional(),
  left: numberOrBorder.exactOptional(),
  x: numberOrBorder.exactOptional(),
  y: numberOrBorder.exactOptional(),
});
export type Borders = z.infer<typeof BordersSchema>;

export const RadiusValueSchema = z.enum([
  "2xs",
  "xs",
  "sm",
  "md",
  "lg",
  "xl",
  "2xl",
  "3xl",
  "4xl",
  "full",
  "100%",
  "none",
]);
export const AlignmentSchema = z.enum(["start", "center", "end", "baseline", "stretch"]);
export const JustificationSchema = z.enum([
  "start",
  "center",
  "end",
  "between",
  "around",
  "evenly",
  "stretch",
]);
export const ControlVariantSchema = z.enum(["solid", "soft", "outline", "ghost"]);
export const ControlSizeSchema = z.enum(["3xs", "2xs", "xs", "sm", "md", "lg", "xl", "2xl", "3xl"]);
export const TextAlignSchema = z.enum(["start", "center", "end"]);
export const TextSizeSchema = z.enum(["xs", "sm", "md", "lg", "xl"]);
export const TitleSizeSchema = z.enum(["sm", "md", "lg", "xl", "2xl", "3xl", "4xl", "5xl"]);
export const CaptionSizeSchema = z.enum(["sm", "md", "lg"]);
export const IconSizeSchema = z.enum(["xs", "sm", "md", "lg", "xl", "2xl", "3xl"]);
export const FontWeightSchema = z.enum(["normal", "medium", "semibold", "bold"]);
export const ThemeSchema = z.enum(["light", "dark"]);
export const DirectionSchema = z.enum(["row", "col"]);
export const InputVariantSchema = z.enum(["soft", "outline"]);
export const GutterSizeSchema = z.enum(["2xs", "xs", "sm", "md", "lg", "xl"]);
export const TableCellAlignSchema = z.enum(["start", "center", "end"]);
export const TableColSizeSchema = z.enum(["xs", "sm", "md", "lg", "xl"]);

/** The header line of a `Card` or `ListView`: a favicon or an icon next to some text. */
export const WidgetStatusSchema = z.union([
  z.looseObject({
    text: z.string(),
    favicon: z.string().exactOptional(),
    frame: z.boolean().exactOptional(),
  }),
  z.looseObject({
    text: z.string(),
    icon: WidgetIconSchema.exactOptional(),
  }),
]);
export type WidgetStatus = z.infer<typeof WidgetStatusSchema>;

/** A `Card` footer button (`confirm`, `cancel`). */
export const CardActionSchema = z.looseObject({ label: z.string(), action: ActionConfigSchema });
export type CardAction = z.infer<typeof CardActionSchema>;

/** Every component may carry `key` (list identity for the client) and `id` (target of streaming updates). */
export const identityShape = {
  key: z.string().exactOptional(),
  id: z.string().exactOptional(),
};

/** Sizing props shared by boxes, images and charts (`BlockProps`). */
export const blockShape = {
  height: numberOrString.exactOptional(),
  width: numberOrString.exactOptional(),
  size: numberOrString.exactOptional(),
  minHeight: numberOrString.exactOptional(),
  minWidth: numberOrString.exactOptional(),
  minSize: numberOrString.exactOptional(),
  maxHeight: numberOrString.exactOptional(),
  maxWidth: numberOrString.exactOptional(),
  maxSize: numberOrString.exactOptional(),
  aspectRatio: numberOrString.exactOptional(),
  radius: RadiusValueSchema.exactOptional(),
  margin: z.union([z.number(), z.string(), SpacingSchema]).exactOptional(),
};

/** Flex layout props shared by `Box`, `Row`, `Col` and `Form` (`BoxBaseProps` without `children`). */
export const boxBaseShape = {
  align: AlignmentSchema.exactOptional(),
  justify: JustificationSchema.exactOptional(),
  wrap: z.enum(["nowrap", "wrap", "wrap-reverse"]).exactOptional(),
  flex: numberOrString.exactOptional(),
  gap: numberOrString.exactOptional(),
  padding: z.union([z.number(), z.string(), SpacingSchema]).exactOptional(),
  border: z.union([z.number(), BorderSchema, BordersSchema]).exactOptional(),
  background: ColorSchema.exactOptional(),
  ...blockShape,
};

/** Typography props shared by `Title`, `Caption` and `Text` (`BaseTextProps`). */
export const baseTextShape = {
  value: z.string(),
  color: ColorSchema.exactOptional(),
  weight: FontWeightSchema.exactOptional(),
  textAlign: TextAlignSchema.exactOptional(),
  truncate: z.boolean().exactOptional(),
  maxLines: z.number().exactOptional(),
};
