/**
 * `aisre doctor`: what this app can read from a Prometheus. Picks the telemetry convention (preset) the data
 * follows, lists per SLI whether it is computable and why, and which labels can segment a report. Exits 1
 * when nothing the app reads is there (an empty or unrelated Prometheus), so a setup script can stop.
 */
import { detectTelemetry, type Detection } from '../core/detect';
import { presetById } from '../core/profile';
import { CONNECTION_FLAGS, CONNECTION_USAGE, parseConnection, withPrometheus } from './connection';
import { parseFlags, UsageError } from './errors';
import { PROFILE_FLAGS, PROFILE_USAGE, settingsFromFlags } from './profileFlags';
import { parseTime } from './time';

const DOCTOR_USAGE = `Usage: aisre doctor --prometheus <url> [options]

Reads which metric names and labels a Prometheus holds (bounded instant queries), chooses the telemetry
convention that fits, and says per SLI whether it can be computed, and which labels can segment a report.

Options:
  --at <time>            Look at the series present at this time (default now; the engine's 5-minute lookback)
  --format <format>      text (default) or json
${PROFILE_USAGE}
                         (with --preset or a config's preset, that convention is checked instead of chosen)
  -h, --help             Show this help

${CONNECTION_USAGE}

Exit codes: 0 something computable, 1 nothing this app reads (or the API failed), 2 the command line is wrong.`;

class NothingToReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NothingToReadError';
  }
}

function renderText(url: string, detection: Detection): string {
  const preset = presetById(detection.profile.preset);
  const lines = [`Prometheus: ${url}`];
  lines.push(
    detection.preset
      ? `Telemetry: ${preset.id} (${preset.title})`
      : `Telemetry: none of the conventions this app reads (${detection.fits.map((f) => f.preset).join(', ')})`
  );
  for (const [role, name] of Object.entries(detection.pinnedNames)) {
    lines.push(`  metric ${role} is named ${name} here`);
  }
  lines.push('', 'SLIs:');
  for (const s of detection.slis) {
    lines.push(`  ${s.computable ? 'computable    ' : 'not computable'}  ${s.sli.padEnd(22)} ${s.why}`);
  }
  lines.push('', 'Labels that can segment (distinct values):');
  lines.push(
    detection.segmentLabels.length
      ? `  ${detection.segmentLabels.map((l) => `${l.label} (${l.values})`).join(', ')}`
      : '  none'
  );
  if (detection.preset) {
    lines.push('', `Use: aisre impact --prometheus ${url} --preset ${detection.preset} --from … --to …`);
  }
  return `${lines.join('\n')}\n`;
}

export async function doctorCommand(args: string[]): Promise<void> {
  const values = parseFlags(
    args,
    {
      ...CONNECTION_FLAGS,
      at: { type: 'string' },
      format: { type: 'string' },
      ...PROFILE_FLAGS,
      help: { type: 'boolean', short: 'h' },
    },
    DOCTOR_USAGE
  );
  if (values.help) {
    process.stdout.write(`${DOCTOR_USAGE}\n`);
    return;
  }
  if (!values.prometheus) {
    throw new UsageError(`--prometheus is required\n\n${DOCTOR_USAGE}`);
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    throw new UsageError(`--format must be text or json, not '${format}'`);
  }
  const settings = settingsFromFlags(values);
  const at = values.at === undefined ? Date.now() / 1000 : parseTime(values.at, '--at');
  const connection = parseConnection(values);
  const detection = await withPrometheus(connection, 'check', {}, (source) => detectTelemetry(source, at, settings));
  process.stdout.write(
    format === 'json'
      ? `${JSON.stringify({ preset: detection.preset, pinnedNames: detection.pinnedNames, fits: detection.fits, slis: detection.slis, segmentLabels: detection.segmentLabels }, null, 2)}\n`
      : renderText(connection.url, detection)
  );
  if (!detection.slis.some((s) => s.computable) || detection.preset === null) {
    throw new NothingToReadError(
      `nothing this app reads at ${new Date(at * 1000).toISOString()}: no SLI of ${settings.preset ?? 'any preset'} can be computed`
    );
  }
}
