/**
 * The judging rules of the impact report, on a MetricsSource that answers from a table in memory.
 * (The same code against a real Prometheus is in src/cli/impact.integration.test.ts.)
 */
import {
  baselineStep,
  buildImpactReport,
  ImpactOptionsError,
  mergeIntervals,
  overlapsAny,
  resolveBaseline,
  subtractIntervals,
  type ImpactOptions,
} from './impact';
import { type DistributionFinding, type ProportionFinding } from './report';
import { type Interval, type MetricsSource, type RangeSeries, type SampleRow } from './source';

const WINDOW = { from: 10_000, to: 13_600 };
const BASELINE_END = WINDOW.from;

type Rows = (labels: Record<string, string>) => SampleRow;
/** `previous`: what the hour before the window read (the previous window), when it differs from the baseline. */
type Table = Record<string, { window: SampleRow[]; baseline: SampleRow[]; previous?: SampleRow[] }>;

/**
 * Answers `sum by (...) (increase(<metric>[<range>] offset <d>))` from `table[metric]`: the window at its end,
 * anything else as baseline. The baseline's counts all land in the last step of each hour-long block (a
 * shorter range ending elsewhere reads nothing), so however the report cuts an hour into steps, the hour sums to
 * the table. Range queries (the history) answer the baseline at every hour: a history exactly as quiet as
 * independent requests, dispersion 1, unless `withHistory` is false (a source without range queries).
 */
