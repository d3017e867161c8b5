/**
 * A real VictoriaMetrics for integration tests (the second PromQL engine): start it on a free loopback
 * port with a temp storage dir, import a Prometheus text file (millisecond timestamps), flush, and wait
 * until every sample is queryable.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { summariseExposition } from './exposition';
import { httpRequest } from './http';
import { type StartedEngine, waitUntilLoaded } from './prometheus';
import { type ServerProcess, startOnFreePort } from './processes';

export interface VictoriaMetricsOptions {
  /** Prometheus text exposition with millisecond timestamps. */
  prometheusTextFile: string;
  readyTimeoutMs?: number;
}

const BINARY = '/usr/bin/victoria-metrics';

export async function startVictoriaMetrics(options: VictoriaMetricsOptions): Promise<StartedEngine> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const data = await summariseExposition(options.prometheusTextFile, 'milliseconds');
  const dir = await mkdtemp(join(tmpdir(), 'aisre-victoria-metrics-'));
  let server: ServerProcess | undefined;
  try {
    const started = await startOnFreePort(
      BINARY,
      (port) => [
        `-storageDataPath=${dir}`,
        `-httpListenAddr=127.0.0.1:${port}`,
        '-retentionPeriod=100y',
        // A readiness probe must not leave a cached partial answer behind.
        '-search.disableCache',
      ],
      'victoria-metrics',
      '/health',
      readyTimeoutMs
    );
    server = started.server;
    const { url } = started;
    const imported = await httpRequest(`${url}/api/v1/import/prometheus`, {
      method: 'POST',
      bodyFile: options.prometheusTextFile,
      timeoutMs: 120_000,
    });
    if (imported.status !== 204 && imported.status !== 200) {
      throw new Error(`victoria-metrics import: HTTP ${imported.status}: ${imported.body.slice(0, 1000)}`);
    }
    const flushed = await httpRequest(`${url}/internal/force_flush`);
    if (flushed.status !== 200) {
      throw new Error(`victoria-metrics force_flush: HTTP ${flushed.status}: ${flushed.body.slice(0, 1000)}`);
    }
    // VictoriaMetrics drops NaN values on import (they are not samples to it).
    await waitUntilLoaded(url, data, readyTimeoutMs, 'victoria-metrics', false);
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
    const tail = server?.output.toString();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
    if (tail && error instanceof Error && !error.message.includes('output:')) {
      error.message += `\nvictoria-metrics output:\n${tail}`;
    }
    throw error;
  }
}
