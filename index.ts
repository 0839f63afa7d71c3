/**
 * chatkit-rx: the one public entry point. Every export is named here on
 * purpose (no `export *`), so the public surface is reviewed, not accidental;
 * `spec/index.spec.ts` pins the list.
 */
export {
  ChatKitRxError,
  WidgetTemplateError,
  WidgetFileError,
  TemplateSyntaxError,
  TemplateUndefinedError,
  TemplateRenderError,
  TemplateOutputError,
  WidgetRootError,
  WidgetDataError,
} from "./lib/errors";
export type { WidgetErrorContext, TemplatePosition, DataIssue } from "./lib/errors";
