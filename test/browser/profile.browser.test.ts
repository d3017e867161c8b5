/**
 * One profile, one report, on every face: the app's jsonData says `preset: otel-genai`, a real Prometheus holds the
 * simulator's scenario named as OpenTelemetry GenAI names it (`aisre simulate --preset otel-genai`: error_type on
 * the duration histogram, token usage by type, execute_tool operations), and in real Chromium
 * - the built impact panel's Markdown (shown and copied) is byte for byte what `aisre impact --preset otel-genai
 *   --by model` prints for the same window;
 * - the built incident page's impact export is byte for byte what `aisre impact --preset otel-genai` prints.
 * Both read the convention's series (the outage's timeouts page), and say which SLIs it cannot measure.
 * dist/ is rebuilt first when src/ is newer (see ensureBuiltPlugin).
 */
import { type Locator } from 'playwright-core';

import { type StartedEngine } from '../prometheus';
import { type SimulatedFixture } from '../simulateFixture';
import { type TruthIncident } from '../truth';
import { type BrowserHarness, type OpenedPage, startBrowserHarness } from './browser';
import { firstIncidentOnPrometheus, type IncidentOnPrometheus } from './incidentFixture';

jest.setTimeout(300_000);

/** Five hours hold the provider outage on /chat (+2h to +3h) and its preceding hour. */
const SIMULATED_HOURS = 5;
const APP_SETTINGS = { preset: 'otel-genai' };
const INCIDENT_ID = 1;

let started: IncidentOnPrometheus;
let fixture: SimulatedFixture;
let prometheus: StartedEngine;
let harness: BrowserHarness;
let outage: TruthIncident;
let window: { from: number; to: number };

/** What `aisre impact --preset otel-genai` prints for the outage's window, with these further options. */
const cliMarkdown = (options: string[]) => started.cliMarkdown(['--preset', 'otel-genai', ...options]);

/**
 * The Markdown preview (`impact-markdown-source`, under the report view in `view`) and what the Copy Markdown
 * button in `actions` writes to the clipboard.
 */
async function shownAndCopied(opened: OpenedPage, view: Locator, actions: Locator) {
  const copy = actions.getByRole('button', { name: 'Copy Markdown' });
  await opened.waitFor(copy, 120_000);
  await view.getByText('Markdown', { exact: true }).click();
  const source = opened.page.getByTestId('impact-markdown-source');
  await opened.waitFor(source);
  const shown = await source.textContent();
  await copy.click();
  await opened.waitFor(actions.getByRole('button', { name: 'Copied' }));
  return { shown, copied: await opened.clipboardWrites() };
}

beforeAll(async () => {
  started = await firstIncidentOnPrometheus(SIMULATED_HOURS, ['--preset', 'otel-genai']);
  ({ fixture, prometheus, incident: outage, window } = started);
  harness = await startBrowserHarness({
    prometheusUrl: prometheus.url,
    appJsonData: APP_SETTINGS,
    // OpenTelemetry has no team label: the incident is organisation-wide, so the page reads every series.
    annotations: [
      {
        id: INCIDENT_ID,
        time: window.from * 1000,
        timeEnd: window.to * 1000,
        text: 'Provider timeouts',
        tags: ['ai-incident', 'ai-category:infrastructure'],
      },
    ],
  });
}, 600_000);

afterAll(async () => {
  await harness?.close();
  await started?.stop();
});
it('the CLI reads the convention: the outage’s timeouts page, refusals are not measured', async () => {
  expect(fixture.truth.preset).toBe('otel-genai');
  expect(outage.category).toBe('infrastructure');
  const markdown = await cliMarkdown(['--by', 'model']);
  // A table row, the label escaped for Markdown: | Timeouts | gen\_ai\_request\_model=gpt\-4o | … | Page |
  expect(markdown).toMatch(/^\| Timeouts \| gen\\_ai\\_request\\_model=gpt\\-4o \|.*\| Page \|$/m);
  expect(markdown).toContain('**Not measured:** Refusals,');
  // OpenTelemetry counts model calls: the sentences say so (and the faces below print the same bytes).
  expect(markdown).toMatch(/\*\*Timeouts\*\*: [\d.]+% of [\d,]+ model calls /);
  expect(markdown).not.toMatch(/[\d,]+ requests/);
});

it('the impact panel’s Markdown, shown and copied, is what `aisre impact --preset otel-genai --by model` prints', async () => {
  const expected = await cliMarkdown(['--by', 'model']);
  const opened = await harness.openPanel({
    pluginDir: 'panels/impact',
    options: { groupBy: ['model'], selector: '' },
    timeRange: { from: window.from * 1000, to: window.to * 1000 },
    variables: [{ name: 'datasource', value: 'aisre-prometheus' }],
    title: 'AI impact',
  });
  try {
    const body = opened.page.locator('body');
    const { shown, copied } = await shownAndCopied(opened, body, body);
    expect(shown).toBe(expected);
    expect(copied).toEqual([expected]);
    const paths = harness.grafana.requests.map((r) => r.path);
    expect(paths).toContain('/api/plugins/aisre-reliability-app/settings');
  } finally {
    await opened.close();
  }
});

it('the panel’s service and model variables read the convention’s labels: its Markdown is the CLI’s with that selector', async () => {
  // On an OpenTelemetry dashboard, service is `job` and model `gen_ai_request_model` (the preset's dashboards select so).
  const selector = 'job="chat-api",gen_ai_request_model=~"gpt-4o|claude-3-5-haiku"';
  const expected = await cliMarkdown(['--by', 'model', '--selector', selector]);
  const opened = await harness.openPanel({
    pluginDir: 'panels/impact',
    options: { groupBy: ['model'], selector: '' },
    timeRange: { from: window.from * 1000, to: window.to * 1000 },
    variables: [
      { name: 'datasource', value: 'aisre-prometheus' },
      { name: 'team', value: '$__all', allValue: '.*', options: [] },
      { name: 'service', value: 'chat-api' },
      { name: 'endpoint', value: '$__all', allValue: '.*', options: ['/chat', '/search'] },
      { name: 'model', value: ['gpt-4o', 'claude-3-5-haiku'] },
    ],
    title: 'AI impact',
  });
  try {
    const body = opened.page.locator('body');
    const { shown } = await shownAndCopied(opened, body, body);
    // The CLI's report for that scope has findings (the outage is on chat-api's gpt-4o).
    expect(expected).toMatch(/^\| Timeouts \| gen\\_ai\\_request\\_model=gpt\\-4o \|/m);
    expect(shown).toBe(expected);
  } finally {
    await opened.close();
  }
});

it('the incident page’s impact export is what `aisre impact --preset otel-genai` prints for its window', async () => {
  const expected = await cliMarkdown([]);
  const opened = await harness.openAppPage({
    path: `/a/aisre-reliability-app/incidents/${INCIDENT_ID}?from=${window.from * 1000}&to=${window.to * 1000}`,
  });
  try {
    // The testids of src/pages/incidents/testIds.ts, as incidents.browser.test.ts uses them.
    const { page } = opened;
    const evidence = page.getByTestId('data-testid incident-evidence');
    const impact = page.getByTestId('data-testid incident-impact');
    const { shown, copied } = await shownAndCopied(opened, evidence, impact);
    expect(shown).toBe(expected);
    expect(copied).toEqual([expected]);
  } finally {
    await opened.close();
  }
});
