/**
 * `aisre simulate`: synthetic LLM telemetry with scheduled incidents, either written to a file for a
 * backfill (OpenMetrics for promtool, Prometheus text for VictoriaMetrics) with its ground truth, or
 * served live on /metrics for a demo. See docs/simulator.md.
 */
import { once } from 'node:events';
import { createWriteStream, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import {
  FILE_FORMATS,
  type FileFormat,
  SCENARIOS,
  type ScenarioDefinition,
  createSimulation,
  fileExposition,
  groundTruth,
  incidentsWithCleanBaseline,
  NOISE_MODES,
  type NoiseMode,
  rfc3339,
  type SeriesNaming,
  seriesNaming,
  simulateRange,
  startLiveServer,
  writeChunks,
} from '../simulator';

import { parseFlags, UsageError } from './errors';
import { PROFILE_FLAGS, profileFromFlags } from './profileFlags';
import { parseTime } from './time';

const USAGE = `Usage:
  aisre simulate --from <time> --to <time> --out <file> [options]   write samples for a backfill
  aisre simulate --serve <port> [options]                           serve /metrics in real time

File mode:
  --from <time>       first sample: RFC 3339 (2024-05-01T00:00:00Z), unix seconds, now, now-<n>(s|m|h|d)
  --to <time>         last sample, same forms; must be --from plus a whole number of steps
  --step <seconds>    sample interval (default 60)
  --out <file>        output file, or - for stdout
  --format <name>     openmetrics (default): seconds, for 'promtool tsdb create-blocks-from openmetrics';
                      prometheus: text format with millisecond timestamps, for VictoriaMetrics'
                      /api/v1/import/prometheus
  --truth <file>      also write the ground truth (schedule, change events, exact window counts) as JSON;
                      - for stdout (then --out must be a file); never the same file as --out

Live mode:
  --serve <port>      listen on this port (0 picks a free one): /metrics, /scenario, /-/healthy
  --host <address>    listen address (default 127.0.0.1)
  --speed <x>         simulated seconds per real second (default 1)

Both:
  --seed <n>          random seed, an integer 0..4294967295 (default 1); same seed, same data
  --scenario <name>   ${Object.keys(SCENARIOS).join(' | ')} (default: default for files, compressed for --serve)
  --rate <x>          multiplies every endpoint's requests per second (default 1)
  --noise <mode>      realistic (default: rates that wander minute to minute, slow drift, client retries and
                      retry storms, daily and weekly volume) | none (independent requests, Poisson traffic)
  --preset <name>     name the telemetry as that convention does: contract (default), otel-genai, openlit
  --config <file>     the app's settings (its jsonData): the same preset, names and labels the report reads
  --unsuffixed        histogram names without the unit, as the OpenTelemetry JS Prometheus exporter serves
                      them (gen_ai_client_operation_duration); default: with _seconds, as the Collector does
  -h, --help          this text

Times: 'now' is rounded down to a multiple of --step, so now-based ranges fall on whole steps.`;

const MAX_SAMPLES = 100_000;

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

const OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  step: { type: 'string' },
  out: { type: 'string' },
  format: { type: 'string' },
  truth: { type: 'string' },
  serve: { type: 'string' },
  host: { type: 'string' },
  speed: { type: 'string' },
  seed: { type: 'string' },
  scenario: { type: 'string' },
  rate: { type: 'string' },
  noise: { type: 'string' },
  ...PROFILE_FLAGS,
  unsuffixed: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseFlags<typeof OPTIONS>>;

function numberFlag(
  name: string,
  raw: string | undefined,
  fallback: number,
  check: { integer?: boolean; min: number; max: number; minExclusive?: boolean }
): number {
  if (raw === undefined) {
    return fallback;
  }
  const value = Number(raw);
  const tooLow = check.minExclusive ? value <= check.min : value < check.min;
  if (raw.trim() === '' || !Number.isFinite(value) || (check.integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be ${check.integer ? 'an integer' : 'a number'}, got '${raw}'`);
  }
  if (tooLow || value > check.max) {
    const low = check.minExclusive ? `greater than ${check.min}` : `at least ${check.min}`;
    throw new UsageError(`--${name} must be ${low} and at most ${check.max}, got '${raw}'`);
  }
  return value;
}

/**
 * A time flag as unix seconds, read as every command reads times (./time.ts), then kept to whole seconds;
 * `now` and `now-<duration>` are rounded down to the step so now-based ranges fall on whole steps.
 */
export function parseSimulationTime(name: string, raw: string, stepSeconds: number, nowMs = Date.now()): number {
  const relative = /^now(-.+)?$/.test(raw.trim());
  const seconds = parseTime(raw, `--${name}`, Math.floor(nowMs / 1000));
  if (relative) {
    const whole = Math.floor(seconds);
    return whole - (((whole % stepSeconds) + stepSeconds) % stepSeconds);
  }
  if (!Number.isInteger(seconds)) {
    throw new UsageError(`--${name} '${raw}' must fall on a whole second`);
  }
  return seconds;
}

function noiseFlag(raw: string | undefined): NoiseMode {
  const mode = raw ?? 'realistic';
  if (!NOISE_MODES.includes(mode as NoiseMode)) {
    throw new UsageError(`--noise must be one of ${NOISE_MODES.join(', ')}, got '${mode}'`);
  }
  return mode as NoiseMode;
}

function scenarioFlag(raw: string | undefined, fallback: string): ScenarioDefinition {
  const name = raw ?? fallback;
  const scenario = SCENARIOS[name];
  if (!Object.prototype.hasOwnProperty.call(SCENARIOS, name) || !scenario) {
    throw new UsageError(`--scenario must be one of ${Object.keys(SCENARIOS).join(', ')}, got '${name}'`);
  }
  return scenario;
}

/**
 * The naming of `--preset`/`--config`, resolved as `aisre impact` resolves them; `--unsuffixed` pins each name the
 * preset offers with and without its unit to the one without (a name the config sets is kept).
 */
function namingFlag(flags: Flags): SeriesNaming {
  const { settings, profile } = profileFromFlags(flags);
  if (!flags.unsuffixed) {
    return seriesNaming(settings, profile);
  }
  const unsuffixed = Object.entries(profile.candidates).map(([role, names]) => [
    role,
    names.find((name) => !name.endsWith('_seconds')),
  ]);
  if (!unsuffixed.some(([, name]) => name)) {
    throw new UsageError(`--unsuffixed is for the otel-genai and openlit presets, not ${profile.preset}`);
  }
  const pinned = { ...settings, metricNames: { ...Object.fromEntries(unsuffixed), ...settings.metricNames } };
  return seriesNaming(pinned);
}

function rejectFlags(flags: Flags, names: Array<keyof Flags>, mode: string) {
  const given = names.filter((name) => flags[name] !== undefined);
  if (given.length > 0) {
    throw new UsageError(`${given.map((name) => `--${name}`).join(', ')} cannot be used with ${mode}`);
  }
}

async function serve(flags: Flags): Promise<void> {
  rejectFlags(flags, ['from', 'to', 'step', 'out', 'format', 'truth'], '--serve');
  const port = numberFlag('serve', flags.serve, 0, { integer: true, min: 0, max: 65535 });
  const server = await startLiveServer({
    port,
    host: flags.host ?? '127.0.0.1',
    seed: numberFlag('seed', flags.seed, 1, { integer: true, min: 0, max: 0xffffffff }),
    speed: numberFlag('speed', flags.speed, 1, { min: 0, max: 3600, minExclusive: true }),
    rateMultiplier: numberFlag('rate', flags.rate, 1, { min: 0, max: 1000, minExclusive: true }),
    noise: noiseFlag(flags.noise),
    scenario: scenarioFlag(flags.scenario, 'compressed'),
    naming: namingFlag(flags),
  }).catch((error: unknown) => {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new UsageError(`cannot listen on ${flags.host ?? '127.0.0.1'}:${port}: ${code}`);
    }
    throw error;
  });
  const { schedule, origin, scenario } = server.simulation;
  const next = schedule.incidentsBetween(origin, origin + scenario.cycleSeconds)[0];
  process.stderr.write(
    `aisre simulate: serving ${server.url}/metrics (scenario ${server.simulation.scenario.name}, ` +
      `seed ${server.simulation.seed}, speed ${flags.speed ?? 1}, ${server.simulation.naming.preset} names); ` +
      `schedule at ${server.url}/scenario\n` +
      (next
        ? `first incident: ${next.category} on ${next.endpoint}, ` +
          `${Math.round((next.from - origin) / server.speed)} s after start\n`
        : '')
  );
  await new Promise<void>((resolve, reject) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write(`aisre simulate: ${signal}, shutting down\n`);
      server.close().then(resolve, reject);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Whether two paths name one file, also through symlinks or hard links. */
function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) {
    return true;
  }
  try {
    const [sa, sb] = [statSync(a), statSync(b)];
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

async function openOutput(path: string): Promise<NodeJS.WritableStream & { close?: () => void }> {
  if (path === '-') {
    return process.stdout;
  }
  const stream = createWriteStream(path);
  await once(stream, 'open');
  return stream;
}

async function writeFileMode(flags: Flags): Promise<void> {
  rejectFlags(flags, ['host', 'speed'], 'file output (they are for --serve)');
  const missing = (['from', 'to', 'out'] as const).filter((name) => flags[name] === undefined);
  if (missing.length > 0) {
    throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(', ')} (or use --serve)\n\n${USAGE}`);
  }
  if (flags.truth !== undefined) {
    if (flags.truth === '') {
      throw new UsageError('--truth needs a file name, or - for stdout');
    }
    if (flags.truth === '-' && flags.out === '-') {
      throw new UsageError('--out - and --truth - would both write to stdout: give one of them a file');
    }
    if (flags.truth !== '-' && flags.out !== '-' && sameFile(flags.truth, flags.out!)) {
      throw new UsageError(`--truth and --out are the same file (${flags.out}): the truth would overwrite the samples`);
    }
  }
  const stepSeconds = numberFlag('step', flags.step, 60, { integer: true, min: 1, max: 86400 });
  const from = parseSimulationTime('from', flags.from!, stepSeconds);
  const to = parseSimulationTime('to', flags.to!, stepSeconds);
  if (to <= from) {
    throw new UsageError(`--to (${rfc3339(to)}) must be after --from (${rfc3339(from)})`);
  }
  if ((to - from) % stepSeconds !== 0) {
    throw new UsageError(`--to must be --from plus a whole number of --step (${stepSeconds} s)`);
  }
  const sampleCount = (to - from) / stepSeconds + 1;
  if (sampleCount > MAX_SAMPLES) {
    throw new UsageError(`${sampleCount} samples per series is too many (at most ${MAX_SAMPLES}): use a larger --step`);
  }
  const format = (flags.format ?? 'openmetrics') as FileFormat;
  if (!FILE_FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${FILE_FORMATS.join(', ')}, got '${flags.format}'`);
  }
  const simulation = createSimulation({
    seed: numberFlag('seed', flags.seed, 1, { integer: true, min: 0, max: 0xffffffff }),
    scenario: scenarioFlag(flags.scenario, 'default'),
    origin: from,
    stepSeconds,
    rateMultiplier: numberFlag('rate', flags.rate, 1, { min: 0, max: 1000, minExclusive: true }),
    noise: noiseFlag(flags.noise),
    naming: namingFlag(flags),
  });

  const started = Date.now();
  const range = simulateRange(simulation, sampleCount);
  const output = await openOutput(flags.out!);
  await writeChunks(fileExposition(range, format), output);
  if (output !== process.stdout) {
    output.end();
    await once(output, 'finish');
  }

  const scheduled = simulation.schedule.incidentsBetween(from, to).length;
  const covered = incidentsWithCleanBaseline(simulation, to).length;
  const notes: string[] = [];
  if (covered < scheduled) {
    notes.push(
      `${scheduled - covered} of ${scheduled} scheduled incidents lack a full window or baseline in the range and are left out of the truth`
    );
  }
  if (flags.truth) {
    const truth = groundTruth(simulation, to);
    const json = `${JSON.stringify(truth, null, 2)}\n`;
    if (flags.truth === '-') {
      process.stdout.write(json);
    } else {
      await writeFile(flags.truth, json);
    }
    notes.push(
      `truth: ${plural(truth.incidents.length, 'incident')}, ${plural(truth.counterResets.length, 'counter reset')}, ` +
        `${plural(truth.zeroTraffic.length, 'zero-traffic interval')} -> ${flags.truth}`
    );
  }
  const seriesCount = simulation.layouts.reduce(
    (sum, layout) => sum + layout.counters.length + layout.histograms.reduce((n, h) => n + h.bounds.length + 3, 0),
    0
  );
  process.stderr.write(
    `aisre simulate: ${sampleCount} samples x ~${seriesCount} series (${format}, ${simulation.naming.preset} names, scenario ${simulation.scenario.name}, ` +
      `seed ${simulation.seed}) ${rfc3339(from)} .. ${rfc3339(to)} -> ${flags.out} in ${((Date.now() - started) / 1000).toFixed(1)} s\n` +
      notes.map((note) => `aisre simulate: ${note}\n`).join('')
  );
}

export async function simulateCommand(args: string[]): Promise<void> {
  const flags = parseFlags(args, OPTIONS, USAGE);
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (flags.serve !== undefined) {
    await serve(flags);
    return;
  }
  await writeFileMode(flags);
}
