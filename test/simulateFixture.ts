/**
 * Simulated telemetry for integration tests: runs the real `aisre simulate` into a temp dir and returns
 * the files (OpenMetrics for promtool, Prometheus text for VictoriaMetrics) and the parsed ground truth.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runAisre } from './aisre';
import { type SimulationTruth } from './truth';

export interface SimulationWindow {
  /** Unix seconds, aligned to `step`. */
  from: number;
  to: number;
  step?: number;
  seed?: number;
  /** Which files to write (default both). */
  formats?: Array<'openmetrics' | 'prometheus'>;
  /** The simulator's noise (default realistic). */
  noise?: 'realistic' | 'none';
  /** More `aisre simulate` flags: `--scenario compressed`, `--preset otel-genai`, `--unsuffixed`. */
  args?: string[];
}

export interface SimulatedFixture {
  dir: string;
  openMetricsFile: string;
  prometheusTextFile: string;
  truthFile: string;
  truth: SimulationTruth;
  cleanup(): Promise<void>;
}

/** 24 hours of data ending well in the past, aligned to the minute: the tests' fixed interval. */
export const DEFAULT_SIMULATION: Required<Omit<SimulationWindow, 'formats' | 'noise' | 'args'>> = {
  from: Date.UTC(2026, 0, 10, 0, 0, 0) / 1000,
  to: Date.UTC(2026, 0, 11, 0, 0, 0) / 1000,
  step: 60,
  seed: 7,
};

export async function simulateFixture(window: SimulationWindow = DEFAULT_SIMULATION): Promise<SimulatedFixture> {
  const { from, to } = window;
  const step = window.step ?? DEFAULT_SIMULATION.step;
  const seed = window.seed ?? DEFAULT_SIMULATION.seed;
  const formats = window.formats ?? ['openmetrics', 'prometheus'];
  const dir = await mkdtemp(join(tmpdir(), 'aisre-simulated-'));
  const files = {
    openmetrics: join(dir, 'simulated.om'),
    prometheus: join(dir, 'simulated.prom'),
  };
  const truthFile = join(dir, 'truth.json');
  try {
    for (const format of formats) {
      const args = [
        'simulate',
        '--from',
        String(from),
        '--to',
        String(to),
        '--step',
        String(step),
        '--seed',
        String(seed),
        ...(window.noise ? ['--noise', window.noise] : []),
        ...(window.args ?? []),
      ];
      args.push('--out', files[format], '--format', format, '--truth', truthFile);
      const result = await runAisre(args, { timeoutMs: 180_000 });
      if (result.code !== 0) {
        throw new Error(
          `aisre ${args.join(' ')} exited ${result.code ?? result.signal}:\n${result.stderr.slice(-3000)}`
        );
      }
    }
    const truth = JSON.parse(await readFile(truthFile, 'utf8')) as SimulationTruth;
    return {
      dir,
      openMetricsFile: files.openmetrics,
      prometheusTextFile: files.prometheus,
      truthFile,
      truth,
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
