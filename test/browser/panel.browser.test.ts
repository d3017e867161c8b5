/**
 * The built impact panel (dist/panels/impact/module.js) in real Chromium, loaded as Grafana loads a nested
 * panel plugin, over simulated telemetry in a real Prometheus:
 * - an `ai-incident` region annotation whose text is hostile HTML/Markdown is listed in the window drop-down
 *   as text (no element, no dialog) and, once picked, the panel reports on its window;
 * - the findings that page are the ones the simulator's ground truth scheduled for that incident's endpoint;
 * - "Copy Markdown" puts on the clipboard exactly what `aisre impact` prints for the same window and options.
 * dist/ is rebuilt first when src/ is newer (see ensureBuiltPlugin).
 */
import { existsSync } from 'node:fs';

import { SLI_DEFINITIONS } from '../../src/core/metrics';
import { type StartedEngine } from '../prometheus';
import { type TruthIncident } from '../truth';
import { type BrowserHarness, type OpenedPage, startBrowserHarness } from './browser';
import { firstIncidentOnPrometheus, type IncidentOnPrometheus } from './incidentFixture';

jest.setTimeout(300_000);

/** Annotation text an attacker (or a careless paste) could write: HTML, a table-breaking pipe, a script link. */
const HOSTILE_TEXT = '<img src=x onerror=alert(1)> | pipes | [link](javascript:alert(1))';
const PANEL_OPTIONS = { groupBy: ['endpoint'], selector: '' };
const CLI_OPTIONS = ['--by', 'endpoint'];
const TITLE_BY_SLI = new Map(SLI_DEFINITIONS.map((d) => [d.id, d.title]));
const HOUR = 3600;

let started: IncidentOnPrometheus;
let prometheus: StartedEngine;
let harness: BrowserHarness;
let incident: TruthIncident;
let incidentWindow: { from: number; to: number };
let cliMarkdown: string;
let opened: OpenedPage;

beforeAll(async () => {
  started = await firstIncidentOnPrometheus();
  ({ prometheus, incident, window: incidentWindow } = started);
  cliMarkdown = await started.cliMarkdown(CLI_OPTIONS);
  harness = await startBrowserHarness({
    prometheusUrl: prometheus.url,
    annotations: [
      {
        id: 1,
        time: incidentWindow.from * 1000,
        timeEnd: incidentWindow.to * 1000,
        text: HOSTILE_TEXT,
        tags: ['ai-incident', `ai-category:${incident.category}`],
        dashboardUID: 'aisre-test-dashboard',
      },
    ],
  });
  // The dashboard shows an hour either side of the incident; the SRE then picks the incident as the window.
  opened = await harness.openPanel({
    pluginDir: 'panels/impact',
    options: PANEL_OPTIONS,
    timeRange: { from: (incidentWindow.from - HOUR) * 1000, to: (incidentWindow.to + HOUR) * 1000 },
    variables: [{ name: 'datasource', value: 'aisre-prometheus' }],
    title: 'AI impact',
  });
}, 600_000);

/** The data source queries the panel sent through the fake Grafana, in order. */
const dsQueries = () => harness.grafana.requests.filter((r) => r.method === 'POST' && r.path === '/api/ds/query');
const reads = (path: string) => harness.grafana.requests.filter((r) => r.path === path).length;

afterAll(async () => {
  await harness?.close();
  await started?.stop();
});

