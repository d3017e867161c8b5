/**
 * Tests of the integration harness itself, on small hand-written data: what is backfilled or imported is
 * what the engines return, the broken fake answers as told, and the real CLI runs as a process.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runAisre } from './aisre';
import { parseSampleLine } from './exposition';
import { startFakeMetricsApi } from './fakeMetricsApi';
import { httpRequest, instantQuery } from './http';
import { freePort } from './ports';
import { MissingBinaryError, startServerProcess } from './processes';
import { startPrometheus, type StartedEngine } from './prometheus';
import { startVictoriaMetrics } from './victoriaMetrics';

jest.setTimeout(120_000);

const T0 = Date.UTC(2026, 0, 10, 0, 0, 0) / 1000;
const STEP = 60;
const POINTS = 61;
/** A label value with a space, a brace and a hash, to prove nothing splits on them. */
const ENDPOINT = '/chat {v2} #1';
const RESET_AT = 30;

/** The counter written at sample i: climbs from 1000 by 7, resets to 0 at i = 30, climbs by 3. */
const counterAt = (i: number) => (i < RESET_AT ? 1000 + 7 * i : 3 * (i - RESET_AT));
/** A bucket with one NaN sample (i = 5), as a broken exporter writes. */
const bucketAt = (i: number) => (i === 5 ? NaN : 2 * i);

