import type { WidgetErrorContext } from "../errors";

/** A template compiled once; `render` runs it against data and returns the raw text (JSON, if the template is right). */
export interface CompiledTemplate {
  render(data: Readonly<Record<string, unknown>>): string;
  /**
   * `render` and `JSON.parse` in one, for engines that can do it cheaper:
   * `value` deep-equals `JSON.parse(render(data))`, key order included;
   * when that text is not valid JSON, `{ ok: false, text }` holds exactly
   * `render(data)`. Throws exactly what `render` throws.
   */
  renderParsed?(data: Readonly<Record<string, unknown>>): RenderParsedResult;
  /**
   * A `renderParsed` for one stream of renders (one widget rebuilt token
   * after token), which keeps what makes its next render cheap with it
   * rather than in a cache every stream of the template shares: however
   * many streams render the template at once, each keeps its own. Made once
   * per stream and dropped with it; nothing outlives it.
   */
  streamRenderer?(): StreamRenderer;
}

/** What `CompiledTemplate.streamRenderer` makes: `renderParsed`, remembering this stream's last render. */
export interface StreamRenderer {
  renderParsed(data: Readonly<Record<string, unknown>>): RenderParsedResult;
}

/** What `renderParsed` returns: the parsed value, or the text that is not JSON. */
export type RenderParsedResult =
  | {
      readonly ok: true;
      readonly value: unknown;
      /** True when `value` holds no `null` at any depth, so dropping nulls has nothing to do; may be left out. */
      readonly nullFree?: boolean;
    }
  | { readonly ok: false; readonly text: string };

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
