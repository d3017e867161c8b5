/**
 * `npm run docs:previews`: the README's images of the bundled dashboards, without a Grafana server.
 * Simulates 15½ hours of the default scenario with `aisre simulate`, backfills it and the recording
 * rules into a real Prometheus (as src/dashboards/promql.engines.test.ts does), runs every panel query
 * of each dashboard from buildDashboards() at its default selection as range queries, draws the
 * results in the dashboard's grid (draw.ts), adds the real `aisre impact` sentences for one incident,
 * and screenshots each page with Chromium into docs/images/dashboards/<uid>.png (as a palette PNG, png.ts).
 * A docs generator, run by hand: deterministic data, so a re-run redraws the same charts.
 */
import { CHROMIUM, CHROMIUM_ARGS } from '../../test/browser/browser';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

import { RECORDING_RULES_FILE } from '../../src/alerting/artifacts';
import { rangeQuery, type RangeSeries, startPrometheusWithRules } from '../../test/ruleEngines';
import { REPO_ROOT, runAisre } from '../../test/aisre';
import { DEFAULT_SIMULATION, simulateFixture } from '../../test/simulateFixture';
import { toUnixSeconds, type TruthIncident } from '../../test/truth';
import { buildDashboards } from '../../src/dashboards/build';
import { dashboardExpressions, defaultSelection, substituteVariables } from '../../src/dashboards/dashboardPromql';
import {
  CHART_COLOURS,
  type GridPos,
  type Line,
  namedColor,
  PAGE_WIDTH,
  PALETTE,
  type PreviewPanel,
  renderPage,
  type TextPanel,
  textPanelUnits,
} from './draw';
import { toPalettePng } from './png';

const HOUR = 3600;
const FROM = DEFAULT_SIMULATION.from;
/** Up to the end of the agentic-coordination incident (14:00-15:00) and half an hour after. */
const TO = FROM + 15.5 * HOUR;
/** Range-query step, and the simulator's sample interval. */
const STEP = 60;
/** Heatmap column width: the recording rules' rate window. */
const HEATMAP_COLUMN = 300;
const OUT_DIR = join(REPO_ROOT, 'docs', 'images', 'dashboards');

/**
 * What each image shows: a range of at most 9 hours (Grafana's default is 6) around the incidents
 * that dashboard's panels reveal, and the incident whose `aisre impact` section the impact panel shows.
 * The first hour is left out: the trailing-day baseline needs some data before it means anything.
 */
const VIEWS: Record<string, { from: number; to: number; incident: string }> = {
  'aisre-model-slis': { from: FROM + 1 * HOUR, to: FROM + 10 * HOUR, incident: 'infrastructure-1' },
  'aisre-retrieval': { from: FROM + 1 * HOUR, to: FROM + 10 * HOUR, incident: 'data-retrieval-1' },
  'aisre-agents-security': { from: FROM + 9.5 * HOUR, to: TO, incident: 'agentic-coordination-1' },
};

// The parts of the dashboard JSON the preview reads.
interface Target {
  expr?: string;
  legendFormat?: string;
  format?: string;
}
interface Override {
  matcher: { id: string; options: string };
  properties: Array<{ id: string; value: unknown }>;
}
interface PanelJson {
  type: string;
  title: string;
  gridPos: GridPos;
  targets?: Target[];
  options?: { slis?: string[]; groupBy?: string[]; yAxis?: { unit?: string } };
  fieldConfig?: {
    defaults?: {
      unit?: string;
      min?: number;
      thresholds?: { steps: Array<{ color: string; value: number | null }> };
      custom?: { stacking?: { mode?: string }; thresholdsStyle?: { mode?: string }; lineWidth?: number };
    };
    overrides?: Override[];
  };
}

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Grafana's legendFormat: `{{label}}` replaced by the series' label value. */
function legendName(format: string | undefined, metric: Record<string, string>): string {
  if (!format) {
    return JSON.stringify(metric);
  }
  return format
    .replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, label: string) => metric[label] ?? '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `/^Baseline/` (a byRegexp matcher) -> RegExp. */
function matcherRegExp(options: string): RegExp {
  const m = /^\/(.*)\/([a-z]*)$/.exec(options);
  return m ? new RegExp(m[1], m[2]) : new RegExp(`^${options}$`);
}

/** Colour, dash and width of a series after the panel's byRegexp overrides (the dashed thresholds). */
function lineStyle(panel: PanelJson, name: string, index: number): Omit<Line, 'name' | 'points'> {
  const style = { color: PALETTE[index % PALETTE.length], dashed: false, width: 1.6 };
  for (const o of panel.fieldConfig?.overrides ?? []) {
    if (o.matcher.id !== 'byRegexp' || !matcherRegExp(o.matcher.options).test(name)) {
      continue;
    }
    for (const p of o.properties) {
      if (p.id === 'color') {
        style.color = namedColor((p.value as { fixedColor: string }).fixedColor);
      } else if (p.id === 'custom.lineStyle') {
        style.dashed = (p.value as { fill?: string }).fill === 'dash';
      } else if (p.id === 'custom.lineWidth') {
        style.width = Math.max(1.2, Number(p.value));
      }
    }
  }
  return style;
}

