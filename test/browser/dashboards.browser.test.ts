/**
 * The built impact panel on each bundled dashboard, with that dashboard's own panel options (`${datasource}`,
 * the SLIs it reports on) and its variables at their defaults (All, with the dashboards' custom all value `.*`),
 * in real Chromium over a real Prometheus: the Markdown is exactly what `aisre impact` prints for the same window
 * and options. The data source is not marked default (as `aisre provision` writes it), so Grafana's default is
 * `-- Grafana --` and the query must name the data source behind `${datasource}`. Every dashboard on both
 * hosts: Grafana 12's shared modules (React 18) and Grafana 13's (React 19, @grafana/* 13, from hosts/grafana-13),
 * with the nested panel where Grafana says it is (under the app's folder); once more under its own id: its lazy
 * chunk must load either way. One Prometheus and one `aisre impact` run per dashboard serve every host.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type StartedEngine } from '../prometheus';
import { type BrowserHarness, startBrowserHarness } from './browser';
import { firstIncidentOnPrometheus, type IncidentOnPrometheus } from './incidentFixture';
import { dashboardVariables } from './dashboardVariables';
import { DEFAULT_DATA_SOURCES } from './protocol';

jest.setTimeout(300_000);

const DASHBOARDS_DIR = join(__dirname, '..', '..', 'src', 'dashboards');

interface Dashboard {
  uid: string;
  panels: Array<{ id: number; type: string; pluginVersion?: string; options: Record<string, unknown> }>;
  templating: unknown;
}

function impactPanel(dashboard: Dashboard) {
  const panel = dashboard.panels.find((p) => p.type === 'aisre-impact-panel');
  if (!panel) {
    throw new Error(`dashboard ${dashboard.uid} has no impact panel`);
  }
  return panel;
}

const dashboards: Dashboard[] = ['model-slis.json', 'retrieval.json', 'agents-security.json'].map(
  (file) => JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard
);

let started: IncidentOnPrometheus;
let prometheus: StartedEngine;
let incidentWindow: { from: number; to: number };

beforeAll(async () => {
  started = await firstIncidentOnPrometheus();
  ({ prometheus, window: incidentWindow } = started);
}, 600_000);

afterAll(async () => {
  await started?.stop();
});

const cliRuns = new Map<string, Promise<string>>();

/** `aisre impact` with the dashboard's panel options (run once per dashboard: both hosts compare to it). */
function cliMarkdown(dashboard: Dashboard): Promise<string> {
  let run = cliRuns.get(dashboard.uid);
  if (!run) {
    const options = impactPanel(dashboard).options;
    const slis = options.slis as string[];
    run = started.cliMarkdown([
      '--by',
      (options.groupBy as string[]).join(','),
      ...(slis.length > 0 ? ['--sli', slis.join(',')] : []),
    ]);
    cliRuns.set(dashboard.uid, run);
  }
  return run;
}

async function panelMarkdown(harness: BrowserHarness, dashboard: Dashboard, grafana: 12 | 13): Promise<string> {
  const panel = impactPanel(dashboard);
  const opened = await harness.openPanel({
    pluginDir: 'panels/impact',
    options: panel.options,
    pluginVersion: panel.pluginVersion,
    timeRange: { from: incidentWindow.from * 1000, to: incidentWindow.to * 1000 },
    variables: dashboardVariables(dashboard),
    dashboardUid: dashboard.uid,
    title: 'AI impact',
  });
  try {
    // The host gives the plugin the generation's own React and Grafana.
    const versions = await opened.page.evaluate(() => window.aisreHost!.versions());
    expect(versions.react.split('.')[0]).toBe(grafana === 13 ? '19' : '18');
    expect(versions.grafana.split('.')[0]).toBe(String(grafana));
    await opened.waitFor(opened.page.getByRole('button', { name: 'Copy Markdown' }), 120_000);
    await opened.page.getByText('Markdown', { exact: true }).click();
    const source = opened.page.getByTestId('impact-markdown-source');
    await opened.waitFor(source);
    return (await source.textContent()) ?? '';
  } finally {
    await opened.close();
  }
}

describe.each([
  [12, 'under-app'],
  [12, 'own-id'],
  [13, 'under-app'],
] as const)('on Grafana %i shared modules, the panel served %s', (grafana, nestedPluginPath) => {
  let harness: BrowserHarness;

  beforeAll(async () => {
    harness = await startBrowserHarness({ prometheusUrl: prometheus.url, nestedPluginPath, grafana });
  });

  afterAll(async () => {
    await harness?.close();
  });

  if (grafana === 12 && nestedPluginPath === 'under-app') {
    it('a panel saved before the thresholds were percentages prints the same, once migrated', async () => {
      // As the generator wrote it then: fractions, and no pluginVersion.
      const [dashboard] = dashboards;
      const before = { ...impactPanel(dashboard), pluginVersion: undefined };
      before.options = { ...before.options, investigate: 0.05, page: 0.3 };
      const saved = { ...dashboard, panels: [before] };
      const [expected, shown] = await Promise.all([cliMarkdown(dashboard), panelMarkdown(harness, saved, grafana)]);
      expect(shown).toBe(expected);
    });
  }

  // Every dashboard on each generation (one harness per host); one is enough for the other layout.
  const cases = nestedPluginPath === 'under-app' ? dashboards : dashboards.slice(0, 1);
  it.each(cases.map((d) => [d.uid, d]))('on %s prints what `aisre impact` prints', async (_uid, dashboard) => {
    const [expected, shown] = await Promise.all([cliMarkdown(dashboard), panelMarkdown(harness, dashboard, grafana)]);
    expect(shown).toBe(expected);
    // The queries named the data source behind ${datasource}, and its chunk came from the app's folder.
    const queried = harness.grafana.requests.filter((r) => r.path === '/api/ds/query');
    expect(queried.length).toBeGreaterThan(0);
    expect(
      new Set(
        queried.map((r) => (r.body as { queries: Array<{ datasource: { uid: string } }> }).queries[0].datasource.uid)
      )
    ).toEqual(new Set([DEFAULT_DATA_SOURCES[0].uid]));
    expect(queried.every((r) => r.status === 200)).toBe(true);
  });
});
