import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes of `aisre` and how it reads flags: 2 for a command line that cannot be run, 1 when the data source (or anything else) fails. */
export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

/** The user asked for something that cannot be run (bad flag, bad time, bad selector). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type FlagOptions = NonNullable<ParseArgsConfig['options']>;

/** A command's flags (no positionals); an unknown or malformed flag is a UsageError that shows the command's usage. */
export function parseFlags<T extends FlagOptions>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
}

/** A positive number flag (default `fallback`), at most `max`: zero, negative, NaN or too large is a UsageError. */
export function parseNumber(
  value: string | undefined,
  flag: string,
  fallback: number,
  { max, integer = false }: { max: number; integer?: boolean }
): number {
  if (value === undefined) {
    return fallback;
  }
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} must be a positive ${integer ? 'integer' : 'number'}, not '${value}'`);
  }
  if (n > max) {
    throw new UsageError(`${flag} must be at most ${max}, not '${value}'`);
  }
  return n;
}
