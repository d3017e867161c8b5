/**
 * The alerts and the what-changed annotation against a simulated day with six incidents (the
 * simulator's ground truth says when, where and which SLIs shift): every incident pages on each SLI it
 * shifts (pages on the proportions), nothing pages just before an incident, and every prompt/model change is marked.
 * Runs the Grafana-managed form of each rule (raw series, no ruler needed) on a real Prometheus.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { dashboardExpressions, defaultSelection, substituteVariables } from '../dashboards/dashboardPromql';
import { instantQuery } from '../../test/http';
import { type StartedEngine, startPrometheus } from '../../test/prometheus';
import { DEFAULT_SIMULATION, type SimulatedFixture, simulateFixture } from '../../test/simulateFixture';
import { toUnixSeconds } from '../../test/truth';
import { rangeQuery } from '../../test/ruleEngines';
import { RECORDINGS } from './recordings';
import { type AlertCondition, alertSpecs, grafanaQueryExpr } from './rules';

jest.setTimeout(600_000);

interface ChangeEvent {
  time: string | number;
  after: Record<string, string>;
}
interface Incident {
  id: string;
  endpoint: string;
  from: string | number;
  to: string | number;
  expectedShifts: string[];
  changeEvents?: ChangeEvent[];
}

let fixture: SimulatedFixture;
let prometheus: StartedEngine;

beforeAll(async () => {
  // With the simulator's default, realistic noise (over-dispersed traffic): the significance guard widens its z
  // by the dispersion factor recorded from the trailing day (docs/alerting.md), so bursts do not page.
  fixture = await simulateFixture({ ...DEFAULT_SIMULATION, formats: ['openmetrics'] });
  prometheus = await startPrometheus({ openMetricsFile: fixture.openMetricsFile });
});

afterAll(async () => {
  await prometheus?.stop();
  await fixture?.cleanup();
});

function meets(condition: AlertCondition, value: number): boolean {
  if (condition.op === 'outside') {
    return value < condition.threshold[0] || value > condition.threshold[1];
  }
  return condition.op === '>' ? value > condition.threshold : value < condition.threshold;
}

/** Endpoints whose series meet the rule's condition at `time`, as Grafana would evaluate it. */
async function firing(spec: ReturnType<typeof alertSpecs>[number], time: number): Promise<string[]> {
  const series = await instantQuery(prometheus.url, grafanaQueryExpr(spec), time);
  return series.filter((s) => meets(spec.condition, s.value)).map((s) => s.metric.endpoint);
}

const incidents = () => fixture.truth.incidents as unknown as Incident[];
const pageSpecs = alertSpecs().filter((s) => s.severity === 'page' && !s.alert.includes('Budget'));

it('alerts on every SLI an incident shifts, on its endpoint, 30 minutes in: pages on the proportions', async () => {
  // Distribution alerts judge the headline quantile only (PSI is not expressible in PromQL): the
  // simulated similarity and confidence drifts move the median by about 20%, which investigates.
  const expected: string[] = [];
  const got: string[] = [];
  for (const incident of incidents()) {
    const at = toUnixSeconds(incident.from) + 30 * 60;
    for (const spec of alertSpecs().filter((s) => !s.alert.includes('Budget'))) {
      const proportion = RECORDINGS.proportions.some((p) => p.sli.id === spec.sli);
      if (incident.expectedShifts.includes(spec.sli) && (spec.severity === 'investigate' || proportion)) {
        expected.push(`${incident.id} ${spec.alert}`);
      }
      if ((await firing(spec, at)).includes(incident.endpoint)) {
        got.push(`${incident.id} ${spec.alert}`);
      }
    }
  }
  expect(expected.length).toBeGreaterThan(10);
  expect(got).toEqual(expect.arrayContaining(expected));
});

it('pages on nothing in the quiet hour before each incident', async () => {
  const got: string[] = [];
  for (const incident of incidents()) {
    const at = toUnixSeconds(incident.from) - 5 * 60;
    for (const spec of pageSpecs) {
      for (const endpoint of await firing(spec, at)) {
        got.push(`${incident.id}-5m ${spec.alert} ${endpoint}`);
      }
    }
  }
  expect(got).toEqual([]);
});

it('marks every prompt, model and provider-model change with the what-changed annotation', async () => {
  const dashboard = JSON.parse(readFileSync(join(__dirname, '..', 'dashboards', 'model-slis.json'), 'utf8'));
  const annotation = dashboardExpressions(dashboard).find((e) => e.where === 'annotation "What changed"');
  expect(annotation).toBeDefined();
  const expr = substituteVariables(annotation!.expr, defaultSelection(dashboard));
  const changes = incidents().flatMap((i) => (i.changeEvents ?? []).map((c) => ({ ...c, endpoint: i.endpoint })));
  expect(changes.length).toBeGreaterThan(0);
  for (const change of changes) {
    const time = toUnixSeconds(change.time);
    const marks = await rangeQuery(prometheus.url, expr, time - 600, time + 600, 60);
    const matching = marks.filter(
      (m) => m.metric.endpoint === change.endpoint && Object.entries(change.after).every(([k, v]) => m.metric[k] === v)
    );
    // One mark, at the first step that sees the new build.
    expect([change.time, matching.flatMap((m) => m.values.map(([t]) => t))]).toEqual([
      change.time,
      [Math.ceil((time + 1) / 60) * 60],
    ]);
  }
});

it('still marks each change once when Grafana widens the step on a long range (1 day and beyond)', async () => {
  const dashboard = JSON.parse(readFileSync(join(__dirname, '..', 'dashboards', 'model-slis.json'), 'utf8'));
  const annotation = dashboardExpressions(dashboard).find((e) => e.where === 'annotation "What changed"')!;
  const changes = incidents().flatMap((i) => (i.changeEvents ?? []).map((c) => ({ ...c, endpoint: i.endpoint })));
  // Grafana's step for a day on a full-width panel is 1–2 minutes; for a week, 15 minutes. Grafana puts
  // that step in $__interval, so the offset follows it.
  for (const step of [120, 900]) {
    const expr = substituteVariables(annotation.expr, { ...defaultSelection(dashboard), __interval: `${step}s` });
    const fixedOffset = expr.replace(`offset ${step}s`, 'offset 1m');
    let missedByFixedOffset = 0;
    for (const change of changes) {
      const time = toUnixSeconds(change.time);
      const from = Math.floor((time - 3 * step) / step) * step;
      const marksOf = async (query: string) =>
        (await rangeQuery(prometheus.url, query, from, from + 8 * step, step))
          .filter(
            (m) =>
              m.metric.endpoint === change.endpoint && Object.entries(change.after).every(([k, v]) => m.metric[k] === v)
          )
          .flatMap((m) => m.values.map(([t]) => t));
      const marks = await marksOf(expr);
      expect([step, change.time, marks.length, marks[0] > time && marks[0] <= time + step + 60]).toEqual([
        step,
        change.time,
        1,
        true,
      ]);
      missedByFixedOffset += (await marksOf(fixedOffset)).length === 0 ? 1 : 0;
    }
    // The `offset 1m` this replaces loses changes at this step: the test tells the two apart.
    expect([step, missedByFixedOffset > 0]).toEqual([step, true]);
  }
});
