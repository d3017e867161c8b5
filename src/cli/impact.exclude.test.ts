/**
 * `aisre impact --exclude` and `--exclude-incidents --grafana`, as a process over a real Prometheus holding
 * simulated data, with a fake Grafana annotations API (test/browser/annotationStore.ts, which follows
 * pkg/api/annotations.go). The baseline is read in steps summed over those no incident touches: on the scrape
 * grid its counts equal the old method's (one instant query per remaining piece), whatever the exclusions.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { subtractIntervals } from '../core/impact';
import { isEventValue, SLI_DEFINITIONS } from '../core/metrics';
import { PrometheusHttpSource } from '../core/prometheus';
import { type ImpactReport, type ProportionFinding } from '../core/report';
import { parseJsonOutput, runAisre } from '../../test/aisre';
import { AnnotationStore } from '../../test/browser/annotationStore';
import { listenOnLoopback } from '../../test/http';
import { type StartedEngine, startPrometheus } from '../../test/prometheus';
import { DEFAULT_SIMULATION, type SimulatedFixture, simulateFixture } from '../../test/simulateFixture';

jest.setTimeout(120_000);

const T0 = DEFAULT_SIMULATION.from;
const H = 3600;
const M = 60;
const WINDOW = { from: T0 + 10 * H, to: T0 + 11 * H };
/** Three other incidents over the preceding hour (the baseline), on its 5-minute steps, two of them overlapping. */
const INCIDENTS = [
  { from: T0 + 9 * H + 10 * M, to: T0 + 9 * H + 20 * M },
  { from: T0 + 9 * H + 15 * M, to: T0 + 9 * H + 25 * M },
  { from: T0 + 9 * H + 40 * M, to: T0 + 9 * H + 45 * M },
];
const TOKEN = 'glsa_calibration_test_token_0123456789';

type Mode = 'ok' | 'hang' | 500 | 403;

/** Grafana's GET /api/annotations over the store; 401 without the token, or a failure `mode`. */
async function startFakeGrafana(store: AnnotationStore) {
  let mode: Mode = 'ok';
  const asked: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://grafana');
    asked.push(url.search);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (mode === 'hang') {
      return;
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      // Grafana's answer to a bad token (pkg/middleware/auth.go): 401 with a message that echoes nothing.
      return send(401, { message: 'Unauthorized' });
    }
    if (mode === 403) {
      return send(403, { message: 'You do not have permission to read annotations' });
    }
    if (mode === 500) {
      return send(500, { message: 'Failed to get annotations' });
    }
    if (url.pathname !== '/api/annotations') {
      return send(404, { message: 'Not found' });
    }
    const { status, body } = store.find(url.searchParams);
    send(status, body);
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, asked, setMode: (next: Mode) => (mode = next), stop: close };
}

let fixture: SimulatedFixture;
let prometheus: StartedEngine;
let grafana: Awaited<ReturnType<typeof startFakeGrafana>>;
let directory: string;
let tokenFile: string;

beforeAll(async () => {
  fixture = await simulateFixture({ ...DEFAULT_SIMULATION, formats: ['openmetrics'] });
  prometheus = await startPrometheus({ openMetricsFile: fixture.openMetricsFile, readyTimeoutMs: 90_000 });
  const store = new AnnotationStore([
    ...INCIDENTS.map((i, n) => ({
      time: i.from * 1000,
      timeEnd: i.to * 1000,
      text: `incident ${n}`,
      tags: ['ai-incident'],
    })),
    // Not left out: an instant (no window), a region without the incident tag, a region far from the baseline.
    { time: (T0 + 9 * H + 50 * M) * 1000, text: 'a deploy marker', tags: ['ai-incident'] },
    { time: (T0 + 9 * H) * 1000, timeEnd: (T0 + 9 * H + 5 * M) * 1000, text: 'maintenance', tags: ['maintenance'] },
    { time: (T0 + 2 * H) * 1000, timeEnd: (T0 + 3 * H) * 1000, text: 'old incident', tags: ['ai-incident'] },
  ]);
  grafana = await startFakeGrafana(store);
  directory = await mkdtemp(join(tmpdir(), 'aisre-exclude-'));
  tokenFile = join(directory, 'grafana-token');
  await writeFile(tokenFile, `${TOKEN}\n`);
}, 300_000);

afterAll(async () => {
  await grafana?.stop();
  await prometheus?.stop();
  await fixture?.cleanup();
  if (directory) {
    await rm(directory, { recursive: true, force: true });
  }
});

const windowArgs = ['--from', String(WINDOW.from), '--to', String(WINDOW.to), '--by', 'endpoint', '--format', 'json'];

async function impact(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = await runAisre(['impact', '--prometheus', prometheus.url, ...windowArgs, ...args], {
    env: { GRAFANA_TOKEN: '', ...env },
  });
  return { result, report: () => parseJsonOutput<ImpactReport>(result) };
}

const excludeArgs = INCIDENTS.flatMap((i) => ['--exclude', `${i.from}..${i.to}`]);

