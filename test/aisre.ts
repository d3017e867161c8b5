/** Runs the real `aisre` command line as a separate process, the way a user does. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { type CommandResult, runCommand } from './processes';

/** The repository root (test/..). */
export const REPO_ROOT = resolve(__dirname, '..');

export interface AisreOptions {
  /** Kill it after this long (default 60 s); the result then says timedOut. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Working directory (default the repository root). */
  cwd?: string;
}

/** The CLI as it ships: the `@aisre/cli` bundle, built by jest's global setup (tools/jest/globalSetup.js). */
export const AISRE_BUNDLE = join(REPO_ROOT, 'cli', 'dist', 'aisre.js');

/** `node cli/dist/aisre.js <args>` in the repo root, stdin closed. */
export function runAisre(args: string[], options: AisreOptions = {}): Promise<CommandResult> {
  if (!existsSync(AISRE_BUNDLE)) {
    throw new Error(`${AISRE_BUNDLE} is missing: run \`npm run build:cli\` (jest's global setup does)`);
  }
  return runCommand(process.execPath, [AISRE_BUNDLE, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    timeoutMs: options.timeoutMs ?? 60_000,
  });
}

/** Parses `aisre impact --format json` output, failing with the command's stderr when it is not JSON. */
export function parseJsonOutput<T>(result: CommandResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `expected JSON on stdout (exit ${result.code}).\nstdout: ${result.stdout.slice(0, 2000)}\nstderr: ${result.stderr.slice(0, 2000)}`
    );
  }
}
