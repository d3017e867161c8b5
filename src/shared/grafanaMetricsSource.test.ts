import { of, NEVER, throwError } from 'rxjs';
import { buildImpactReport, type ImpactOptions } from '../core/impact';
import { type HttpPost, PrometheusHttpSource } from '../core/prometheus';
import { renderMarkdown } from '../core/render';
import { MetricsSourceError } from '../core/source';
import {
  FIXTURE_WINDOW,
  fakeMatrix,
  fakeVector,
  grafanaMatrixFrames,
  prometheusMatrixBody,
  grafanaFrames,
  prometheusBody,
  type FixtureOptions,
} from '../../test/fixtures/prometheusAnswers';
import { framesToSampleRows, GrafanaMetricsSource, type DataFrameJSON } from './grafanaMetricsSource';

const backendFetch = jest.fn();

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: backendFetch }),
}));

const DATASOURCE = { uid: 'prom-uid', type: 'prometheus', name: 'Prometheus' };

interface DsQueryBody {
  queries: Array<{
    refId: string;
    expr: string;
    instant: boolean;
    range: boolean;
    intervalMs?: number;
    format: string;
    datasource: { uid: string; type: string };
  }>;
  from: string;
  to: string;
}

/** A fake Grafana whose Prometheus data source answers with the fixtures, framed as Grafana frames them. */
function grafanaAnswering(fixture: FixtureOptions = {}) {
  backendFetch.mockImplementation(({ data }: { data: DsQueryBody }) => {
    const query = data.queries[0];
    const frames = query.range
      ? grafanaMatrixFrames(
          fakeMatrix(query.expr, Number(data.from) / 1000, Number(data.to) / 1000, query.intervalMs! / 1000, fixture)
        )
      : grafanaFrames(fakeVector(query.expr, Number(data.to) / 1000, fixture));
    return of({ ok: true, status: 200, data: { results: { [query.refId]: { status: 200, frames } } } });
  });
}

function fetchError(status: number, data: unknown, statusText = '') {
  return throwError(() => ({ status, statusText, data, config: {} }));
}

afterEach(() => backendFetch.mockReset());

describe('framesToSampleRows', () => {
  test('reads one row per series with the labels of the value field', () => {
    const frames = grafanaFrames([
      { metric: { outcome: 'refused', endpoint: '/chat' }, value: [1, '481'] },
      { metric: { outcome: 'answered', endpoint: '/chat' }, value: [1, '14011.5'] },
    ]);
    expect(framesToSampleRows(frames)).toEqual([
      { labels: { outcome: 'refused', endpoint: '/chat' }, value: 481 },
      { labels: { outcome: 'answered', endpoint: '/chat' }, value: 14011.5 },
    ]);
  });

  test('decodes NaN, +Inf and -Inf from data.entities', () => {
    const frames = grafanaFrames([
      { metric: { le: '1' }, value: [1, 'NaN'] },
      { metric: { le: '2' }, value: [1, '+Inf'] },
      { metric: { le: '5' }, value: [1, '-Inf'] },
      { metric: { le: '10' }, value: [1, '7'] },
    ]);
    expect(framesToSampleRows(frames).map((r) => r.value)).toEqual([NaN, Infinity, -Infinity, 7]);
  });

  test('reads several rows of one field, with entities naming rows by index (as Grafana writes a long frame)', () => {
    const frame: DataFrameJSON = {
      schema: {
        fields: [
          { name: 'Time', type: 'time' },
          { name: 'outcome', type: 'string' },
          { name: 'Value', type: 'number', labels: { endpoint: '/chat' } },
        ],
      },
      data: {
        values: [
          [1000, 1000, 1000],
          ['refused', 'error', 'answered'],
          [3, null, 5],
        ],
        entities: [null, null, { Inf: [1] }],
      },
    };
    expect(framesToSampleRows([frame])).toEqual([
      { labels: { endpoint: '/chat', outcome: 'refused' }, value: 3 },
      { labels: { endpoint: '/chat', outcome: 'error' }, value: Infinity },
      { labels: { endpoint: '/chat', outcome: 'answered' }, value: 5 },
    ]);
  });

  test('an empty vector, a warnings-only frame and no frames give no rows', () => {
    const warnings: DataFrameJSON = {
      schema: { name: 'Warnings', meta: { notices: [{ severity: 'warning', text: 'w' }] }, fields: [] },
      data: { values: [] },
    };
    expect(framesToSampleRows([])).toEqual([]);
    expect(framesToSampleRows([warnings])).toEqual([]);
  });
});

