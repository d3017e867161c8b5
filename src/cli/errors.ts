/** Exit codes of `aisre`: 2 for a command line that cannot be run, 1 when the data source (or anything else) fails. */
export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

/** The user asked for something that cannot be run (bad flag, bad time, bad selector). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
