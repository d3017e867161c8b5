import { SLI_DEFINITIONS } from '../../core/metrics';
import { DEFAULT_THRESHOLDS, type Finding } from '../../core/report';
import { histogramQuantile } from '../../core/stats/histogram';
import { type MetricsSource, type RangeSeries } from '../../core/source';
import { type ImpactContext } from '../../shared/impact/impact';
import { chartStep, readShiftSeries, segmentSelector, shiftLevels } from './shift';

const WINDOW = { from: 7200, to: 10800 };
const BASELINE = { from: 3600, to: 7200 };

function context(rangeQuery: MetricsSource['rangeQuery']): ImpactContext & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    source: {
      instantQuery: () => Promise.reject(new Error('the charts read range queries only')),
      rangeQuery: rangeQuery && ((expr, ...rest) => (asked.push(expr), rangeQuery(expr, ...rest))),
    },
    definitions: SLI_DEFINITIONS,
    window: WINDOW,
    baseline: BASELINE,
    selector: 'team="search"',
    datasource: { uid: 'p', name: 'Prometheus' },
  };
}

const finding = (sli: string, extra: Partial<Finding> = {}) =>
  ({ sli, title: sli, segment: {}, verdict: 'page', ...extra }) as unknown as Finding;

test('steps of whole minutes, about 120 points over baseline and window', () => {
  expect(chartStep({ from: 0, to: 7200 })).toBe(60);
  expect(chartStep({ from: 0, to: 14 * 86400 })).toBe(10080);
  expect(chartStep({ from: 0, to: 14 * 86400 }) % 60).toBe(0);
});

test('the segment narrows the report’s scope; a missing label is matched as empty; values are escaped', () => {
  expect(segmentSelector('team="search"', { endpoint: '/chat', model: '' })).toBe(
    'team="search",endpoint="/chat",model=""'
  );
  expect(segmentSelector('', { endpoint: 'a"b' })).toBe('endpoint="a\\"b"');
});

test('a rate per step: the events of the SLI over every request, from one counter split by its label', async () => {
  const sample = (values: number[]) => values.map((value, i) => ({ time: 3660 + i * 60, value }));
  const series: RangeSeries[] = [
    { labels: { outcome: 'refused' }, samples: sample([1, 4]) },
    { labels: { outcome: 'ok' }, samples: sample([99, 96]) },
    { labels: { outcome: 'error' }, samples: sample([0, NaN]) },
  ];
  const ctx = context(() => Promise.resolve(series));
  const points = await readShiftSeries(ctx, finding('refusal_rate'));
  expect(points).toEqual([
    { time: 3660_000, value: 0.01 },
    { time: 3720_000, value: 0.04 },
  ]);
  expect(ctx.asked).toHaveLength(1);
  expect(ctx.asked[0]).toContain('team="search"');
  expect(ctx.asked[0]).toContain('[60s]');
});

test('a distribution’s headline quantile per step, by the core’s histogram_quantile; empty steps are gaps', async () => {
  const at = (time: number, counts: number[]): RangeSeries[] =>
    ['0.1', '1', '+Inf'].map((le, i) => ({ labels: { le }, samples: [{ time, value: counts[i] }] }));
  const series = [...at(3660, [50, 90, 100]), ...at(3720, [0, 0, 0])];
  const points = await readShiftSeries(
    context(() => Promise.resolve(series)),
    finding('model_latency')
  );
  const expected = histogramQuantile(0.95, [
    { le: 0.1, count: 50 },
    { le: 1, count: 90 },
    { le: Infinity, count: 100 },
  ]);
  expect(points).toEqual([
    { time: 3660_000, value: expected },
    { time: 3720_000, value: null },
  ]);
});

test('no chart without range queries; a failing query is the caller’s error', async () => {
  await expect(readShiftSeries(context(undefined), finding('refusal_rate'))).resolves.toBeUndefined();
  await expect(
    readShiftSeries(
      context(() => Promise.reject(new Error('bad_data'))),
      finding('refusal_rate')
    )
  ).rejects.toThrow('bad_data');
});

test('levels from the report’s numbers: baseline, and the thresholds on the bad side only', () => {
  const rate = finding('refusal_rate', { kind: 'proportion', baseline: { rate: 0.02 } } as Partial<Finding>);
  expect(shiftLevels(rate, DEFAULT_THRESHOLDS, SLI_DEFINITIONS)).toEqual({
    baseline: 0.02,
    investigate: [0.02 * 1.05],
    page: [0.02 * 1.3],
  });
  const similarity = finding('semantic_similarity', {
    kind: 'distribution',
    headline: { quantile: 'p50', relativeChange: -0.2 },
    baseline: { p50: 0.8 },
  } as Partial<Finding>);
  expect(shiftLevels(similarity, DEFAULT_THRESHOLDS, SLI_DEFINITIONS)).toEqual({
    baseline: 0.8,
    investigate: [0.8 * 0.95],
    page: [0.8 * 0.7],
  });
  const empty = finding('refusal_rate', { kind: 'proportion', baseline: { rate: null } } as Partial<Finding>);
  expect(shiftLevels(empty, DEFAULT_THRESHOLDS, SLI_DEFINITIONS)).toEqual({
    baseline: null,
    investigate: [],
    page: [],
  });
});
