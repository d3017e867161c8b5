/**
 * The Configuration page's convention picker: the Detect button (the same detection `aisre doctor` runs, through
 * Grafana's /api/ds/query), and which bundled dashboard set matches the chosen convention. Grafana is faked at
 * its HTTP client seam: the app's settings, and a small Prometheus answering detection's instant queries
 * (`count by (__name__)`, `count(…)`, `topk(…)`) from the series it holds, framed as Grafana frames them.
 */
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { config } from '@grafana/runtime';
import React from 'react';
import { MemoryRouter } from 'react-router-dom';
import { of, throwError } from 'rxjs';
import { grafanaFrames, type PromSeries } from '../../../test/fixtures/prometheusAnswers';
import AppConfig, { type AppConfigProps } from './AppConfig';

const PROMETHEUS = { uid: 'prom-uid', type: 'prometheus', name: 'Prometheus' };
const SETTINGS_URL = '/api/plugins/aisre-reliability-app/settings';

/** What the fake Prometheus holds: series by labels (`__name__` included). */
let held: Array<Record<string, string>>;
let dsQuery: (() => unknown) | undefined;
const expressions: string[] = [];

/** The series of `selector` (`name{a="b",c!~"x|y"}` or `{a="b"}`) that the fake holds: equality and regex matchers. */
function matching(selector: string): Array<Record<string, string>> {
  const [, name, body = ''] = /^([a-zA-Z_:][\w:]*)?\{?(.*?)\}?$/.exec(selector.trim())!;
  const matchers = [...body.matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map(([, label, op, raw]) => ({
    label,
    op,
    value: raw.replace(/\\(.)/g, '$1'),
  }));
  return held.filter((s) => {
    if (name && s.__name__ !== name) {
      return false;
    }
    return matchers.every(({ label, op, value }) => {
      const actual = s[label] ?? '';
      const regex = new RegExp(`^(?:${value})$`);
      return op === '='
        ? actual === value
        : op === '!='
          ? actual !== value
          : op === '=~'
            ? regex.test(actual)
            : !regex.test(actual);
    });
  });
}

function answer(expr: string, time: number): PromSeries[] {
  const sample = (metric: Record<string, string>, value: number): PromSeries => ({
    metric,
    value: [time, String(value)],
  });
  let m = /^count by \(__name__\) \((.*)\)$/.exec(expr);
  if (m) {
    const names = [...new Set(matching(m[1]).map((s) => s.__name__))];
    return names.map((name) => sample({ __name__: name }, matching(`${name}`).length));
  }
  m = /^count\((.*)\)$/.exec(expr);
  if (m) {
    const n = matching(m[1]).length;
    return n ? [sample({}, n)] : [];
  }
  m = /^topk\(\d+, (.*)\)$/.exec(expr);
  if (m) {
    return matching(m[1]).map((s) => sample(s, 1));
  }
  throw new Error(`the fake Prometheus does not answer ${expr}`);
}

function grafanaFetch({ url, method, data }: { url: string; method?: string; data?: any }) {
  if (url === SETTINGS_URL && method === 'GET') {
    return of({
      ok: true,
      status: 200,
      data: { enabled: true, pinned: false, jsonData: { datasourceUid: PROMETHEUS.uid } },
    });
  }
  if (url === '/api/ds/query') {
    if (dsQuery) {
      return dsQuery();
    }
    const expr = data.queries[0].expr as string;
    expressions.push(expr);
    const frames = grafanaFrames(answer(expr, Number(data.to) / 1000));
    return of({ ok: true, status: 200, data: { results: { A: { status: 200, frames } } } });
  }
  throw new Error(`unexpected request ${method} ${url}`);
}

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: grafanaFetch }),
  getDataSourceSrv: () => ({ getInstanceSettings: (ref?: string) => (ref === 'prom-uid' ? PROMETHEUS : undefined) }),
  DataSourcePicker: () => <span>Prometheus</span>,
}));

