/**
 * The incident page's shift charts on the second host, Grafana 13's shared modules (React 19, hosts/grafana-13):
 * PanelRenderer is set as Grafana's boot does (public/app/app.ts), and each finding that is not OK gets its
 * charts with the SLI's series from the real Prometheus and the report's own numbers, as on Grafana 12
 * (incident.browser.test.ts).
 */
import { type ImpactReport } from '../../src/core/report';
import { rfc3339 } from '../../src/core/format';
import { runAisre } from '../aisre';
import { type BrowserHarness, startBrowserHarness } from './browser';
import { firstIncidentOnPrometheus, type IncidentOnPrometheus } from './incidentFixture';

jest.setTimeout(300_000);

const ID = 41;

/** What the host's PanelRenderer was given for one chart (its `data-panel`). */
interface Drawn {
  pluginId: string;
  frames: Array<{ fields: Array<{ name: string; values: Array<number | string | null> }> }>;
  regions: Array<{ time: number; timeEnd: number }>;
}

let started: IncidentOnPrometheus;
let harness: BrowserHarness;
let report: ImpactReport;

beforeAll(async () => {
  started = await firstIncidentOnPrometheus();
  const { window } = started;
  const cli = await runAisre([
    ...['impact', '--prometheus', started.prometheus.url],
    ...['--from', rfc3339(window.from), '--to', rfc3339(window.to), '--format', 'json'],
  ]);
  if (cli.code !== 0) {
    throw new Error(`aisre impact exited ${cli.code}: ${cli.stderr}`);
  }
  report = JSON.parse(cli.stdout) as ImpactReport;
  harness = await startBrowserHarness({
    grafana: 13,
    prometheusUrl: started.prometheus.url,
    annotations: [
      { id: ID, time: window.from * 1000, timeEnd: window.to * 1000, text: 'Provider timeouts', tags: ['ai-incident'] },
    ],
  });
}, 600_000);

afterAll(async () => {
  await harness?.close();
  await started?.stop();
});

it('on Grafana 13 (React 19) the incident page draws every non-OK finding’s charts, with the report’s numbers', async () => {
  const { window: incident } = started;
  const opened = await harness.openAppPage({
    path: `/a/aisre-reliability-app/incidents/${ID}?from=${incident.from * 1000}&to=${incident.to * 1000}`,
  });
  try {
    await expect(opened.page.evaluate(() => window.aisreHost!.versions().react)).resolves.toMatch(/^19\./);
    const charts = opened.page.getByTestId('incident-shift-chart');
    await opened.waitFor(charts.first(), 120_000);
    const notOk = report.findings.filter((f) => f.verdict !== 'ok');
    expect(notOk.length).toBeGreaterThan(0);
    await expect(charts.count()).resolves.toBe(notOk.length);
    for (const finding of notOk) {
      const drawn: Drawn[] = await opened.page
        .locator(`[data-testid="incident-shift-chart"][data-sli="${finding.sli}"]`)
        .getByTestId('host-panel-renderer')
        .evaluateAll((panels) => panels.map((p) => JSON.parse(p.getAttribute('data-panel') ?? '{}')));
      const series = drawn.find((d) => d.pluginId === 'timeseries');
      const [time, sli, baseline] = series!.frames[0].fields;
      expect([time.name, sli.name, baseline.name]).toEqual(['Time', finding.title, 'Baseline']);
      expect(sli.values.filter((v) => typeof v === 'number').length).toBeGreaterThan(10);
      expect(series!.regions).toEqual([{ time: incident.from * 1000, timeEnd: incident.to * 1000 }]);
      const level = finding.kind === 'proportion' ? finding.baseline.rate : finding.baseline[finding.headline.quantile];
      expect(new Set(baseline.values)).toEqual(new Set([level]));
      if (finding.kind === 'distribution') {
        // Each bucket's share of observations, window against baseline: the report's own numbers.
        const [le, before, after] = drawn.find((d) => d.pluginId === 'barchart')!.frames[0].fields;
        expect(le.values).toEqual(finding.buckets!.le);
        expect(before.values).toEqual(finding.buckets!.baseline);
        expect(after.values).toEqual(finding.buckets!.window);
      }
    }
    await opened.screenshot('incident-page-grafana13');
  } finally {
    await opened.close();
  }
});
