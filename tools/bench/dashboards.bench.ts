/**
 * `npm run bench -- dashboards`: the time each bundled dashboard's queries take on a real Prometheus,
 * reading the recording rules (as shipped) and computing the same numbers from the raw series (no
 * ruler). Data: 6 simulated hours, the simulator's segments copied under COPIES service names
 * (> 2,000 series), the recording rules backfilled with `promtool tsdb create-blocks-from rules`.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';

import { RECORDING_RULES_FILE } from '../../src/alerting/artifacts';
import { rangeQuery, startPrometheusWithRules } from '../../test/ruleEngines';
import { buildDashboards } from '../../src/dashboards/build';
import { substituteVariables } from '../../src/dashboards/dashboardPromql';
import { runAisre } from '../../test/aisre';

const ROOT = resolve(__dirname, '..', '..');
const FROM = Date.UTC(2026, 0, 10, 0, 0, 0) / 1000;
const TO = FROM + 6 * 3600;
const COPIES = 8;
/** Grafana's step for a 6-hour range on a full-width panel. */
const STEP = 30;
const REPEATS = 3;
const SELECTION = { team: '.*', service: '.*', endpoint: '.*', model: '.*', similarity_threshold: '0.5' };

/** Copies every series under COPIES service names, keeping each metric family contiguous. */
async function multiply(input: string, output: string): Promise<number> {
  const out = createWriteStream(output);
  const write = async (text: string) => {
    if (!out.write(text)) {
      await once(out, 'drain');
    }
  };
  let header: string[] = [];
  let block: string[] = [];
  const series = new Set<string>();
  const flush = async () => {
    await write(header.join(''));
    for (let copy = 0; copy < COPIES; copy++) {
      const lines = block.map((line) => line.replace(/service="([^"]*)"/, `service="$1-${copy}"`));
      for (const line of lines) {
        series.add(line.slice(0, line.lastIndexOf('}') + 1) || line.split(' ')[0]);
      }
      await write(lines.join(''));
    }
    header = [];
    block = [];
  };
  for await (const line of createInterface({ input: createReadStream(input), crlfDelay: Infinity })) {
    if (line.startsWith('# EOF')) {
      break;
    }
    if (line.startsWith('#')) {
      if (block.length > 0) {
        await flush();
      }
      header.push(`${line}\n`);
    } else if (line.trim()) {
      block.push(`${line}\n`);
    }
  }
  await flush();
  await write('# EOF\n');
  out.end();
  await once(out, 'finish');
  return series.size;
}

async function timeQueries(url: string, exprs: string[]): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = process.hrtime.bigint();
    for (const expr of exprs) {
      await rangeQuery(url, expr, FROM + 3600, TO, STEP);
    }
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return runs.sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
}

async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'aisre-bench-dashboards-'));
  try {
    const simulated = join(dir, 'simulated.om');
    const result = await runAisre(
      ['simulate', '--from', String(FROM), '--to', String(TO), '--out', simulated, '--format', 'openmetrics'],
      { timeoutMs: 600_000 }
    );
    if (result.code !== 0) {
      throw new Error(`aisre simulate failed: ${result.stderr}`);
    }
    const dataset = join(dir, 'dataset.om');
    const seriesCount = await multiply(simulated, dataset);
    const backfillStart = Date.now();
    const prometheus = await startPrometheusWithRules({
      openMetricsFile: dataset,
      ruleFiles: [join(ROOT, RECORDING_RULES_FILE)],
      from: FROM,
      to: TO,
      timeoutMs: 600_000,
    });
    const backfillSeconds = (Date.now() - backfillStart) / 1000;
    try {
      process.stdout.write(
        `${seriesCount} series, 6 h at 60 s (${COPIES} copies of the simulated segments); data and rules backfilled in ${backfillSeconds.toFixed(0)} s.\n` +
          `Each dashboard's panel queries run one after the other as range queries over 5 h at a ${STEP} s step; median of ${REPEATS}.\n\n` +
          '| dashboard | queries | recording rules (ms) | raw series (ms) | raw / recorded |\n|---|---:|---:|---:|---:|\n'
      );
      for (const dashboard of buildDashboards()) {
        const recorded = dashboard.queries.map((q) => substituteVariables(q.expr.recorded, SELECTION));
        const raw = dashboard.queries.map((q) => substituteVariables(q.expr.raw, SELECTION));
        // Warm both once so that the first measured run does not pay for opening blocks.
        await timeQueries(prometheus.url, recorded.slice(0, 1));
        const recordedMs = await timeQueries(prometheus.url, recorded);
        const rawMs = await timeQueries(prometheus.url, raw);
        process.stdout.write(
          `| ${dashboard.uid} | ${recorded.length} | ${recordedMs.toFixed(0)} | ${rawMs.toFixed(0)} | ${(rawMs / recordedMs).toFixed(1)}× |\n`
        );
      }
    } finally {
      await prometheus.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const dashboardsBenchmark = { name: 'dashboards', run };
