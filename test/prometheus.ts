/**
 * A real Prometheus for integration tests: backfill an OpenMetrics file with promtool, then serve it
 * on a free loopback port from a temp dir. Fails loudly (with the binary's own words) when it cannot.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type ExpositionSummary, sampleCountQuery, summariseExposition } from './exposition';
import { instantQuery, waitFor } from './http';
import { runOrThrow, type ServerProcess, startOnFreePort } from './processes';

export interface StartedEngine {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** What was loaded: sample count and first/last timestamps (seconds). */
  data: ExpositionSummary;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  openMetricsFile: string;
  /** Bound on startup plus the wait for the data to be queryable. */
  readyTimeoutMs?: number;
}

/** No scrape targets: the only data is what was backfilled. */
const NO_SCRAPE_CONFIG = 'global:\n  scrape_interval: 1h\n  evaluation_interval: 1h\nscrape_configs: []\n';

export interface PrometheusServerOptions {
  /** Where the no-scrape config is written (beside the data, in the caller's temp dir). */
  configFile: string;
  dataDir: string;
  timeoutMs: number;
  /** More flags, e.g. a higher `--query.max-samples` for wide dashboards. */
  extraArgs?: string[];
}

/**
 * A Prometheus on a free loopback port serving `dataDir`: no scrapes, and a retention long enough that the
 * fixed, old data is never deleted. Ready when /-/ready answers.
 */
export async function startPrometheusServer(
  options: PrometheusServerOptions
): Promise<{ url: string; server: ServerProcess }> {
  await writeFile(options.configFile, NO_SCRAPE_CONFIG);
  return startOnFreePort(
    'prometheus',
    (port) => [
      `--config.file=${options.configFile}`,
      `--storage.tsdb.path=${options.dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=100y',
      ...(options.extraArgs ?? []),
    ],
    'prometheus',
    '/-/ready',
    options.timeoutMs
  );
}

export async function startPrometheus(options: PrometheusOptions): Promise<StartedEngine> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const data = await summariseExposition(options.openMetricsFile, 'seconds');
  const dir = await mkdtemp(join(tmpdir(), 'aisre-prometheus-'));
  const dataDir = join(dir, 'data');
  const configFile = join(dir, 'prometheus.yml');
  let server: ServerProcess | undefined;
  try {
    await runOrThrow('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', options.openMetricsFile, dataDir], {
      timeoutMs: 300_000,
    });
    const started = await startPrometheusServer({ configFile, dataDir, timeoutMs: readyTimeoutMs });
    server = started.server;
    const { url } = started;
    await waitUntilLoaded(url, data, readyTimeoutMs, 'prometheus', true);
    const running = server;
    return {
      url,
      data,
      stop: async () => {
        await running.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Waits until the engine serves every sample of the file, metric by metric (count_over_time over all
 * of it). `countNaN`: whether the engine stores NaN values as samples (Prometheus does, VM does not).
 */
export async function waitUntilLoaded(
  url: string,
  data: ExpositionSummary,
  timeoutMs: number,
  engine: string,
  countNaN: boolean
): Promise<void> {
  const pending = new Map(
    Object.entries(data.byMetric).map(([metric, counts]) => [metric, countNaN ? counts.samples : counts.notNaN])
  );
  let progress = '';
  await waitFor(
    async () => {
      for (const [metric, expected] of pending) {
        const result = await instantQuery(url, sampleCountQuery(metric, data), data.maxTimestamp);
        const seen = result.length === 1 ? result[0].value : 0;
        if (seen !== expected) {
          progress = `serves ${seen} of the ${expected} samples of ${metric} loaded`;
          return false;
        }
        pending.delete(metric);
      }
      return true;
    },
    timeoutMs,
    () => `${engine} on ${url} ${progress} after ${timeoutMs} ms`
  );
}
