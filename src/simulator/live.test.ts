import { request } from 'node:http';

import { createSimulation, simulateRange } from './generator';
import { type LiveServer, startLiveServer } from './live';
import { seriesNaming } from './naming';
import { parseExposition, seriesKey } from '../../test/parseExposition';
import { SCENARIOS } from './scenario';
import { fileExposition } from './writers';

function get(url: string): Promise<{ status: number; body: string; contentType: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 5000, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body, contentType: String(response.headers['content-type']) })
      );
    });
    req.on('timeout', () => req.destroy(new Error(`timed out: ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

function requestsTotal(body: string, endpoint: string): number {
  return parseExposition(body)
    .filter((l) => l.kind === 'sample' && l.name === 'llm_requests_total' && l.labels.endpoint === endpoint)
    .reduce((sum, l) => sum + (l.kind === 'sample' ? l.value : 0), 0);
}

describe('live server', () => {
  let clockMs = Date.UTC(2024, 4, 1, 12);
  let server: LiveServer;

  beforeAll(async () => {
    server = await startLiveServer({
      port: 0,
      host: '127.0.0.1',
      seed: 1,
      speed: 1,
      rateMultiplier: 1,
      scenario: SCENARIOS.compressed,
      now: () => clockMs,
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('answers /-/healthy', async () => {
    expect((await get(`${server.url}/-/healthy`)).status).toBe(200);
    expect((await get(`${server.url}/nothing-here`)).status).toBe(404);
  });

  it('serves counters that start at 0 and grow with the simulated clock, without timestamps', async () => {
    const first = await get(`${server.url}/metrics`);
    expect(first.status).toBe(200);
    expect(first.contentType).toContain('text/plain');
    expect(requestsTotal(first.body, '/chat')).toBe(0);

    clockMs += 30_000;
    const second = await get(`${server.url}/metrics`);
    const afterHalfMinute = requestsTotal(second.body, '/chat');
    // /chat takes about 4 requests a second.
    expect(afterHalfMinute).toBeGreaterThan(60);
    expect(afterHalfMinute).toBeLessThan(200);

    clockMs += 60_000;
    const third = await get(`${server.url}/metrics`);
    expect(requestsTotal(third.body, '/chat')).toBeGreaterThan(afterHalfMinute);
    const samples = parseExposition(third.body).filter((l) => l.kind === 'sample');
    expect(samples.length).toBeGreaterThan(300);
    expect(samples.every((l) => l.kind === 'sample' && l.timestamp === null)).toBe(true);
    expect(third.body).toContain('# TYPE llm_requests_total counter');
  });

  it('schedules the first incident within three minutes of start', async () => {
    const status = JSON.parse((await get(`${server.url}/scenario`)).body);
    const first = [...status.active, ...status.upcoming][0];
    const startedAt = Date.parse(status.startedAt);
    expect(Date.parse(first.from) - startedAt).toBeLessThanOrEqual(180_000);
    expect(first.category).toBe('infrastructure');
  });

  it('stops accepting connections when closed', async () => {
    const other = await startLiveServer({
      port: 0,
      host: '127.0.0.1',
      seed: 2,
      speed: 10,
      rateMultiplier: 1,
      scenario: SCENARIOS.compressed,
    });
    expect((await get(`${other.url}/-/healthy`)).status).toBe(200);
    await other.close();
    await expect(get(`${other.url}/-/healthy`)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('live server under a telemetry convention', () => {
  const naming = seriesNaming({ preset: 'openlit' });
  const clockMs = Date.UTC(2024, 4, 1, 12);
  let server: LiveServer;

  beforeAll(async () => {
    server = await startLiveServer({
      ...{ port: 0, host: '127.0.0.1', seed: 3, speed: 60, rateMultiplier: 1, scenario: SCENARIOS.compressed },
      naming,
      now: () => clockMs,
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('serves the series a backfill of the same naming holds, and none of the contract’s', async () => {
    const keys = (text: string) =>
      new Set(parseExposition(text).flatMap((l) => (l.kind === 'sample' ? [seriesKey(l.name, l.labels)] : [])));
    const live = keys((await get(`${server.url}/metrics`)).body);
    const simulation = createSimulation({
      seed: 3,
      scenario: SCENARIOS.compressed,
      origin: clockMs / 1000,
      stepSeconds: 60,
      rateMultiplier: 1,
      naming,
    });
    const file = [...fileExposition(simulateRange(simulation, 2), 'prometheus')].join('');
    expect([...live].sort()).toEqual([...keys(file)].sort());
    expect([...live].some((k) => k.startsWith('db_client_operation_duration_seconds_count{'))).toBe(true);
    expect([...live].some((k) => k.startsWith('llm_'))).toBe(false);
  });
});