test('--exclude-incidents reads the incident regions from Grafana: the same report as --exclude with their windows', async () => {
  const [fromGrafana, fromFlags] = await Promise.all([
    impact(['--exclude-incidents', '--grafana', grafana.url, '--grafana-token-file', tokenFile]),
    impact(excludeArgs),
  ]);
  expect(fromGrafana.result.code).toBe(0);
  expect(fromFlags.result.code).toBe(0);
  expect(fromGrafana.result.stdout).toBe(fromFlags.result.stdout);
  // Grafana was asked for the ai-incident annotations overlapping the baseline, in milliseconds.
  expect(grafana.asked).toContainEqual(
    `?tags=ai-incident&type=annotation&from=${(WINDOW.from - H) * 1000}&to=${WINDOW.from * 1000}&limit=1000`
  );
  const report = fromFlags.report();
  // 9:10–9:25 and 9:40–9:45 of the baseline were left out.
  expect(report.baseline.excluded.map((e) => [e.from, e.to])).toEqual([
    [iso(INCIDENTS[0].from), iso(INCIDENTS[1].to)],
    [iso(INCIDENTS[2].from), iso(INCIDENTS[2].to)],
  ]);
  // The token, from the environment this time, is sent but never printed.
  const fromEnv = await impact(['--exclude-incidents', '--grafana', grafana.url], { GRAFANA_TOKEN: TOKEN });
  expect(fromEnv.result.stdout).toBe(fromFlags.result.stdout);
});

test('with exclusions the baseline counts equal the old method: one instant query per remaining piece', async () => {
  const { result, report } = await impact(excludeArgs);
  expect(result.code).toBe(0);
  const r = report();
  const pieces = subtractIntervals({ from: WINDOW.from - H, to: WINDOW.from }, INCIDENTS);
  expect(pieces).toHaveLength(3);
  const source = new PrometheusHttpSource(prometheus.url);
  const definition = SLI_DEFINITIONS.find((d) => d.id === 'refusal_rate')!;
  if (definition.kind !== 'proportion') {
    throw new Error('refusal_rate is a proportion');
  }
  const expected = new Map<string, { events: number; total: number }>();
  for (const piece of pieces) {
    const rows = await source.instantQuery(
      `sum by (outcome, endpoint) (increase(llm_requests_total[${piece.to - piece.from}s]))`,
      piece.to
    );
    for (const { labels, value } of rows) {
      const counts = expected.get(labels.endpoint) ?? { events: 0, total: 0 };
      counts.total += value;
      counts.events += isEventValue(definition, labels.outcome) ? value : 0;
      expected.set(labels.endpoint, counts);
    }
  }
  const found = r.findings.filter((f): f is ProportionFinding => f.sli === 'refusal_rate');
  expect(found.length).toBeGreaterThan(1);
  expect(
    Object.fromEntries(found.map((f) => [f.segment.endpoint, { events: f.baseline.events, total: f.baseline.total }]))
  ).toEqual(Object.fromEntries(expected));
  expect([...expected.values()].every((c) => Number.isInteger(c.total) && c.total > 0)).toBe(true);
  // Two queries per SLI family (the window with its history, the baseline), not one more per piece.
  expect(r.queries.length).toBe(20);
});

test.each([
  ['no token', 'ok', [], /Grafana answered 401: Unauthorized \(give a service account token/],
  ['a token without annotations:read', 403, ['--grafana-token-file'], /Grafana answered 403: .*annotations:read/],
  ['a failing Grafana', 500, ['--grafana-token-file'], /Grafana answered 500: Failed to get annotations/],
  ['a Grafana that never answers', 'hang', ['--grafana-token-file', '--timeout', '1'], /no answer within 1 s/],
] as Array<[string, Mode, string[], RegExp]>)(
  '%s: a clear error, exit 1, no report',
  async (_name, mode, flags, message) => {
    grafana.setMode(mode);
    try {
      const args = flags.flatMap((f) => (f === '--grafana-token-file' ? [f, tokenFile] : [f]));
      const { result } = await impact(['--exclude-incidents', '--grafana', grafana.url, ...args]);
      expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 1, stdout: '' });
      expect(result.stderr).toMatch(
        /cannot read the incident annotations from http:\/\/127\.0\.0\.1:\d+\/api\/annotations/
      );
      expect(result.stderr).toMatch(message);
      expect(result.stderr + result.stdout).not.toContain(TOKEN);
    } finally {
      grafana.setMode('ok');
    }
  }
);

test('bad --exclude and --grafana flags are the command line’s to fix (exit 2)', async () => {
  for (const [args, message] of [
    [['--exclude', `${WINDOW.from}`], /--exclude must be <from>\.\.<to>/],
    [['--exclude', `${WINDOW.from}..${WINDOW.from - 60}`], /the end must be after the start/],
    [['--exclude-incidents'], /--exclude-incidents needs --grafana/],
    [['--grafana', grafana.url], /--grafana is only read with --exclude-incidents/],
    [
      ['--exclude-incidents', '--grafana', `http://admin:${TOKEN}@127.0.0.1:3000`],
      /--grafana must be the base URL only/,
    ],
  ] as Array<[string[], RegExp]>) {
    const { result } = await impact(args);
    expect({ args, code: result.code }).toEqual({ args, code: 2 });
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain(TOKEN);
  }
});

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
