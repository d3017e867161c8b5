/**
 * The one orchestration's team rule, for both faces: an incident's team tag narrows the report under the
 * profile's team label; on OpenTelemetry series, which carry none, the report covers every series and says the
 * tag could not be applied (rather than read nothing). Grafana is faked at its HTTP client seam: the
 * annotations API and the fixture Prometheus behind /api/ds/query.
 */
import { of } from 'rxjs';
import { FakeAnnotationsBackend, type FetchOptions } from '../../../test/fixtures/annotationsBackend';
import { FIXTURE_WINDOW, fakeVector, grafanaFrames } from '../../../test/fixtures/prometheusAnswers';
import { type AppSettings } from '../../core/settings';
import { runImpact } from './impact';

const PROMETHEUS = { uid: 'prom-uid', type: 'prometheus', name: 'Prometheus' };
let backend: FakeAnnotationsBackend;
let expressions: string[];

function grafanaFetch(options: FetchOptions) {
  if (options.url === '/api/ds/query') {
    const data = options.data as { queries: Array<{ expr: string }>; to: string };
    expressions.push(data.queries[0].expr);
    const frames = grafanaFrames(fakeVector(data.queries[0].expr, Number(data.to) / 1000));
    return of({ ok: true, status: 200, data: { results: { A: { status: 200, frames } } } });
  }
  return backend.fetch(options);
}

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: grafanaFetch }),
}));

beforeEach(() => {
  backend = new FakeAnnotationsBackend([]);
  expressions = [];
});

async function reportFor(settings: AppSettings, team: string | undefined) {
  const state = await runImpact(
    { datasource: PROMETHEUS.uid, window: FIXTURE_WINDOW, baseline: { mode: 'preceding' }, selector: '', team },
    PROMETHEUS as Parameters<typeof runImpact>[1],
    settings
  );
  if (state.kind !== 'ready') {
    throw new Error(`expected a report, got ${JSON.stringify(state)}`);
  }
  return state;
}

test('on the contract, the team tag narrows every query and the report’s scope to team="…"', async () => {
  const state = await reportFor({ datasourceUid: PROMETHEUS.uid }, 'search');
  expect(state.report.selector).toBe('team="search"');
  expect(state.context.selector).toBe('team="search"');
  const reads = expressions.filter((e) => e.includes('increase('));
  expect(reads.length).toBeGreaterThan(0);
  expect(reads.every((e) => e.includes('team="search"'))).toBe(true);
  expect(state.notes.join('\n')).not.toContain('could not be applied');
});

test('on OpenTelemetry series the team tag is not applied, and the report says so instead of reading nothing', async () => {
  const state = await reportFor({ datasourceUid: PROMETHEUS.uid, preset: 'otel-genai' }, 'search');
  expect(state.report.selector).toBe('');
  expect(state.context.teamUnapplied).toBe(true);
  expect(expressions.length).toBeGreaterThan(0);
  expect(expressions.some((e) => e.includes('team='))).toBe(false);
  expect(state.notes).toContainEqual(
    expect.stringMatching(
      /^The team tag team:search could not be applied: OpenTelemetry GenAI series carry no team label/
    )
  );
});

test('no team tag: nothing narrowed, nothing to say', async () => {
  const state = await reportFor({ datasourceUid: PROMETHEUS.uid, preset: 'otel-genai' }, undefined);
  expect(state.report.selector).toBe('');
  expect(state.notes.join('\n')).not.toContain('team tag');
});
