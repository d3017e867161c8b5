/**
 * "Export" on a 7-day window: from the click to the Markdown, over two weeks of simulated telemetry in a real
 * Prometheus (7 days of window, the preceding 7 days as baseline). Times the same core path the panel and the
 * incident page run — queries, report, Markdown — through the Prometheus HTTP source; the panel sends the
 * same PromQL through Grafana's /api/ds/query, which adds Grafana's own proxying on top.
 *
 * The TSDB is backfilled once in large blocks and compacted by Prometheus before anything is timed (cached by
 * the simulation's content, tools/bench/tsdb.ts). The reference, measured in the same run, is the engine's share:
 * the report's own queries (as the report logs them) sent one after another without the core. For contrast
 * (AISRE_BENCH_EXPORT_UNCOMPACTED=1), the same exports on the data as a fresh backfill serves it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildImpactReport } from '../../src/core/impact';
import { PrometheusHttpSource } from '../../src/core/prometheus';
import { renderMarkdown } from '../../src/core/render';
import { type ImpactReport } from '../../src/core/report';
import { conditions, formatSpread, MIN_RUNS, prometheusVersion, ratio, type Spread, spread, timeRuns } from './measure';
import { readExposition, seriesCount, simulateOpenMetrics } from './series';
import { backfillOpenMetrics, cached, compactTsdb, contentKey, prometheusMetric, serveCopy } from './tsdb';

const DAY = 86_400;
const FROM = Date.UTC(2026, 0, 1) / 1000;
// 5-minute samples keep two weeks of ~300 series to a backfill of a minute or two.
const STEP = 300;
const SEED = 3;
const UNCOMPACTED = process.env.AISRE_BENCH_EXPORT_UNCOMPACTED === '1';

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

interface Exports {
  spread: Spread;
  report: ImpactReport;
  markdown: string;
}

/** One untimed export (it warms Prometheus' caches, as a dashboard in use has them warm), then MIN_RUNS timed. */
async function timeExports(source: PrometheusHttpSource): Promise<Exports> {
  const window = { from: FROM + 7 * DAY, to: FROM + 14 * DAY };
  const exportOnce = async () => {
    const report = await buildImpactReport(source, { window, groupBy: ['endpoint'] });
    return { report, markdown: renderMarkdown(report) };
  };
  const last = await exportOnce();
  const timings = await timeRuns(MIN_RUNS, exportOnce);
  return { spread: spread(timings), ...last };
}

/**
 * The same exports on the same data as a fresh backfill serves it in its first minute: promtool's 2-hour
 * blocks, before Prometheus has compacted them. promtool reads the whole file once per block, so the blocks
 * are cached too.
 */
async function timeUncompacted(file: string, key: string): Promise<{ spread: Spread; blocks: string }> {
  const { dir } = await cached(`export-uncompacted-${key}`, (building) =>
    backfillOpenMetrics(file, join(building, 'data'), '2h')
  );
  const fresh = await serveCopy(join(dir, 'data'));
  try {
    const timed = await timeExports(new PrometheusHttpSource(fresh.url, { timeoutMs: 300_000 }));
    const loaded = await prometheusMetric(fresh.url, 'prometheus_tsdb_blocks_loaded');
    return { spread: timed.spread, blocks: `${fresh.blocks.length} blocks at start, ${loaded} loaded at the end` };
  } finally {
    await fresh.stop();
  }
}

async function run(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'aisre-bench-export-'));
  try {
    const setupStart = Date.now();
    const file = join(work, 'simulated.om');
    await simulateOpenMetrics(file, { from: FROM, to: FROM + 14 * DAY, step: STEP, seed: SEED });
    const series = seriesCount(await readExposition(file), 1);
    const key = contentKey(await readFile(file));
    const { dir, built } = await cached(`export-${key}`, async (building) => {
      const dataDir = join(building, 'data');
      await backfillOpenMetrics(file, dataDir);
      await compactTsdb(dataDir);
    });
    const generated = built ? `generated in ${((Date.now() - setupStart) / 1000).toFixed(0)} s` : 'from the cache';

    const uncompacted = UNCOMPACTED ? await timeUncompacted(file, key) : undefined;
    const prometheus = await serveCopy(join(dir, 'data'));
    try {
      const source = new PrometheusHttpSource(prometheus.url, { timeoutMs: 300_000 });
      const { spread: exports, report, markdown } = await timeExports(source);
      const reference = spread(await timeRuns(MIN_RUNS, () => replay(source, report.queries)));
      process.stdout.write(
        [
          conditions({
            engine: await prometheusVersion(prometheus.url),
            series,
            'data span': `14 d at ${STEP} s`,
            'TSDB blocks (compacted)': prometheus.blocks.length,
            samples: prometheus.blocks.reduce((sum, b) => sum + b.numSamples, 0),
            data: generated,
          }),
          `7-day window, preceding 7-day baseline, by endpoint: ${report.findings.length} findings, ${report.queries.length} queries, ${(markdown.length / 1024).toFixed(0)} KiB of Markdown`,
          `export to Markdown:                              ${formatSpread(exports)}`,
          `reference, its queries one after another:        ${formatSpread(reference)}`,
          `export / reference (median):                     ${ratio(exports.median, reference.median)}`,
          uncompacted
            ? `uncompacted (${uncompacted.blocks}), same exports:  ${formatSpread(uncompacted.spread)}\n` +
              `uncompacted / compacted (median):                ${ratio(uncompacted.spread.median, exports.median)}`
            : 'uncompacted: not measured (AISRE_BENCH_EXPORT_UNCOMPACTED=1 measures it; ~15 min of promtool once)',
          '',
        ].join('\n')
      );
    } finally {
      await prometheus.stop();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export const exportBenchmark = { name: 'export', run };
