#!/usr/bin/env node
/** `aisre`: the command line face of the core (impact reports, simulated telemetry). */
import { EXIT_FAILURE, EXIT_USAGE, UsageError } from './errors';

const USAGE = `Usage: aisre <command> [options]

Commands:
  impact     Write the postmortem impact section for a time window (Markdown or JSON)
  simulate   Write or serve synthetic LLM telemetry with scheduled incidents
  provision  Write Grafana provisioning files (folders, dashboards, data source) for each team

Run 'aisre <command> --help' for a command's options.`;

type Command = (args: string[]) => Promise<void>;

const commands: Record<string, () => Promise<Command>> = {
  impact: async () => (await import('./impact')).impactCommand,
  simulate: async () => (await import('./simulate')).simulateCommand,
  provision: async () => (await import('./provision')).provisionCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : EXIT_USAGE;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`aisre: unknown command '${name}'\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  try {
    await (await load())(args);
    return 0;
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
