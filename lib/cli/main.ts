import { parseArgs } from "node:util";
import { checkWidget } from "../../widgets/checkWidget";
import { findOutputsInJsonStrings } from "../../widgets/template/outputsInJsonStrings";
import { decodeStudioState } from "../../widgets/template/studioState";
import { WidgetTemplate } from "../../widgets/template/WidgetTemplate";
import { firstDifference } from "./firstDifference";
import { preview, PREVIEW_USAGE } from "./preview";
import { parsing, UsageError, type ConsoleOutput } from "./usage";
import { describe, displayPath, readDataFile } from "./widgetFiles";

const USAGE = `Usage:
  chatkit-rx check [--strict] <file.widget...>
      Load, compile and render each file with the Studio's default data (checked against
      its jsonSchema), compare with its outputJsonPreview and validate the widget. Warns
      about what it could not check and about expressions printed inside JSON strings.
      One line per problem; exit code 1 if any error (with --strict, any warning too).
  chatkit-rx render <file.widget> [--data data.json]
      Print the widget JSON built from the data (default: the Studio's default data),
      checked against the file's jsonSchema.
${PREVIEW_USAGE}`;

export type { ConsoleOutput } from "./usage";

const processOutput: ConsoleOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Runs the command line; resolves to the exit code (0 ok, 1 problems found, 2 usage error). */
export async function main(argv: readonly string[], output: ConsoleOutput = processOutput): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "check":
        return await check(rest, output);
      case "render":
        return render(rest, output);
      case "preview":
        return await preview(rest, output);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        output.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        output.err(`chatkit-rx: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`chatkit-rx ${command}: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

async function check(args: readonly string[], output: ConsoleOutput): Promise<number> {
  const { values, positionals } = parsing(() =>
    parseArgs({ args: [...args], options: { strict: { type: "boolean" } }, allowPositionals: true }),
  );
  if (positionals.length === 0) throw new UsageError("name at least one .widget file");
  let errors = 0;
  let warnings = 0;
  const report = (file: string, level: "error" | "warning", message: string) => {
    if (level === "error") errors++;
    else warnings++;
    output.out(`${displayPath(file)}: ${level}: ${message}`);
  };
  for (const file of positionals) {
    let template: WidgetTemplate;
    try {
      // The Studio's default data should fit the Studio's own schema: checking that is what `check` is for.
      template = await WidgetTemplate.fromFileAsync(file, { validate: true });
    } catch (error) {
      report(file, "error", describe(error));
      continue;
    }
    checkTemplate(template, (level, message) => report(file, level, message));
  }
  const failed = errors > 0 || (values.strict === true && warnings > 0);
  output.err(
    `checked ${positionals.length} file${positionals.length === 1 ? "" : "s"}: ` +
      `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`,
  );
  return failed ? 1 : 0;
}

type Report = (level: "error" | "warning", message: string) => void;

/** Everything `check` says about one loaded template, including what it could not check. */
function checkTemplate(template: WidgetTemplate, report: Report): void {
  const { definition, defaultData } = template;
  for (const output of findOutputsInJsonStrings(definition.template, template.engine)) {
    const where =
      output.line === undefined ? "template" : `template line ${output.line}, column ${output.column}`;
    report("warning", `${where}: ${output.message}`);
  }
  const preview = definition.outputJsonPreview ?? undefined;
  if (defaultData === undefined) {
    const { problem = "there is no default data" } = decodeStudioState(definition.encodedWidget);
    report("warning", `not rendered: ${problem}, so the template's output was not checked`);
    if (preview === undefined) return;
    for (const warning of checkWidget(preview, { root: true })) {
      report(
        "warning",
        `outputJsonPreview ${warning.path === "" ? "" : `${warning.path}: `}${warning.message}`,
      );
    }
    return;
  }
  const built = template.safeBuild(defaultData);
  if (!built.success) {
    report("error", `rendering the Studio's default data failed: ${built.error.detail}`);
    return;
  }
  if (preview === undefined) {
    report("warning", "no outputJsonPreview: the rendered widget was not compared with the Studio's");
  } else {
    const difference = firstDifference(preview, built.widget);
    if (difference !== undefined) {
      report(
        "error",
        `the widget rendered from the default data differs from outputJsonPreview at ${difference.path}: ` +
          `preview has ${JSON.stringify(difference.expected) ?? "nothing"}, rendered ${JSON.stringify(difference.actual) ?? "nothing"}`,
      );
    }
  }
  for (const warning of checkWidget(built.widget)) report("warning", `${warning.path}: ${warning.message}`);
}

function render(args: readonly string[], output: ConsoleOutput): number {
  const { values, positionals } = parsing(() =>
    parseArgs({ args: [...args], options: { data: { type: "string", short: "d" } }, allowPositionals: true }),
  );
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError("name exactly one .widget file");
  try {
    const template = WidgetTemplate.fromFile(file, { validate: true });
    const data = typeof values.data === "string" ? readDataFile(values.data) : template.defaultData;
    output.out(JSON.stringify(template.build(data ?? {}), null, 2));
    return 0;
  } catch (error) {
    output.err(`${displayPath(file)}: error: ${describe(error)}`);
    return 1;
  }
}
