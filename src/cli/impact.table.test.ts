/**
 * `aisre impact` against every class of bad input, as a process, table-driven: each row is the command line,
 * the server it talks to (a real Prometheus, a real Prometheus behind an auth gateway or TLS, or a small
 * broken server on loopback), the documented exit code and the message. Exit codes: 0 report, 3 report in
 * which nothing could be judged, 1 the metrics API failed, 2 the command line is wrong or over a limit.
 * No row may crash (a stack trace) or print a secret.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type ImpactReport } from '../core/report';
import { runAisre } from '../../test/aisre';
import { type FakeBehaviour, type FakeMetricsApi, startFakeMetricsApi } from '../../test/fakeMetricsApi';
import { type Gateway, selfSignedCertificate, startGateway } from '../../test/gateway';
import { waitFor } from '../../test/http';
import { freePort } from '../../test/ports';
import { type StartedEngine, startPrometheus } from '../../test/prometheus';

jest.setTimeout(90_000);

const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
const T0 = Date.UTC(2026, 0, 10) / 1000;
const H = 3600;
/** Traffic in [T0, T0+4h] on two endpoints, none at all in the third hour (a zero-traffic outage). */
const ZERO_TRAFFIC = { from: T0 + 2 * H, to: T0 + 3 * H };

const TOKEN = 's3cr3t-bearer-token-4711';
const USER = 'alice';
const PASSWORD = 'pa55-w0rd-never-printed';
const TENANT = 'tenant-a';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
const SECRETS = [TOKEN, PASSWORD, BASIC];

