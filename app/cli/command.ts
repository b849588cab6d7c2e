import { parseArgs, type ParseArgsConfig } from "node:util";

export interface Command {
  usage: string;
  run(argv: string[]): Promise<void>;
}

/** A usage or input error: printed without a stack trace, exit code 2. */
export class CliError extends Error {}

export function parseOptions<T extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}
