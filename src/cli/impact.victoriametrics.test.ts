/**
 * The same PromQL on VictoriaMetrics (the engine users scale out to): `aisre simulate` data imported
 * into a real VictoriaMetrics, `aisre impact` as a process, compared with the simulator's truth.
 *
 * Tolerances, measured: counts are exact. VM's increase() takes the last sample at or before the window
 * start as its base and does not extrapolate; with windows on sample timestamps that base is the sample
 * at `from`, so the result is v(to) − v(from) plus pre-reset values, as on Prometheus
 * (test/harness.test.ts shows it on hand-written data, including a reset). Quantiles are compared
 * with VM's own histogram_quantile at relative 1e-9.
 */
import { type ImpactReport } from '../core/report';
import { parseJsonOutput, runAisre } from '../../test/aisre';
import { type StartedEngine } from '../../test/prometheus';
import { DEFAULT_SIMULATION, type SimulatedFixture, simulateFixture } from '../../test/simulateFixture';
import { findWindow, toUnixSeconds } from '../../test/truth';
import {
  countMismatches,
  derivedMismatches,
  intervalsOf,
  quantileMismatches,
  verdictMismatches,
} from '../../test/truthChecks';
import { startVictoriaMetrics } from '../../test/victoriaMetrics';

jest.setTimeout(120_000);

let fixture: SimulatedFixture;
let victoriaMetrics: StartedEngine;
const reports = new Map<string, ImpactReport>();

beforeAll(async () => {
  fixture = await simulateFixture({ ...DEFAULT_SIMULATION, formats: ['prometheus'] });
  victoriaMetrics = await startVictoriaMetrics({
    prometheusTextFile: fixture.prometheusTextFile,
    readyTimeoutMs: 90_000,
  });
  for (const incident of fixture.truth.incidents) {
    // Unix seconds here (the Prometheus test passes RFC 3339): both forms of --from/--to.
    const from = String(toUnixSeconds(incident.from));
    const to = String(toUnixSeconds(incident.to));
    const result = await runAisre([
      'impact',
      '--prometheus',
      victoriaMetrics.url,
      '--from',
      from,
      '--to',
      to,
      '--by',
      'endpoint',
      '--format',
      'json',
    ]);
    if (result.code !== 0) {
      throw new Error(`aisre impact for ${incident.id} on VictoriaMetrics exited ${result.code}: ${result.stderr}`);
    }
    reports.set(incident.id, parseJsonOutput<ImpactReport>(result));
  }
}, 300_000);

afterAll(async () => {
  await victoriaMetrics?.stop();
  await fixture?.cleanup();
});

it('reports the same intervals, no missing SLI, and counts equal to the truth exactly', () => {
  expect(fixture.truth.incidents.length).toBeGreaterThan(0);
  for (const incident of fixture.truth.incidents) {
    const report = reports.get(incident.id)!;
    const expected = intervalsOf(fixture.truth, incident);
    expect({ window: report.window, baseline: { from: report.baseline.from, to: report.baseline.to } }).toEqual(
      expected
    );
    expect(report.missingSlis).toEqual([]);
    const mismatches = countMismatches(
      report,
      findWindow(fixture.truth, `incident:${incident.id}`),
      findWindow(fixture.truth, `baseline:${incident.id}`)
    );
    expect({ incident: incident.id, mismatches }).toEqual({ incident: incident.id, mismatches: [] });
    expect({ incident: incident.id, derived: derivedMismatches(report) }).toEqual({
      incident: incident.id,
      derived: [],
    });
  }
});

it('quantiles equal VictoriaMetrics’ histogram_quantile over the same buckets', async () => {
  const mismatches: string[] = [];
  for (const incident of fixture.truth.incidents) {
    mismatches.push(...(await quantileMismatches(victoriaMetrics.url, reports.get(incident.id)!, incident.id)));
  }
  expect(mismatches).toEqual([]);
});

it('verdicts: every expected shift pages, nothing unjustified pages', () => {
  for (const incident of fixture.truth.incidents) {
    const mismatches = verdictMismatches(reports.get(incident.id)!, fixture.truth, incident);
    expect({ incident: incident.id, mismatches }).toEqual({ incident: incident.id, mismatches: [] });
  }
});
