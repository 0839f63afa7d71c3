import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { isJsonObject } from "../../widgets/json";
import { WidgetTemplateError } from "../errors";

/** A path as the user would type it: relative to the working directory when it is inside it. */
export function displayPath(file: string): string {
  const shown = relative(process.cwd(), file);
  return shown.startsWith("..") ? file : shown;
}

/** A `--data` file that cannot be read, is not JSON, or is not an object. */
export class DataFileError extends Error {
  override readonly name = "DataFileError";
}

export function readDataFile(path: string): object {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new DataFileError(`cannot read the data file ${path}: ${(error as Error).message}`);
  }
  if (!isJsonObject(data)) {
    throw new DataFileError(`the data file ${path} must hold a JSON object`);
  }
  return data;
}

/** The text the command line prints for an expected failure; anything else is a bug and is rethrown. */
export function describe(error: unknown): string {
  if (error instanceof WidgetTemplateError) return error.detail;
  if (error instanceof DataFileError || error instanceof TypeError) return error.message;
  throw error;
}
