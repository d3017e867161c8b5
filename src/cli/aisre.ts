#!/usr/bin/env node
/** `aisre`: the command line face of the core (impact reports, simulated telemetry, per-team provisioning). */
import { version } from '../../package.json';
import { EXIT_FAILURE, EXIT_USAGE, UsageError } from './errors';
import { doctorCommand } from './doctor';
import { impactCommand } from './impact';
import { provisionCommand } from './provision';
import { simulateCommand } from './simulate';

const USAGE = `Usage: aisre <command> [options]

Commands:
  impact     Write the postmortem impact section for a time window (Markdown or JSON)
  doctor     Say which telemetry convention a Prometheus holds and which SLIs it can compute
  simulate   Write or serve synthetic LLM telemetry with scheduled incidents
  provision  Write Grafana provisioning files (folders, dashboards, data source) for each team

Run 'aisre <command> --help' for a command's options; 'aisre --version' for the version.`;

/** A command resolves to its exit code (nothing: 0) or throws; a UsageError exits 2, anything else 1. */
type Command = (args: string[]) => Promise<number | void>;

const commands: Record<string, Command> = {
  impact: impactCommand,
  doctor: doctorCommand,
  simulate: simulateCommand,
  provision: provisionCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`aisre ${version}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`aisre: unknown command '${name}'\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  try {
    return (await command(args)) ?? 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`aisre ${name}: ${message}\n`);
    return error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`aisre: ${String(error)}\n`);
    process.exitCode = EXIT_FAILURE;
  }
);
