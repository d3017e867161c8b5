/**
 * `aisre impact` on bad input, as a process: each case ends in a clear message with the right exit code
 * (2: the command line is wrong; 1: the metrics API failed) or in `insufficient_data` findings — never a
 * crash, a stack trace or a wrong number.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SLI_DEFINITIONS, type SliId } from '../core/metrics';
import { type ImpactReport } from '../core/report';
import { parseJsonOutput, runAisre } from '../../test/aisre';
import { type FakeBehaviour, type FakeMetricsApi, startFakeMetricsApi } from '../../test/fakeMetricsApi';
import { rfc3339 } from '../core/format';
import { findFinding, isDistribution, isProportion } from '../../test/impactChecks';
import { freePort } from '../../test/ports';
import { type StartedEngine, startPrometheus } from '../../test/prometheus';
import { DEFAULT_SIMULATION, type SimulatedFixture, simulateFixture } from '../../test/simulateFixture';
import { findWindow, toUnixSeconds } from '../../test/truth';
import { countMismatches } from '../../test/truthChecks';

jest.setTimeout(120_000);

/** The documented exit codes (issue 2, README): the contract, not whatever constant the code has today. */
const EXIT_USAGE = 2;
const EXIT_DATA_SOURCE = 1;

const ALL_SLIS = SLI_DEFINITIONS.map((d) => d.id);
/** A Node stack frame in the output means the command crashed instead of explaining itself. */
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

/** Exit 3: the report was written but nothing in it could be judged (no data, no traffic). */
const EXIT_NOTHING_JUDGED = 3;

async function impactJson(prometheusUrl: string, ...args: string[]) {
  return impactJsonExiting(0, prometheusUrl, ...args);
}

async function impactJsonExiting(code: number, prometheusUrl: string, ...args: string[]) {
  const result = await runAisre(['impact', '--prometheus', prometheusUrl, '--format', 'json', ...args]);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code, stderr: expect.any(String) });
  return { result, report: parseJsonOutput<ImpactReport>(result) };
}

/** No number in the report is NaN or infinite (JSON cannot carry them; a null says "not computable"). */
function nonFiniteNumbers(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? [] : [path];
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, v]) => nonFiniteNumbers(v, `${path}.${key}`));
  }
  return [];
}

