import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { AppEvents, createTheme, dateTime, type InterpolateFunction, type PanelProps } from '@grafana/data';
import React from 'react';
import { NEVER, of, throwError } from 'rxjs';
import { buildImpactReport } from '../../core/impact';
import { profiledImpactOptions } from '../../core/profile';
import { type ImpactReport, type Thresholds } from '../../core/report';
import { renderMarkdown } from '../../core/render';
import {
  FIXTURE_WINDOW,
  fakeVector,
  grafanaFrames,
  type FixtureOptions,
} from '../../../test/fixtures/prometheusAnswers';
import { type IncidentAnnotation } from '../../shared/annotations';
import { GrafanaMetricsSource } from '../../shared/grafanaMetricsSource';
import { SETTINGS_URL } from '../../shared/settings';
import ImpactPanel from './ImpactPanel';
import { plugin } from './module';
import { DEFAULT_OPTIONS, type ImpactPanelOptions } from './types';

const backendFetch = jest.fn();
const publish = jest.fn();
const getInstanceSettings = jest.fn();
const getList = jest.fn();

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: backendFetch }),
  getDataSourceSrv: () => ({ getInstanceSettings, getList }),
  getAppEvents: () => ({ publish }),
}));

const PROMETHEUS = { uid: 'prom-uid', type: 'prometheus', name: 'Prometheus' };
/** What Grafana's DatasourceSrv gives for `${datasource}`: uid and name un-interpolated, the real one in rawRef (datasource_srv.ts). */
const VIA_VARIABLE = {
  ...PROMETHEUS,
  uid: '${datasource}',
  name: '${datasource}',
  isDefault: false,
  rawRef: { uid: PROMETHEUS.uid, type: PROMETHEUS.type },
};
/** Grafana's default data source when none is marked default (pkg/api/frontendsettings.go). */
const GRAFANA_DEFAULT = { uid: 'grafana', type: 'datasource', name: '-- Grafana --' };
const byRef = (ref: string | { uid?: string } | null) => (typeof ref === 'string' ? ref : ref?.uid);
const HOSTILE = ['<img src=x onerror=alert(1)>', '| pipes |', '[link](javascript:alert(1))'];

interface Backend {
  fixture?: FixtureOptions;
  annotations?: IncidentAnnotation[];
  /** Replaces the data source's answer to every query. */
  dsQuery?: () => unknown;
  /** The app's stored jsonData (default: the settings API fails, so the panel reads the defaults). */
  appJsonData?: Record<string, unknown>;
}

/** A fake Grafana: annotations from a list (those overlapping the asked range), queries from the fixtures. */
function grafana({ fixture = {}, annotations = [], dsQuery, appJsonData }: Backend = {}) {
  backendFetch.mockImplementation(({ url, data, params }) => {
    if (appJsonData && url === SETTINGS_URL) {
      return of({ ok: true, status: 200, data: { enabled: true, pinned: true, jsonData: appJsonData } });
    }
    if (url === '/api/annotations') {
      return of({
        ok: true,
        status: 200,
        data: annotations.filter((a) => a.time <= params.to && a.timeEnd >= params.from),
      });
    }
    if (dsQuery) {
      return dsQuery();
    }
    const query = data.queries[0];
    if (query.datasource.uid !== PROMETHEUS.uid) {
      // Grafana's answer for a uid it does not know (pkg/api/ds_query.go).
      return throwError(() => ({ status: 404, data: { message: 'Data source not found' } }));
    }
    const frames = grafanaFrames(fakeVector(query.expr, Number(data.to) / 1000, fixture));
    return of({ ok: true, status: 200, data: { results: { A: { status: 200, frames } } } });
  });
}

const noVariables: InterpolateFunction = (text) => text;

interface Where {
  window?: { from: number; to: number };
  replaceVariables?: InterpolateFunction;
}

