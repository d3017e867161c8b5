/** Exit codes of `aisre`: 2 for a command line that cannot be run, 1 when the data source fails. */
export const EXIT_USAGE = 2;
export const EXIT_DATA_SOURCE = 1;

/** The user asked for something that cannot be run (bad flag, bad time, bad selector). */
export class UsageError extends Error {
  readonly exitCode = EXIT_USAGE;
}

/** The metrics backend could not answer (down, 4xx/5xx, timed out, answered nonsense). */
export class DataSourceError extends Error {
  readonly exitCode = EXIT_DATA_SOURCE;
}
