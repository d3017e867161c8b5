/**
 * Every PromQL expression of the dashboards (panels, annotations, variables) and of the rules, at a
 * user's default selection, runs without error and returns data on real engines over simulated data:
 * - the bundled dashboards read raw series: they return data on a Prometheus WITHOUT any recording rule
 *   (what a user who installs the plugin and cannot change their Prometheus' rules has), and on
 *   VictoriaMetrics;
 * - the recorded variant (src/dashboards/recorded/) runs on a Prometheus with the recording rules
 *   backfilled over the data (`promtool tsdb create-blocks-from rules`), and on VictoriaMetrics with each
 *   recording rule expanded into its expression (what a Grafana-managed rule runs); the rules half checks
 *   that every stored recording equals its expression evaluated at the same instant.
 * Four simulated hours (one incident, 02:00-03:00 on /chat) keep the rule backfill under a minute;
 * src/alerting/incidents.test.ts covers a whole day's incidents.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { RECORDING_RULES_FILE } from '../alerting/artifacts';
import { allRecordings, expandRecordings, proportion, RANKED_SEGMENTS } from '../alerting/recordings';
import { labelValues, type PrometheusWithRules, rangeQuery, startPrometheusWithRules } from '../../test/ruleEngines';
import { alertSpecs, grafanaQueryExpr, prometheusAlertExpr } from '../alerting/rules';
import { instantQuery } from '../../test/http';
import { type StartedEngine, startPrometheus } from '../../test/prometheus';
import { DEFAULT_SIMULATION, type SimulatedFixture, simulateFixture } from '../../test/simulateFixture';
import { startVictoriaMetrics } from '../../test/victoriaMetrics';
import { dashboardExpressions, defaultSelection, parseLabelValues, substituteVariables } from './dashboardPromql';

jest.setTimeout(600_000);

const ROOT = join(__dirname, '..', '..');
const FROM = DEFAULT_SIMULATION.from;
const TO = FROM + 4 * 3600;
/** Dashboards look at the last hours; start an hour in so the 5-minute windows are full. */
const VIEW_FROM = FROM + 3600;
const STEP = 300;
/** The simulated incident in these hours: /chat's provider outage, 02:00-03:00. */
const INCIDENT_CHECK_TIME = FROM + 2 * 3600 + 45 * 60;

const FILES = ['model-slis.json', 'retrieval.json', 'agents-security.json'];

function expressionsOf(dir: string) {
  return FILES.flatMap((file) => {
    const json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const values = defaultSelection(json);
    return dashboardExpressions(json).map((e) => ({ ...e, file, resolved: substituteVariables(e.expr, values) }));
  });
}

const expressions = expressionsOf(__dirname);
const queries = expressions.filter((e) => e.kind !== 'variable');
const variables = expressions.filter((e) => e.kind === 'variable');
const recordedQueries = expressionsOf(join(__dirname, 'recorded')).filter((e) => e.kind !== 'variable');

const hasData = (series: Array<{ values: Array<[number, number]> }>) =>
  series.some((s) => s.values.some(([, v]) => Number.isFinite(v)));

let fixture: SimulatedFixture;
let prometheus: PrometheusWithRules;
let plainPrometheus: StartedEngine;
let victoria: StartedEngine;

beforeAll(async () => {
  fixture = await simulateFixture({ from: FROM, to: TO, step: 60 });
  [prometheus, plainPrometheus, victoria] = await Promise.all([
    startPrometheusWithRules({
      openMetricsFile: fixture.openMetricsFile,
      ruleFiles: [join(ROOT, RECORDING_RULES_FILE)],
      from: FROM,
      to: TO,
    }),
    startPrometheus({ openMetricsFile: fixture.openMetricsFile, readyTimeoutMs: 120_000 }),
    startVictoriaMetrics({ prometheusTextFile: fixture.prometheusTextFile }),
  ]);
});

afterAll(async () => {
  await Promise.all([prometheus?.stop(), plainPrometheus?.stop(), victoria?.stop()]);
  await fixture?.cleanup();
});