/** Fresh objects each call, as Grafana passes on every refresh. */
function panelProps(
  options: Partial<ImpactPanelOptions>,
  { window = FIXTURE_WINDOW, replaceVariables = noVariables }: Where
): PanelProps<ImpactPanelOptions> {
  return {
    options: { ...DEFAULT_OPTIONS, ...options },
    timeRange: { from: dateTime(window.from * 1000), to: dateTime(window.to * 1000), raw: { from: 'a', to: 'b' } },
    replaceVariables,
    width: 800,
    height: 600,
  } as unknown as PanelProps<ImpactPanelOptions>;
}

function renderPanel(options: Partial<ImpactPanelOptions> = {}, where: Where = {}) {
  return render(<ImpactPanel {...panelProps(options, where)} />);
}

const dsQueries = () => backendFetch.mock.calls.filter(([request]) => request.url === '/api/ds/query').length;
/** The PromQL of every data source query sent so far. */
const dsExprs = (): string[] =>
  backendFetch.mock.calls.filter(([r]) => r.url === '/api/ds/query').map(([r]) => r.data.queries[0].expr);

/** The report the core makes for the same data, for comparing what the panel shows and exports. */
async function expectedReport(
  options: Partial<ImpactPanelOptions> = {},
  excluded: Array<{ from: number; to: number }> = [],
  thresholds?: Partial<Thresholds>
): Promise<ImpactReport> {
  const o = { ...DEFAULT_OPTIONS, ...options };
  return buildImpactReport(new GrafanaMetricsSource(PROMETHEUS), {
    window: FIXTURE_WINDOW,
    excludeFromBaseline: excluded,
    selector: o.selector,
    groupBy: o.groupBy,
    thresholds,
  });
}

const WAIT = { timeout: 10_000 };

// Lazy chunks and renders are slow on a 2-core machine: room for the WAITs below.
jest.setTimeout(30_000);

beforeAll(() => {
  // Combobox (canvas measureText is stubbed in jest-setup.js) lists only the options its virtualiser believes fit, which needs a size jsdom does not lay out…
  Object.defineProperty(Element.prototype, 'clientHeight', { configurable: true, get: () => 400 });
  Object.defineProperty(Element.prototype, 'clientWidth', { configurable: true, get: () => 400 });
  // …and watches its menu with an IntersectionObserver.
  (global as { IntersectionObserver?: unknown }).IntersectionObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
});

beforeEach(() => {
  getInstanceSettings.mockImplementation((ref: string | { uid?: string } | null) =>
    byRef(ref) === '${datasource}' ? VIA_VARIABLE : byRef(ref) === PROMETHEUS.uid ? PROMETHEUS : undefined
  );
  getList.mockReturnValue([PROMETHEUS]);
});
afterEach(() => {
  backendFetch.mockReset();
  publish.mockReset();
  getInstanceSettings.mockReset();
  getList.mockReset();
});

describe('options', () => {
  test('default to the core thresholds, the preceding baseline and the ${datasource} variable', () => {
    // Grafana's editor registry is not in jest: record what each option declares instead.
    const declared: Record<string, unknown> = {};
    const builder: Record<string, unknown> = new Proxy(
      {},
      {
        get: () => (config: { path: string; defaultValue: unknown }) => {
          declared[config.path] = config.defaultValue;
          return builder;
        },
      }
    );
    plugin.getPanelOptionsSupplier()(builder as never, { data: [] } as never);
    expect(declared).toEqual(DEFAULT_OPTIONS);
    expect(DEFAULT_OPTIONS).toMatchObject({
      datasource: '${datasource}',
      baselineMode: 'preceding',
      // Percentages, as the Configuration page takes them.
      investigate: 5,
      page: 30,
      minVolume: 100,
    });
  });
});