async function queryPanel(url: string, panel: PanelJson, values: Record<string, string>, from: number, to: number) {
  const results: Array<{ target: Target; series: RangeSeries[] }> = [];
  for (const target of panel.targets ?? []) {
    if (target.expr) {
      const expr = substituteVariables(target.expr, values);
      results.push({ target, series: await rangeQuery(url, expr, from, to, STEP) });
    }
  }
  return results;
}

function timeseriesPanel(panel: PanelJson, results: Awaited<ReturnType<typeof queryPanel>>): PreviewPanel {
  const lines: Line[] = [];
  for (const { target, series } of results) {
    for (const s of series) {
      const name = legendName(target.legendFormat, s.metric);
      lines.push({ name, points: s.values, ...lineStyle(panel, name, lines.length) });
    }
  }
  const defaults = panel.fieldConfig?.defaults;
  const dashedThresholds = defaults?.custom?.thresholdsStyle?.mode === 'dashed';
  return {
    kind: 'timeseries',
    title: panel.title,
    gridPos: panel.gridPos,
    unit: defaults?.unit ?? 'none',
    min: defaults?.min,
    stacked: defaults?.custom?.stacking?.mode === 'normal',
    lines,
    thresholds: dashedThresholds
      ? (defaults?.thresholds?.steps ?? [])
          .filter((s): s is { color: string; value: number } => s.value !== null)
          .map((s) => ({ value: s.value, color: namedColor(s.color) }))
      : [],
  };
}

/** format: heatmap -> per-bucket rates (Grafana de-accumulates the cumulative `le` series). */
function heatmapPanel(panel: PanelJson, results: Awaited<ReturnType<typeof queryPanel>>): PreviewPanel {
  const series = results.flatMap((r) => r.series);
  const bound = (le: string) => (le === '+Inf' ? Infinity : Number(le));
  series.sort((a, b) => bound(a.metric.le) - bound(b.metric.le));
  // One column per 5 minutes: the buckets are 5-minute rates, so every 5th step is the whole data
  // without overlap, and the PNG stays small.
  const times = [...new Set(series.flatMap((s) => s.values.map(([t]) => t)))]
    .filter((t) => (t - FROM) % HEATMAP_COLUMN === 0)
    .sort((a, b) => a - b);
  const byTime = series.map((s) => new Map(s.values));
  const cells = times.map((t) =>
    byTime.map((m, b) => {
      const v = m.get(t) ?? NaN;
      return b === 0 ? v : v - (byTime[b - 1].get(t) ?? NaN);
    })
  );
  return {
    kind: 'heatmap',
    title: panel.title,
    gridPos: panel.gridPos,
    unit: panel.options?.yAxis?.unit ?? 'none',
    buckets: series.map((s) => s.metric.le),
    times,
    cellSeconds: HEATMAP_COLUMN,
    cells,
  };
}

/** The real CLI's "What changed for users" list for the incident window, with the panel's SLIs and grouping. */
async function impactPanel(url: string, panel: PanelJson, incident: TruthIncident): Promise<TextPanel> {
  const from = toUnixSeconds(incident.from);
  const to = toUnixSeconds(incident.to);
  const args = ['impact', '--prometheus', url, '--from', String(from), '--to', String(to)];
  if (panel.options?.groupBy?.length) {
    args.push('--by', panel.options.groupBy.join(','));
  }
  if (panel.options?.slis?.length) {
    args.push('--sli', panel.options.slis.join(','));
  }
  const result = await runAisre(args, { timeoutMs: 120_000 });
  if (result.code !== 0) {
    throw new Error(`aisre ${args.join(' ')} exited ${result.code}: ${result.stderr.slice(-2000)}`);
  }
  const section = /### What changed for users\n([\s\S]*?)\n###/.exec(result.stdout)?.[1] ?? '';
  const items = section
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => l.replace(/^- /, ''));
  const hhmm = (t: number) => new Date(t * 1000).toISOString().slice(11, 16);
  const text: TextPanel = {
    kind: 'text',
    title: `${panel.title} (aisre-impact-panel)`,
    gridPos: panel.gridPos,
    subtitle:
      `What changed for users, from \`aisre impact\` for ${incident.id} (${hhmm(from)}–${hhmm(to)} UTC, baseline: the ` +
      `preceding hour${panel.options?.groupBy?.length ? `, by ${panel.options.groupBy.join(', ')}` : ''}) — the Markdown the panel exports.`,
    items,
  };
  return { ...text, gridPos: { ...panel.gridPos, h: textPanelUnits(text) } };
}