describe('dashboard queries at the default selection', () => {
  // The what-changed annotation marks builds that appear: over these hours, the first deploy of each
  // (incidents.test.ts checks the mid-day prompt and model changes). Grafana runs it at a 60 s step.
  const window = (kind: string) => (kind === 'annotation' ? { from: FROM, step: 60 } : { from: VIEW_FROM, step: STEP });

  it('the bundled dashboards read no recorded series', () => {
    const recorded = allRecordings().map((r) => r.name);
    expect(queries.filter((q) => recorded.some((name) => q.resolved.includes(name)))).toEqual([]);
  });

  it.each(queries.map((q) => [`${q.file} ${q.where}`, q]))(
    '%s returns data on Prometheus without recording rules, and on VictoriaMetrics',
    async (_n, q) => {
      const { from, step } = window(q.kind);
      for (const url of [plainPrometheus.url, victoria.url]) {
        expect([url, hasData(await rangeQuery(url, q.resolved, from, TO, step))]).toEqual([url, true]);
      }
    }
  );

  it.each(recordedQueries.map((q) => [`recorded/${q.file} ${q.where}`, q]))(
    '%s returns data on Prometheus (recording rules) and VictoriaMetrics (expanded)',
    async (_n, q) => {
      const { from, step } = window(q.kind);
      expect(hasData(await rangeQuery(prometheus.url, q.resolved, from, TO, step))).toBe(true);
      expect(hasData(await rangeQuery(victoria.url, expandRecordings(q.resolved), from, TO, step))).toBe(true);
    }
  );

  it.each(variables.map((v) => [`${v.file} ${v.where}`, v]))('%s lists values on both engines', async (_n, v) => {
    const parsed = parseLabelValues(v.resolved);
    expect(parsed).toBeDefined();
    for (const url of [prometheus.url, victoria.url]) {
      const values = await labelValues(url, parsed!.label, parsed!.match, FROM, TO);
      expect(values.length).toBeGreaterThan(0);
    }
  });
});

describe('the recorded All view reads the coarsest rule level that fits the selection', () => {
  // "Requests by outcome" at three selections: each answer must be exactly one level's sum (no double count).
  const query = recordedQueries.find((q) => q.where.startsWith('panel "Requests by outcome"'))!;
  const values = (json: unknown) => ({ ...defaultSelection(json) });
  const recordedJson = JSON.parse(readFileSync(join(__dirname, 'recorded', 'model-slis.json'), 'utf8'));
  const byOutcome = async (expr: string) =>
    Object.fromEntries(
      (await instantQuery(prometheus.url, expr, TO - 600)).map((s) => [s.metric.outcome, s.value] as const)
    );

  it.each([
    ['All', {}, 'sum by (outcome) (outcome:llm_requests:rate5m)'],
    ['one team', { team: 'search' }, 'sum by (outcome) (team_outcome:llm_requests:rate5m{team="search"})'],
    [
      'one service',
      { service: 'search-api' },
      'sum by (outcome) (team_service_endpoint_model_outcome:llm_requests:rate5m{service="search-api"})',
    ],
  ])('%s', async (_name, selection, level) => {
    const expr = substituteVariables(query.expr, { ...values(recordedJson), ...selection });
    const [got, expected] = await Promise.all([byOutcome(expr), byOutcome(level)]);
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(got).toEqual(expected);
  });
});

describe('the recorded by-segment panels read the ranking rule in the All view', () => {
  // "Refusal, error and timeout rates vs baseline, by segment", refusals (refId A), at All and at one service.
  const query = recordedQueries.find(
    (q) => q.file === 'model-slis.json' && q.where.includes('by segment') && q.where.endsWith(' A')
  )!;
  const recordedJson = JSON.parse(readFileSync(join(__dirname, 'recorded', 'model-slis.json'), 'utf8'));
  const worst = proportion('refusal_rate').worst;
  const segments = async (expr: string) =>
    Object.fromEntries(
      (await instantQuery(prometheus.url, expr, TO - 600)).map((s) => [s.metric.service + s.metric.endpoint, s.value])
    );

  it.each([
    ['All', {}, `topk(${RANKED_SEGMENTS}, ${worst.rule.name})`],
    [
      'one service',
      { service: 'search-api' },
      `topk(${RANKED_SEGMENTS}, ${worst.current.name}{service="search-api"} / ${worst.baseline.name}{service="search-api"} - 1)`,
    ],
  ])('%s', async (_name, selection, level) => {
    expect(query).toBeDefined();
    const expr = substituteVariables(query.expr, { ...defaultSelection(recordedJson), ...selection });
    const [got, expected] = await Promise.all([segments(expr), segments(level)]);
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(got).toEqual(expected);
  });
});