describe('states', () => {
  test('loading while the queries run', async () => {
    grafana({ dsQuery: () => NEVER });
    renderPanel();
    expect(await screen.findByText('Reading the window and its baseline…')).toBeInTheDocument();
  });

  test('a data source that is not found', async () => {
    grafana();
    renderPanel({ datasource: 'gone' });
    expect(await screen.findByText('No data source')).toBeInTheDocument();
    expect(backendFetch).not.toHaveBeenCalledWith(expect.objectContaining({ url: '/api/ds/query' }));
  });

  test('queries the data source behind ${datasource} by its real uid (rawRef), not by the variable', async () => {
    grafana();
    renderPanel();
    expect(await screen.findByRole('button', { name: 'Copy Markdown' }, WAIT)).toBeInTheDocument();
    const uids = backendFetch.mock.calls
      .filter(([r]) => r.url === '/api/ds/query')
      .map(([r]) => r.data.queries[0].datasource.uid);
    expect(uids.length).toBeGreaterThan(0);
    expect(new Set(uids)).toEqual(new Set([PROMETHEUS.uid]));
  });

  test('on a dashboard without the variable and no default data source, queries the first PromQL one', async () => {
    getInstanceSettings.mockImplementation((ref: string | { uid?: string } | null) =>
      ref === null ? GRAFANA_DEFAULT : byRef(ref) === PROMETHEUS.uid ? PROMETHEUS : undefined
    );
    grafana();
    renderPanel();
    expect(await screen.findByRole('button', { name: 'Copy Markdown' }, WAIT)).toBeInTheDocument();
    expect(getList).toHaveBeenCalled();
  });

  test('a data source that does not speak PromQL', async () => {
    getInstanceSettings.mockReturnValue({ uid: 'loki', type: 'loki', name: 'Logs' });
    grafana();
    renderPanel();
    expect(await screen.findByText('This data source does not speak PromQL')).toBeInTheDocument();
    expect(screen.getByText(/'Logs' is a loki data source/)).toBeInTheDocument();
  });

  test('a window shorter than 5 minutes is explained, not reported', async () => {
    grafana();
    renderPanel({}, { window: { from: FIXTURE_WINDOW.to - 120, to: FIXTURE_WINDOW.to } });
    expect(await screen.findByText('Window too short')).toBeInTheDocument();
    expect(screen.getByText(/The window is 2 min long/)).toBeInTheDocument();
  });

  test('a query error shows the message of the data source', async () => {
    grafana({
      dsQuery: () =>
        throwError(() => ({
          status: 400,
          data: { results: { A: { status: 400, error: 'bad_data: parse error' } } },
          config: {},
        })),
    });
    renderPanel();
    expect(await screen.findByText('The query failed', {}, WAIT)).toBeInTheDocument();
    expect(screen.getByText(/answered 400: bad_data: parse error/)).toBeInTheDocument();
  });

  test('403 is worded as a permission problem', async () => {
    grafana({ dsQuery: () => throwError(() => ({ status: 403, data: { message: 'Access denied' }, config: {} })) });
    renderPanel();
    expect(await screen.findByText('No permission to query this data source', {}, WAIT)).toBeInTheDocument();
  });

  test('no data when no SLI has a series', async () => {
    grafana({ fixture: { empty: true } });
    renderPanel({ selector: 'team="nobody"' });
    const alert = (await screen.findByText('No data', {}, WAIT)).closest('[role="status"], [role="alert"], div')!;
    expect(alert.parentElement).toHaveTextContent('team="nobody"');
    // The header says the scope and where it comes from.
    expect(screen.getByTestId('impact-scope')).toHaveTextContent(/Scope\s*team="nobody" from the panel's selector/);
  });

  test('Try again after a failed query runs it again and shows the report', async () => {
    grafana({ dsQuery: () => throwError(() => ({ status: 502, data: { message: 'Bad gateway' }, config: {} })) });
    renderPanel();
    expect(await screen.findByText('The query failed', {}, WAIT)).toBeInTheDocument();
    grafana();
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText(/All findings \(\d+\)/, {}, WAIT)).toBeInTheDocument();
    expect(screen.queryByText('The query failed')).not.toBeInTheDocument();
  });

  test('options the core cannot use are explained', async () => {
    grafana();
    renderPanel({ selector: 'not a selector' });
    expect(await screen.findByText('The panel options need a fix', {}, WAIT)).toBeInTheDocument();
  });

  test("the report's caveats are shown", async () => {
    grafana();
    renderPanel();
    const caveats = await screen.findByRole('list', { name: 'Caveats' }, WAIT);
    const report = await expectedReport();
    expect(report.caveats.length).toBeGreaterThan(0);
    for (const caveat of report.caveats) {
      expect(within(caveats).getByText(caveat)).toBeInTheDocument();
    }
  });
});

