/**
 * The suggestion rules on reports of the simulator's incidents, one of each category, read from a real
 * Prometheus the way the Incident page reads them: `buildImpactReport` and `readChangeEvents` for the
 * incident's window through PrometheusHttpSource. The top suggestion must be the scenario's category.
 *
 * Scope: the SRE marks an incident on one endpoint, so the report and the change events are read with the
 * incident's endpoint as the selector (what the Incident page does for an annotation with an endpoint).
 * The same is checked for a report of every endpoint split `--by endpoint`, where other endpoints' noise
 * and changes must not mislead the rules.
 *
 * And `readChangeEvents` against the simulator's own change events (truth.incidents[].changeEvents), on
 * Prometheus and on VictoriaMetrics: same builds, times within one step (a change at c shows from the
 * first sample after c).
 */
import { type ChangeEvent, readChangeEvents } from './changes';
import { buildImpactReport } from './impact';
import { PrometheusHttpSource } from './prometheus';
import { suggestCategories } from './suggest';
import { startPrometheus, type StartedEngine } from '../../test/prometheus';
import { DEFAULT_SIMULATION, type SimulatedFixture, simulateFixture } from '../../test/simulateFixture';
import { toUnixSeconds } from '../../test/truth';
import { startVictoriaMetrics } from '../../test/victoriaMetrics';

jest.setTimeout(120_000);

/** The change events the simulator wrote down (its truth file has more than the harness' type says). */
interface TruthIncident {
  id: string;
  category: string;
  endpoint: string;
  from: string;
  to: string;
  changeEvents: Array<{ time: string; before: Record<string, string>; after: Record<string, string> }>;
}

let fixture: SimulatedFixture;
let prometheus: StartedEngine;
let victoriaMetrics: StartedEngine;

beforeAll(async () => {
  fixture = await simulateFixture(DEFAULT_SIMULATION);
  [prometheus, victoriaMetrics] = await Promise.all([
    startPrometheus({ openMetricsFile: fixture.openMetricsFile, readyTimeoutMs: 90_000 }),
    startVictoriaMetrics({ prometheusTextFile: fixture.prometheusTextFile, readyTimeoutMs: 90_000 }),
  ]);
}, 400_000);

afterAll(async () => {
  await Promise.all([prometheus?.stop(), victoriaMetrics?.stop()]);
  await fixture?.cleanup();
});

const incidents = () => fixture.truth.incidents as unknown as TruthIncident[];
const windowOf = (incident: TruthIncident) => ({ from: toUnixSeconds(incident.from), to: toUnixSeconds(incident.to) });

it('the scenario has an incident of every category the simulator schedules, changes included', () => {
  expect(new Set(incidents().map((i) => i.category))).toEqual(
    new Set([
      'infrastructure',
      'data-retrieval',
      'model-degradation',
      'security-surface',
      'agentic-coordination',
      'prompt',
    ])
  );
  expect(incidents().some((i) => i.changeEvents.length > 0)).toBe(true);
});

describe.each([
  [
    'with the incident endpoint as selector',
    (i: TruthIncident) => ({ selector: `endpoint="${i.endpoint}"`, groupBy: [] }),
  ],
  ['split by endpoint, every endpoint', () => ({ selector: '', groupBy: ['endpoint'] })],
])('the top suggestion is the scenario category, %s', (_, scope) => {
  it.each([
    'infrastructure',
    'data-retrieval',
    'model-degradation',
    'security-surface',
    'agentic-coordination',
    'prompt',
  ])('%s', async (category) => {
    const found = incidents().filter((i) => i.category === category);
    expect(found.length).toBeGreaterThan(0);
    const source = new PrometheusHttpSource(prometheus.url);
    for (const incident of found) {
      const { selector, groupBy } = scope(incident);
      const window = windowOf(incident);
      const [report, changes] = await Promise.all([
        buildImpactReport(source, { window, selector, groupBy }),
        readChangeEvents(source, { window, selector }),
      ]);
      const suggestions = suggestCategories(report, changes);
      // The whole ranking in the failure message, so a miss says what won instead and why.
      expect({ incident: incident.id, top: suggestions[0].category, ranking: suggestions }).toMatchObject({
        top: incident.category,
      });
      expect(suggestions[0].reason).toMatch(new RegExp(`-> ${category}$`));
    }
  });
});

/** Every change the simulator made, with the endpoint it belongs to (an incident's rollback included). */
function truthChanges() {
  const seen = new Map<
    string,
    { endpoint: string; time: number; before: Record<string, string>; after: Record<string, string> }
  >();
  for (const incident of incidents()) {
    for (const change of incident.changeEvents) {
      const time = toUnixSeconds(change.time);
      seen.set(`${incident.endpoint} ${time}`, {
        endpoint: incident.endpoint,
        time,
        before: change.before,
        after: change.after,
      });
    }
  }
  return [...seen.values()].sort((a, b) => a.time - b.time);
}

describe.each([
  ['Prometheus', () => prometheus],
  ['VictoriaMetrics', () => victoriaMetrics],
])('readChangeEvents on %s', (_, engine) => {
  it('finds the simulator’s change events, rollbacks included, within one step, and no others', async () => {
    const step = DEFAULT_SIMULATION.step;
    const expected = truthChanges();
    expect(expected.length).toBeGreaterThan(0);
    // The simulated day after its first hour (the lookback starts an hour after the data: at the very first
    // sample VictoriaMetrics returns no series, which would read as a first deployment).
    const window = { from: DEFAULT_SIMULATION.from + 2 * 3600, to: DEFAULT_SIMULATION.to };
    expect(expected[0].time).toBeGreaterThan(window.from);
    const events = await readChangeEvents(new PrometheusHttpSource(engine().url), { window, stepSeconds: step });
    const asTruth = (e: ChangeEvent) => ({
      endpoint: e.segment.endpoint,
      before: e.before,
      after: e.after,
    });
    expect(events.map(asTruth)).toEqual(expected.map(({ endpoint, before, after }) => ({ endpoint, before, after })));
    events.forEach((event, i) => {
      expect(event.time).toBeGreaterThan(expected[i].time);
      expect(event.time).toBeLessThanOrEqual(expected[i].time + step);
    });
  });

  it('with an incident window and its endpoint: the change at its start, not the rollback after its end', async () => {
    const source = new PrometheusHttpSource(engine().url);
    for (const incident of incidents().filter((i) => i.changeEvents.length > 0)) {
      const window = windowOf(incident);
      const events = await readChangeEvents(source, { window, selector: `endpoint="${incident.endpoint}"` });
      const atStart = incident.changeEvents.filter((c) => toUnixSeconds(c.time) === window.from);
      expect(events.map((e) => e.after)).toEqual(atStart.map((c) => c.after));
    }
  });
});
