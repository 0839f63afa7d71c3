import type { WidgetErrorContext } from "../../lib/errors";

/** A template compiled once; `render` runs it against data and returns the raw text (JSON, if the template is right). */
export interface CompiledTemplate {
  render(data: Readonly<Record<string, unknown>>): string;
}

/**
 * A template language. Engines throw the library's own errors
 * (`TemplateSyntaxError` from `compile`; `TemplateUndefinedError` or
 * `TemplateRenderError` from `render`) carrying the context they were given,
 * so a failure always names the widget and file.
 */
export interface TemplateEngine {
  readonly name: "jinja" | "handlebars";
  compile(source: string, context: WidgetErrorContext): CompiledTemplate;
}