describe('the summary', () => {
  test('one row per finding that is not ok, pages first, in verdict colours', async () => {
    grafana();
    renderPanel();
    const rows = await screen.findAllByTestId('impact-finding', {}, WAIT);
    const report = await expectedReport();
    const notOk = report.findings.filter((f) => f.verdict !== 'ok');
    expect(notOk.length).toBeGreaterThan(1);
    expect(rows.map((r) => r.dataset.verdict)).toEqual(
      [...notOk]
        .sort(
          (a, b) =>
            ['page', 'investigate', 'insufficient_data'].indexOf(a.verdict) -
            ['page', 'investigate', 'insufficient_data'].indexOf(b.verdict)
        )
        .map((f) => f.verdict)
    );
    const theme = createTheme();
    const colour = {
      page: theme.colors.error.text,
      investigate: theme.colors.warning.text,
      insufficient_data: theme.colors.text.disabled,
    };
    for (const row of rows) {
      const verdict = row.dataset.verdict as keyof typeof colour;
      expect(within(row).getByTestId('impact-verdict')).toHaveStyle({ color: colour[verdict] });
    }
    // The sentence is the core's, rendered: its words and numbers, no Markdown syntax left.
    expect(rows[0]).toHaveTextContent(/Errors: .* of 10,000 requests/);
    expect(rows[0].textContent).not.toContain('**');
  });

  test('expands to every finding as a table', async () => {
    grafana();
    renderPanel();
    const toggle = await screen.findByText(/All findings \(\d+\)/, {}, WAIT);
    fireEvent.click(toggle);
    const table = await screen.findByRole('table');
    const report = await expectedReport();
    expect(within(table).getAllByRole('row')).toHaveLength(report.findings.length + 1);
  });
});

describe('refresh', () => {
  test('a refresh over the same window and options runs no query and keeps the open sections open', async () => {
    grafana();
    const { rerender } = renderPanel();
    fireEvent.click(await screen.findByText(/All findings \(\d+\)/, {}, WAIT));
    expect(await screen.findByRole('table')).toBeInTheDocument();
    const before = dsQueries();
    rerender(<ImpactPanel {...panelProps({}, {})} />);
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    expect(dsQueries()).toBe(before);
    expect(screen.getByRole('table')).toBeInTheDocument();
  });

  test('a new window keeps the last report on screen, marked as refreshing, until the new one is read', async () => {
    grafana();
    const { rerender } = renderPanel();
    fireEvent.click(await screen.findByText(/All findings \(\d+\)/, {}, WAIT));
    grafana({ dsQuery: () => NEVER });
    const later = { from: FIXTURE_WINDOW.from + 60, to: FIXTURE_WINDOW.to + 60 };
    rerender(<ImpactPanel {...panelProps({}, { window: later })} />);
    expect(await screen.findByTestId('impact-refreshing', {}, WAIT)).toHaveTextContent('Refreshing');
    expect(screen.getByRole('table')).toBeInTheDocument();
    expect(screen.queryByText('Reading the window and its baseline…')).not.toBeInTheDocument();
  });
});

