/** Where the command line writes; injectable so that it can be driven in-process too. */
export interface ConsoleOutput {
  out(line: string): void;
  err(line: string): void;
}

/** A command used wrongly (exit code 2, with the usage text). */
export class UsageError extends Error {}

/** Runs `parseArgs`, turning its complaints into usage errors (exit code 2). */
export function parsing<T>(parseArguments: () => T): T {
  try {
    return parseArguments();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
