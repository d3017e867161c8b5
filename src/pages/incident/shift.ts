/**
 * The data behind the incident page's charts, for one finding that is not OK: the SLI over the baseline and the
 * window (read through the report's own MetricsSource, scope and segment, with the core's query builders and its
 * histogram_quantile), and the levels to draw from the report's own numbers (the baseline's level, where the
 * investigate and page thresholds start, the window and baseline quantiles). Nothing here judges: verdicts are
 * the core's.
 */
import {
  bucketIncreaseQuery,
  counterIncreaseQuery,
  type DistributionSli,
  isEventValue,
  type ProportionSli,
  promqlString,
  type SliDefinition,
  splitLabelOf,
} from '../../core/metrics';
import { type Finding, type Thresholds } from '../../core/report';
import { histogramQuantile } from '../../core/stats/histogram';
import { parsePrometheusFloat, type Interval, type MetricsSource, type RangeSeries } from '../../core/source';
import { type ImpactContext } from '../../shared/impact/impact';

/** About this many points across baseline and window: enough to see the shift, few enough to read fast. */
const POINTS = 120;
const MIN_STEP_SECONDS = 60;

/** The step of the chart's range query: whole minutes, at least one. */
export function chartStep(span: Interval): number {
  return Math.max(MIN_STEP_SECONDS, Math.ceil((span.to - span.from) / POINTS / 60) * 60);
}

/** The finding's segment as matchers (a missing label is `label=""`), after the report's own scope. */
export function segmentSelector(selector: string, segment: Record<string, string>): string {
  return [selector, ...Object.entries(segment).map(([label, value]) => `${label}=${promqlString(value)}`)]
    .filter(Boolean)
    .join(',');
}

export interface ShiftPoint {
  /** Unix ms. */
  time: number;
  /** The SLI at that step (a rate, or the headline quantile); null where nothing was observed. */
  value: number | null;
}

/** Per-step sums of the series that `keep` accepts, by timestamp. */
function sumByTime(series: RangeSeries[], keep: (labels: Record<string, string>) => boolean): Map<number, number> {
  const sums = new Map<number, number>();
  for (const s of series.filter((one) => keep(one.labels))) {
    for (const { time, value } of s.samples) {
      if (Number.isFinite(value)) {
        sums.set(time, (sums.get(time) ?? 0) + value);
      }
    }
  }
  return sums;
}

async function proportionSeries(
  source: Required<MetricsSource>,
  sli: ProportionSli,
  definitions: readonly SliDefinition[],
  selector: string,
  span: Interval,
  step: number
): Promise<ShiftPoint[]> {
  const query = (metric: string, split: string, matchers?: string) =>
    source.rangeQuery(
      counterIncreaseQuery(metric, split, selector, [], step, matchers),
      span.from + step,
      span.to,
      step
    );
  const events = await query(sli.metric, sli.eventLabel, sli.matchers);
  const totals = sli.totalMetric ? await query(sli.totalMetric, splitLabelOf(sli.totalMetric, definitions)) : events;
  const eventSums = sumByTime(events, (labels) => isEventValue(sli, labels[sli.eventLabel] ?? ''));
  const totalSums = sumByTime(totals, () => true);
  return [...totalSums.keys()]
    .sort((a, b) => a - b)
    .map((time) => {
      const total = totalSums.get(time) ?? 0;
      return { time: time * 1000, value: total > 0 ? (eventSums.get(time) ?? 0) / total : null };
    });
}

async function distributionSeries(
  source: Required<MetricsSource>,
  sli: DistributionSli,
  selector: string,
  span: Interval,
  step: number
): Promise<ShiftPoint[]> {
  const series = await source.rangeQuery(bucketIncreaseQuery(sli, selector, [], step), span.from + step, span.to, step);
  const byTime = new Map<number, Array<{ le: number; count: number }>>();
  for (const s of series) {
    const le = parsePrometheusFloat(s.labels.le);
    for (const { time, value } of s.samples) {
      if (!Number.isNaN(le) && Number.isFinite(value)) {
        byTime.set(time, [...(byTime.get(time) ?? []), { le, count: value }]);
      }
    }
  }
  return [...byTime.entries()]
    .sort(([a], [b]) => a - b)
    .map(([time, buckets]) => {
      const sorted = buckets.sort((a, b) => a.le - b.le);
      const observed = sorted.length > 0 && sorted[sorted.length - 1].count > 0;
      return { time: time * 1000, value: observed ? histogramQuantile(sli.headlineQuantile, sorted) : null };
    });
}

/** The finding's SLI over the baseline and the window, one point per step; undefined when the source has no range queries. */
export async function readShiftSeries(context: ImpactContext, finding: Finding): Promise<ShiftPoint[] | undefined> {
  const { source, definitions } = context;
  const sli = definitions.find((d) => d.id === finding.sli);
  if (!sli || !source.rangeQuery) {
    return undefined;
  }
  const span = { from: Math.min(context.baseline.from, context.window.from), to: context.window.to };
  const step = chartStep(span);
  const selector = segmentSelector(context.selector, finding.segment);
  const ranged = source as Required<MetricsSource>;
  return sli.kind === 'proportion'
    ? proportionSeries(ranged, sli, definitions, selector, span, step)
    : distributionSeries(ranged, sli, selector, span, step);
}

interface ShiftLevels {
  /** The baseline's rate, or its headline quantile. */
  baseline: number | null;
  /** Where a change starts to ask for a look and to page, in the bad direction(s). */
  investigate: number[];
  page: number[];
}

/** The levels drawn over the series, from the report's own numbers and thresholds. */
export function shiftLevels(
  finding: Finding,
  thresholds: Thresholds,
  definitions: readonly SliDefinition[]
): ShiftLevels {
  const baseline = finding.kind === 'proportion' ? finding.baseline.rate : finding.baseline[finding.headline.quantile];
  if (baseline === null) {
    return { baseline, investigate: [], page: [] };
  }
  const sli = definitions.find((d) => d.id === finding.sli);
  const direction = sli?.kind === 'distribution' ? sli.badDirection : 'higher';
  const at = (relative: number) => [
    ...(direction === 'lower' ? [] : [baseline * (1 + relative)]),
    ...(direction === 'higher' ? [] : [baseline * (1 - relative)]),
  ];
  return { baseline, investigate: at(thresholds.investigate), page: at(thresholds.page) };
}