const props = {
  plugin: { meta: { id: 'aisre-reliability-app', enabled: true, pinned: false, jsonData: {} } },
  query: {},
} as unknown as AppConfigProps;

/** The OpenTelemetry GenAI conventions as the JS exporter names them (no _seconds suffix). */
const OTEL_JS = ['chat', 'execute_tool'].flatMap((operation) =>
  ['_count', '_bucket', '_sum'].map((suffix) => ({
    __name__: `gen_ai_client_operation_duration${suffix}`,
    gen_ai_operation_name: operation,
    gen_ai_request_model: 'gpt-4o',
    job: 'assistant',
  }))
);

beforeEach(() => {
  held = [];
  dsQuery = undefined;
  expressions.length = 0;
  (config as any).bootData = { ...config.bootData, user: { isSignedIn: true, orgRole: 'Admin' } };
});

async function renderAndDetect() {
  render(
    <MemoryRouter>
      <AppConfig {...props} />
    </MemoryRouter>
  );
  await waitFor(() => expect(screen.queryByText(/Loading the app's settings/)).toBeNull());
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: 'Detect' }));
  });
  await waitFor(() => expect(screen.getByRole('button', { name: 'Detect' })).toBeEnabled(), { timeout: 10_000 });
}

const convention = () => (document.getElementById('aisre-config-preset') as HTMLInputElement).value;

test('Detect finds OpenTelemetry data, sets the convention and the JS exporter’s name, and says what it can compute', async () => {
  held = OTEL_JS;
  await renderAndDetect();
  expect(
    screen.getByText(/^OpenTelemetry GenAI: \d+ of 12 SLIs computable \(.*Timeouts.*\)\. Save to use it\.$/)
  ).toBeInTheDocument();
  expect(convention()).toBe('OpenTelemetry GenAI');
  // The unsuffixed duration the data holds is pinned, so the queries read it.
  expect(
    (document.getElementById('aisre-config-metric-gen_ai_client_operation_duration_seconds') as HTMLInputElement).value
  ).toBe('gen_ai_client_operation_duration');
  expect(expressions.some((e) => e.startsWith('count by (__name__)'))).toBe(true);
  // The dashboards that read these names are named, and linked.
  const dashboards = screen.getByTestId('aisre-config-preset-dashboards');
  expect(within(dashboards).getByRole('link', { name: 'Model SLIs (OpenTelemetry)' })).toHaveAttribute(
    'href',
    expect.stringMatching(/\/d\/aisre-otel-genai-model-slis$/)
  );
  expect(dashboards).toHaveTextContent(
    /other conventions .*Model SLIs, Retrieval, Agents & security for Metrics contract/
  );
});

test('Detect on a data source with none of the series says so and changes nothing', async () => {
  held = [{ __name__: 'up', job: 'node' }];
  await renderAndDetect();
  expect(screen.getByText('No telemetry this app reads in Prometheus in the last 5 minutes.')).toBeInTheDocument();
  expect(convention()).toBe('Metrics contract (defaults)');
  const dashboards = screen.getByTestId('aisre-config-preset-dashboards');
  expect(within(dashboards).getByRole('link', { name: 'Retrieval' })).toHaveAttribute(
    'href',
    expect.stringMatching(/\/d\/aisre-retrieval$/)
  );
  expect(within(dashboards).queryByRole('link', { name: /OpenTelemetry/ })).toBeNull();
});

test.each([
  [403, 'Permission denied', /Grafana answered 403 for .*: Permission denied/],
  [500, 'database is locked', /Grafana answered 500 for .*: database is locked/],
])(
  'Detect when the data source query fails with %s shows Grafana’s message and changes nothing',
  async (status, message, shown) => {
    dsQuery = () => throwError(() => ({ status, data: { message } }));
    await renderAndDetect();
    expect(screen.getByText(shown)).toBeInTheDocument();
    expect(convention()).toBe('Metrics contract (defaults)');
  }
);