describe('on simulated data', () => {
  let fixture: SimulatedFixture;
  let prometheus: StartedEngine;

  beforeAll(async () => {
    fixture = await simulateFixture({ ...DEFAULT_SIMULATION, formats: ['openmetrics'] });
    prometheus = await startPrometheus({ openMetricsFile: fixture.openMetricsFile, readyTimeoutMs: 90_000 });
  }, 300_000);

  afterAll(async () => {
    await prometheus?.stop();
    await fixture?.cleanup();
  });

  it('zero traffic on /agent: every /agent finding is no_data (never OK) with null rates, other endpoints are exact', async () => {
    const zeroTraffic = findWindow(fixture.truth, 'zero-traffic:1');
    expect(fixture.truth.zeroTraffic).toEqual([
      expect.objectContaining({ endpoint: '/agent', from: zeroTraffic.from, to: zeroTraffic.to }),
    ]);
    const { report } = await impactJson(
      prometheus.url,
      '--from',
      String(zeroTraffic.from),
      '--to',
      String(zeroTraffic.to),
      '--by',
      'endpoint'
    );
    const agent = report.findings.filter((f) => f.segment.endpoint === '/agent');
    expect(agent.length).toBeGreaterThan(0);
    expect(agent.map((f) => [f.sli, f.verdict])).toEqual(agent.map((f) => [f.sli, 'no_data']));
    for (const finding of agent) {
      if (isProportion(finding)) {
        expect(finding.window).toEqual({ events: 0, total: 0, rate: null, ci95: null });
        expect(finding.change.relative).toBeNull();
      } else if (isDistribution(finding)) {
        expect(finding.window).toEqual({ count: 0, p50: null, p95: null, p99: null });
      }
    }
    const others = { ...report, findings: report.findings.filter((f) => f.segment.endpoint !== '/agent') };
    const windowOnly = { ...zeroTraffic, counts: { ...zeroTraffic.counts, '/agent': {} } };
    expect(countMismatches(others, windowOnly)).toEqual([]);
    expect(nonFiniteNumbers(report)).toEqual([]);
  });

  it('series absent for the scope: retrieval and agent SLIs are listed as missing, not reported as zero', async () => {
    const incident = fixture.truth.incidents[0];
    const { report } = await impactJson(
      prometheus.url,
      '--from',
      String(incident.from),
      '--to',
      String(incident.to),
      '--selector',
      'endpoint="/chat"',
      '--by',
      'endpoint'
    );
    expect(report.selector).toBe('endpoint="/chat"');
    const absent: SliId[] = ['empty_retrieval_rate', 'tool_error_rate', 'retrieval_latency', 'agent_steps'];
    expect([...report.missingSlis].sort()).toEqual([...absent].sort());
    expect(report.findings.filter((f) => absent.includes(f.sli))).toEqual([]);
    expect(new Set(report.findings.map((f) => f.segment.endpoint))).toEqual(new Set(['/chat']));
    const window = findWindow(fixture.truth, `incident:${incident.id}`);
    const chatOnly = { ...window, counts: { '/chat': window.counts['/chat'] } };
    expect(countMismatches(report, chatOnly)).toEqual([]);
    expect(report.queries.every((q) => q.expr.includes('endpoint="/chat"'))).toBe(true);
  });

  it('a counter reset inside the window: counts still equal the truth', async () => {
    const [reset] = fixture.truth.counterResets as Array<{ time: string; endpoint: string }>;
    const window = findWindow(fixture.truth, 'counter-reset:1');
    const resetAt = toUnixSeconds(reset.time);
    expect(resetAt).toBeGreaterThan(toUnixSeconds(window.from));
    expect(resetAt).toBeLessThan(toUnixSeconds(window.to));
    const { report } = await impactJson(
      prometheus.url,
      '--from',
      String(window.from),
      '--to',
      String(window.to),
      '--by',
      'endpoint'
    );
    expect(report.findings.some((f) => f.segment.endpoint === reset.endpoint)).toBe(true);
    expect(countMismatches(report, window)).toEqual([]);
  });

  it('a window beyond the data: exit 3, every SLI missing, no finding, and the command says so', async () => {
    const from = DEFAULT_SIMULATION.to + 3600;
    const { result, report } = await impactJsonExiting(
      EXIT_NOTHING_JUDGED,
      prometheus.url,
      '--from',
      String(from),
      '--to',
      String(from + 3600),
      '--by',
      'endpoint'
    );
    expect(report.window).toEqual({ from: rfc3339(from), to: rfc3339(from + 3600) });
    expect(report.findings).toEqual([]);
    expect([...report.missingSlis].sort()).toEqual([...ALL_SLIS].sort());
    expect(result.stderr).toMatch(/no SLI had data|no data/i);
    const markdown = await runAisre([
      'impact',
      '--prometheus',
      prometheus.url,
      '--from',
      String(from),
      '--to',
      String(from + 3600),
    ]);
    expect(markdown.code).toBe(EXIT_NOTHING_JUDGED);
    expect(markdown.stdout).toContain('Nothing to compare');
    // The Markdown names every SLI it could not measure, by the title the SRE reads.
    for (const { title } of SLI_DEFINITIONS) {
      expect(markdown.stdout).toContain(title);
    }
  });

  it('an empty baseline (before the data starts): insufficient_data everywhere, baseline rates null, exit 3', async () => {
    const from = DEFAULT_SIMULATION.from;
    const { report } = await impactJsonExiting(
      EXIT_NOTHING_JUDGED,
      prometheus.url,
      '--from',
      String(from),
      '--to',
      String(from + 3600),
      '--by',
      'endpoint'
    );
    expect(report.baseline).toMatchObject({ from: rfc3339(from - 3600), to: rfc3339(from) });
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.filter((f) => f.verdict !== 'insufficient_data')).toEqual([]);
    for (const finding of report.findings) {
      expect(finding.baseline).toEqual(
        isProportion(finding)
          ? { events: 0, total: 0, rate: null, ci95: null }
          : { count: 0, p50: null, p95: null, p99: null }
      );
      expect(finding.pValue).toBeNull();
    }
    expect(nonFiniteNumbers(report)).toEqual([]);
  });
});

