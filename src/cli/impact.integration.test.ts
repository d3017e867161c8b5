/**
 * `aisre impact` end to end on a real Prometheus: `aisre simulate` writes a day of telemetry with
 * scheduled incidents and its exact ground truth; promtool backfills it; the real command (a process)
 * must reproduce the truth for every incident.
 *
 * Tolerances: counts are exact. The windows start and end on sample timestamps, so Prometheus 2.42's
 * increase() sees samples at both ends of the range, its extrapolation factor is exactly 1 and the result
 * is v(to) − v(from) (plus pre-reset values), a sum of integers below 2^53: no rounding at all
 * (test/harness.test.ts proves this on hand-written data). Rates, intervals, changes and
 * quantiles are compared relative 1e-9: the same formula evaluated in a different order differs only in
 * the last bits.
 */
import { type SliId } from '../core/metrics';
import { type ImpactReport } from '../core/report';
import { parseJsonOutput, runAisre } from '../../test/aisre';
import { instantQuery } from '../../test/http';
import { bucketIncreaseQuery, proportionQueries, SLI_BY_ID } from '../../test/impactChecks';
import { type StartedEngine, startPrometheus } from '../../test/prometheus';
import { DEFAULT_SIMULATION, type SimulatedFixture, simulateFixture } from '../../test/simulateFixture';
import { findWindow, isHistogramTruth, type TruthIncident, toUnixSeconds } from '../../test/truth';
import {
  countMismatches,
  derivedMismatches,
  intervalsOf,
  quantileMismatches,
  verdictMismatches,
} from '../../test/truthChecks';

jest.setTimeout(120_000);

let fixture: SimulatedFixture;
let prometheus: StartedEngine;
const jsonReports = new Map<string, ImpactReport>();
const markdownReports = new Map<string, string>();

function impactArgs(incident: TruthIncident, format: 'json' | 'markdown') {
  return [
    'impact',
    '--prometheus',
    prometheus.url,
    '--from',
    String(incident.from),
    '--to',
    String(incident.to),
  ].concat(['--by', 'endpoint', '--format', format]);
}

beforeAll(async () => {
  fixture = await simulateFixture({ ...DEFAULT_SIMULATION, formats: ['openmetrics'] });
  prometheus = await startPrometheus({ openMetricsFile: fixture.openMetricsFile, readyTimeoutMs: 90_000 });
  for (const incident of fixture.truth.incidents) {
    const [json, markdown] = await Promise.all([
      runAisre(impactArgs(incident, 'json')),
      runAisre(impactArgs(incident, 'markdown')),
    ]);
    for (const result of [json, markdown]) {
      if (result.code !== 0) {
        throw new Error(`aisre impact for ${incident.id} exited ${result.code}: ${result.stderr}`);
      }
    }
    jsonReports.set(incident.id, parseJsonOutput<ImpactReport>(json));
    markdownReports.set(incident.id, markdown.stdout);
  }
}, 300_000);

afterAll(async () => {
  await prometheus?.stop();
  await fixture?.cleanup();
});

const incidents = () => fixture.truth.incidents;
const reportFor = (incident: TruthIncident) => jsonReports.get(incident.id)!;

it('the simulated scenario has incidents to test', () => {
  expect(incidents().length).toBeGreaterThanOrEqual(3);
  expect(new Set(incidents().map((i) => i.category)).size).toBeGreaterThanOrEqual(3);
});

it('the backfilled data agrees with the truth (so any mismatch below is the product’s)', async () => {
  const mismatches: string[] = [];
  for (const incident of incidents()) {
    for (const window of [
      findWindow(fixture.truth, `incident:${incident.id}`),
      findWindow(fixture.truth, `baseline:${incident.id}`),
    ]) {
      const to = toUnixSeconds(window.to);
      const seconds = to - toUnixSeconds(window.from);
      for (const definition of SLI_BY_ID.values()) {
        if (definition.kind === 'proportion') {
          const queries = proportionQueries(definition, seconds, ['endpoint']);
          const [events, totals] = await Promise.all([
            instantQuery(prometheus.url, queries.events, to),
            instantQuery(prometheus.url, queries.total, to),
          ]);
          for (const total of totals) {
            const endpoint = total.metric.endpoint;
            const truth = window.counts[endpoint]?.[definition.id];
            const eventCount = events.find((e) => e.metric.endpoint === endpoint)?.value ?? 0;
            if (truth && !isHistogramTruth(truth) && (truth.events !== eventCount || truth.total !== total.value)) {
              mismatches.push(
                `${window.name} ${definition.id} ${endpoint}: engine ${eventCount}/${total.value}, truth ${truth.events}/${truth.total}`
              );
            }
          }
        } else {
          const buckets = await instantQuery(
            prometheus.url,
            bucketIncreaseQuery(definition, seconds, ['endpoint']),
            to
          );
          for (const [endpoint, slis] of Object.entries(window.counts)) {
            const truth = slis[definition.id];
            if (!truth || !isHistogramTruth(truth)) {
              continue;
            }
            const engine = truth.le.map((le) => {
              const sameLe = (label: string) => (le === '+Inf' ? label === '+Inf' : Number(label) === le);
              const bucket = buckets.find((b) => b.metric.endpoint === endpoint && sameLe(b.metric.le));
              return bucket?.value;
            });
            if (JSON.stringify(engine) !== JSON.stringify(truth.cumulative)) {
              mismatches.push(
                `${window.name} ${definition.id} ${endpoint}: engine ${JSON.stringify(engine)}, truth ${JSON.stringify(truth.cumulative)}`
              );
            }
          }
        }
      }
    }
  }
  expect(mismatches).toEqual([]);
});

