/**
 * Impact report at scale: 500 segments × 12 SLIs × 30 buckets, read from a MetricsSource that answers from
 * memory, so the figure is the core's own work (parsing rows, statistics, judging, rendering), not a
 * backend's. Also counts the PromQL queries one report issues.
 */
import { performance } from 'node:perf_hooks';
import { buildImpactReport } from '../../src/core/impact';
import { SLI_DEFINITIONS } from '../../src/core/metrics';
import { renderMarkdown } from '../../src/core/render';
import { type MetricsSource, type SampleRow } from '../../src/core/source';

const SEGMENTS = 500;
const BUCKETS = 30;
const WINDOW = { from: 1_800_000_000, to: 1_800_010_800 };
const RUNS = 5;

const upperBounds = [...Array.from({ length: BUCKETS - 1 }, (_, i) => String(0.01 * 1.35 ** i)), '+Inf'];

/** Deterministic, different per segment and side, so every statistic has real work to do. */
function rowsFor(expr: string, time: number): SampleRow[] {
  const inWindow = time === WINDOW.to;
  const splitLabel = /sum by \((\w+)/.exec(expr)?.[1] ?? '';
  const rows: SampleRow[] = [];
  for (let s = 0; s < SEGMENTS; s++) {
    const endpoint = `/endpoint-${s}`;
    if (splitLabel === 'le') {
      let cumulative = 0;
      upperBounds.forEach((le, i) => {
        cumulative += 100 + ((s * 7 + i * 13 + (inWindow ? i * i : 0)) % 97);
        rows.push({ labels: { le, endpoint }, value: cumulative });
      });
    } else {
      ['ok', 'bad', 'worse'].forEach((value, i) => {
        rows.push({
          labels: { [splitLabel]: value, endpoint },
          value: 1_000 + ((s * 31 + i * 17 + (inWindow ? 40 : 0)) % 500),
        });
      });
    }
  }
  return rows;
}

export async function run(): Promise<void> {
  let queries = 0;
  const source: MetricsSource = {
    async instantQuery(expr, time) {
      queries++;
      return rowsFor(expr, time);
    },
  };
  const timings: number[] = [];
  let findings = 0;
  let markdownBytes = 0;
  for (let i = 0; i < RUNS; i++) {
    queries = 0;
    const start = performance.now();
    const report = await buildImpactReport(source, { window: WINDOW, groupBy: ['endpoint'] });
    markdownBytes = renderMarkdown(report).length;
    timings.push(performance.now() - start);
    findings = report.findings.length;
  }
  timings.sort((a, b) => a - b);
  process.stdout.write(
    [
      `segments × SLIs × buckets: ${SEGMENTS} × ${SLI_DEFINITIONS.length} × ${BUCKETS}`,
      `findings per report:        ${findings}`,
      `PromQL queries per report:  ${queries}`,
      `report + Markdown, median of ${RUNS}: ${timings[Math.floor(RUNS / 2)].toFixed(0)} ms (min ${timings[0].toFixed(0)} ms, max ${timings[RUNS - 1].toFixed(0)} ms)`,
      `Markdown size:              ${(markdownBytes / 1024).toFixed(0)} KiB`,
      '',
    ].join('\n')
  );
}

export const impactBenchmark = { name: 'impact', run };