describe('NaN bucket values', () => {
  const T0 = Date.UTC(2026, 0, 10, 0, 0, 0) / 1000;
  const STEP = 60;
  const POINTS = 121;
  const LES = ['0.5', '0.8', '1.0', '+Inf'];
  /** The window [T0+1h, T0+2h]; the 0.8 bucket of similarity is NaN at the window's end. */
  const WINDOW = { from: T0 + 3600, to: T0 + 7200 };
  let dir: string;
  let prometheus: StartedEngine;

  const requestsAt = (i: number, outcome: string) => (outcome === 'answered' ? 100 * i : 5 * i);
  const cumulativeAt = (i: number, le: string) => (i * 10 * (LES.indexOf(le) + 1)) / LES.length;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aisre-nan-'));
    const labels = 'team="t",service="s",endpoint="/chat",model="m"';
    const lines = ['# TYPE llm_requests counter'];
    for (const outcome of ['answered', 'refused']) {
      for (let i = 0; i < POINTS; i++) {
        lines.push(`llm_requests_total{${labels},outcome="${outcome}"} ${requestsAt(i, outcome)} ${T0 + STEP * i}`);
      }
    }
    for (const metric of ['llm_response_semantic_similarity', 'llm_response_confidence']) {
      lines.push(`# TYPE ${metric} histogram`);
      for (let i = 0; i < POINTS; i++) {
        const t = T0 + STEP * i;
        const nan = metric === 'llm_response_semantic_similarity' && t === WINDOW.to;
        for (const le of LES) {
          lines.push(
            `${metric}_bucket{${labels},le="${le}"} ${nan && le === '0.8' ? 'NaN' : cumulativeAt(i, le)} ${t}`
          );
        }
        lines.push(`${metric}_count{${labels}} ${cumulativeAt(i, '+Inf')} ${t}`, `${metric}_sum{${labels}} ${i} ${t}`);
      }
    }
    await writeFile(join(dir, 'nan.om'), `${lines.join('\n')}\n# EOF\n`);
    prometheus = await startPrometheus({ openMetricsFile: join(dir, 'nan.om') });
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('the histogram with a NaN bucket gets no numbers, the rest of the report is exact', async () => {
    const { report } = await impactJson(
      prometheus.url,
      '--from',
      String(WINDOW.from),
      '--to',
      String(WINDOW.to),
      '--by',
      'endpoint'
    );
    expect(nonFiniteNumbers(report)).toEqual([]);
    const similarity = findFinding(report, 'semantic_similarity', { endpoint: '/chat' });
    if (similarity) {
      expect(similarity.verdict).toBe('insufficient_data');
      expect(similarity.reason).toMatch(/NaN|invalid|not a number/i);
    } else {
      expect(report.missingSlis).toContain('semantic_similarity');
    }
    expect(report.caveats.join(' ')).toMatch(/NaN|not a number/i);
    const confidence = findFinding(report, 'confidence', { endpoint: '/chat' });
    expect(confidence && isDistribution(confidence) && confidence.window.count).toBe(
      cumulativeAt(120, '+Inf') - cumulativeAt(60, '+Inf')
    );
    const refusals = findFinding(report, 'refusal_rate', { endpoint: '/chat' });
    expect(refusals && isProportion(refusals) && refusals.window).toMatchObject({
      events: requestsAt(120, 'refused') - requestsAt(60, 'refused'),
      total:
        requestsAt(120, 'refused') -
        requestsAt(60, 'refused') +
        requestsAt(120, 'answered') -
        requestsAt(60, 'answered'),
    });
  });
});

