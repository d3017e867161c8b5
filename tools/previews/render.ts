/**
 * `npm run docs:previews`: the README's images of the bundled dashboards, as Chromium screenshots of each dashboard
 * drawn by Grafana's own panels, without a Grafana server. Simulates 15½ hours of the default scenario with
 * `aisre simulate`, backfills it into a real Prometheus (the dashboards read raw series, not the recording
 * rules), then opens each dashboard of buildDashboards() in the browser harness
 * (test/browser/host/dashboard.tsx): every panel at its gridPos in @grafana/ui's PanelChrome, its queries through
 * /api/ds/query at the default selection, its transformations (the investigate and page lines) applied, drawn with
 * @grafana/ui's TimeSeries; the impact panel is the built plugin itself over the incident's window. The simulator's
 * incidents are `ai-incident` region annotations. Each page is saved with Chromium's own PNG encoder into
 * docs/images/dashboards/<uid>.png. A docs generator, run by hand: deterministic data, so a re-run redraws the same.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { type StartedEngine, startPrometheus } from '../../test/prometheus';
import { REPO_ROOT } from '../../test/aisre';
import { DEFAULT_SIMULATION, simulateFixture } from '../../test/simulateFixture';
import { toUnixSeconds } from '../../test/truth';
import { ARTIFACTS_DIR, type BrowserHarness, startBrowserHarness } from '../../test/browser/browser';
import { ensureBuiltPlugin } from '../../test/browser/pluginDist';
import { dashboardVariables } from '../../test/browser/dashboardVariables';
import { type DashboardPanelModel } from '../../test/browser/protocol';
import { buildDashboards } from '../../src/dashboards/build';
import { previewTimeRanges, type PreviewView } from './view';

const HOUR = 3600;
const FROM = DEFAULT_SIMULATION.from;
/** Up to the end of the agentic-coordination incident (14:00-15:00) and half an hour after. */
const TO = FROM + 15.5 * HOUR;
/** Range-query step, and the simulator's sample interval. */
const STEP = 60;
/** The page's width: Grafana's grid at a 1440 px wide browser, less its padding. */
const PAGE_WIDTH = 1408;
const OUT_DIR = join(REPO_ROOT, 'docs', 'images', 'dashboards');

/**
 * What each image shows: a range of at most 9 hours (Grafana's default is 6) around the incidents
 * that dashboard's panels reveal, and the incident whose window the impact panel reports on.
 * The first hour is left out: the trailing-day baseline needs some data before it means anything.
 */
const VIEWS: Record<string, PreviewView> = {
  'aisre-model-slis': { from: FROM + 1 * HOUR, to: FROM + 10 * HOUR, incident: 'infrastructure-1' },
  'aisre-retrieval': { from: FROM + 1 * HOUR, to: FROM + 10 * HOUR, incident: 'data-retrieval-1' },
  'aisre-agents-security': { from: FROM + 9.5 * HOUR, to: TO, incident: 'agentic-coordination-1' },
};

const log = (line: string) => process.stdout.write(`${line}\n`);

async function screenshot(
  harness: BrowserHarness,
  dashboard: ReturnType<typeof buildDashboards>[number],
  view: PreviewView,
  incidents: Array<{ id: string; from: number; to: number }>
) {
  const json = dashboard.json as unknown as { title: string; panels: DashboardPanelModel[]; templating?: unknown };
  const ranges = previewTimeRanges(json.panels, view, incidents);
  const opened = await harness.openDashboard({
    uid: dashboard.uid,
    title: json.title,
    panels: json.panels,
    timeRange: ranges.dashboard,
    variables: dashboardVariables(json),
    width: PAGE_WIDTH,
    intervalMs: STEP * 1000,
    regionTags: ['ai-incident'],
    panelTimeRanges: ranges.panels,
  });
  try {
    // Every query panel ends done or failed; waitFor fails at once when the page logs an error.
    const queryPanels = json.panels.filter((p) => p.targets?.length).length;
    const drawn = opened.page.getByTestId('host-dashboard-panel');
    await opened.waitFor(drawn.nth(queryPanels - 1), 600_000).catch(async (error: unknown) => {
      const failed = join(ARTIFACTS_DIR, `preview-${dashboard.uid}-failed.png`);
      await mkdir(ARTIFACTS_DIR, { recursive: true });
      await opened.page.screenshot({ path: failed, fullPage: true });
      throw new Error(
        `${dashboard.uid}: ${await drawn.count()} of ${queryPanels} panels drew (see ${failed}): ${String(error)}`
      );
    });
    const failed = await opened.page
      .locator('[data-testid="host-dashboard-panel"][data-state="error"]')
      .allInnerTexts();
    if (failed.length > 0) {
      throw new Error(`${dashboard.uid}: ${failed.length} panel(s) failed:\n${failed.join('\n')}`);
    }
    if (json.panels.some((p) => p.type === 'aisre-impact-panel')) {
      await opened.waitFor(opened.page.getByTestId('impact-scope'), 600_000);
    }
    await opened.page.waitForLoadState('networkidle');
    const png = join(OUT_DIR, `${dashboard.uid}.png`);
    await opened.page.screenshot({ path: png, fullPage: true });
    return png;
  } finally {
    await opened.close();
  }
}

async function main() {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  await ensureBuiltPlugin();
  log(`simulating ${new Date(FROM * 1000).toISOString()} + 15.5 h (seed ${DEFAULT_SIMULATION.seed})…`);
  const fixture = await simulateFixture({ from: FROM, to: TO, step: STEP, formats: ['openmetrics'] });
  let prometheus: StartedEngine | undefined;
  let harness: BrowserHarness | undefined;
  try {
    log(`backfilling the data into Prometheus… (${elapsed()})`);
    prometheus = await startPrometheus({ openMetricsFile: fixture.openMetricsFile, readyTimeoutMs: 300_000 });
    const incidents = fixture.truth.incidents.map((i) => ({
      id: i.id,
      from: toUnixSeconds(i.from),
      to: toUnixSeconds(i.to),
    }));
    harness = await startBrowserHarness({
      prometheusUrl: prometheus.url,
      annotations: incidents.map((i, n) => ({
        id: n + 1,
        time: i.from * 1000,
        timeEnd: i.to * 1000,
        text: i.id,
        tags: ['ai-incident'],
      })),
    });
    await mkdir(OUT_DIR, { recursive: true });
    for (const dashboard of buildDashboards()) {
      const png = await screenshot(harness, dashboard, VIEWS[dashboard.uid], incidents);
      log(`wrote ${png}, ${Math.round((await stat(png)).size / 1024)} KB (${elapsed()})`);
    }
  } finally {
    await harness?.close();
    await prometheus?.stop();
    await fixture.cleanup();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `render-dashboard-previews: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
  );
  process.exitCode = 1;
});
