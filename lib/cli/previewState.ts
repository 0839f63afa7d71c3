import { checkWidget } from "../../widgets/checkWidget";
import { WidgetTemplate } from "../../widgets/template/WidgetTemplate";
import { describe, displayPath, readDataFile } from "./widgetFiles";

/** What the preview page draws: the widget (and `check`'s warnings about it), or the error `check`/`render` print. */
export type PreviewState =
  | { readonly file: string; readonly widget: unknown; readonly warnings: readonly string[] }
  | { readonly file: string; readonly error: string };

/**
 * Loads and builds one widget file for `chatkit-rx preview`, with the
 * Studio's default data or the data file. Failures become the very line
 * `check` prints for them (or `render`, for a data file), so the page and
 * the terminal say the same thing.
 *
 * @param file The `.widget` file.
 * @param dataFile A JSON file with the data, instead of the Studio's default data.
 */
export async function previewState(file: string, dataFile?: string): Promise<PreviewState> {
  const shown = displayPath(file);
  const error = (message: string): PreviewState => ({ file: shown, error: `${shown}: error: ${message}` });
  let template: WidgetTemplate;
  try {
    template = await WidgetTemplate.fromFileAsync(file);
  } catch (failure) {
    return error(describe(failure));
  }
  const outputPreview = template.definition.outputJsonPreview;
  if (dataFile === undefined && template.defaultData === undefined && outputPreview != null) {
    // No data to render with: show what the Studio showed, as `check` then checks that instead.
    const warnings = checkWidget(outputPreview).map(
      (warning) => `${shown}: warning: outputJsonPreview ${warning.path}: ${warning.message}`,
    );
    return { file: shown, widget: outputPreview, warnings };
  }
  let data: object;
  try {
    data = dataFile === undefined ? (template.defaultData ?? {}) : readDataFile(dataFile);
  } catch (failure) {
    return error(describe(failure));
  }
  const built = template.safeBuild(data);
  if (!built.success) {
    return error(
      dataFile === undefined
        ? `rendering the Studio's default data failed: ${built.error.detail}`
        : built.error.detail,
    );
  }
  const warnings = checkWidget(built.widget).map(
    (warning) => `${shown}: warning: ${warning.path}: ${warning.message}`,
  );
  return { file: shown, widget: built.widget, warnings };
}