function openMetrics(): string {
  const lines = ['# TYPE llm_requests counter'];
  for (const endpoint of ['/a', '/b']) {
    for (const [outcome, perMinute] of [
      ['answered', 100],
      ['refused', 5],
    ] as const) {
      let value = 0;
      for (let i = 0; i <= 240; i++) {
        const t = T0 + 60 * i;
        if (i > 0 && !(t > ZERO_TRAFFIC.from && t <= ZERO_TRAFFIC.to)) {
          value += perMinute;
        }
        lines.push(`llm_requests_total{endpoint="${endpoint}",outcome="${outcome}"} ${value} ${t}`);
      }
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

/** What a row's command line may refer to. */
interface Env {
  prometheus: string;
  gateway: string;
  tls: string;
  broken: string;
  nothing: string;
  dir: string;
}

type Server = 'prometheus' | 'gateway' | 'tls' | 'nothing' | 'usage' | FakeBehaviour;

interface Row {
  input: string;
  server: Server;
  args: (env: Env) => string[];
  code: 0 | 1 | 2 | 3;
  message: RegExp;
  env?: Record<string, string>;
}

const W = ['--from', String(T0 + H), '--to', String(T0 + 2 * H)];
const win =
  (...rest: string[]) =>
  () => [...W, ...rest];
const usage = (input: string, args: string[], message: RegExp, extra: Partial<Row> = {}): Row => ({
  input,
  server: 'usage',
  args: () => args,
  code: 2,
  message,
  ...extra,
});
const series = (metric: unknown, value: unknown) => ({ metric, value });
const vector = (...result: unknown[]) => ({ status: 'success', data: { resultType: 'vector', result } });

const ROWS: Row[] = [
  // Times
  usage('--from after --to', ['--from', String(T0 + H), '--to', String(T0)], /--to .* must be after --from/),
  usage('an unparsable time', ['--from', 'yesterday-ish', '--to', 'now'], /'yesterday-ish' is not a time/),
  usage(
    '2026-02-30',
    ['--from', '2026-02-30T00:00:00Z', '--to', 'now'],
    /'2026-02-30T00:00:00Z' is not a date that exists/
  ),
  usage('2026-02-29 (not a leap year)', ['--from', '2026-02-29T12:00:00Z', '--to', 'now'], /not a date that exists/),
  usage('hour 25', ['--from', '2026-01-10T25:00:00Z', '--to', 'now'], /not a date that exists/),
  usage('a time without a zone', ['--from', '2026-01-10T02:00:00', '--to', 'now'], /RFC 3339 with a zone/),
  usage('milliseconds for seconds', ['--from', '1768010400000', '--to', 'now'], /looks like milliseconds/),
  usage(
    '--from 0 --to 99999999999999',
    ['--from', '0', '--to', '99999999999999'],
    /--to: '99999999999999' is outside 1970-01-01 .. 9999-12-31/
  ),
  usage('finer than a millisecond', ['--from', '1768010400.0001', '--to', 'now'], /finer than a millisecond/),
  usage('a bad duration', ['--from', 'now-3days', '--to', 'now'], /'3days' is not a duration/),
  // Baselines
  usage('--baseline 0d', [...W, '--baseline', '0d'], /--baseline 0d would compare the window with itself/),
  usage(
    '--baseline 99999999d',
    [...W, '--baseline', '99999999d'],
    /--baseline 99999999d would start before 1970-01-01/
  ),
  usage(
    '--baseline 1d for a 2-day window',
    ['--from', String(T0), '--to', String(T0 + 48 * H), '--baseline', '1d'],
    /overlaps the window/
  ),
  usage('a fixed baseline overlapping the window', [...W, '--baseline', `${T0}..${T0 + H + 1}`], /overlaps the window/),
  usage(
    'a fixed baseline ending before it starts',
    [...W, '--baseline', `${T0 - H}..${T0 - 2 * H}`],
    /--baseline end .* must be after its start/
  ),
  usage(
    '--baseline lastweek',
    [...W, '--baseline', 'lastweek'],
    /--baseline must be 'preceding', '<N>d', '<from>..<to>' or 'median\[-<N>w\]', not 'lastweek'/
  ),
  // Scope
  usage("--sli ''", [...W, '--sli', ''], /--sli is empty/),
  usage('--sli ,', [...W, '--sli', ','], /--sli is empty/),
  usage('an unknown SLI', [...W, '--sli', 'happiness'], /unknown SLI happiness; known: refusal_rate/),
  usage("--by ''", [...W, '--by', ''], /--by is empty/),
  usage("--selector ''", [...W, '--selector', ' '], /--selector is empty: leave it out to read all series/),
  usage('--by le', [...W, '--by', 'le'], /cannot group by 'le'/),
  usage(
    'a selector that is not PromQL',
    [...W, '--selector', 'team=search'],
    /selector 'team=search' is not a list of PromQL label matchers/
  ),
  // Numbers and limits
  usage('--timeout soon', [...W, '--timeout', 'soon'], /--timeout must be a positive number, not 'soon'/),
  usage('--timeout 0', [...W, '--timeout', '0'], /--timeout must be a positive number, not '0'/),
  usage('--timeout 3000000', [...W, '--timeout', '3000000'], /--timeout must be at most 3600, not '3000000'/),
  usage('--deadline 0', [...W, '--deadline', '0'], /--deadline must be a positive number/),
  usage('--deadline 999999', [...W, '--deadline', '999999'], /--deadline must be at most 86400/),
  usage('--max-series 1.5', [...W, '--max-series', '1.5'], /--max-series must be a positive integer, not '1.5'/),
  usage('--min-volume=-1', [...W, '--min-volume=-1'], /--min-volume must be a positive number, not '-1'/),
  usage('--format yaml', [...W, '--format', 'yaml'], /--format must be markdown or json, not 'yaml'/),
  usage('an unknown flag', [...W, '--frobnicate'], /Unknown option '--frobnicate'/),
  usage('a missing --to', ['--from', String(T0)], /--to is required/),
  // The URL and the connection
  {
    input: 'no --prometheus',
    server: 'nothing',
    args: () => ['--from', String(T0), '--to', String(T0 + H)],
    code: 2,
    message: /--prometheus is required/,
  },
  ...(
    [
      ['not a URL', 'not a url', /--prometheus must be a URL such as http:\/\/localhost:9090, not 'not a url'/],
      ['an ftp URL', 'ftp://127.0.0.1/', /must be an http or https URL, not ftp:/],
      [
        'credentials in the URL',
        `http://${USER}:${PASSWORD}@127.0.0.1:9/`,
        /must not carry credentials .* use http:\/\/127.0.0.1:9 with --user/,
      ],
      ['a URL with a query', 'http://127.0.0.1:9/?x=1', /without \?query/],
    ] as Array<[string, string, RegExp]>
  ).map(([input, url, message]): Row => ({
    input,
    server: 'nothing',
    args: () => ['--prometheus', url, ...W],
    code: 2,
    message,
  })),
  usage('--header without a colon', [...W, '--header', 'X-Scope-OrgID'], /--header must be 'Name: value'/),
  usage('--header with an empty value', [...W, '--header', 'X-Scope-OrgID:'], /--header 'X-Scope-OrgID' needs a value/),
  usage('--header given twice', [...W, '--header', 'A: 1', '--header', 'a: 2'], /--header 'a' is given twice/),
  usage(
    'a token file that does not exist',
    [...W, '--bearer-token-file', '/nonexistent/token'],
    /--bearer-token-file \/nonexistent\/token cannot be read: ENOENT/
  ),
  {
    ...usage('an empty token file', [], /--bearer-token-file .* must hold one line \(it is empty\)/),
    args: (env) => [...W, '--bearer-token-file', join(env.dir, 'empty')],
  },
  {
    ...usage('a token and a user', [], /give one/),
    args: (env) => [...W, '--bearer-token-file', join(env.dir, 'token'), '--user', USER],
  },
  usage(
    '--user without a password',
    [...W, '--user', USER],
    /--user needs a password: --password-file <file>, or \$AISRE_PROMETHEUS_PASSWORD/
  ),
  {
    ...usage('--password-file without --user', [], /--password-file needs --user/),
    args: (env) => [...W, '--password-file', join(env.dir, 'password')],
  },
  {
    ...usage('a CA file that is not PEM', [], /holds no PEM certificate/),
    args: (env) => [...W, '--ca-file', join(env.dir, 'token')],
  },

  // The metrics API fails: exit 1, naming the URL, never the secret.
  {
    input: 'nothing listening',
    server: 'nothing',
    args: (env) => ['--prometheus', env.nothing, ...W],
    code: 1,
    message: /cannot reach Prometheus at http:\/\/127.0.0.1:\d+: ECONNREFUSED/,
  },
  {
    input: '500 with a Prometheus error',
    server: { kind: 'status', status: 500, error: 'query processing would load too many samples' },
    args: win(),
    code: 1,
    message: /answered 500: query processing would load too many samples/,
  },
  {
    input: 'malformed JSON',
    server: { kind: 'malformed' },
    args: win(),
    code: 1,
    message: /gave an unreadable answer/,
  },
  {
    input: 'a null series',
    server: { kind: 'answer', json: vector(null) },
    args: win(),
    code: 1,
    message: /unreadable answer: series 1 has no label set/,
  },
  {
    input: 'label values that are not strings',
    server: { kind: 'answer', json: vector(series({ outcome: 7 }, [T0, '1'])) },
    args: win(),
    code: 1,
    message: /unreadable answer: series 1 has no label set/,
  },
  {
    input: 'a matrix where a vector belongs',
    server: { kind: 'answer', json: { status: 'success', data: { resultType: 'matrix', result: [] } } },
    // A baseline shorter than the window: no history, so the window is read with an instant query.
    args: win('--baseline', `${T0}..${T0 + 1800}`),
    code: 1,
    message: /returned matrix where an instant vector was expected/,
  },
  ...([301, 302, 303] as const).map((status): Row => ({
    input: `a ${status} redirect`,
    server: { kind: 'redirect', status, location: 'http://127.0.0.1:9/prom/api/v1/query' },
    args: win(),
    code: 1,
    message: new RegExp(
      `redirected ${status} to http://127.0.0.1:9/prom/api/v1/query, which would turn the query's POST into a GET; use --prometheus http://127.0.0.1:9/prom`
    ),
  })),
  {
    input: 'a 307 to another host, with credentials in the Location',
    server: { kind: 'redirect', status: 307, location: `http://${USER}:${PASSWORD}@127.0.0.2:9/api/v1/query` },
    args: win(),
    code: 1,
    message: /redirected 307 to another host, http:\/\/127.0.0.2:9\/api\/v1\/query; not followed/,
  },
  {
    input: 'a 308 loop',
    server: { kind: 'redirect', status: 308, location: '/api/v1/query' },
    args: win(),
    code: 1,
    message: /redirected 308 more than 3 times/,
  },
  {
    input: 'a hung server, --timeout 1',
    server: { kind: 'slow', delayMs: 120_000 },
    args: win('--timeout', '1'),
    code: 1,
    message: /did not answer within 1 s/,
  },
  {
    input: 'a hung server, --deadline 1',
    server: { kind: 'slow', delayMs: 120_000 },
    args: win('--deadline', '1'),
    code: 1,
    message: /the report did not finish within --deadline 1 s/,
  },
  {
    input: 'a wrong bearer token behind the gateway',
    server: 'gateway',
    args: (env) => [...W, '--bearer-token-file', join(env.dir, 'wrong-token'), '--header', `X-Scope-OrgID: ${TENANT}`],
    code: 1,
    message: /answered 401: invalid credentials/,
  },
  {
    input: 'no tenant header behind the gateway',
    server: 'gateway',
    args: (env) => [...W, '--bearer-token-file', join(env.dir, 'token')],
    code: 1,
    message: /answered 401: no org id/,
  },
  {
    input: 'a wrong password behind the gateway',
    server: 'gateway',
    args: () => [...W, '--user', USER, '--header', `X-Scope-OrgID: ${TENANT}`],
    env: { AISRE_PROMETHEUS_PASSWORD: 'wrong-password' },
    code: 1,
    message: /answered 401: invalid credentials/,
  },
  {
    input: 'https with a private CA, without --ca-file',
    server: 'tls',
    args: () => W,
    code: 1,
    message: /cannot reach Prometheus at https:\/\/127.0.0.1:\d+: DEPTH_ZERO_SELF_SIGNED_CERT/,
  },

  // Limits on real data: exit 2, saying how to raise them.
  {
    input: '--max-series 1',
    server: 'prometheus',
    args: win('--max-series', '1'),
    code: 2,
    message:
      /returned \d+ series for one query, more than the limit of 1: narrow the selector or --by, or raise the limit/,
  },
  {
    input: 'an answer larger than the series limit allows, cut off while it is read',
    server: {
      kind: 'answer',
      json: vector(
        ...Array.from({ length: 50 }, (_, i) => series({ outcome: `o${i}`, pad: 'x'.repeat(200) }, [T0, '1']))
      ),
    },
    args: win('--max-series', '2'),
    code: 2,
    message: /sent an answer larger than 8 kB \(more than 2 series\): narrow the selector, or raise the series limit/,
  },
  {
    input: '--max-segments 1 with --by endpoint',
    server: 'prometheus',
    args: win('--by', 'endpoint', '--max-segments', '1'),
    code: 2,
    message: /the report has 2 segments, more than --max-segments 1/,
  },

  // Answers with bad values: a report whose SLIs say what is wrong, exit 3 when nothing could be judged.
  ...(
    [
      ['null values', vector(series({ endpoint: '/a', outcome: 'answered' }, null))],
      ['a null sample value', vector(series({ endpoint: '/a', outcome: 'answered', le: '1' }, [T0, null]))],
      ["a sample value 'abc'", vector(series({ endpoint: '/a', outcome: 'answered', le: '1' }, [T0, 'abc']))],
    ] as Array<[string, unknown]>
  ).map(([input, json]): Row => ({
    input,
    server: { kind: 'answer', json },
    args: win(),
    code: 3,
    message: /no SLI could be judged: all \d+ findings are insufficient_data or no_data/,
  })),
  {
    input: 'a bucket with le="abc"',
    server: {
      kind: 'answer',
      json: vector(series({ le: 'abc' }, [T0, '5']), series({ le: '+Inf', outcome: 'answered' }, [T0, '500'])),
    },
    args: win('--sli', 'confidence,refusal_rate'),
    // refusal_rate is judged (0 of 500 both sides); confidence says why it is not.
    code: 0,
    message: /^$/,
  },

  // No data or no traffic on a real Prometheus: never an exit 0 all-clear.
  {
    input: 'a window beyond the data',
    server: 'prometheus',
    args: () => ['--from', String(T0 + 10 * H), '--to', String(T0 + 11 * H)],
    code: 3,
    message: /no SLI had data for this window and scope/,
  },
  {
    input: 'a zero-traffic window',
    server: 'prometheus',
    args: () => ['--from', String(ZERO_TRAFFIC.from), '--to', String(ZERO_TRAFFIC.to)],
    code: 3,
    message: /no SLI could be judged: all \d+ findings are insufficient_data or no_data/,
  },
  // What used to fail and must work.
  {
    input: 'fractional seconds in the window',
    server: 'prometheus',
    args: () => ['--from', `${T0 + H}.5`, '--to', `${T0 + 2 * H}.25`],
    code: 0,
    message: /^$/,
  },
  {
    input: '--to now',
    server: 'prometheus',
    args: () => ['--from', '2026-01-10T01:00:00Z', '--to', 'now', '--baseline', `${T0}..${T0 + H}`],
    code: 0,
    message: /^$/,
  },
  {
    input: 'bearer token and tenant behind the gateway',
    server: 'gateway',
    args: (env) => [...W, '--bearer-token-file', join(env.dir, 'token'), '--header', `X-Scope-OrgID: ${TENANT}`],
    code: 0,
    message: /^$/,
  },
  {
    input: 'basic auth with a password file behind the gateway',
    server: 'gateway',
    args: (env) => [
      ...W,
      '--user',
      USER,
      '--password-file',
      join(env.dir, 'password'),
      '--header',
      `X-Scope-OrgID: ${TENANT}`,
    ],
    code: 0,
    message: /^$/,
  },
  {
    input: 'basic auth with the password in the environment',
    server: 'gateway',
    args: () => [...W, '--user', USER, '--header', `X-Scope-OrgID: ${TENANT}`],
    env: { AISRE_PROMETHEUS_PASSWORD: PASSWORD },
    code: 0,
    message: /^$/,
  },
  {
    input: 'an Authorization --header',
    server: 'gateway',
    args: () => [...W, '--header', `Authorization: Bearer ${TOKEN}`, '--header', `X-Scope-OrgID: ${TENANT}`],
    code: 0,
    message: /^$/,
  },
  {
    input: 'https with --ca-file',
    server: 'tls',
    args: (env) => [...W, '--ca-file', join(env.dir, 'cert.pem')],
    code: 0,
    message: /^$/,
  },
];

describe('aisre impact, bad input by bad input', () => {
  let dir: string;
  let prometheus: StartedEngine;
  let gateway: Gateway;
  let tls: Gateway;
  let recorder: FakeMetricsApi;
  let env: Env;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aisre-table-'));
    await writeFile(join(dir, 'data.om'), openMetrics());
    prometheus = await startPrometheus({ openMetricsFile: join(dir, 'data.om') });
    gateway = await startGateway({
      upstream: prometheus.url,
      check: (req) => {
        const auth = req.headers.authorization;
        if (auth !== `Bearer ${TOKEN}` && auth !== `Basic ${BASIC}`) {
          return { status: 401, body: 'invalid credentials' };
        }
        return req.headers['x-scope-orgid'] === TENANT ? undefined : { status: 401, body: 'no org id' };
      },
    });
    const certificate = await selfSignedCertificate(dir);
    tls = await startGateway({ upstream: prometheus.url, tls: certificate });
    recorder = await startFakeMetricsApi({ kind: 'status', status: 500 });
    await writeFile(join(dir, 'token'), `${TOKEN}\n`);
    await writeFile(join(dir, 'wrong-token'), 'not-the-token\n');
    await writeFile(join(dir, 'password'), PASSWORD);
    await writeFile(join(dir, 'empty'), '');
    await chmod(join(dir, 'password'), 0o600);
    env = {
      prometheus: prometheus.url,
      gateway: gateway.url,
      tls: tls.url,
      broken: '',
      nothing: `http://127.0.0.1:${await freePort()}`,
      dir,
    };
  }, 120_000);

  afterAll(async () => {
    await Promise.all([prometheus?.stop(), gateway?.stop(), tls?.stop(), recorder?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  test('the table covers at least 40 bad inputs', () => {
    expect(ROWS.filter((row) => row.code !== 0).length).toBeGreaterThanOrEqual(40);
  });

  it.each(ROWS.map((row) => [row.input, row] as const))('%s', async (_input, row) => {
    let broken: FakeMetricsApi | undefined;
    const urls: Record<string, string | undefined> = {
      prometheus: env.prometheus,
      gateway: env.gateway,
      tls: env.tls,
      usage: recorder.url,
    };
    if (typeof row.server === 'object') {
      broken = await startFakeMetricsApi(row.server);
    }
    const url = broken?.url ?? urls[row.server as string];
    const before = recorder.requests.length;
    try {
      const args = ['impact', ...(url ? ['--prometheus', url] : []), ...row.args(env)];
      const result = await runAisre(args, { timeoutMs: 30_000, env: { AISRE_PROMETHEUS_PASSWORD: '', ...row.env } });
      const stderr = result.stderr.replace(/^aisre impact: /, '');
      expect({ code: result.code, stderr, timedOut: result.timedOut }).toEqual({
        code: row.code,
        stderr: expect.stringMatching(row.message),
        timedOut: false,
      });
      expect(result.stderr).not.toMatch(STACK_FRAME);
      for (const secret of SECRETS) {
        expect(result.stdout + result.stderr).not.toContain(secret);
      }
      if (row.code === 1 || row.code === 2) {
        expect(result.stdout).toBe('');
      } else {
        expect(result.stdout).toMatch(/^## Impact/);
      }
      if (row.server === 'usage') {
        expect(recorder.requests.length).toBe(before);
      }
      if (broken && row.server !== 'usage' && (row.server as FakeBehaviour).kind === 'slow') {
        // Cancelled, not abandoned: only the first queries in flight were sent, and each was hung up on.
        expect(broken.requests.length).toBeLessThanOrEqual(4);
        await waitFor(
          async () => broken!.cancelled() === broken!.requests.length,
          5000,
          () => `${broken!.cancelled()} of ${broken!.requests.length} hung queries cancelled`
        );
      }
      if (broken && (row.server as FakeBehaviour).kind === 'redirect') {
        expect(new Set(broken.methods)).toEqual(new Set(['POST']));
      }
    } finally {
      await broken?.stop();
    }
  });

  it('a bucket with le="abc" marks only that histogram insufficient_data, with the reason', async () => {
    const broken = await startFakeMetricsApi(
      ROWS.find((row) => row.input === 'a bucket with le="abc"')!.server as FakeBehaviour
    );
    try {
      const result = await runAisre([
        'impact',
        '--prometheus',
        broken.url,
        ...W,
        '--sli',
        'confidence,refusal_rate',
        '--format',
        'json',
      ]);
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as ImpactReport;
      expect(report.findings.map((f) => [f.sli, f.verdict, f.reason])).toEqual([
        ['refusal_rate', 'ok', expect.stringMatching(/below the investigate threshold/)],
        ['confidence', 'insufficient_data', 'a histogram bucket bound (le) in this segment is not a number'],
      ]);
    } finally {
      await broken.stop();
    }
  });

  it('fractional and now windows reach Prometheus as whole-millisecond ranges', async () => {
    const result = await runAisre([
      'impact',
      '--prometheus',
      prometheus.url,
      '--from',
      `${T0 + H}.5`,
      '--to',
      `${T0 + 2 * H}.25`,
      '--format',
      'json',
    ]);
    const report = JSON.parse(result.stdout) as ImpactReport;
    expect(report.window).toEqual({ from: '2026-01-10T01:00:00.500Z', to: '2026-01-10T02:00:00.250Z' });
    expect(report.queries[0].expr).toContain('[3599750ms]');
  });

  it('the gateway saw the tenant and the credentials, and the report is the same as without it', async () => {
    const direct = await runAisre(['impact', '--prometheus', prometheus.url, ...W, '--format', 'json']);
    const viaGateway = await runAisre(
      [
        'impact',
        '--prometheus',
        gateway.url,
        ...W,
        '--format',
        'json',
        '--user',
        USER,
        '--header',
        `X-Scope-OrgID: ${TENANT}`,
      ],
      { env: { AISRE_PROMETHEUS_PASSWORD: PASSWORD } }
    );
    expect(viaGateway.code).toBe(0);
    expect(JSON.parse(viaGateway.stdout)).toEqual(JSON.parse(direct.stdout));
    expect(gateway.requests.at(-1)).toMatchObject({ authorization: `Basic ${BASIC}`, 'x-scope-orgid': TENANT });
  });
});