describe('rules', () => {
  const recordings = allRecordings();

  it.each(recordings.map((r) => [r.name, r]))(
    'recording %s returns data from raw series on both engines, and was backfilled',
    async (_n, r) => {
      for (const url of [prometheus.url, victoria.url]) {
        expect(hasData(await rangeQuery(url, r.rawWith([]), VIEW_FROM, TO, STEP))).toBe(true);
      }
      expect(hasData(await rangeQuery(prometheus.url, r.name, VIEW_FROM, TO, STEP))).toBe(true);
    }
  );

  it.each(recordings.map((r) => [r.name, r]))('recording %s stores what its expression computes', async (_n, r) => {
    // Each rule group is evaluated at its own offset: compare at the instant of the stored sample.
    const [stamp] = await instantQuery(prometheus.url, `max(timestamp(${r.name}))`, FROM + 3 * 3600);
    const [recorded, raw] = await Promise.all([
      instantQuery(prometheus.url, r.name, stamp.value),
      // What the rule file evaluates: a rollup sums the finer rule's stored series, the others read raw series.
      instantQuery(prometheus.url, r.ruleExpr ?? r.rawWith([]), stamp.value),
    ]);
    const key = (m: Record<string, string>) =>
      JSON.stringify(
        Object.entries(m)
          .filter(([k]) => k !== '__name__')
          .sort()
      );
    const byKey = new Map(raw.map((s) => [key(s.metric), s.value]));
    expect(recorded.length).toBe(raw.length);
    expect(recorded.length).toBeGreaterThan(0);
    for (const sample of recorded) {
      const expected = byKey.get(key(sample.metric)) ?? Infinity;
      const same = Number.isNaN(sample.value)
        ? Number.isNaN(expected)
        : Math.abs(sample.value - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
      expect([key(sample.metric), sample.value, same]).toEqual([key(sample.metric), sample.value, true]);
    }
  });

  it.each(alertSpecs().map((s) => [s.alert, s]))(
    'alert %s: its value returns data and its expressions run on both engines',
    async (_n, spec) => {
      expect(hasData(await rangeQuery(prometheus.url, spec.value.recorded, VIEW_FROM, TO, STEP))).toBe(true);
      await rangeQuery(prometheus.url, prometheusAlertExpr(spec), VIEW_FROM, TO, STEP);
      for (const url of [prometheus.url, victoria.url]) {
        expect(hasData(await rangeQuery(url, spec.value.raw, VIEW_FROM, TO, STEP))).toBe(true);
        await rangeQuery(url, grafanaQueryExpr(spec), VIEW_FROM, TO, STEP);
      }
    }
  );

  it('page on /chat during its provider outage, on both engines', async () => {
    const paged = (engine: string, name: string, series: Array<{ metric: Record<string, string> }>) =>
      series.filter((s) => s.metric.endpoint === '/chat').map(() => `${engine} ${name}`);
    const fired: string[] = [];
    for (const spec of alertSpecs().filter(
      (s) => s.severity === 'page' && ['timeout_rate', 'error_rate', 'model_latency'].includes(s.sli)
    )) {
      if (spec.alert.includes('Budget')) {
        continue;
      }
      fired.push(
        ...paged(
          'prometheus',
          spec.alert,
          await instantQuery(prometheus.url, prometheusAlertExpr(spec), INCIDENT_CHECK_TIME)
        )
      );
      const grafana = await instantQuery(victoria.url, grafanaQueryExpr(spec), INCIDENT_CHECK_TIME);
      const threshold = spec.condition.op === '>' ? spec.condition.threshold : NaN;
      fired.push(
        ...paged(
          'victoria-metrics',
          spec.alert,
          grafana.filter((s) => s.value > threshold)
        )
      );
    }
    expect(fired.sort()).toEqual(
      ['AisreErrorRatePage', 'AisreModelLatencyPage', 'AisreTimeoutRatePage']
        .flatMap((a) => [`prometheus ${a}`, `victoria-metrics ${a}`])
        .sort()
    );
  });
});

it('knows the recording rules file it backfills', () => {
  expect(readFileSync(join(ROOT, RECORDING_RULES_FILE), 'utf8')).toContain(allRecordings()[0].name);
});
