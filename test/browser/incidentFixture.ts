/**
 * What the panel's browser tests start from: the built plugin, a few simulated hours in a real Prometheus, and
 * the first incident the simulator's ground truth scheduled in them, with its window in Unix seconds.
 */
import { runAisre } from '../aisre';
import { rfc3339 } from '../../src/core/format';
import { type StartedEngine, startPrometheus } from '../prometheus';
import { DEFAULT_SIMULATION, type SimulatedFixture, simulateFixture } from '../simulateFixture';
import { findWindow, type TruthIncident, toUnixSeconds } from '../truth';
import { ensureBuiltPlugin } from './pluginDist';

const HOUR = 3600;

export interface IncidentOnPrometheus {
  fixture: SimulatedFixture;
  prometheus: StartedEngine;
  incident: TruthIncident;
  window: { from: number; to: number };
  /** What `aisre impact` prints for the incident's window over this Prometheus, with these further options. */
  cliMarkdown(options: string[]): Promise<string>;
  stop(): Promise<void>;
}

/**
 * `hours` simulated hours (five hold the first incident, +2h to +3h, and its preceding baseline), written with
 * these further `aisre simulate` flags (`--preset otel-genai`).
 */
export async function firstIncidentOnPrometheus(hours = 5, simulateArgs: string[] = []): Promise<IncidentOnPrometheus> {
  const end = DEFAULT_SIMULATION.from + hours * HOUR;
  const [, fixture] = await Promise.all([
    ensureBuiltPlugin(),
    simulateFixture({ ...DEFAULT_SIMULATION, to: end, formats: ['openmetrics'], args: simulateArgs }),
  ]);
  const prometheus = await startPrometheus({ openMetricsFile: fixture.openMetricsFile, readyTimeoutMs: 90_000 });
  const stop = async () => {
    await prometheus.stop();
    await fixture.cleanup();
  };
  const incident = fixture.truth.incidents.find((i) => toUnixSeconds(i.to) <= end);
  if (!incident) {
    await stop();
    throw new Error(
      `the simulation has no incident in its first ${hours} hours: ${JSON.stringify(fixture.truth.incidents)}`
    );
  }
  const truthWindow = findWindow(fixture.truth, `incident:${incident.id}`);
  const window = { from: toUnixSeconds(truthWindow.from), to: toUnixSeconds(truthWindow.to) };
  const cliMarkdown = async (options: string[]) => {
    const range = ['--from', rfc3339(window.from), '--to', rfc3339(window.to)];
    const cli = await runAisre(['impact', '--prometheus', prometheus.url, ...range, ...options]);
    if (cli.code !== 0) {
      throw new Error(`aisre impact exited ${cli.code}: ${cli.stderr}`);
    }
    return cli.stdout;
  };
  return { fixture, prometheus, incident, window, cliMarkdown, stop };
}
