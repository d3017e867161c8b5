/**
 * `aisre doctor` reaches the Prometheus the way `aisre impact` does (the same connection flags, one code path):
 * behind an auth gateway like Mimir's (a bearer token and a tenant header), as a process. With the token and
 * the tenant it detects the OpenTelemetry preset; without them it exits 1 quoting the 401; a command line that
 * cannot be right exits 2 before anything is sent; no secret is ever printed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runAisre } from '../../test/aisre';
import { type Gateway, startGateway } from '../../test/gateway';
import { INCIDENT, writeOtelApp } from '../../test/otelApp';
import { type StartedEngine, startPrometheus } from '../../test/prometheus';

jest.setTimeout(90_000);

const TOKEN = 'd0ct0r-bearer-token-never-printed';
const TENANT = 'team-a';
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

let dir: string;
let prometheus: StartedEngine;
let gateway: Gateway;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aisre-doctor-'));
  await writeOtelApp(join(dir, 'otel.om'), 'js');
  prometheus = await startPrometheus({ openMetricsFile: join(dir, 'otel.om'), readyTimeoutMs: 60_000 });
  gateway = await startGateway({
    upstream: prometheus.url,
    check: (req) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        return { status: 401, body: 'invalid credentials' };
      }
      return req.headers['x-scope-orgid'] === TENANT ? undefined : { status: 401, body: 'no org id' };
    },
  });
  await writeFile(join(dir, 'token'), `${TOKEN}\n`);
}, 120_000);

afterAll(async () => {
  await Promise.all([prometheus?.stop(), gateway?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

const doctor = (...args: string[]) => runAisre(['doctor', '--at', String(INCIDENT.to), '--format', 'json', ...args]);

function expectNoSecret(result: { stdout: string; stderr: string }) {
  expect(result.stdout).not.toContain(TOKEN);
  expect(result.stderr).not.toContain(TOKEN);
  expect(result.stderr).not.toMatch(STACK_FRAME);
}

test('with the token and the tenant it detects the preset through the gateway', async () => {
  const before = gateway.requests.length;
  const result = await doctor(
    ...['--prometheus', gateway.url, '--bearer-token-file', join(dir, 'token')],
    ...['--header', `X-Scope-OrgID: ${TENANT}`]
  );
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect((JSON.parse(result.stdout) as { preset: string }).preset).toBe('otel-genai');
  // Every query went through the gateway with both, none refused.
  const sent = gateway.requests.slice(before);
  expect(sent.length).toBeGreaterThan(0);
  expect(sent.every((h) => h.authorization === `Bearer ${TOKEN}` && h['x-scope-orgid'] === TENANT)).toBe(true);
  expectNoSecret(result);
});

test.each([
  ['no token, no tenant', [], /401.*invalid credentials/],
  ['the token without the tenant', ['--bearer-token-file', 'token'], /401.*no org id/],
])('%s: exit 1 with the 401', async (_name, extra, message) => {
  const args = extra.map((a) => (a === 'token' ? join(dir, 'token') : a));
  const result = await doctor('--prometheus', gateway.url, ...args);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(message);
  expectNoSecret(result);
});

test.each([
  [
    'credentials in the URL',
    (url: string) => ['--prometheus', url.replace('http://', `http://alice:${TOKEN}@`)],
    /--prometheus must not carry credentials/,
  ],
  [
    'a header without a colon',
    (url: string) => ['--prometheus', url, '--header', `X-Scope-OrgID ${TOKEN}`],
    /--header must be 'Name: value'/,
  ],
  ['a bad --timeout', (url: string) => ['--prometheus', url, '--timeout', '0'], /--timeout must be a positive number/],
  [
    '--password-file without --user',
    (url: string) => ['--prometheus', url, '--password-file', 'token'],
    /--password-file needs --user/,
  ],
])('%s: exit 2, nothing sent', async (_name, args, message) => {
  const before = gateway.requests.length;
  const result = await doctor(...args(gateway.url));
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(message);
  expect(gateway.requests.length).toBe(before);
  expectNoSecret(result);
});

test('--help lists the connection flags', async () => {
  const result = await runAisre(['doctor', '--help']);
  expect(result.code).toBe(0);
  for (const flag of ['--header', '--bearer-token-file', '--user', '--password-file', '--ca-file', '--deadline']) {
    expect(result.stdout).toContain(flag);
  }
});