describe('a metrics API that fails', () => {
  const WINDOW = ['--from', '2026-01-10T02:00:00Z', '--to', '2026-01-10T03:00:00Z'];

  it('nothing listening: exit 1 and the message names the URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await runAisre(['impact', '--prometheus', url, ...WINDOW]);
    expect(result.code).toBe(EXIT_DATA_SOURCE);
    expect(result.stderr).toContain(url);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.stdout).toBe('');
  });

  const failures: Array<[string, FakeBehaviour, RegExp, string[]]> = [
    [
      '500',
      { kind: 'status', status: 500, error: 'query processing would load too many samples' },
      /500/,
      ['too many samples'],
    ],
    [
      '403',
      { kind: 'status', status: 403, body: 'forbidden: no tenant', contentType: 'text/plain' },
      /403/,
      ['forbidden'],
    ],
    [
      '400',
      { kind: 'status', status: 400, errorType: 'bad_data', error: 'parse error at char 7' },
      /400/,
      ['parse error at char 7'],
    ],
    ['malformed JSON', { kind: 'malformed' }, /unreadable|JSON|malformed|parse|invalid/i, []],
    // The message must say it gave up, and after how long (the --timeout given).
    ['slow', { kind: 'slow', delayMs: 60_000 }, /(time(d)?[ -]?out|did not answer).*\b2 ?s/i, []],
  ];

  it.each(failures)(
    'answers %s: exit 1 with a clear message naming the URL',
    async (_name, behaviour, why, details) => {
      const api: FakeMetricsApi = await startFakeMetricsApi(behaviour);
      try {
        const result = await runAisre(['impact', '--prometheus', api.url, ...WINDOW, '--timeout', '2'], {
          timeoutMs: 40_000,
        });
        expect(result.timedOut).toBe(false);
        expect(result.code).toBe(EXIT_DATA_SOURCE);
        expect(result.stderr).toMatch(why);
        expect(result.stderr).toContain(api.url);
        for (const detail of details) {
          expect(result.stderr).toContain(detail);
        }
        expect(result.stderr).not.toMatch(STACK_FRAME);
        expect(result.stdout).toBe('');
        expect(api.requests.length).toBeGreaterThan(0);
      } finally {
        await api.stop();
      }
    }
  );
});

describe('usage errors', () => {
  let api: FakeMetricsApi;

  beforeAll(async () => {
    api = await startFakeMetricsApi({ kind: 'status', status: 500 });
  });

  afterAll(async () => {
    await api.stop();
  });

  const cases: Array<[string, string[], RegExp]> = [
    ['--from after --to', ['--from', '2026-01-10T03:00:00Z', '--to', '2026-01-10T02:00:00Z'], /--from|before|after/],
    ['an unparsable time', ['--from', 'yesterday-ish', '--to', '2026-01-10T02:00:00Z'], /yesterday-ish/],
    ['an unknown flag', ['--from', '1768010400', '--to', '1768014000', '--frobnicate'], /--frobnicate/],
    ['a bad --format', ['--from', '1768010400', '--to', '1768014000', '--format', 'yaml'], /yaml/],
    ['a bad --timeout', ['--from', '1768010400', '--to', '1768014000', '--timeout', 'soon'], /timeout/],
    ['a bad --baseline', ['--from', '1768010400', '--to', '1768014000', '--baseline', 'lastweek'], /baseline|lastweek/],
    ['a missing --to', ['--from', '1768010400'], /--to/],
  ];

  it.each(cases)('%s: exit 2, says what is wrong, queries nothing', async (_name, args, why) => {
    const before = api.requests.length;
    const result = await runAisre(['impact', '--prometheus', api.url, ...args]);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toMatch(why);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(result.stdout).toBe('');
    expect(api.requests.length).toBe(before);
  });

  it('no --prometheus: exit 2', async () => {
    const result = await runAisre(['impact', '--from', '1768010400', '--to', '1768014000']);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toMatch(/--prometheus/);
  });
});