async function main() {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  log(`simulating ${new Date(FROM * 1000).toISOString()} + 15.5 h (seed ${DEFAULT_SIMULATION.seed})…`);
  const fixture = await simulateFixture({ from: FROM, to: TO, step: STEP, formats: ['openmetrics'] });
  const shotsDir = await mkdtemp(join(tmpdir(), 'aisre-previews-'));
  let prometheus: Awaited<ReturnType<typeof startPrometheusWithRules>> | undefined;
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  const empty: string[] = [];
  try {
    log(`backfilling data and recording rules into Prometheus… (${elapsed()})`);
    prometheus = await startPrometheusWithRules({
      openMetricsFile: fixture.openMetricsFile,
      ruleFiles: [join(REPO_ROOT, RECORDING_RULES_FILE)],
      from: FROM,
      to: TO,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    await mkdir(OUT_DIR, { recursive: true });
    for (const dashboard of buildDashboards()) {
      const view = VIEWS[dashboard.uid];
      const json = dashboard.json as { title: string; panels: PanelJson[] };
      const values = defaultSelection(json);
      const incident = fixture.truth.incidents.find((i) => i.id === view.incident);
      if (!incident) {
        throw new Error(`the simulated range has no incident ${view.incident}`);
      }
      const panels: PreviewPanel[] = [];
      for (const raw of json.panels) {
        // Grafana interpolates variables in panel titles too ("… below similarity $similarity_threshold").
        const panel = { ...raw, title: substituteVariables(raw.title, values) };
        if (panel.type === 'row') {
          panels.push({ kind: 'row', title: panel.title, gridPos: panel.gridPos });
        } else if (panel.type === 'aisre-impact-panel') {
          panels.push(await impactPanel(prometheus.url, panel, incident));
        } else {
          const results = await queryPanel(prometheus.url, panel, values, view.from, view.to);
          const hasData = results.some((r) => r.series.some((s) => s.values.some(([, v]) => Number.isFinite(v))));
          if (!hasData) {
            empty.push(`${dashboard.uid}: "${panel.title}"`);
          }
          panels.push(panel.type === 'heatmap' ? heatmapPanel(panel, results) : timeseriesPanel(panel, results));
        }
      }
      // "What changed" marks: the dashboard's own annotation query, at its 60 s step.
      const marks: number[] = [];
      for (const a of dashboardExpressions(json).filter((e) => e.kind === 'annotation')) {
        const series = await rangeQuery(prometheus.url, substituteVariables(a.expr, values), view.from, view.to, STEP);
        marks.push(...series.flatMap((s) => s.values.map(([t]) => t)));
      }
      const regions = fixture.truth.incidents.map((i) => ({
        from: toUnixSeconds(i.from),
        to: toUnixSeconds(i.to),
        label: i.id,
      }));
      const day = new Date(view.from * 1000).toISOString().slice(0, 10);
      const hhmm = (t: number) => new Date(t * 1000).toISOString().slice(11, 16);
      const html = renderPage(
        {
          title: `${json.title} — preview`,
          notes: [
            `Each panel's data as Prometheus returns it for the simulated day (${day} ${hhmm(view.from)}–${hhmm(view.to)} UTC, ` +
              `<code>aisre simulate</code> default scenario, seed ${DEFAULT_SIMULATION.seed}, recording rules backfilled), variables at All, 60 s step. ` +
              `Drawn by tools/previews/render.ts (<code>npm run docs:previews</code>) — <b>not a Grafana screenshot</b>.`,
            `<span class="swatch" style="background: rgba(242, 73, 92, 0.35)"></span>the simulator's incident windows ` +
              `(where an <code>ai-incident</code> region annotation would be); ` +
              `<span class="swatch" style="background: #B877D9; width: 3px"></span>"What changed" annotation marks ` +
              `(llm_build_info changes); dashed: baseline (blue) and investigate (orange) / page (red) thresholds.`,
          ],
          from: view.from,
          to: view.to,
          regions,
          marks: [...new Set(marks)],
          panels,
        },
        STEP
      );
      const htmlFile = join(shotsDir, `${dashboard.uid}.html`);
      await writeFile(htmlFile, html);
      const page = await browser.newPage({ viewport: { width: PAGE_WIDTH, height: 800 }, deviceScaleFactor: 1 });
      await page.goto(`file://${htmlFile}`);
      const png = join(OUT_DIR, `${dashboard.uid}.png`);
      await writeFile(png, toPalettePng(await page.screenshot({ fullPage: true }), CHART_COLOURS));
      await page.close();
      log(`wrote ${png}, ${Math.round((await stat(png)).size / 1024)} KB (${elapsed()})`);
    }
  } finally {
    await browser?.close();
    await prometheus?.stop();
    await fixture.cleanup();
    await rm(shotsDir, { recursive: true, force: true });
  }
  if (empty.length) {
    log(`panels with no data (a dashboard bug, or the simulated range misses their signal):\n  ${empty.join('\n  ')}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `render-dashboard-previews: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
  );
  process.exitCode = 1;
});
