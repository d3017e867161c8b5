/**
 * "Export" on a 7-day window: from the click to the Markdown, over two weeks of simulated telemetry in a real
 * Prometheus (7 days of window, the preceding 7 days as baseline). Times the same core path the panel and the
 * incident page run — queries, report, Markdown — through the Prometheus HTTP source; the panel sends the
 * same PromQL through Grafana's /api/ds/query, which adds Grafana's own proxying on top.
 */
import { performance } from 'node:perf_hooks';
import { buildImpactReport } from '../../src/core/impact';
import { PrometheusHttpSource } from '../../src/core/prometheus';
import { renderMarkdown } from '../../src/core/render';
import { startPrometheus } from '../../test/prometheus';
import { simulateFixture } from '../../test/simulateFixture';

const DAY = 86_400;
const FROM = Date.UTC(2026, 0, 1) / 1000;
// 5-minute samples keep two weeks of ~300 series to a backfill of a minute or two.
const STEP = 300;
const RUNS = 3;

export async function run(): Promise<void> {
  const setupStart = performance.now();
  const fixture = await simulateFixture({
    from: FROM,
    to: FROM + 14 * DAY,
    step: STEP,
    seed: 3,
    formats: ['openmetrics'],
  });
  const prometheus = await startPrometheus({ openMetricsFile: fixture.openMetricsFile, readyTimeoutMs: 600_000 });
  process.stdout.write(
    `setup (simulate 14 d at ${STEP} s steps, backfill, start): ${((performance.now() - setupStart) / 1000).toFixed(0)} s\n`
  );
  try {
    const source = new PrometheusHttpSource(prometheus.url);
    const window = { from: FROM + 7 * DAY, to: FROM + 14 * DAY };
    const timings: number[] = [];
    let summary = '';
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      const report = await buildImpactReport(source, { window, groupBy: ['endpoint'] });
      const markdown = renderMarkdown(report);
      timings.push(performance.now() - start);
      summary = `${report.findings.length} findings, ${report.queries.length} queries, ${(markdown.length / 1024).toFixed(0)} KiB of Markdown`;
    }
    timings.sort((a, b) => a - b);
    process.stdout.write(
      [
        `7-day window, preceding 7-day baseline, by endpoint: ${summary}`,
        `export to Markdown, median of ${RUNS}: ${timings[Math.floor(RUNS / 2)].toFixed(0)} ms (min ${timings[0].toFixed(0)} ms, max ${timings[RUNS - 1].toFixed(0)} ms; the first run includes Prometheus' cold caches)`,
        '',
      ].join('\n')
    );
  } finally {
    await prometheus.stop();
    await fixture.cleanup();
  }
}

export const exportBenchmark = { name: 'export', run };