function tableSource(table: Table, asked: string[] = [], withHistory = true): MetricsSource {
  const answer = (expr: string, evaluatedAt: number) => {
    const metric = /increase\(([a-z_]+)\{/.exec(expr)?.[1] ?? '';
    const entry = table[metric.replace(/_bucket$/, '')];
    const [, range, offset, unit] = /\[(\d+)s\](?: offset (\d+)(ms|s))?\)/.exec(expr) ?? [];
    const time = evaluatedAt - (offset === undefined ? 0 : Number(offset) / (unit === 'ms' ? 1000 : 1));
    if (!entry || (Number(range) < 3600 && (time - WINDOW.to) % 3600 !== 0)) {
      return [];
    }
    if (time === WINDOW.from && entry.previous && Number(range) === 3600) {
      return entry.previous;
    }
    return time === WINDOW.to ? entry.window : entry.baseline;
  };
  const source: MetricsSource = {
    async instantQuery(expr, time) {
      asked.push(`${time} ${expr}`);
      return answer(expr, time);
    },
  };
  if (withHistory) {
    source.rangeQuery = async (expr, start, end, step) => {
      asked.push(`${start}..${end}/${step} ${expr}`);
      const series = new Map<string, RangeSeries>();
      for (let time = start; time <= end; time += step) {
        for (const { labels, value } of answer(expr, time)) {
          const key = JSON.stringify(labels);
          const entry = series.get(key) ?? { labels, samples: [] };
          entry.samples.push({ time, value });
          series.set(key, entry);
        }
      }
      return [...series.values()];
    };
  }
  return source;
}

const row =
  (value: number): Rows =>
  (labels) => ({ labels, value });

function requests(endpoint: string, answered: number, refused: number): SampleRow[] {
  return [row(answered)({ outcome: 'answered', endpoint }), row(refused)({ outcome: 'refused', endpoint })];
}

const LES = ['0.1', '0.25', '0.5', '1', '2.5', '+Inf'];
function histogram(endpoint: string, cumulative: number[]): SampleRow[] {
  return LES.map((le, i) => row(cumulative[i])({ le, endpoint }));
}

function report(table: Table, options: Partial<ImpactOptions> = {}, withHistory = true) {
  return buildImpactReport(tableSource(table, [], withHistory), { window: WINDOW, groupBy: ['endpoint'], ...options });
}

function finding<T extends ProportionFinding | DistributionFinding>(
  findings: Array<ProportionFinding | DistributionFinding>,
  sli: string,
  endpoint = '/chat'
): T {
  const found = findings.find((f) => f.sli === sli && f.segment.endpoint === endpoint);
  if (!found) {
    throw new Error(`no ${sli} finding for ${endpoint}`);
  }
  return found as T;
}

describe('proportions', () => {
  test('counts, rates, change and excess events come from the window and the baseline', async () => {
    const r = await report({
      llm_requests_total: { window: requests('/chat', 9_200, 800), baseline: requests('/chat', 9_700, 300) },
    });
    const refusals = finding<ProportionFinding>(r.findings, 'refusal_rate');
    expect(refusals.window).toMatchObject({ events: 800, total: 10_000, rate: 0.08 });
    expect(refusals.baseline).toMatchObject({ events: 300, total: 10_000, rate: 0.03 });
    expect(refusals.change.absolute).toBeCloseTo(0.05, 12);
    expect(refusals.change.relative).toBeCloseTo(5 / 3, 12);
    expect(refusals.excessEvents).toBeCloseTo(800 - 10_000 * 0.03, 9);
    expect(refusals.window.ci95![0]).toBeLessThan(0.08);
    expect(refusals.window.ci95![1]).toBeGreaterThan(0.08);
    expect(refusals.verdict).toBe('page');
    // Nothing moved for errors and timeouts: they are reported, and ok.
    expect(finding(r.findings, 'error_rate').verdict).toBe('ok');
  });

  test('a drop in refusals is not an incident', async () => {
    const r = await report({
      llm_requests_total: { window: requests('/chat', 9_700, 300), baseline: requests('/chat', 9_200, 800) },
    });
    const refusals = finding<ProportionFinding>(r.findings, 'refusal_rate');
    expect(refusals.change.relative).toBeLessThan(-0.5);
    expect(refusals.verdict).toBe('ok');
  });

  test('a rise from a zero baseline has no relative change but still pages', async () => {
    const r = await report({
      llm_requests_total: { window: requests('/chat', 9_500, 500), baseline: requests('/chat', 10_000, 0) },
    });
    const refusals = finding<ProportionFinding>(r.findings, 'refusal_rate');
    expect(refusals.change.relative).toBeNull();
    expect(refusals.excessEvents).toBe(500);
    expect(refusals.verdict).toBe('page');
  });

  test('investigate between 5% and 30% relative, when significant', async () => {
    // 11% vs 10% on 200k requests each: +10% relative, clearly significant on a history as quiet as independent requests.
    const r = await report({
      llm_requests_total: { window: requests('/chat', 178_000, 22_000), baseline: requests('/chat', 180_000, 20_000) },
    });
    const refusals = finding<ProportionFinding>(r.findings, 'refusal_rate');
    expect(refusals.verdict).toBe('investigate');
    expect(refusals.tests).toEqual([
      expect.objectContaining({ statistic: 'rate', dispersion: 1, dispersionSource: 'history', historyPairs: 168 }),
    ]);
    expect(refusals.reason).toMatch(/dispersion 1\.00 from 168 past windows/);
  });

  test('without history the same +10% is not called: the fallback allows for wander between windows', async () => {
    const r = await report(
      {
        llm_requests_total: {
          window: requests('/chat', 178_000, 22_000),
          baseline: requests('/chat', 180_000, 20_000),
        },
      },
      {},
      false
    );
    const refusals = finding<ProportionFinding>(r.findings, 'refusal_rate');
    expect(refusals.verdict).toBe('ok');
    expect(refusals.tooNoisy).toBe(true);
    expect(refusals.tests[0]).toMatchObject({
      dispersionSource: 'too_little_history',
      historyPairs: 0,
      degreesOfFreedom: null,
    });
    expect(refusals.tests[0].dispersion!).toBeGreaterThan(10);
    expect(refusals.reason).toMatch(/too little history/);
    expect(r.caveats.join(' ')).toMatch(/cannot run range queries/);
    // A large shift is still called without history: +100% pages.
    const large = await report(
      {
        llm_requests_total: {
          window: requests('/chat', 160_000, 40_000),
          baseline: requests('/chat', 180_000, 20_000),
        },
      },
      {},
      false
    );
    expect(finding(large.findings, 'refusal_rate').verdict).toBe('page');
  });

  test('a page needs the stricter q (pageFdr); between the two bars a page-sized change only investigates', async () => {
    // +40% on few requests: p ≈ 0.0 1–0.05 alone.
    const table = {
      llm_requests_total: { window: requests('/chat', 9_860, 140), baseline: requests('/chat', 9_900, 100) },
    };
    const strict = finding<ProportionFinding>(
      (await report(table, { slis: ['refusal_rate'] })).findings,
      'refusal_rate'
    );
    expect(strict.change.relative).toBeCloseTo(0.4, 1);
    expect(strict.qValue!).toBeGreaterThan(0.01);
    expect(strict.qValue!).toBeLessThan(0.05);
    expect(strict.verdict).toBe('investigate');
    expect(strict.reason).toMatch(/not to page/);
    const lenient = await report(table, { slis: ['refusal_rate'], thresholds: { pageFdr: 0.05 } });
    expect(finding(lenient.findings, 'refusal_rate').verdict).toBe('page');
  });

  test('a page-sized change significant to investigate pages when it persists over the previous window', async () => {
    // The same +40% as above, against the same hour a day earlier; the hour before the window rose as much.
    const table = {
      llm_requests_total: {
        window: requests('/chat', 9_860, 140),
        baseline: requests('/chat', 9_900, 100),
        previous: requests('/chat', 9_860, 140),
      },
    };
    const options = { slis: ['refusal_rate' as const], baseline: { mode: 'days_earlier' as const, days: 1 } };
    const persisted = finding<ProportionFinding>((await report(table, options)).findings, 'refusal_rate');
    expect(persisted.qValue!).toBeGreaterThan(0.01);
    expect(persisted.qValue!).toBeLessThan(0.05);
    expect(persisted.tests[0].previousWindowPValue!).toBeLessThan(0.05);
    expect(persisted.verdict).toBe('page');
    expect(persisted.reason).toMatch(/it persists, the previous window of this length moved the same way \(p = /);
    // A previous hour as quiet as the baseline: it only investigates.
    const once = { llm_requests_total: { ...table.llm_requests_total, previous: table.llm_requests_total.baseline } };
    const single = finding<ProportionFinding>((await report(once, options)).findings, 'refusal_rate');
    expect(single.tests[0].previousWindowPValue!).toBeGreaterThan(0.4);
    expect(single.verdict).toBe('investigate');
    // A previous hour that moved the other way does not make it persist.
    const opposite = { llm_requests_total: { ...table.llm_requests_total, previous: requests('/chat', 9_940, 60) } };
    const back = finding<ProportionFinding>((await report(opposite, options)).findings, 'refusal_rate');
    expect(back.tests[0].previousWindowPValue!).toBeGreaterThan(0.95);
    expect(back.verdict).toBe('investigate');
  });

  test('a large relative change on few requests is not significant', async () => {
    const r = await report({
      llm_requests_total: { window: requests('/chat', 196, 4), baseline: requests('/chat', 198, 2) },
    });
    const refusals = finding<ProportionFinding>(r.findings, 'refusal_rate');
    expect(refusals.change.relative).toBeCloseTo(1, 9);
    expect(refusals.verdict).toBe('ok');
    expect(refusals.reason).toMatch(/not significant/);
  });

  test('below the minimum volume the verdict is insufficient_data, naming the side', async () => {
    const r = await report(
      { llm_requests_total: { window: requests('/chat', 40, 10), baseline: requests('/chat', 9_700, 300) } },
      { thresholds: { minVolume: 100 } }
    );
    const refusals = finding(r.findings, 'refusal_rate');
    expect(refusals.verdict).toBe('insufficient_data');
    expect(refusals.reason).toBe('50 requests in the window, below the minimum volume of 100');
  });

  test('zero traffic in the window is no_data (never OK), with no rate, not NaN', async () => {
    const r = await report({
      llm_requests_total: { window: requests('/chat', 0, 0), baseline: requests('/chat', 9_700, 300) },
    });
    const refusals = finding<ProportionFinding>(r.findings, 'refusal_rate');
    expect(refusals.window).toEqual({ events: 0, total: 0, rate: null, ci95: null });
    expect(refusals.pValue).toBeNull();
    expect(refusals.verdict).toBe('no_data');
    expect(refusals.reason).toBe(
      'no requests in the window, 10,000 in the baseline: traffic stopped or the metric is no longer reported'
    );
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
  });

  test('Benjamini–Yekutieli across the report: many borderline segments do not all page', async () => {
    // 20 quiet endpoints, one borderline rise (p ≈ 0.03 alone) and one real incident.
    const window: SampleRow[] = [...requests('/e0', 4_750, 250)];
    const baseline: SampleRow[] = [...requests('/e0', 4_800, 200)];
    for (let i = 1; i <= 20; i++) {
      window.push(...requests(`/e${i}`, 4_800, 200));
      baseline.push(...requests(`/e${i}`, 4_800, 200));
    }
    window.push(...requests('/incident', 4_500, 500));
    baseline.push(...requests('/incident', 4_800, 200));
    const r = await report({ llm_requests_total: { window, baseline } });
    const borderline = finding<ProportionFinding>(r.findings, 'refusal_rate', '/e0');
    expect(borderline.pValue!).toBeLessThan(0.05);
    expect(borderline.qValue!).toBeGreaterThan(0.05);
    expect(borderline.verdict).toBe('ok');
    expect(finding(r.findings, 'refusal_rate', '/incident').verdict).toBe('page');
  });

  test('injection rate divides detections by requests', async () => {
    const r = await report({
      llm_requests_total: { window: requests('/chat', 9_000, 1_000), baseline: requests('/chat', 9_000, 1_000) },
      llm_injection_detections_total: {
        window: [row(150)({ source: 'retrieved', endpoint: '/chat' }), row(50)({ source: 'user', endpoint: '/chat' })],
        baseline: [row(20)({ source: 'user', endpoint: '/chat' })],
      },
    });
    const injections = finding<ProportionFinding>(r.findings, 'injection_rate');
    expect(injections.window).toMatchObject({ events: 200, total: 10_000 });
    expect(injections.baseline).toMatchObject({ events: 20, total: 10_000 });
    expect(injections.verdict).toBe('page');
  });
  test('more detections than requests is not a proportion: insufficient_data, counts kept', async () => {
    const r = await report({
      llm_requests_total: { window: requests('/chat', 90, 10), baseline: requests('/chat', 9_000, 1_000) },
      llm_injection_detections_total: { window: [row(150)({ source: 'tool', endpoint: '/chat' })], baseline: [] },
    });
    const injections = finding<ProportionFinding>(r.findings, 'injection_rate');
    expect(injections.window).toEqual({ events: 150, total: 100, rate: null, ci95: null });
    expect(injections.verdict).toBe('insufficient_data');
    expect(injections.reason).toBe('more injection detections than requests: not a proportion');
  });
});

describe('distributions', () => {
  const steady = [1_000, 4_000, 8_000, 9_500, 9_900, 10_000];
  const slower = [100, 500, 2_000, 6_000, 9_000, 10_000];

  test('latency that moved up pages, with quantiles, PSI, KS, JS and the tail share', async () => {
    const r = await report({
      rag_retrieval_duration_seconds: { window: histogram('/search', slower), baseline: histogram('/search', steady) },
    });
    const latency = finding<DistributionFinding>(r.findings, 'retrieval_latency', '/search');
    expect(latency.window.count).toBe(10_000);
    // As histogram_quantile does: rank 9500 of the baseline falls at the top of the le=1 bucket, and the
    // window's rank 9500 falls in the +Inf bucket, which reads as the highest finite bound.
    expect(latency.baseline.p95).toBeCloseTo(1, 12);
    expect(latency.window.p95).toBe(2.5);
    expect(latency.headline.quantile).toBe('p95');
    expect(latency.psi!).toBeGreaterThan(0.25);
    expect(latency.ks!).toBeCloseTo(0.6, 12);
    expect(latency.jsDistance!).toBeGreaterThan(0);
    expect(latency.shareBeyondBaselineP95!).toBeCloseTo(0.4, 12);
    expect(latency.verdict).toBe('page');
  });

  test('each side carries its share of observations per bucket, with the le bounds, for the bucket chart', async () => {
    const r = await report({
      rag_retrieval_duration_seconds: { window: histogram('/search', slower), baseline: histogram('/search', steady) },
    });
    const { buckets } = finding<DistributionFinding>(r.findings, 'retrieval_latency', '/search');
    expect(buckets!.le).toEqual(LES);
    // Per-bucket counts over the total: slower is 100, 400, 1500, 4000, 3000, 1000 of 10,000.
    const close = (expected: number[]) => expected.map((v) => expect.closeTo(v, 12));
    expect(buckets!.window).toEqual(close([0.01, 0.04, 0.15, 0.4, 0.3, 0.1]));
    expect(buckets!.baseline).toEqual(close([0.1, 0.3, 0.4, 0.15, 0.04, 0.01]));
    // And it survives the JSON export (no Infinity, which JSON cannot hold).
    expect(JSON.parse(JSON.stringify(buckets))).toEqual(buckets);
  });

  test('latency that moved down is not an incident, however large the PSI', async () => {
    const r = await report({
      rag_retrieval_duration_seconds: { window: histogram('/search', steady), baseline: histogram('/search', slower) },
    });
    const latency = finding<DistributionFinding>(r.findings, 'retrieval_latency', '/search');
    expect(latency.psi!).toBeGreaterThan(0.25);
    expect(latency.verdict).toBe('ok');
  });

  test('similarity that dropped pages (lower is worse, judged on p50)', async () => {
    const similar = [100, 300, 1_000, 4_000, 10_000, 10_000];
    const drifted = [1_000, 3_000, 6_000, 9_000, 10_000, 10_000];
    const r = await report({
      llm_response_semantic_similarity: { window: histogram('/chat', drifted), baseline: histogram('/chat', similar) },
    });
    const similarity = finding<DistributionFinding>(r.findings, 'semantic_similarity');
    expect(similarity.headline.quantile).toBe('p50');
    expect(similarity.headline.relativeChange!).toBeLessThan(-0.3);
    expect(similarity.verdict).toBe('page');
  });

  test('a NaN bucket makes the segment insufficient_data and says why', async () => {
    const broken = histogram('/search', steady);
    broken[2] = { labels: broken[2].labels, value: NaN };
    const r = await report({
      rag_retrieval_duration_seconds: { window: broken, baseline: histogram('/search', steady) },
    });
    const latency = finding<DistributionFinding>(r.findings, 'retrieval_latency', '/search');
    expect(latency.verdict).toBe('insufficient_data');
    expect(latency.window.p95).toBeNull();
    expect(r.caveats.join(' ')).toMatch(/NaN/);
  });
});

describe('the report as a whole', () => {
  test('SLIs without series are listed as missing, not reported as zero', async () => {
    const r = await report({
      llm_requests_total: { window: requests('/chat', 9_000, 100), baseline: requests('/chat', 9_000, 100) },
    });
    expect(r.missingSlis).toEqual(
      expect.arrayContaining(['empty_retrieval_rate', 'retrieval_latency', 'agent_steps', 'tool_error_rate'])
    );
    expect(r.findings.map((f) => f.sli)).toEqual(['refusal_rate', 'error_rate', 'timeout_rate']);
  });

  test('the number of queries grows with SLIs, not with segments', async () => {
    const window: SampleRow[] = [];
    for (let i = 0; i < 60; i++) {
      window.push(...requests(`/e${i}`, 1_000, 10));
    }
    const asked: string[] = [];
    await buildImpactReport(tableSource({ llm_requests_total: { window, baseline: window } }, asked), {
      window: WINDOW,
      groupBy: ['endpoint'],
    });
    // 4 counters + 6 histograms, each in two range queries: the window with its history, and the baseline.
    expect(asked).toHaveLength(20);
    expect(new Set(asked).size).toBe(20);
    expect(asked.every((q) => q.includes('..'))).toBe(true);
  });

  test('the queries do not grow with the number of excluded incidents: two per SLI family', async () => {
    const counts = [];
    for (const n of [0, 1, 10, 1_000]) {
      const asked: string[] = [];
      // n ten-minute incidents spread over the baseline and the two weeks before it.
      const excluded = Array.from({ length: n }, (_, i) => {
        const from = BASELINE_END - ((i * 7_919) % (15 * 86_400));
        return { from, to: from + 600 };
      });
      await buildImpactReport(tableSource({}, asked), { window: WINDOW, excludeFromBaseline: excluded });
      counts.push(asked.length);
    }
    expect(counts).toEqual([20, 20, 20, 20]);
  });

  test('other incidents are cut out of the baseline in whole steps, from one range query', async () => {
    const asked: string[] = [];
    const r = await buildImpactReport(tableSource({}, asked), {
      window: WINDOW,
      slis: ['refusal_rate'],
      excludeFromBaseline: [{ from: 7_000, to: 8_000 }],
    });
    // The baseline 6400..10000 in 5-minute steps ending at 10000: the steps touching 7000..8000 are left out.
    expect(r.baseline.excluded).toEqual([{ from: '1970-01-01T01:56:40Z', to: '1970-01-01T02:16:40Z' }]);
    expect(asked).toEqual([
      // The window and its history: 168 one-hour pairs before the window, in one range query.
      '-594000..14400/3600 sum by (outcome) (increase(llm_requests_total{}[3600s] offset 800s))',
      // The baseline, twelve 5-minute steps, evaluated on multiples of the step and shifted back by the offset.
      '6900..10200/300 sum by (outcome) (increase(llm_requests_total{}[300s] offset 200s))',
    ]);
    expect(r.caveats.join(' ')).toMatch(/Other incidents cover 20 min of the baseline \(read in steps of 5 min\)/);
  });

  test('the baseline sums the steps no incident touches, whatever their number', async () => {
    // Every 5-minute step of the baseline holds 10 requests, 1 refused; the window 10 times that.
    const step = (time: number) => ((time - WINDOW.to) % 300 === 0 ? 1 : 0);
    const source: MetricsSource = {
      instantQuery: async () => [],
      rangeQuery: async (expr, start, end, stepSeconds) => {
        const [, range, offset] = /\[(\d+)s\](?: offset (\d+)s)?/.exec(expr)!.map(Number);
        const samples = [];
        for (let t = start; t <= end; t += stepSeconds) {
          const blockEnd = t - (offset || 0);
          const scale = blockEnd === WINDOW.to ? 10 * (range / 300) : step(blockEnd) * (range / 300);
          samples.push({ time: t, value: scale });
        }
        return [
          { labels: { outcome: 'answered' }, samples: samples.map((x) => ({ ...x, value: 9 * x.value })) },
          { labels: { outcome: 'refused' }, samples },
        ];
      },
    };
    // Exclusions: two overlapping ones (merged), one touching a step at its edge only (kept), one inside a step.
    const r = await buildImpactReport(source, {
      window: WINDOW,
      slis: ['refusal_rate'],
      excludeFromBaseline: [
        { from: 7_300, to: 7_900 },
        { from: 7_600, to: 8_200 },
        { from: 9_100, to: 9_400 },
        { from: 9_450, to: 9_460 },
      ],
    });
    const refusals = r.findings.find((f) => f.sli === 'refusal_rate') as ProportionFinding;
    // Left out: 7300..8200 (3 steps), 9100..9400 (1), 9400..9700 for 9450..9460 (1): 7 of 12 steps remain.
    expect(refusals.baseline).toMatchObject({ events: 7, total: 70 });
    expect(refusals.window).toMatchObject({ events: 120, total: 1_200 });
    expect(r.baseline.excluded.map((e) => [e.from, e.to])).toEqual([
      ['1970-01-01T02:01:40Z', '1970-01-01T02:16:40Z'],
      ['1970-01-01T02:31:40Z', '1970-01-01T02:41:40Z'],
    ]);
  });

  test('an answer on another grid than asked is refused, not misread', async () => {
    const source: MetricsSource = {
      instantQuery: async () => [],
      rangeQuery: async (_expr, start) => [
        { labels: { outcome: 'refused' }, samples: [{ time: start + 1, value: 1 }] },
      ],
    };
    await expect(buildImpactReport(source, { window: WINDOW, slis: ['refusal_rate'] })).rejects.toThrow(
      /off the (300|3600) s steps it was asked for/
    );
  });

  test('the selector is applied to every query; bad selectors and groupings are refused', async () => {
    const asked: string[] = [];
    await buildImpactReport(tableSource({}, asked), {
      window: WINDOW,
      slis: ['response_length'],
      selector: 'team="search"',
    });
    expect(
      asked.every((q) => q.includes('gen_ai_client_token_usage_bucket{gen_ai_token_type="output",team="search"}['))
    ).toBe(true);
    await expect(report({}, { selector: 'team=search' })).rejects.toThrow(ImpactOptionsError);
    await expect(report({}, { groupBy: ['outcome'] })).rejects.toThrow(/cannot group by 'outcome'/);
    await expect(report({}, { window: { from: 5, to: 5 } })).rejects.toThrow(/ends .* before it starts/);
    await expect(report({}, { slis: ['refusals' as never] })).rejects.toThrow(/unknown SLI refusals/);
  });
});

describe('the median of past weeks as baseline', () => {
  const WEEK = 7 * 86_400;
  /** Refusals (of 10,000 requests) in the window and the same hour 1, 2 and 3 weeks earlier; 200 elsewhere. */
  function weeklySource(refused: Record<number, number>, asked: string[] = []): MetricsSource {
    return {
      instantQuery: async () => [],
      rangeQuery: async (expr, start, end, step) => {
        asked.push(`${start}..${end}/${step} ${expr}`);
        const offset = Number(/ offset (\d+)s/.exec(expr)?.[1] ?? 0);
        const times = Array.from({ length: Math.round((end - start) / step) + 1 }, (_, i) => start + i * step);
        const at = (t: number) => refused[WINDOW.to - (t - offset)] ?? 200;
        return [
          { labels: { outcome: 'refused' }, samples: times.map((time) => ({ time, value: at(time) })) },
          { labels: { outcome: 'answered' }, samples: times.map((time) => ({ time, value: 10_000 - at(time) })) },
        ];
      },
    };
  }
  const weeks = { 0: 400, [WEEK]: 300, [2 * WEEK]: 900, [3 * WEEK]: 320 };

  test('per count, the median of the same hour 1…N weeks earlier: one odd week does not set it', async () => {
    const asked: string[] = [];
    const r = await buildImpactReport(weeklySource(weeks, asked), {
      window: WINDOW,
      slis: ['refusal_rate'],
      baseline: { mode: 'median_weeks', weeks: 3 },
    });
    const refusals = r.findings[0] as ProportionFinding;
    // Refused: median of 300, 900, 320 = 320; answered: median of 9,700, 9,100, 9,680 = 9,680.
    expect(refusals.baseline).toMatchObject({ events: 320, total: 10_000 });
    expect(refusals.window).toMatchObject({ events: 400, total: 10_000 });
    expect(r.baseline).toMatchObject({
      mode: 'median_weeks',
      weeks: 3,
      from: new Date((WINDOW.from - 3 * WEEK) * 1000).toISOString().replace('.000Z', 'Z'),
      excluded: [],
    });
    // Still two queries: the window with its history, and the three weeks in one weekly-step query.
    expect(asked).toHaveLength(2);
    expect(asked[1]).toMatch(/\/604800 .*\[3600s\]/);
  });

  test('a week another incident touches is left out of the median', async () => {
    const r = await buildImpactReport(weeklySource(weeks), {
      window: WINDOW,
      slis: ['refusal_rate'],
      baseline: { mode: 'median_weeks', weeks: 3 },
      excludeFromBaseline: [{ from: WINDOW.from - 2 * WEEK + 600, to: WINDOW.from - 2 * WEEK + 1200 }],
    });
    // Per count, the lower median of the two weeks left: refused 300 (of 300, 320), answered 9,680 (of 9,700, 9,680).
    expect((r.findings[0] as ProportionFinding).baseline).toMatchObject({ events: 300, total: 9_980 });
    expect(r.baseline.excluded).toHaveLength(1);
    expect(r.caveats.join(' ')).toMatch(/touch 1 of the 3 past weeks; the baseline is the median of the other 2/);
  });

  test('weeks must be a whole number, and the window at most a week', async () => {
    await expect(report({}, { baseline: { mode: 'median_weeks', weeks: 0 } })).rejects.toThrow(/whole number of weeks/);
    await expect(
      report({}, { window: { from: 0, to: 8 * 86_400 }, baseline: { mode: 'median_weeks', weeks: 3 } })
    ).rejects.toThrow(/a week or shorter/);
  });
});

describe('baselines', () => {
  test('preceding, N days earlier and fixed', () => {
    expect(resolveBaseline(WINDOW)).toEqual({ from: 6_400, to: BASELINE_END });
    expect(resolveBaseline(WINDOW, { mode: 'days_earlier', days: 1 })).toEqual({
      from: 10_000 - 86_400,
      to: 13_600 - 86_400,
    });
    expect(resolveBaseline(WINDOW, { mode: 'fixed', from: 1, to: 2 })).toEqual({ from: 1, to: 2 });
  });

  test('subtracting intervals keeps what no exclusion covers', () => {
    expect(
      subtractIntervals({ from: 0, to: 100 }, [
        { from: 10, to: 20 },
        { from: 50, to: 200 },
      ])
    ).toEqual([
      { from: 0, to: 10 },
      { from: 20, to: 50 },
    ]);
    expect(subtractIntervals({ from: 0, to: 100 }, [{ from: -5, to: 500 }])).toEqual([]);
  });

  test('exclusions are merged in one sort, and agree with a cut-by-cut subtraction', () => {
    // The quadratic method this replaced, as the reference.
    const cutByCut = (base: Interval, cuts: Interval[]) =>
      cuts.reduce(
        (pieces, cut) =>
          pieces.flatMap((p) =>
            cut.to <= p.from || cut.from >= p.to
              ? [p]
              : [
                  ...(cut.from > p.from ? [{ from: p.from, to: cut.from }] : []),
                  ...(cut.to < p.to ? [{ from: cut.to, to: p.to }] : []),
                ]
          ),
        [base]
      );
    let seed = 7;
    const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const cuts = Array.from({ length: 2_000 }, () => {
      const from = Math.floor(random() * 100_000);
      return { from, to: from + Math.floor(random() * 300) };
    });
    const base = { from: 1_000, to: 90_000 };
    expect(subtractIntervals(base, cuts)).toEqual(cutByCut(base, cuts).filter((p) => p.to > p.from));
    const merged = mergeIntervals(cuts);
    expect(merged.every((m, i) => i === 0 || m.from > merged[i - 1].to)).toBe(true);
    for (let i = 0; i < 500; i++) {
      const from = Math.floor(random() * 100_000);
      const to = from + 1 + Math.floor(random() * 200);
      expect(overlapsAny(merged, from, to)).toBe(cuts.some((c) => c.from < to && from < c.to && c.to > c.from));
    }
  });

  test('baseline steps: whole minutes, at least 5 minutes, at most 10,000 of them', () => {
    expect(baselineStep(3_600)).toBe(300);
    expect(baselineStep(600)).toBe(300);
    expect(baselineStep(420)).toBe(420);
    expect(baselineStep(7 * 86_400)).toBe(300);
    expect(baselineStep(90 * 86_400)).toBe(900);
    expect(baselineStep(3_599.75)).toBe(3_599.75);
  });
});