describe('exports', () => {
  const clipboard = { writeText: jest.fn() };
  beforeEach(() => {
    Object.defineProperty(navigator, 'clipboard', { value: clipboard, configurable: true });
    clipboard.writeText.mockReset().mockResolvedValue(undefined);
  });

  test('Copy puts exactly renderMarkdown(report) on the clipboard and says so', async () => {
    grafana();
    renderPanel();
    fireEvent.click(await screen.findByRole('button', { name: /Copy Markdown/ }, WAIT));
    expect(await screen.findByText('Copied', {}, WAIT)).toBeInTheDocument();
    expect(clipboard.writeText).toHaveBeenCalledWith(renderMarkdown(await expectedReport()));
    expect(publish).toHaveBeenCalledWith({
      type: AppEvents.alertSuccess.name,
      payload: ['Impact section copied as Markdown'],
    });
  });

  test('a panel saved with fractional thresholds judges as it did, once Grafana migrates it', async () => {
    grafana();
    const saved = { ...DEFAULT_OPTIONS, investigate: 0.02, page: 0.1 };
    const migrated = await plugin.onPanelMigration?.({
      id: 1,
      type: 'aisre-impact-panel',
      options: saved,
      fieldConfig: { defaults: {}, overrides: [] },
    });
    expect(migrated).toMatchObject({ investigate: 2, page: 10 });
    renderPanel(migrated);
    fireEvent.click(await screen.findByRole('button', { name: /Copy Markdown/ }, WAIT));
    await screen.findByText('Copied', {}, WAIT);
    // What `aisre impact` writes with the thresholds the panel was saved with: the same verdicts and sentences.
    const expected = renderMarkdown(await expectedReport({}, [], { investigate: 0.02, page: 0.1 }));
    expect(clipboard.writeText).toHaveBeenCalledWith(expected);
    expect(expected).not.toBe(renderMarkdown(await expectedReport()));
  });

  test('Copy falls back to execCommand where the Clipboard API is refused', async () => {
    clipboard.writeText.mockRejectedValue(new Error('NotAllowedError'));
    const execCommand = jest.fn().mockReturnValue(true);
    Object.defineProperty(document, 'execCommand', { value: execCommand, configurable: true });
    let copiedText = '';
    execCommand.mockImplementation(() => {
      copiedText =
        (document.activeElement as HTMLTextAreaElement | null)?.value ??
        (document.querySelector('textarea')?.value as string);
      return true;
    });
    grafana();
    renderPanel();
    fireEvent.click(await screen.findByRole('button', { name: /Copy Markdown/ }, WAIT));
    expect(await screen.findByText('Copied', {}, WAIT)).toBeInTheDocument();
    expect(execCommand).toHaveBeenCalledWith('copy');
    expect(copiedText).toBe(renderMarkdown(await expectedReport()));
  });

  test('downloads the Markdown and the JSON, named by the window', async () => {
    const blobs: Blob[] = [];
    const names: string[] = [];
    URL.createObjectURL = jest.fn((blob: Blob) => {
      blobs.push(blob);
      return `blob:${blobs.length}`;
    });
    URL.revokeObjectURL = jest.fn();
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement
    ) {
      names.push(this.download);
    });
    grafana();
    renderPanel();
    fireEvent.click(await screen.findByRole('button', { name: 'Download Markdown (.md)' }, WAIT));
    fireEvent.click(screen.getByRole('button', { name: 'Download JSON (.json)' }));
    const report = await expectedReport();
    const read = (blob: Blob) =>
      new Promise<string>((resolve) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result as string);
        reader.readAsText(blob);
      });
    expect(await read(blobs[0])).toBe(renderMarkdown(report));
    expect(await read(blobs[1])).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(JSON.parse(await read(blobs[1]))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(names).toEqual(['impact-20261120T0200Z-20261120T0300Z.md', 'impact-20261120T0200Z-20261120T0300Z.json']);
    click.mockRestore();
  });
});

