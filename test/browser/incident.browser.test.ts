/**
 * The built incident page in real Chromium over the simulator's first incident in a real Prometheus:
 * - a chart per finding that is not OK, drawn through PanelRenderer (the host sets it as Grafana's boot does):
 *   the SLI's series read from Prometheus over the baseline and the window, the window as a region, the
 *   baseline level and thresholds from the same numbers `aisre impact --format json` prints, and for
 *   distributions each bucket's share of the window's observations against the baseline's (the report's `buckets`);
 * - an ongoing incident (a point tagged ai-ongoing) reads up to now and is closed with a PATCH that keeps every tag;
 * - the panel the annotation was made on is linked (`viewPanel`);
 * - every error state offers Try again, and trying again recovers; the impact section never claims it is waiting;
 * - the page at 800 px and 1600 px, saved under artifacts/browser/ (the README's images).
 */
import { existsSync } from 'node:fs';

import { type ImpactReport } from '../../src/core/report';
import { runAisre } from '../aisre';
import { rfc3339 } from '../../src/core/format';
import { type BrowserHarness, type OpenedPage, startBrowserHarness } from './browser';
import { firstIncidentOnPrometheus, type IncidentOnPrometheus } from './incidentFixture';

jest.setTimeout(300_000);

const APP = '/a/aisre-reliability-app';
const ID = 41;
const TEXT = 'Provider timeouts on /chat after the 02:00 deploy';

let started: IncidentOnPrometheus;
let harness: BrowserHarness;
let report: ImpactReport;

interface Drawn {
  pluginId: string;
  title: string;
  frames: Array<{
    fields: Array<{ name: string; type: string; values: Array<number | string | null>; colour: string }>;
  }>;
  thresholds: number[];
  regions: Array<{ time: number; timeEnd: number }>;
}

function pagePath(): string {
  const { from, to } = started.window;
  return `${APP}/incidents/${ID}?from=${from * 1000}&to=${to * 1000}`;
}

async function openIncident(allowConsoleErrors: RegExp[] = []): Promise<OpenedPage> {
  return harness.openAppPage({ path: pagePath(), allowConsoleErrors });
}

/** What each chart of one finding was given, from the host's PanelRenderer. */
async function chartsOf(opened: OpenedPage, sli: string): Promise<Drawn[]> {
  const figure = opened.page.locator(`[data-testid="incident-shift-chart"][data-sli="${sli}"]`);
  return figure
    .getByTestId('host-panel-renderer')
    .evaluateAll((panels) => panels.map((p) => JSON.parse(p.getAttribute('data-panel') ?? '{}')));
}

/** The fill of every bar the host's bar chart drew for one finding, by field name. */
async function barFills(opened: OpenedPage, sli: string): Promise<Record<string, string[]>> {
  const figure = opened.page.locator(`[data-testid="incident-shift-chart"][data-sli="${sli}"]`);
  const bars = await figure
    .locator('rect[data-field]')
    .evaluateAll((rects) => rects.map((r) => [r.getAttribute('data-field') ?? '', r.getAttribute('fill') ?? '']));
  const fills: Record<string, string[]> = {};
  for (const [field, fill] of bars) {
    fills[field] = [...new Set([...(fills[field] ?? []), fill])];
  }
  return fills;
}

beforeAll(async () => {
  started = await firstIncidentOnPrometheus();
  const { window } = started;
  const cli = await runAisre([
    'impact',
    '--prometheus',
    started.prometheus.url,
    '--from',
    rfc3339(window.from),
    '--to',
    rfc3339(window.to),
    '--format',
    'json',
  ]);
  if (cli.code !== 0) {
    throw new Error(`aisre impact exited ${cli.code}: ${cli.stderr}`);
  }
  report = JSON.parse(cli.stdout) as ImpactReport;
  harness = await startBrowserHarness({
    prometheusUrl: started.prometheus.url,
    orgRole: 'Editor',
    annotations: [
      { id: ID, time: window.from * 1000, timeEnd: window.to * 1000, text: TEXT, tags: ['ai-incident', 'owner:alice'] },
    ],
  });
}, 600_000);

const SEED_TAGS = ['ai-incident', 'owner:alice'];

