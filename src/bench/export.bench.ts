/**
 * "Export" on a 7-day window: from the click to the Markdown, over two weeks of simulated telemetry in a real
 * Prometheus (7 days of window, the preceding 7 days as baseline). Times the same core path the panel and the
 * incident page run — queries, report, Markdown — through the Prometheus HTTP source; the panel sends the
 * same PromQL through Grafana's /api/ds/query, which adds Grafana's own proxying on top.
 *
 * The TSDB is backfilled once in large blocks and compacted by Prometheus before anything is timed (cached by
 * the simulation's content, src/bench/tsdb.ts). The reference, measured in the same run, is the engine's share:
 * the report's own queries (as the report logs them) sent one after another without the core.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildImpactReport } from '../core/impact';
import { PrometheusHttpSource } from '../core/prometheus';
import { renderMarkdown } from '../core/render';
import { type ImpactReport } from '../core/report';
import { conditions, formatSpread, MIN_RUNS, prometheusVersion, ratio, spread, timeRuns } from './measure';
import { readExposition, seriesCount, simulateOpenMetrics } from './series';
import { backfillOpenMetrics, cached, compactTsdb, contentKey, serveCopy } from './tsdb';

const DAY = 86_400;
const FROM = Date.UTC(2026, 0, 1) / 1000;
// 5-minute samples keep two weeks of ~300 series to a backfill of a minute or two.
const STEP = 300;
const SEED = 3;

/** Two weeks of simulated telemetry, backfilled and compacted; cached by the simulation's content. */
async function compactedTsdb(): Promise<{ dataDir: string; built: boolean; series: number }> {
  const work = await mkdtemp(join(tmpdir(), 'aisre-bench-export-'));
  try {
    const file = join(work, 'simulated.om');
    await simulateOpenMetrics(file, { from: FROM, to: FROM + 14 * DAY, step: STEP, seed: SEED });
    const series = seriesCount(await readExposition(file), 1);
    const { dir, built } = await cached(`export-${contentKey(await readFile(file))}`, async (building) => {
      const dataDir = join(building, 'data');
      await backfillOpenMetrics(file, dataDir);
      await compactTsdb(dataDir);
    });
    return { dataDir: join(dir, 'data'), built, series };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The report's queries again, one after another, through the same source: what the engine alone takes. */
async function replay(source: PrometheusHttpSource, queries: ImpactReport['queries']): Promise<void> {
  for (const q of queries) {
    const time = Date.parse(q.time) / 1000;
    if (q.start !== undefined && q.stepSeconds !== undefined) {
      await source.rangeQuery(q.expr, Date.parse(q.start) / 1000, time, q.stepSeconds);
    } else {
      await source.instantQuery(q.expr, time);
    }
  }
}

export async function run(): Promise<void> {
  const setupStart = Date.now();
  const { dataDir, built, series } = await compactedTsdb();
  const prometheus = await serveCopy(dataDir);
  try {
    const source = new PrometheusHttpSource(prometheus.url, { timeoutMs: 300_000 });
    const window = { from: FROM + 7 * DAY, to: FROM + 14 * DAY };
    let report: ImpactReport | undefined;
    let markdown = '';
    const exportOnce = async () => {
      report = await buildImpactReport(source, { window, groupBy: ['endpoint'] });
      markdown = renderMarkdown(report);
    };
    // One untimed export warms Prometheus' caches, as a dashboard in use has them warm.
    await exportOnce();
    const exports = spread(await timeRuns(MIN_RUNS, exportOnce));
    const queries = report?.queries ?? [];
    const reference = spread(await timeRuns(MIN_RUNS, () => replay(source, queries)));
    const samples = prometheus.blocks.reduce((sum, b) => sum + b.numSamples, 0);
    process.stdout.write(
      [
        conditions({
          engine: await prometheusVersion(prometheus.url),
          series,
          'data span': `14 d at ${STEP} s`,
          'TSDB blocks (compacted)': prometheus.blocks.length,
          samples,
          data: built ? `generated in ${((Date.now() - setupStart) / 1000).toFixed(0)} s` : 'from the cache',
        }),
        `7-day window, preceding 7-day baseline, by endpoint: ${report?.findings.length} findings, ${queries.length} queries, ${(markdown.length / 1024).toFixed(0)} KiB of Markdown`,
        `export to Markdown:                        ${formatSpread(exports)}`,
        `reference, its queries one after another:  ${formatSpread(reference)}`,
        `export / reference (median):               ${ratio(exports.median, reference.median)}`,
        '',
      ].join('\n')
    );
  } finally {
    await prometheus.stop();
  }
}

export const exportBenchmark = { name: 'export', run };