describe('incident windows', () => {
  const incidents: IncidentAnnotation[] = HOSTILE.map((text, i) => ({
    id: i + 1,
    time: (FIXTURE_WINDOW.from + 600 * i) * 1000,
    timeEnd: (FIXTURE_WINDOW.from + 600 * i + 400) * 1000,
    text,
    tags: ['ai-incident', 'ai-category:security-surface'],
    dashboardUID: null,
  }));
  const inBaseline: IncidentAnnotation = {
    id: 10,
    time: (FIXTURE_WINDOW.from - 1800) * 1000,
    timeEnd: (FIXTURE_WINDOW.from - 1200) * 1000,
    text: 'an earlier incident',
    tags: ['ai-incident'],
    dashboardUID: null,
  };

  test('hostile annotation text is listed as text, never as HTML', async () => {
    grafana({ annotations: incidents });
    renderPanel();
    const input = await screen.findByRole('combobox');
    await waitFor(() =>
      expect(backendFetch).toHaveBeenCalledWith(expect.objectContaining({ url: '/api/annotations' }))
    );
    fireEvent.click(input);
    for (const text of HOSTILE) {
      expect(await screen.findByText(new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))).toBeInTheDocument();
    }
    expect(document.querySelector('img')).toBeNull();
    expect(document.querySelector('a[href^="javascript"]')).toBeNull();
  });

  test('picking an incident reports on its window, shows its text as text, and keeps it out of the export', async () => {
    const halfHour: IncidentAnnotation = { ...incidents[0], id: 20, timeEnd: (FIXTURE_WINDOW.from + 1800) * 1000 };
    grafana({ annotations: [halfHour] });
    renderPanel();
    fireEvent.click(await screen.findByRole('combobox'));
    fireEvent.click(await screen.findByText(/onerror/, {}, WAIT));
    expect(await screen.findByTestId('impact-incident')).toHaveTextContent(
      'Incident: 2026-11-20 02:00 – 02:30 UTC · security-surface · <img src=x onerror=alert(1)>'
    );
    fireEvent.click(await screen.findByText('Markdown', {}, WAIT));
    const source = await screen.findByTestId('impact-markdown-source');
    await waitFor(
      () => expect(source.textContent).toContain('**Window:** between 2026-11-20 02:00 and 02:30 UTC (30 min).'),
      WAIT
    );
    expect(source.textContent).not.toContain('onerror');
    expect(document.querySelector('img')).toBeNull();
  });

  test('other incidents are left out of the baseline, and the report says so', async () => {
    grafana({ annotations: [inBaseline] });
    renderPanel();
    fireEvent.click(await screen.findByText('Markdown', {}, WAIT));
    const source = await screen.findByTestId('impact-markdown-source');
    const expected = renderMarkdown(
      await expectedReport({}, [{ from: FIXTURE_WINDOW.from - 1800, to: FIXTURE_WINDOW.from - 1200 }])
    );
    expect(source.textContent).toBe(expected);
    expect(expected).toContain('Left out of the baseline (another incident): between 2026-11-20 01:30 and 01:40 UTC.');
  });
});