beforeEach(() => {
  harness.grafana.clearFaults();
  const { window } = started;
  harness.grafana.annotations.reset([
    { id: ID, time: window.from * 1000, timeEnd: window.to * 1000, text: TEXT, tags: SEED_TAGS },
  ]);
  harness.grafana.requests.length = 0;
});

afterAll(async () => {
  await harness?.close();
  await started?.stop();
});

describe('the incident page draws the shift', () => {
  it('has a chart for every finding that is not OK, with its series and the report’s own numbers', async () => {
    const opened = await openIncident();
    try {
      await opened.waitFor(opened.page.getByTestId('incident-shift-chart').first(), 120_000);
      const notOk = report.findings.filter((f) => f.verdict !== 'ok');
      expect(notOk.length).toBeGreaterThan(0);
      await expect(opened.page.getByTestId('incident-shift-chart').count()).resolves.toBe(notOk.length);
      // The description is the title.
      await expect(opened.page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(TEXT);

      const { window } = started;
      let distributions = 0;
      for (const finding of notOk) {
        const charts = await chartsOf(opened, finding.sli);
        const series = charts.find((c) => c.pluginId === 'timeseries');
        expect(series).toBeDefined();
        const [time, sli, baseline] = series!.frames[0].fields;
        expect([time.name, sli.name, baseline.name]).toEqual(['Time', finding.title, 'Baseline']);
        // Coloured by the field config, as Grafana applies it: the SLI in the classic palette's first colour (green
        // in the dark theme), the baseline by its fixed-colour override (the theme's text colour).
        expect(sli.colour).toBe('#73BF69');
        expect(baseline.colour).not.toBe(sli.colour);
        // Points over the baseline hour and the window, read from Prometheus.
        const times = time.values as number[];
        expect(times.some((t) => t <= window.from * 1000)).toBe(true);
        expect(times.some((t) => t > window.from * 1000)).toBe(true);
        expect(sli.values.filter((v) => typeof v === 'number').length).toBeGreaterThan(10);
        // The window shaded; the baseline level and thresholds are the report's numbers.
        expect(series!.regions).toEqual([{ time: window.from * 1000, timeEnd: window.to * 1000 }]);
        const level =
          finding.kind === 'proportion' ? finding.baseline.rate : finding.baseline[finding.headline.quantile];
        expect(new Set(baseline.values)).toEqual(new Set([level]));
        if (level !== null && (finding.kind === 'proportion' || finding.sli.endsWith('latency'))) {
          expect(series!.thresholds).toEqual(
            expect.arrayContaining([
              expect.closeTo(level * (1 + report.thresholds.investigate), 12),
              expect.closeTo(level * (1 + report.thresholds.page), 12),
            ])
          );
        }
        if (finding.kind === 'proportion' && finding.verdict === 'page') {
          // A paging rate is visibly higher in the window than before it.
          const mean = (inWindow: boolean) => {
            const picked = sli.values.filter(
              (v, i): v is number => typeof v === 'number' && times[i] > window.from * 1000 === inWindow
            );
            return picked.reduce((a, b) => a + b, 0) / picked.length;
          };
          expect(mean(true)).toBeGreaterThan(mean(false));
        }
        if (finding.kind === 'distribution') {
          distributions++;
          const bars = charts.find((c) => c.pluginId === 'barchart');
          const [le, before, after] = bars!.frames[0].fields;
          expect(le.name).toBe('le');
          expect(le.values).toEqual(finding.buckets!.le);
          expect(le.values.at(-1)).toBe('+Inf');
          expect(before.values).toEqual(finding.buckets!.baseline);
          expect(after.values).toEqual(finding.buckets!.window);
          const total = (values: Array<number | string | null>) => values.reduce<number>((a, v) => a + Number(v), 0);
          expect(total(after.values)).toBeCloseTo(1, 9);
          // Coloured by the field config, as Grafana's bar chart colours each field's bars: the window from the bar
          // chart's classic palette (by series index), the baseline by its fixed-colour override; every bar drawn so.
          expect(after.colour).toMatch(/^#[0-9A-F]{6}$/i);
          expect(before.colour).not.toBe(after.colour);
          await expect(barFills(opened, finding.sli)).resolves.toEqual({
            [before.name]: [before.colour],
            [after.name]: [after.colour],
          });
        }
      }
      // This incident moves a latency distribution, so the bucket chart is checked, not skipped.
      expect(distributions).toBeGreaterThan(0);
    } finally {
      await opened.close();
    }
  });

  it('is laid out at 800 px and at 1600 px (two columns), saved for the README', async () => {
    const opened = await openIncident();
    try {
      await opened.waitFor(opened.page.getByTestId('incident-shift-chart').first(), 120_000);
      const columnsOf = () =>
        opened.page
          .getByTestId('data-testid incident-evidence')
          .evaluate(
            (evidence) => getComputedStyle(evidence.parentElement!.parentElement!).gridTemplateColumns.split(' ').length
          );
      await opened.page.setViewportSize({ width: 1600, height: 1000 });
      await expect(columnsOf()).resolves.toBe(2);
      expect(existsSync(await opened.screenshot('incident-page-1600'))).toBe(true);
      await opened.page.setViewportSize({ width: 800, height: 1000 });
      await expect(columnsOf()).resolves.toBe(1);
      expect(existsSync(await opened.screenshot('incident-page-800'))).toBe(true);
    } finally {
      await opened.close();
    }
  });
});

describe('editing the incident', () => {
  it('moves the window and rewrites the text with a PATCH that keeps every tag, even one written meanwhile', async () => {
    const opened = await openIncident();
    try {
      const { page } = opened;
      await opened.waitFor(page.getByRole('button', { name: 'Edit window and text' }), 60_000);
      await page.getByRole('button', { name: 'Edit window and text' }).click();
      const to = page.locator('#incident-edit-to');
      await opened.waitFor(to);
      // Someone else tags the incident while the form is open.
      harness.grafana.annotations.patch(ID, { tags: [...SEED_TAGS, 'jira:OPS-7'] });
      const later = new Date((started.window.to + 600) * 1000).toISOString().replace('.000Z', 'Z');
      await to.fill(later);
      await page.locator('#incident-edit-text').fill('Provider timeouts on /chat (rolled back at 03:10)');
      await page.getByRole('button', { name: 'Save window and text' }).click();
      await opened.waitFor(
        page.getByRole('heading', { level: 1, name: 'Provider timeouts on /chat (rolled back at 03:10)' })
      );

      const patches = harness.grafana.requests.filter((r) => r.method === 'PATCH');
      expect(patches).toHaveLength(1);
      expect(Object.keys(patches[0].body as object).sort()).toEqual(['text', 'time', 'timeEnd']);
      const stored = harness.grafana.annotations.all().find((a) => a.id === ID)!;
      expect(stored.tags).toEqual([...SEED_TAGS, 'jira:OPS-7']);
      expect(stored.timeEnd).toBe((started.window.to + 600) * 1000);
      expect(stored.text).toBe('Provider timeouts on /chat (rolled back at 03:10)');
    } finally {
      await opened.close();
    }
  });
});

describe('an ongoing incident', () => {
  const ONGOING_TAGS = [...SEED_TAGS, 'team:search', 'ai-severity:page', 'ai-ongoing'];

  it('reads since its start up to now, and Close incident PATCHes the end keeping every tag but ai-ongoing', async () => {
    // Started an hour ago (the browser's clock), stored as Grafana stores an annotation posted without an end: a
    // point at the start. The simulated data lies in the past, so its evidence is empty; the window still ends now.
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
    harness.grafana.annotations.reset([{ id: ID, time: start, timeEnd: start, text: TEXT, tags: ONGOING_TAGS }]);
    const opened = await harness.openAppPage({ path: `${APP}/incidents/${ID}?from=${start}&to=${start}` });
    try {
      const { page } = opened;
      await opened.waitFor(page.getByTestId('impact-scope'), 120_000);
      await expect(page.getByTestId('incident-window').innerText()).resolves.toMatch(/^since .+ UTC \(ongoing\)$/);
      await expect(page.getByTestId('impact-scope').innerText()).resolves.toMatch(/\(ongoing: read up to now, /);
      // The evidence's queries ran up to now: their range ends after the start by about the hour.
      const query = harness.grafana.requests.find((r) => r.method === 'POST' && r.path === '/api/ds/query');
      const { to } = query!.body as { to: string };
      expect(Number(to)).toBeGreaterThanOrEqual(start + 3_600_000);

      await page.getByRole('button', { name: 'Close incident' }).click();
      const end = page.locator('#incident-close-end');
      await opened.waitFor(end);
      // Someone else tags the incident while the form is open: the close keeps that tag too.
      harness.grafana.annotations.patch(ID, { tags: [...ONGOING_TAGS, 'jira:OPS-9'] });
      const closedAt = start + 1_800_000;
      await end.fill(new Date(closedAt).toISOString().replace('.000Z', 'Z'));
      await page
        .getByRole('form', { name: 'Close the incident' })
        .getByRole('button', { name: 'Close incident' })
        .click();
      await opened.waitFor(page.getByRole('button', { name: 'Edit window and text' }));

      const patches = harness.grafana.requests.filter((r) => r.method === 'PATCH');
      expect(patches).toHaveLength(1);
      expect(Object.keys(patches[0].body as object).sort()).toEqual(['tags', 'timeEnd']);
      const stored = harness.grafana.annotations.all().find((a) => a.id === ID)!;
      expect(stored.timeEnd).toBe(closedAt);
      expect(stored.tags).toEqual([...SEED_TAGS, 'team:search', 'ai-severity:page', 'jira:OPS-9']);
      await expect(page.getByTestId('incident-window').innerText()).resolves.not.toMatch(/ongoing/);
    } finally {
      await opened.close();
    }
  });
});

describe('the annotation’s own place', () => {
  it('links the panel it was marked on, opened alone at the window', async () => {
    const { window } = started;
    harness.grafana.annotations.reset([
      {
        id: ID,
        time: window.from * 1000,
        timeEnd: window.to * 1000,
        text: TEXT,
        tags: SEED_TAGS,
        dashboardUID: 'aisre-model-slis',
        panelId: 7,
      },
    ]);
    const opened = await openIncident();
    try {
      const link = opened.page.getByRole('link', { name: 'Open the panel it was marked on' });
      await opened.waitFor(link, 60_000);
      await expect(link.getAttribute('href')).resolves.toMatch(
        new RegExp(`/d/aisre-model-slis\\?from=${window.from * 1000}&to=${window.to * 1000}&viewPanel=7$`)
      );
    } finally {
      await opened.close();
    }
  });
});

describe('every error state offers Try again', () => {
  it('a data source failure: the evidence and the impact section say so, and Try again recovers', async () => {
    harness.grafana.addFault({ method: 'POST', path: '/api/ds/query', respond: { status: 502 } });
    const opened = await openIncident([/502/]);
    try {
      const evidence = opened.page.getByTestId('data-testid incident-evidence');
      await opened.waitFor(evidence.getByText('The query failed'), 120_000);
      const impact = opened.page.getByTestId('data-testid incident-impact');
      await expect(impact.innerText()).resolves.toMatch(/No impact section: the evidence could not be read/);
      await expect(impact.innerText()).resolves.not.toMatch(/Available once/);
      harness.grafana.clearFaults();
      await evidence.getByRole('button', { name: 'Try again' }).click();
      await opened.waitFor(opened.page.getByTestId('incident-shift-chart').first(), 120_000);
      await opened.waitFor(impact.getByRole('button', { name: 'Copy Markdown' }));
    } finally {
      await opened.close();
    }
  });

  it('an annotation that cannot be read: Try again reads it again', async () => {
    harness.grafana.addFault({ method: 'GET', path: `/api/annotations/${ID}`, respond: { status: 500 }, times: 1 });
    const opened = await openIncident([/500/]);
    try {
      await opened.waitFor(opened.page.getByText('The incident could not be read'), 60_000);
      await opened.page.getByRole('button', { name: 'Try again' }).click();
      await opened.waitFor(opened.page.getByRole('heading', { level: 1, name: TEXT }), 60_000);
    } finally {
      await opened.close();
    }
  });
});