describe('the impact panel on an incident window', () => {
  it('lists the hostile incident annotation in the window drop-down as text', async () => {
    const picker = opened.page.locator('#aisre-impact-window');
    await opened.waitFor(picker);
    await picker.click();
    const option = opened.page.getByRole('option').filter({ hasText: HOSTILE_TEXT });
    await opened.waitFor(option);
    await expect(option.innerText()).resolves.toContain(incident.category);
    await expect(opened.page.locator('img[src="x"]').count()).resolves.toBe(0);
    await expect(opened.page.locator('a[href^="javascript:"]').count()).resolves.toBe(0);
    await option.click();
    const chosen = opened.page.getByTestId('impact-incident');
    await opened.waitFor(chosen);
    await expect(chosen.innerText()).resolves.toContain(HOSTILE_TEXT);
  });

  it('shows the report for the incident’s window, its Markdown exactly what `aisre impact` prints', async () => {
    // Picking the incident re-ran the report (the panel shows loading meanwhile): its actions are back when it is done.
    await opened.waitFor(opened.page.getByRole('button', { name: 'Copy Markdown' }), 120_000);
    await opened.page.getByText('Markdown', { exact: true }).click();
    const source = opened.page.getByTestId('impact-markdown-source');
    await opened.waitFor(source);
    expect(await source.textContent()).toBe(cliMarkdown);
  });

  it('pages on exactly the SLIs the ground truth shifted on the incident’s endpoint', async () => {
    const rows = opened.page.getByTestId('impact-finding');
    await opened.waitFor(rows.first());
    const findings = await rows.evaluateAll((elements) =>
      elements.map((element) => ({
        verdict: element.getAttribute('data-verdict'),
        shown: element.querySelector('[data-testid="impact-verdict"]')?.textContent ?? '',
        text: (element as HTMLElement).innerText,
      }))
    );
    const onEndpoint = findings.filter((f) => f.text.includes(` to ${incident.endpoint} `));
    const pagedTitles = onEndpoint
      .filter((f) => f.verdict === 'page')
      .map((f) =>
        f.text
          .split(':')[0]
          .replace(/^Page\s*/, '')
          .trim()
      );
    const expectedTitles = incident.expectedShifts.map((sli) => TITLE_BY_SLI.get(sli));
    expect(pagedTitles.sort()).toEqual([...expectedTitles].sort());
    onEndpoint.filter((f) => f.verdict === 'page').forEach((f) => expect(f.shown).toBe('Page'));
  });

  it('copies exactly that Markdown, with the annotation’s text nowhere in it', async () => {
    const copy = opened.page.getByRole('button', { name: 'Copy Markdown' });
    await opened.waitFor(copy);
    await copy.click();
    await opened.waitFor(opened.page.getByRole('button', { name: 'Copied' }));
    const copied = await opened.clipboardWrites();
    expect(copied).toHaveLength(1);
    expect(copied[0]).toBe(cliMarkdown);
    await expect(opened.readClipboard()).resolves.toBe(cliMarkdown);
    // The panel told the user, through Grafana's app events, as a panel in Grafana does.
    const events = await opened.page.evaluate(() => window.aisreHost!.appEvents());
    expect(events.map((e) => e.type)).toContain('alert-success');
    for (const fragment of ['<img', 'onerror', 'javascript:', HOSTILE_TEXT]) {
      expect(copied[0]).not.toContain(fragment);
    }
  });

  it('a dashboard refresh over the same window and options keeps the report and its open section, and queries nothing', async () => {
    const toggle = opened.page.getByText(/All findings \(\d+\)/);
    await opened.waitFor(toggle);
    await toggle.click();
    const table = opened.page.getByRole('table');
    await opened.waitFor(table);
    const before = dsQueries().length;
    const annotationReads = reads('/api/annotations');
    for (let refresh = 0; refresh < 3; refresh++) {
      await opened.page.evaluate(() => window.aisreHost!.refreshPanel());
      // What a refresh could wrongly bring: the loading placeholder in place of the report, or the section closed.
      await expect(opened.page.getByText('Reading the window and its baseline…').count()).resolves.toBe(0);
      await expect(table.isVisible()).resolves.toBe(true);
    }
    // Long enough for a query the refresh had started to reach the fake Grafana.
    await opened.page.waitForTimeout(1_500);
    expect(dsQueries()).toHaveLength(before);
    expect(reads('/api/annotations')).toBe(annotationReads);
    await expect(table.isVisible()).resolves.toBe(true);
    await expect(opened.page.getByTestId('impact-refreshing').count()).resolves.toBe(0);
  });

  it('a new window re-runs the report once, keeping the last one on screen until the new one is read', async () => {
    const before = dsQueries().length;
    const picker = opened.page.locator('#aisre-impact-window');
    await picker.click();
    await opened.page.getByRole('option', { name: 'Dashboard time range' }).click();
    // The incident's report stays on screen (marked as refreshing at most) until the dashboard range's is read.
    await expect(opened.page.getByText('Reading the window and its baseline…').count()).resolves.toBe(0);
    await expect(opened.page.getByTestId('impact-finding').first().isVisible()).resolves.toBe(true);
    await opened.page.waitForFunction(() => !document.querySelector('[data-testid="impact-refreshing"]'), undefined, {
      timeout: 120_000,
    });
    await opened.page.waitForTimeout(1_500);
    const rerun = dsQueries().slice(before);
    expect(rerun.length).toBeGreaterThan(0);
    // Once: no query of the new report was sent twice.
    const bodies = rerun.map((r) => JSON.stringify(r.body));
    expect(new Set(bodies).size).toBe(bodies.length);
    await expect(opened.page.getByTestId('impact-incident').count()).resolves.toBe(0);
    // Back to the incident (still read for the checks below): its report is read again, the same Markdown.
    await picker.click();
    await opened.page.getByRole('option').filter({ hasText: HOSTILE_TEXT }).click();
    await opened.waitFor(opened.page.getByTestId('impact-incident'));
  });

  it('ran no script from the annotation and logged no errors', async () => {
    const file = await opened.screenshot('impact-panel-incident');
    expect(existsSync(file)).toBe(true);
    expect(opened.dialogs).toEqual([]);
    await expect(opened.page.locator('img[src="x"]').count()).resolves.toBe(0);
    // Every query went through Grafana's ds/query API; the annotations through its annotations API.
    const paths = new Set(harness.grafana.requests.map((r) => `${r.method} ${r.path}`));
    expect([...paths].sort()).toEqual([
      'GET /api/annotations',
      'GET /api/plugins/aisre-impact-panel/settings',
      // The app's settings: the telemetry profile the panel reads, as the incident page does.
      'GET /api/plugins/aisre-reliability-app/settings',
      'POST /api/ds/query',
    ]);
    await opened.close();
  });
});