describe('GrafanaMetricsSource', () => {
  const source = () => new GrafanaMetricsSource(DATASOURCE, { timeoutMs: 50 });

  test('sends an instant query for the data source, evaluated at `to`', async () => {
    grafanaAnswering();
    await source().instantQuery('sum by (outcome) (increase(llm_requests_total{}[3600s]))', FIXTURE_WINDOW.to);
    const request = backendFetch.mock.calls[0][0];
    expect(request).toMatchObject({ url: '/api/ds/query', method: 'POST', showErrorAlert: false });
    expect(request.data).toEqual({
      queries: [
        {
          refId: 'A',
          datasource: { uid: 'prom-uid', type: 'prometheus' },
          expr: 'sum by (outcome) (increase(llm_requests_total{}[3600s]))',
          instant: true,
          range: false,
          exemplar: false,
          format: 'time_series',
          intervalMs: 15000,
          maxDataPoints: 1,
        },
      ],
      from: String(FIXTURE_WINDOW.to * 1000 - 60_000),
      to: String(FIXTURE_WINDOW.to * 1000),
    });
  });

  test('returns the rows of the frames', async () => {
    grafanaAnswering();
    const rows = await source().instantQuery(
      'sum by (outcome) (increase(llm_requests_total{}[3600s]))',
      FIXTURE_WINDOW.to
    );
    expect(rows).toContainEqual({ labels: { outcome: 'refused' }, value: 300 });
    expect(rows).toHaveLength(4);
  });

  test('a query error in the result (HTTP 400 from Grafana) becomes a MetricsSourceError with its message', async () => {
    backendFetch.mockReturnValue(
      fetchError(
        400,
        { results: { A: { status: 400, error: 'bad_data: 1:5: parse error: unexpected "}"' } } },
        'Bad Request'
      )
    );
    const failure = source().instantQuery('sum(', 1);
    await expect(failure).rejects.toThrow(MetricsSourceError);
    await expect(failure).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("data source 'Prometheus' answered 400: bad_data: 1:5: parse error"),
    });
  });

  test('a query error with HTTP 207 (multi-status) is an error too', async () => {
    backendFetch.mockReturnValue(
      of({ ok: true, status: 207, data: { results: { A: { status: 500, error: 'upstream timeout' } } } })
    );
    await expect(source().instantQuery('up', 1)).rejects.toMatchObject({
      status: 500,
      message: expect.stringContaining('upstream timeout'),
    });
  });

  test('403 names the status and Grafana’s words, and keeps its status', async () => {
    backendFetch.mockReturnValue(fetchError(403, { message: 'Access denied to data source' }, 'Forbidden'));
    await expect(source().instantQuery('up', 1)).rejects.toMatchObject({
      status: 403,
      message: "Grafana answered 403 for data source 'Prometheus': Access denied to data source",
    });
  });

  test('500 without a result names the status and Grafana message', async () => {
    backendFetch.mockReturnValue(fetchError(500, { message: 'Internal Server Error' }, 'Internal Server Error'));
    await expect(source().instantQuery('up', 1)).rejects.toMatchObject({
      status: 500,
      message: "Grafana answered 500 for data source 'Prometheus': Internal Server Error",
    });
  });

  test('an unreachable Grafana has no status', async () => {
    backendFetch.mockReturnValue(throwError(() => new TypeError('Failed to fetch')));
    const failure = source().instantQuery('up', 1);
    await expect(failure).rejects.toMatchObject({
      message: "cannot reach Grafana for data source 'Prometheus': Failed to fetch",
    });
    await expect(failure).rejects.toHaveProperty('status', undefined);
  });

  test('gives up after its timeout', async () => {
    backendFetch.mockReturnValue(NEVER);
    await expect(source().instantQuery('up', 1)).rejects.toMatchObject({
      message: "Grafana did not answer within 0.05 s for data source 'Prometheus'",
    });
  });

  test('an answer without the query result is unreadable', async () => {
    backendFetch.mockReturnValue(of({ ok: true, status: 200, data: { results: {} } }));
    await expect(source().instantQuery('up', 1)).rejects.toThrow(/unreadable answer: no result for query A/);
  });
});

describe('the same Prometheus answer through Prometheus HTTP and through Grafana', () => {
  async function bothReports(options: ImpactOptions, fixture: FixtureOptions = {}) {
    // jsdom has no fetch: PrometheusHttpSource reaches the fake Prometheus through its transport option.
    const post: HttpPost = async (_url, request) => {
      const body = new URLSearchParams(request.body);
      const text = body.has('start')
        ? prometheusMatrixBody(
            fakeMatrix(
              body.get('query')!,
              Number(body.get('start')),
              Number(body.get('end')),
              Number(body.get('step')),
              fixture
            )
          )
        : prometheusBody(fakeVector(body.get('query')!, Number(body.get('time')), fixture));
      return { status: 200, statusText: 'OK', location: null, body: text };
    };
    grafanaAnswering(fixture);
    const viaPrometheus = await buildImpactReport(
      new PrometheusHttpSource('http://prometheus.test', { post }),
      options
    );
    const viaGrafana = await buildImpactReport(new GrafanaMetricsSource(DATASOURCE), options);
    return { viaPrometheus, viaGrafana };
  }

  test('render to identical Markdown and JSON, NaN and +Inf series included', async () => {
    const { viaPrometheus, viaGrafana } = await bothReports({ window: FIXTURE_WINDOW, selector: 'team="search"' });
    // The fixtures do hold an incident, tainted histograms and missing SLIs: the comparison is not of two empty reports.
    expect(viaPrometheus.findings.map((f) => f.verdict)).toEqual(expect.arrayContaining(['page', 'insufficient_data']));
    expect(viaPrometheus.missingSlis.length).toBeGreaterThan(0);
    // Both read the history with range queries (Grafana frames a matrix differently) and measured the noise on it.
    expect(viaGrafana.findings.flatMap((f) => f.tests.map((t) => t.dispersionSource))).toContain('history');
    expect(renderMarkdown(viaGrafana)).toBe(renderMarkdown(viaPrometheus));
    expect(JSON.stringify(viaGrafana)).toBe(JSON.stringify(viaPrometheus));
  });

  test('agree when grouped by a label whose values are hostile text', async () => {
    const endpoints = ['/chat', '<img src=x onerror=alert(1)>', '| pipes |'];
    const { viaPrometheus, viaGrafana } = await bothReports(
      {
        window: FIXTURE_WINDOW,
        groupBy: ['endpoint'],
        excludeFromBaseline: [{ from: FIXTURE_WINDOW.from - 1800, to: FIXTURE_WINDOW.from - 1200 }],
      },
      { endpoints }
    );
    expect(new Set(viaPrometheus.findings.map((f) => f.segment.endpoint))).toEqual(new Set(endpoints));
    expect(renderMarkdown(viaGrafana)).toBe(renderMarkdown(viaPrometheus));
  });
});
