/**
 * The judging rules of the impact report, on a MetricsSource that answers from a table in memory.
 * (The same code against a real Prometheus is in src/cli/impact.integration.test.ts.)
 */
import {
  buildImpactReport,
  ImpactOptionsError,
  resolveBaseline,
  subtractIntervals,
  type ImpactOptions,
} from './impact';
import { type DistributionFinding, type ProportionFinding } from './report';
import { type MetricsSource, type SampleRow } from './source';

const WINDOW = { from: 10_000, to: 13_600 };
const BASELINE_END = WINDOW.from;

type Rows = (labels: Record<string, string>) => SampleRow;
type Table = Record<string, { window: SampleRow[]; baseline: SampleRow[] }>;

/** Answers `sum by (...) (increase(<metric>...))` from `table[metric]`, the window at its end, anything else as baseline. */
function tableSource(table: Table, asked: string[] = []): MetricsSource {
  return {
    async instantQuery(expr, time) {
      asked.push(`${time} ${expr}`);
      const metric = /increase\(([a-z_]+)\{/.exec(expr)?.[1] ?? '';
      const entry = table[metric.replace(/_bucket$/, '')];
      if (!entry) {
        return [];
      }
      return time === WINDOW.to ? entry.window : entry.baseline;
    },
  };
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

function report(table: Table, options: Partial<ImpactOptions> = {}) {
  return buildImpactReport(tableSource(table), { window: WINDOW, groupBy: ['endpoint'], ...options });
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
    // 11% vs 10% on 200k requests each: +10% relative, clearly significant.
    const r = await report({
      llm_requests_total: { window: requests('/chat', 178_000, 22_000), baseline: requests('/chat', 180_000, 20_000) },
    });
    expect(finding(r.findings, 'refusal_rate').verdict).toBe('investigate');
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

  test('zero traffic in the window gives insufficient_data and no rate, not NaN', async () => {
    const r = await report({
      llm_requests_total: { window: requests('/chat', 0, 0), baseline: requests('/chat', 9_700, 300) },
    });
    const refusals = finding<ProportionFinding>(r.findings, 'refusal_rate');
    expect(refusals.window).toEqual({ events: 0, total: 0, rate: null, ci95: null });
    expect(refusals.pValue).toBeNull();
    expect(refusals.verdict).toBe('insufficient_data');
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
  });

  test('Benjamini–Hochberg across the report: many borderline segments do not all page', async () => {
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
    for (let i = 0; i < 300; i++) {
      window.push(...requests(`/e${i}`, 1_000, 10));
    }
    const asked: string[] = [];
    await buildImpactReport(tableSource({ llm_requests_total: { window, baseline: window } }, asked), {
      window: WINDOW,
      groupBy: ['endpoint'],
    });
    // 4 counters + 6 histograms, once for the window and once for the baseline.
    expect(asked).toHaveLength(20);
    expect(new Set(asked).size).toBe(20);
  });

  test('other incidents are cut out of the baseline, each remaining piece read on its own', async () => {
    const asked: string[] = [];
    const r = await buildImpactReport(tableSource({}, asked), {
      window: WINDOW,
      slis: ['refusal_rate'],
      excludeFromBaseline: [{ from: 7_000, to: 8_000 }],
    });
    expect(r.baseline.excluded).toEqual([{ from: '1970-01-01T01:56:40Z', to: '1970-01-01T02:13:20Z' }]);
    expect(asked).toEqual([
      '13600 sum by (outcome) (increase(llm_requests_total{}[3600s]))',
      '7000 sum by (outcome) (increase(llm_requests_total{}[600s]))',
      '10000 sum by (outcome) (increase(llm_requests_total{}[2000s]))',
    ]);
    expect(r.caveats.join(' ')).toMatch(/Other incidents cover 16 min 40 s of the baseline/);
  });

  test('the selector is applied to every query; bad selectors and groupings are refused', async () => {
    const asked: string[] = [];
    await buildImpactReport(tableSource({}, asked), {
      window: WINDOW,
      slis: ['response_length'],
      selector: 'team="search"',
    });
    expect(asked[0]).toContain('gen_ai_client_token_usage_bucket{gen_ai_token_type="output",team="search"}[3600s]');
    await expect(report({}, { selector: 'team=search' })).rejects.toThrow(ImpactOptionsError);
    await expect(report({}, { groupBy: ['outcome'] })).rejects.toThrow(/cannot group by 'outcome'/);
    await expect(report({}, { window: { from: 5, to: 5 } })).rejects.toThrow(/ends .* before it starts/);
    await expect(report({}, { slis: ['refusals' as never] })).rejects.toThrow(/unknown SLI refusals/);
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
});