it('reports the incident window and the preceding baseline of equal length', () => {
  for (const incident of incidents()) {
    const report = reportFor(incident);
    const expected = intervalsOf(fixture.truth, incident);
    expect({
      id: incident.id,
      window: report.window,
      baseline: { from: report.baseline.from, to: report.baseline.to },
    }).toEqual({
      id: incident.id,
      ...expected,
    });
    expect(report.baseline.mode).toBe('preceding');
    expect(report.groupBy).toEqual(['endpoint']);
    expect(report.missingSlis).toEqual([]);
  }
});

it('window and baseline counts equal the truth exactly, for every SLI and endpoint', () => {
  for (const incident of incidents()) {
    const mismatches = countMismatches(
      reportFor(incident),
      findWindow(fixture.truth, `incident:${incident.id}`),
      findWindow(fixture.truth, `baseline:${incident.id}`)
    );
    expect({ incident: incident.id, mismatches }).toEqual({ incident: incident.id, mismatches: [] });
  }
});

it('rates are events/total, ci95 is the Wilson interval (computed independently), change and excess follow', () => {
  for (const incident of incidents()) {
    const mismatches = derivedMismatches(reportFor(incident));
    expect({ incident: incident.id, mismatches }).toEqual({ incident: incident.id, mismatches: [] });
  }
});

it('quantiles equal what Prometheus’ histogram_quantile returns for the same window', async () => {
  const mismatches: string[] = [];
  for (const incident of incidents()) {
    mismatches.push(...(await quantileMismatches(prometheus.url, reportFor(incident), incident.id)));
  }
  expect(mismatches).toEqual([]);
});

it('every expected shift pages on the incident’s endpoint, and nothing pages that the truth does not justify', () => {
  for (const incident of incidents()) {
    const mismatches = verdictMismatches(reportFor(incident), fixture.truth, incident);
    expect({ incident: incident.id, mismatches }).toEqual({ incident: incident.id, mismatches: [] });
  }
});

it('the Markdown has the sentence for every paging finding and a table row for every finding', () => {
  for (const incident of incidents()) {
    const report = reportFor(incident);
    const lines = markdownReports.get(incident.id)!.split('\n');
    const problems: string[] = [];
    for (const finding of report.findings) {
      const endpoint = finding.segment.endpoint;
      const rows = lines.filter((l) => l.startsWith(`| ${finding.title} | endpoint=${endpoint} |`));
      if (rows.length !== 1) {
        problems.push(`${finding.sli} ${endpoint}: ${rows.length} table rows`);
      } else if (finding.verdict === 'page' && !/\|\s*Page\s*\|$/.test(rows[0])) {
        problems.push(`${finding.sli} ${endpoint}: table row does not say Page: ${rows[0]}`);
      }
      if (finding.verdict !== 'page') {
        continue;
      }
      const total = finding.kind === 'proportion' ? finding.window.total : finding.window.count;
      const sentence = lines.find(
        (l) => l.includes(`**${finding.title}**`) && l.includes(` to ${endpoint} `) && l.includes('Page.')
      );
      if (!sentence) {
        problems.push(`${finding.sli} ${endpoint}: no sentence with the title, 'to ${endpoint}' and 'Page.'`);
      } else if (!sentence.includes(total.toLocaleString('en-US'))) {
        problems.push(
          `${finding.sli} ${endpoint}: sentence lacks the volume ${total.toLocaleString('en-US')}: ${sentence}`
        );
      } else if (
        finding.kind === 'proportion' &&
        !sentence.includes(`≈ ${Math.round(finding.excessEvents ?? NaN).toLocaleString('en-US')} excess`)
      ) {
        problems.push(
          `${finding.sli} ${endpoint}: sentence lacks the excess events ${finding.excessEvents}: ${sentence}`
        );
      }
    }
    const header = lines.findIndex((l) => /^\|\s*SLI\s*\|/.test(l));
    if (header < 0 || !/^\|(\s*:?-{3,}:?\s*\|)+$/.test(lines[header + 1] ?? '')) {
      problems.push('no findings table (header row and separator)');
    }
    expect({ incident: incident.id, problems }).toEqual({ incident: incident.id, problems: [] });
  }
});

it('every finding carries a verdict the report type allows and SLI ids from the contract', () => {
  const verdicts = new Set(['ok', 'investigate', 'page', 'insufficient_data']);
  for (const report of jsonReports.values()) {
    for (const finding of report.findings) {
      expect(SLI_BY_ID.has(finding.sli as SliId)).toBe(true);
      expect(verdicts.has(finding.verdict)).toBe(true);
    }
  }
});
