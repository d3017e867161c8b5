/**
 * The benchmark harness at a tiny size: the spread and ratios it prints, Grafana's step, the recording rules
 * a dashboard needs, and copied series that a real Prometheus serves exactly (the benchmarks themselves run
 * only in `npm run bench`).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

import { RECORDING_RULES_FILE } from '../../src/alerting/artifacts';
import { buildDashboards } from '../../src/dashboards/build';
import { dashboardExpressions } from '../../src/dashboards/dashboardPromql';
import { REPO_ROOT } from '../../test/aisre';
import { instantQuery } from '../../test/http';
import { durationSeconds, grafanaRange, lookbackSeconds, rulesRead } from './dashboards.bench';
import { formatSpread, ratio, spread } from './measure';
import { copiesFor, readExposition, seriesCount, writeCopies } from './series';
import { backfillOpenMetrics, backfillRules, dumpOpenMetrics, serveCopy } from './tsdb';

test('the spread is min, median and max of the runs, whatever their order', () => {
  expect(spread([30, 10, 20, 50, 40])).toEqual({ min: 10, median: 30, max: 50, runs: 5 });
  expect(spread([4, 1, 3, 2]).median).toBe(2.5);
  expect(formatSpread(spread([1200, 1000, 1100, 1300, 1400]))).toBe('1200 ms (min 1000, max 1400; 5 runs)');
  expect(() => spread([])).toThrow('no runs');
  expect(ratio(230, 100)).toBe('2.30×');
  expect(ratio(5, 0)).toBe('n/a');
});

test('durations and how far back an expression reads', () => {
  expect(durationSeconds('1h30m')).toBe(5400);
  expect(() => durationSeconds('5 m')).toThrow('not a duration');
  expect(lookbackSeconds('sum(rate(a[5m])) / sum(rate(a[1d]))')).toBe(86_400);
  expect(lookbackSeconds('max_over_time(b[1d:5m] offset 30m)')).toBe(86_400 + 1800);
  expect(lookbackSeconds('up')).toBe(0);
});

test("Grafana's step for the dashboards' 6 hours: the scrape interval, the range aligned to it", () => {
  const end = 1_768_100_000;
  const range = grafanaRange(end, 6 * 3600);
  expect(range.step).toBe(60);
  expect(range.end % 60).toBe(0);
  expect(range.end).toBeLessThanOrEqual(end);
  expect(range.end - range.start).toBeGreaterThanOrEqual(6 * 3600);
  // A week at 900 points is coarser than the scrape interval.
  expect(grafanaRange(end, 7 * 86_400).step).toBe(672);
});

test('only the rules a dashboard reads are backfilled, a rule that reads another one level above it', () => {
  const groups = [
    {
      name: 'g',
      interval: '1m',
      rules: [
        { record: 'job:a:rate5m', expr: 'sum by (job) (rate(a_total[5m]))' },
        { record: 'job:a:ratio', expr: 'job:a:rate5m / ignoring(x) job:a:rate5m_unused' },
        { record: 'job:a:rate5m_unused', expr: 'sum by (job) (rate(b_total[5m]))' },
        { record: 'job:c:rate5m', expr: 'sum by (job) (rate(c_total[5m]))' },
      ],
    },
  ];
  const levels = rulesRead(groups, ['max(job:a:ratio)']).map((y) =>
    (parse(y) as { groups: typeof groups }).groups.flatMap((g) => g.rules.map((r) => r.record))
  );
  expect(levels).toEqual([['job:a:rate5m', 'job:a:rate5m_unused'], ['job:a:ratio']]);
});

test('every recorded series a bundled dashboard reads comes from a rule the bench backfills', async () => {
  const groups = (parse(await readFile(join(REPO_ROOT, RECORDING_RULES_FILE), 'utf8')) as { groups: never[] }).groups;
  const exprs = buildDashboards('recorded').flatMap((d) => dashboardExpressions(d.json).map((e) => e.expr));
  const backfilled = new Set(
    rulesRead(groups, exprs).flatMap((y) =>
      (parse(y) as { groups: Array<{ rules: Array<{ record: string }> }> }).groups.flatMap((g) =>
        g.rules.map((r) => r.record)
      )
    )
  );
  const read = new Set(
    exprs.flatMap((e) => [...e.matchAll(/(?<![\w:])[a-z_][a-z0-9_]*:[a-z0-9_:]+/g)].map((m) => m[0]))
  );
  expect(read.size).toBeGreaterThan(0);
  expect([...read].filter((name) => !backfilled.has(name))).toEqual([]);
});

describe('copied series in a real Prometheus', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aisre-bench-harness-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('each copy is a new service, series without one are written once, and Prometheus serves them all', async () => {
    const base = join(dir, 'base.om');
    await writeFile(
      base,
      [
        '# TYPE reqs counter',
        '# HELP reqs Requests.',
        'reqs_total{team="t",service="api",outcome="ok"} 1 1768003200',
        'reqs_total{team="t",service="api",outcome="ok"} 3 1768003260',
        'reqs_total{team="t",service="api",outcome="error"} 0 1768003200',
        'reqs_total{team="t",service="api",outcome="error"} 1 1768003260',
        '# TYPE build_info gauge',
        'build_info{version="1"} 1 1768003200',
        'build_info{version="1"} 1 1768003260',
        '# EOF',
        '',
      ].join('\n')
    );
    const exposition = await readExposition(base);
    expect([exposition.copiedSeries, exposition.sharedSeries, exposition.sampleLines]).toEqual([2, 1, 6]);
    // Sparse: every series kept, with its first sample and those on multiples of the step.
    const onTheStep = await readExposition(base, { every: 120 });
    expect([onTheStep.copiedSeries, onTheStep.sharedSeries, onTheStep.sampleLines]).toEqual([2, 1, 3]);
    const offTheStep = await readExposition(base, { every: 1000, since: 1768003260 });
    expect([offTheStep.copiedSeries, offTheStep.sharedSeries, offTheStep.sampleLines]).toEqual([2, 1, 3]);
    expect(copiesFor(exposition, 7)).toBe(3);
    const out = join(dir, 'copies.om');
    await writeCopies(exposition, 0, 3, out);
    const lines = (await readFile(out, 'utf8')).split('\n');
    expect(lines.filter((l) => l.startsWith('reqs_total{team="t",service="api-2",outcome="error"}'))).toEqual([
      'reqs_total{team="t",service="api-2",outcome="error"} 0 1768003200',
      'reqs_total{team="t",service="api-2",outcome="error"} 1 1768003260',
    ]);
    expect(lines.filter((l) => l.startsWith('build_info'))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('# TYPE'))).toEqual(['# TYPE reqs counter', '# TYPE build_info gauge']);
    expect(lines.at(-2)).toBe('# EOF');

    const dataDir = join(dir, 'data');
    await backfillOpenMetrics(out, dataDir);
    const prometheus = await serveCopy(dataDir);
    try {
      const counted = await instantQuery(prometheus.url, 'count({__name__=~".+"})', 1768003260);
      expect(counted.map((s) => s.value)).toEqual([seriesCount(exposition, 3)]);
      const services = await instantQuery(prometheus.url, 'count by (service) (reqs_total)', 1768003260);
      expect(services.map((s) => s.metric.service).sort()).toEqual(['api-0', 'api-1', 'api-2']);
    } finally {
      await prometheus.stop();
    }
  }, 60_000);

  test("one copy's recorded series, dumped and copied, are what the rule computes over every copy", async () => {
    const t0 = 1768003200;
    const samples = (labels: string, step: number) =>
      Array.from({ length: 16 }, (_, i) => `reqs_total{${labels}} ${i * step} ${t0 + 60 * i}`);
    const base = join(dir, 'rules-base.om');
    await writeFile(
      base,
      [
        '# TYPE reqs counter',
        ...samples('team="t",service="api",outcome="ok"', 7),
        ...samples('team="t",service="api",outcome="error"', 2),
        '# EOF',
        '',
      ].join('\n')
    );
    const exposition = await readExposition(base);
    const rule = 'team_service:reqs:rate5m';
    const rules = `groups:\n  - name: g\n    interval: 1m\n    rules:\n      - record: ${rule}\n        expr: sum by (team, service, outcome) (rate(reqs_total[5m]))\n`;
    const span = { from: t0 + 300, to: t0 + 900 };
    // One copy, its rule backfilled and dumped.
    const one = join(dir, 'one');
    await mkdir(one);
    await writeCopies(exposition, 0, 1, join(dir, 'one.om'));
    await backfillOpenMetrics(join(dir, 'one.om'), one);
    await backfillRules(one, [rules], span);
    const dumped = join(dir, 'recorded.om');
    expect(await dumpOpenMetrics(one, `{__name__="${rule}"}`, dumped)).toBeGreaterThan(0);
    const recorded = await readExposition(dumped, { copyZero: true });
    expect([recorded.copiedSeries, recorded.sharedSeries]).toEqual([2, 0]);
    // Three copies of the raw series and of the dumped recordings, served together.
    const many = join(dir, 'many');
    await mkdir(many);
    await writeCopies(exposition, 0, 3, join(dir, 'raw3.om'));
    await writeCopies(recorded, 0, 3, join(dir, 'recorded3.om'));
    await backfillOpenMetrics(join(dir, 'raw3.om'), many);
    await backfillOpenMetrics(join(dir, 'recorded3.om'), many);
    const prometheus = await serveCopy(many);
    try {
      const at = span.from + 240;
      const byKey = async (expr: string) =>
        Object.fromEntries(
          (await instantQuery(prometheus.url, expr, at)).map((s) => [
            `${s.metric.service} ${s.metric.outcome}`,
            s.value,
          ])
        );
      const [stored, computed] = await Promise.all([
        byKey(`sum by (team, service, outcome) (${rule})`),
        byKey('sum by (team, service, outcome) (rate(reqs_total[5m]))'),
      ]);
      expect(Object.keys(stored).sort()).toEqual(['api-0', 'api-1', 'api-2'].flatMap((s) => [`${s} error`, `${s} ok`]));
      expect(stored).toEqual(computed);
    } finally {
      await prometheus.stop();
    }
  }, 120_000);
});
