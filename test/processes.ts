/**
 * Child processes for the integration harness: long-running servers in their own process group
 * (so stop() takes down everything they spawned) and one-shot commands, both keeping the tail of
 * their output so a failure can say what the binary said.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { httpRequest, waitFor } from './http';
import { freePort } from './ports';

const TAIL_CHARS = 4000;

/** Keeps the last few thousand characters a process wrote, for error messages. */
class OutputTail {
  private text = '';

  append(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-TAIL_CHARS);
  }

  toString(): string {
    return this.text.trim();
  }
}

/** Thrown when a binary the harness needs is not installed; .ci/run installs them. */
export class MissingBinaryError extends Error {}

export interface ServerProcess {
  child: ChildProcess;
  output: OutputTail;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<string>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** SIGTERM to the whole process group, SIGKILL after a grace period; resolves when it exited. */
  stop(): Promise<void>;
}

/** How to install a binary, for the error message when it is missing. */
const INSTALL_HINT: Record<string, string> = {
  prometheus: 'apt-get install -y --no-install-recommends prometheus',
  promtool: 'apt-get install -y --no-install-recommends prometheus',
  'victoria-metrics': 'apt-get install -y --no-install-recommends victoria-metrics',
};

function missingBinary(command: string): MissingBinaryError {
  const base = command.split('/').pop() ?? command;
  const hint = INSTALL_HINT[base] ? ` (install it with: ${INSTALL_HINT[base]}; .ci/run does)` : '';
  return new MissingBinaryError(`'${command}' is not installed or not on PATH${hint}`);
}

/** Starts a server process in its own process group. Rejects if the binary cannot be started. */
export async function startServerProcess(command: string, args: string[], label: string): Promise<ServerProcess> {
  const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = new OutputTail();
  child.stdout?.on('data', (chunk: Buffer) => output.append(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.append(chunk));
  let exitedFlag = false;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      resolve(signal ? `signal ${signal}` : `exit code ${code}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (error: NodeJS.ErrnoException) => {
      exitedFlag = true;
      reject(
        error.code === 'ENOENT'
          ? missingBinary(command)
          : new Error(`${label}: cannot start ${command}: ${error.message}`)
      );
    });
  });
  const stop = async () => {
    if (exitedFlag || child.pid === undefined) {
      return;
    }
    signalGroup(child.pid, 'SIGTERM');
    const killTimer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(killTimer);
  };
  return { child, output, exited, hasExited: () => exitedFlag, stop };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the command (its whole process group) after this long; the result says timedOut. */
  timeoutMs?: number;
}

/** Runs a command to completion with stdin closed, collecting all of its output. */
export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            if (child.pid !== undefined) {
              signalGroup(child.pid, 'SIGKILL');
            }
          }, options.timeoutMs);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error.code === 'ENOENT' ? missingBinary(command) : error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString(),
        stderr: Buffer.concat(stderr).toString(),
        timedOut,
      });
    });
  });
}

/** Runs a command that must succeed; the error carries its output when it does not. */
export async function runOrThrow(command: string, args: string[], options: RunOptions = {}): Promise<CommandResult> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    const why = result.timedOut
      ? `timed out after ${options.timeoutMs} ms`
      : `exited with ${result.code ?? result.signal}`;
    const tail = `${result.stderr}\n${result.stdout}`.trim().slice(-TAIL_CHARS);
    throw new Error(`${command} ${args.join(' ')} ${why}:\n${tail}`);
  }
  return result;
}

/** Tries when another process takes the picked port between freePort() and the server's bind. */
const PORT_ATTEMPTS = 3;

/**
 * Starts a server binary on a free loopback port and waits until `healthPath` answers 200. A port taken between
 * the pick and the bind is retried with another; any other failure stops the server and carries its output.
 */
export async function startOnFreePort(
  command: string,
  args: (port: number) => string[],
  label: string,
  healthPath: string,
  readyTimeoutMs: number
): Promise<{ url: string; server: ServerProcess }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = await startServerProcess(command, args(port), label);
    try {
      await waitFor(
        async () => {
          if (server.hasExited()) {
            throw new Error(`${label} exited (${await server.exited})`);
          }
          return (await httpRequest(`${url}${healthPath}`, { timeoutMs: 2000 })).status === 200;
        },
        readyTimeoutMs,
        () => `${label} on ${url} not ready within ${readyTimeoutMs} ms`
      );
      return { url, server };
    } catch (error) {
      await server.stop();
      const tail = server.output.toString();
      if (attempt < PORT_ATTEMPTS && /address already in use/i.test(tail)) {
        continue;
      }
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${label} output:\n${tail}`);
    }
  }
}