function openMetrics(): string {
  const lines = ['# TYPE harness_requests counter'];
  for (let i = 0; i < POINTS; i++) {
    lines.push(`harness_requests_total{endpoint="${ENDPOINT}"} ${counterAt(i)} ${T0 + STEP * i}`);
  }
  lines.push('# TYPE harness_latency histogram');
  for (let i = 0; i < POINTS; i++) {
    const t = T0 + STEP * i;
    lines.push(`harness_latency_bucket{le="1.0"} ${bucketAt(i)} ${t}`);
    lines.push(`harness_latency_bucket{le="+Inf"} ${3 * i} ${t}`, `harness_latency_count ${3 * i} ${t}`);
    lines.push(`harness_latency_sum ${3 * i} ${t}`);
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

function prometheusText(): string {
  const lines: string[] = [];
  for (let i = 0; i < POINTS; i++) {
    const ms = (T0 + STEP * i) * 1000;
    lines.push(`harness_requests_total{endpoint="${ENDPOINT}"} ${counterAt(i)} ${ms}`);
    lines.push(`harness_latency_bucket{le="1.0"} ${bucketAt(i)} ${ms}`);
  }
  return `${lines.join('\n')}\n`;
}

/** v(to) − v(from) plus the value before each reset: what increase() must return on aligned windows. */
function expectedIncrease(fromIndex: number, toIndex: number): number {
  let total = 0;
  for (let i = fromIndex + 1; i <= toIndex; i++) {
    const delta = counterAt(i) - counterAt(i - 1);
    total += delta >= 0 ? delta : counterAt(i);
  }
  return total;
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aisre-harness-test-'));
  await writeFile(join(dir, 'data.om'), openMetrics());
  await writeFile(join(dir, 'data.prom'), prometheusText());
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseSampleLine', () => {
  it('finds value and timestamp after a label set with spaces, braces and hashes in quoted values', () => {
    expect(parseSampleLine('m{a="x y} # z",b="q\\"}"} 12.5 1768003200')).toEqual({
      name: 'm',
      value: 12.5,
      timestamp: 1768003200,
    });
    expect(parseSampleLine('m_total 7 1768003200000')).toEqual({ name: 'm_total', value: 7, timestamp: 1768003200000 });
    expect(parseSampleLine('m{le="1"} NaN 1').value).toBeNaN();
  });
});

describe('freePort', () => {
  it('returns a loopback port that can be bound', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('startServerProcess', () => {
  it('says which binary is missing instead of hanging or skipping', async () => {
    await expect(startServerProcess('aisre-no-such-binary', [], 'test')).rejects.toThrow(MissingBinaryError);
    await expect(startServerProcess('aisre-no-such-binary', [], 'test')).rejects.toThrow(/aisre-no-such-binary/);
  });
});

/** The same checks on both engines: the data written is the data served. */
function describeEngine(name: string, start: () => Promise<StartedEngine>, nanIsSample: boolean) {
  describe(name, () => {
    let engine: StartedEngine;

    beforeAll(async () => {
      engine = await start();
    }, 120_000);

    afterAll(async () => {
      await engine?.stop();
    });

    it('serves the value written at a sample timestamp', async () => {
      const result = await instantQuery(engine.url, 'harness_requests_total', T0 + STEP * 10);
      expect(result).toEqual([
        { metric: { __name__: 'harness_requests_total', endpoint: ENDPOINT }, value: counterAt(10) },
      ]);
    });

    it.each([
      [0, 10],
      [20, 40],
      [25, 35],
      [0, 60],
    ])('increase() over the aligned window [%i, %i] is exactly v(to) − v(from), across the reset', async (from, to) => {
      const expr = `increase(harness_requests_total[${(to - from) * STEP}s])`;
      const result = await instantQuery(engine.url, expr, T0 + STEP * to);
      expect(result).toHaveLength(1);
      expect(result[0].value).toBe(expectedIncrease(from, to));
    });

    it('keeps or drops the NaN bucket sample as the engine does', async () => {
      const result = await instantQuery(engine.url, 'harness_latency_bucket{le="1.0"}', T0 + STEP * 5);
      if (nanIsSample) {
        expect(result[0].value).toBeNaN();
      } else {
        // The NaN was not stored: the lookback finds the sample before it.
        expect(result[0].value).toBe(bucketAt(4));
      }
    });

    it('reports the loaded data range', () => {
      expect(engine.data.minTimestamp).toBe(T0);
      expect(engine.data.maxTimestamp).toBe(T0 + STEP * (POINTS - 1));
    });
  });
}

describeEngine('startPrometheus', () => startPrometheus({ openMetricsFile: join(dir, 'data.om') }), true);
describeEngine(
  'startVictoriaMetrics',
  () => startVictoriaMetrics({ prometheusTextFile: join(dir, 'data.prom') }),
  false
);

describe('engine lifecycle', () => {
  it('stop() leaves nothing listening on the port', async () => {
    const engine = await startPrometheus({ openMetricsFile: join(dir, 'data.om') });
    expect((await httpRequest(`${engine.url}/-/ready`)).status).toBe(200);
    await engine.stop();
    await expect(httpRequest(`${engine.url}/-/ready`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('fails loudly with promtool’s words when the OpenMetrics file is broken', async () => {
    const broken = join(dir, 'broken.om');
    await writeFile(broken, '# TYPE x counter\nx_total{a="b"} not-a-number 1768003200\n# EOF\n');
    await expect(startPrometheus({ openMetricsFile: broken })).rejects.toThrow(/promtool tsdb create-blocks-from/);
  });
});

describe('startFakeMetricsApi', () => {
  it.each([500, 403, 400])('answers %i with a Prometheus-style error body and records the request', async (status) => {
    const api = await startFakeMetricsApi({ kind: 'status', status });
    try {
      const res = await httpRequest(`${api.url}/api/v1/query?query=up`);
      expect(res.status).toBe(status);
      expect(JSON.parse(res.body)).toMatchObject({ status: 'error', error: expect.stringContaining(String(status)) });
      expect(api.requests).toEqual(['/api/v1/query?query=up']);
    } finally {
      await api.stop();
    }
  });

  it('answers 200 with a body that is not JSON', async () => {
    const api = await startFakeMetricsApi({ kind: 'malformed' });
    try {
      const res = await httpRequest(`${api.url}/api/v1/query`);
      expect(res.status).toBe(200);
      expect(() => JSON.parse(res.body)).toThrow();
    } finally {
      await api.stop();
    }
  });

  it('does not answer before the delay', async () => {
    const api = await startFakeMetricsApi({ kind: 'slow', delayMs: 60_000 });
    try {
      await expect(httpRequest(`${api.url}/api/v1/query`, { timeoutMs: 300 })).rejects.toThrow(/no answer/);
    } finally {
      await api.stop();
    }
  });
});

describe('runAisre', () => {
  it('runs the real command line as a process', async () => {
    const help = await runAisre(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: aisre <command>/);
    const unknown = await runAisre(['no-such-command']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'no-such-command'/);
  });
});