describe('hostile label values', () => {
  test('are escaped in the export and never become HTML in the panel', async () => {
    const clipboard = { writeText: jest.fn().mockResolvedValue(undefined) };
    Object.defineProperty(navigator, 'clipboard', { value: clipboard, configurable: true });
    grafana({ fixture: { endpoints: HOSTILE } });
    renderPanel({ groupBy: ['endpoint'] });
    fireEvent.click(await screen.findByRole('button', { name: /Copy Markdown/ }, WAIT));
    await waitFor(() => expect(clipboard.writeText).toHaveBeenCalled());
    const markdown: string = clipboard.writeText.mock.calls[0][0];
    expect(markdown).toBe(renderMarkdown(await expectedReport({ groupBy: ['endpoint'] })));
    expect(markdown).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(markdown).toContain('\\| pipes \\|');
    expect(markdown).toContain('\\[link\\]\\(javascript:alert\\(1\\)\\)');
    expect(markdown).not.toMatch(/<img|\]\(javascript/);
    // Rendered: the summary, the table, and the rendered preview.
    fireEvent.click(screen.getByText(/All findings/));
    fireEvent.click(screen.getByText('Markdown'));
    await act(async () => fireEvent.click(screen.getByLabelText('Rendered')));
    expect(screen.getAllByText(/<img src=x onerror=alert\(1\)>/).length).toBeGreaterThan(0);
    expect(document.querySelector('img')).toBeNull();
    expect(document.querySelector('a[href^="javascript"]')).toBeNull();
  });

  test('reads the telemetry profile of the app’s settings, as the incident page and the CLI do', async () => {
    grafana({ appJsonData: { preset: 'otel-genai' } });
    renderPanel();
    await screen.findByText(/Not measured/, {}, WAIT);
    const exprs: string[] = backendFetch.mock.calls
      .filter(([r]) => r.url === '/api/ds/query')
      .map(([r]) => r.data.queries[0].expr);
    expect(exprs).toContain(
      'sum by (error_type) (increase(gen_ai_client_operation_duration_seconds_count{gen_ai_operation_name!~"execute_tool|invoke_agent|create_agent"}[3600s]))'
    );
    expect(exprs.some((e) => e.includes('llm_requests_total'))).toBe(true); // refusals: read, reported as not measured
  });

  test('on an OpenTelemetry dashboard the variables match the preset’s labels: the queries are the CLI’s', async () => {
    grafana({ appJsonData: { preset: 'otel-genai' } });
    const variables: Record<string, string[]> = { service: ['chat'], model: ['gpt-4o', 'claude-3'] };
    const replaceVariables: InterpolateFunction = (text, _scoped, format) => {
      const value = variables[text.slice(2, -1)];
      return value && typeof format === 'function' ? format(value) : text;
    };
    renderPanel({}, { replaceVariables });
    await screen.findByText(/Not measured/, {}, WAIT);
    const panelQueries = new Set(dsExprs());
    backendFetch.mockClear();
    // What `aisre impact --preset otel-genai --selector 'job="chat",gen_ai_request_model=~"gpt-4o|claude-3"'` asks
    // (src/cli/impact.ts, runReport), through the same fake Grafana.
    const source = new GrafanaMetricsSource(PROMETHEUS);
    const selector = 'job="chat",gen_ai_request_model=~"gpt-4o|claude-3"';
    await buildImpactReport(
      source,
      await profiledImpactOptions(source, { preset: 'otel-genai' }, { window: FIXTURE_WINDOW, selector })
    );
    const cliQueries = new Set(dsExprs());
    expect(cliQueries.size).toBeGreaterThan(5);
    expect(panelQueries).toEqual(cliQueries);
    expect([...panelQueries].some((e) => e.includes(selector))).toBe(true);
    // Never the contract's label names, which OpenTelemetry series do not carry.
    expect([...panelQueries].filter((e) => /[{,](service|model)=/.test(e))).toEqual([]);
  });

  test('dashboard variables scope the queries', async () => {
    grafana();
    const replaceVariables: InterpolateFunction = (text, _scoped, format) =>
      text === '${team}' && typeof format === 'function' ? format(['search', 'chat']) : text;
    renderPanel({}, { replaceVariables });
    await screen.findAllByTestId('impact-finding', {}, WAIT);
    const exprs = backendFetch.mock.calls
      .filter(([r]) => r.url === '/api/ds/query')
      .map(([r]) => r.data.queries[0].expr);
    expect(exprs.length).toBeGreaterThan(0);
    expect(exprs.every((e: string) => e.includes('{team=~"search|chat"}') || e.includes(',team=~"search|chat"}'))).toBe(
      true
    );
  });
});
