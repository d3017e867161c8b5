/**
 * The impact report: reads a window and its baseline through a MetricsSource, compares every SLI in every
 * segment, and judges each comparison (ok / investigate / page / insufficient_data) as DESIGN.md defines.
 * Every number the panel, the pages and the CLI show is computed here or in ./stats, and nowhere else.
 */
import {
  bucketIncreaseQuery,
  counterIncreaseQuery,
  isEventValue,
  SLI_DEFINITIONS,
  splitLabelOf,
  validateLabelNames,
  validateSelector,
  type DistributionSli,
  type ProportionSli,
  type SliDefinition,
  type SliId,
} from './metrics';
import {
  DEFAULT_THRESHOLDS,
  type DistributionFinding,
  type DistributionSide,
  type Finding,
  type ImpactReport,
  type ProportionFinding,
  type ProportionSide,
  type ReportInterval,
  type SignificanceTest,
  type Thresholds,
  type Verdict,
} from './report';
import { formatCount, formatDuration, formatSignedPercent, formatStatistic } from './format';
import { parsePrometheusFloat, type Interval, type MetricsSource, type RangeSeries, type SampleRow } from './source';
import {
  benjaminiYekutieli,
  FALLBACK_WANDER,
  MIN_HISTORY_PAIRS,
  type Shift,
  type ShiftTest,
  testShift,
} from './stats/dispersion';
import {
  Histogram,
  histogramQuantile,
  jensenShannonDistance,
  ksStatistic,
  populationStabilityIndex,
  quantileShift,
  tailShareShift,
} from './stats/histogram';
import { proportionShift, wilsonInterval } from './stats/proportions';

const DAY_SECONDS = 86_400;
/** Queries in flight at once: enough to hide latency, few enough to be polite to a shared Prometheus. */
const QUERY_CONCURRENCY = 4;
/** Past window-vs-baseline pairs read to measure each statistic's dispersion (a week of one-hour windows)… */
const HISTORY_PAIRS = 168;
/** …reaching at most this far back before the window (plus the baseline's lag). */
const HISTORY_SPAN_SECONDS = 14 * DAY_SECONDS;

export type BaselineSpec =
  { mode: 'preceding' } | { mode: 'days_earlier'; days: number } | { mode: 'fixed'; from: number; to: number };

export interface ImpactOptions {
  /** The incident window, Unix seconds. */
  window: Interval;
  /** Default: the preceding interval of equal length. */
  baseline?: BaselineSpec;
  /** Other incidents' windows: left out of the baseline so one incident does not hide another. */
  excludeFromBaseline?: Interval[];
  /** PromQL label matchers without braces, applied to every query. */
  selector?: string;
  /** Labels to split findings by (`endpoint`, `team`, …). */
  groupBy?: string[];
  /** SLIs to report on (default: all of the contract). */
  slis?: SliId[];
  thresholds?: Partial<Thresholds>;
  /** The metrics contract, remapped by the app's configuration (default: DESIGN.md's names). */
  definitions?: readonly SliDefinition[];
}

/** Invalid options: a window that ends before it starts, a bad selector, an unknown SLI. */
export class ImpactOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImpactOptionsError';
  }
}

export function resolveBaseline(window: Interval, spec: BaselineSpec = { mode: 'preceding' }): Interval {
  switch (spec.mode) {
    case 'preceding':
      return { from: window.from - (window.to - window.from), to: window.from };
    case 'days_earlier':
      return { from: window.from - spec.days * DAY_SECONDS, to: window.to - spec.days * DAY_SECONDS };
    case 'fixed':
      return { from: spec.from, to: spec.to };
  }
}

/** `base` without the parts covered by `excluded`, as the ordered pieces that remain. */
export function subtractIntervals(base: Interval, excluded: Interval[]): Interval[] {
  let pieces: Interval[] = [base];
  for (const cut of excluded) {
    pieces = pieces.flatMap((piece) => {
      if (cut.to <= piece.from || cut.from >= piece.to) {
        return [piece];
      }
      const kept: Interval[] = [];
      if (cut.from > piece.from) {
        kept.push({ from: piece.from, to: cut.from });
      }
      if (cut.to < piece.to) {
        kept.push({ from: cut.to, to: piece.to });
      }
      return kept;
    });
  }
  return pieces;
}

export function toReportTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

function toReportInterval(interval: Interval): ReportInterval {
  return { from: toReportTime(interval.from), to: toReportTime(interval.to) };
}

// ---------------------------------------------------------------------------------------------------
// Reading: one query per metric and interval piece; rows summed per segment.

interface Reading {
  /** The values of the split label (or `le`) met, numbered in the order met: the columns of every segment's sums. */
  columns: Map<string, number>;
  values: string[];
  /** Per column, the `le` as a number (parsed once per reading, not per series); NaN for other split labels. */
  bounds: number[];
  bySegment: Map<Segment, Sums>;
  seriesCount: number;
  nanSegments: Set<Segment>;
  /** Segments with a histogram bucket whose `le` is not a number (a broken exporter or proxy). */
  badBoundSegments: Set<Segment>;
  nonInteger: boolean;
  /** The `--by` labels some series carried (a label no series carries makes one segment '' silently). */
  labelsCarried: Set<string>;
}

/** One segment's summed increases per column, in the order the segment first had each (the order sums are added in). */
interface Sums {
  columns: number[];
  sums: number[];
  /** Where each column sits in `columns`; undefined where the segment has no series with that value. */
  slot: number[];
}

class QueryRunner {
  readonly log: ImpactReport['queries'] = [];
  private readonly cache = new Map<string, Promise<SampleRow[]>>();
  private readonly rangeCache = new Map<string, Promise<RangeSeries[]>>();
  private readonly queue: Array<() => void> = [];
  private running = 0;
  private failure: unknown;

  constructor(private readonly source: MetricsSource) {}

  run(expr: string, time: number): Promise<SampleRow[]> {
    const key = `${time}\n${expr}`;
    let pending = this.cache.get(key);
    if (!pending) {
      this.log.push({ expr, time: toReportTime(time) });
      pending = this.limited(() => this.source.instantQuery(expr, time));
      this.cache.set(key, pending);
    }
    return pending;
  }

  /** A range query; rejects when the source has none (the caller falls back without history). */
  range(expr: string, start: number, end: number, step: number): Promise<RangeSeries[]> {
    const key = `${start}:${end}:${step}\n${expr}`;
    let pending = this.rangeCache.get(key);
    if (!pending) {
      const source = this.source;
      if (!source.rangeQuery) {
        return Promise.reject(new Error('this metrics source cannot run range queries'));
      }
      this.log.push({ expr, time: toReportTime(end), start: toReportTime(start), stepSeconds: step });
      pending = this.limited(() => source.rangeQuery!(expr, start, end, step));
      this.rangeCache.set(key, pending);
    }
    return pending;
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= QUERY_CONCURRENCY) {
      await new Promise<void>((resolve) => this.queue.push(resolve));
    }
    this.running++;
    try {
      // One failed query fails the report: sending the queued ones would only keep a broken server busy.
      if (this.failure !== undefined) {
        throw this.failure;
      }
      return await task();
    } catch (error) {
      this.failure ??= error;
      throw error;
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }
}

/** One segment of the report: its `--by` label values. */
interface Segment {
  values: string[];
  /** The values by label, as findings show them (one object, shared by the segment's findings). */
  labels: Record<string, string>;
  /** Findings are listed in the order of this text (the JSON of the values). */
  order: string;
}

type SegmentNode = { children: Map<string, SegmentNode>; segment?: Segment };

/**
 * The report's segments, shared by all its readings: a tree with one level per `--by` label, so a row finds its
 * segment with one map lookup per label rather than by building a key string.
 */
class Segments {
  private readonly root: SegmentNode = { children: new Map() };

  constructor(readonly groupBy: string[]) {}

  of(labels: Record<string, string>): Segment {
    let node = this.root;
    for (const label of this.groupBy) {
      const value = labels[label] ?? '';
      let child = node.children.get(value);
      if (!child) {
        child = { children: new Map() };
        node.children.set(value, child);
      }
      node = child;
    }
    if (!node.segment) {
      const values = this.groupBy.map((label) => labels[label] ?? '');
      const byLabel = Object.fromEntries(this.groupBy.map((label, i) => [label, values[i]]));
      node.segment = { values, labels: byLabel, order: JSON.stringify(values) };
    }
    return node.segment;
  }
}

async function read(
  runner: QueryRunner,
  expr: (rangeSeconds: number) => string,
  pieces: Interval[],
  splitLabel: string,
  segments: Segments
): Promise<Reading> {
  const reading = emptyReading();
  const results = await Promise.all(pieces.map((piece) => runner.run(expr(piece.to - piece.from), piece.to)));
  for (const rows of results) {
    for (const row of rows) {
      accumulate(reading, row, splitLabel, segments);
    }
  }
  return reading;
}

function emptyReading(): Reading {
  return {
    columns: new Map(),
    values: [],
    bounds: [],
    bySegment: new Map(),
    seriesCount: 0,
    nanSegments: new Set(),
    badBoundSegments: new Set(),
    nonInteger: false,
    labelsCarried: new Set(),
  };
}

function accumulate(reading: Reading, row: SampleRow, splitLabel: string, segments: Segments): void {
  if (reading.labelsCarried.size < segments.groupBy.length) {
    for (const label of segments.groupBy) {
      if (row.labels[label] !== undefined) {
        reading.labelsCarried.add(label);
      }
    }
  }
  add(reading, segments.of(row.labels), splitLabel, row.labels[splitLabel] ?? '', row.value);
}

/** Add one series' value to its segment's sum for its split-label value (`le`, `outcome`…). */
function add(reading: Reading, key: Segment, splitLabel: string, splitValue: string, value: number): void {
  reading.seriesCount++;
  if (!Number.isFinite(value)) {
    reading.nanSegments.add(key);
    return;
  }
  let column = reading.columns.get(splitValue);
  if (column === undefined) {
    column = reading.values.push(splitValue) - 1;
    reading.columns.set(splitValue, column);
    reading.bounds.push(splitLabel === 'le' ? parsePrometheusFloat(splitValue) : NaN);
  }
  if (splitLabel === 'le' && Number.isNaN(reading.bounds[column])) {
    reading.badBoundSegments.add(key);
    return;
  }
  reading.nonInteger ||= !Number.isInteger(value);
  let sums = reading.bySegment.get(key);
  if (!sums) {
    sums = { columns: [], sums: [], slot: [] };
    reading.bySegment.set(key, sums);
  }
  const slot = sums.slot[column];
  if (slot === undefined) {
    sums.slot[column] = sums.columns.push(column) - 1;
    sums.sums.push(0 + value);
  } else {
    sums.sums[slot] += value;
  }
}

// ---------------------------------------------------------------------------------------------------
// History: the same statistic over past window-vs-baseline pairs of the window's length, read with one
// range query per metric (two when the baseline lies further back than the history reaches).

/** Where the past pairs lie: window-side blocks end at `ends`, each baseline block `lag` seconds earlier. */
interface HistoryPlan {
  length: number;
  lag: number;
  ends: number[];
  /** Intervals no past block may touch: other incidents, and the report's own window. */
  avoid: Interval[];
}

function historyPlan(window: Interval, baseline: Interval, avoid: Interval[]): HistoryPlan | null {
  const length = window.to - window.from;
  if (baseline.to - baseline.from !== length) {
    return null;
  }
  const lag = window.to - baseline.to;
  const count = Math.max(1, Math.min(HISTORY_PAIRS, Math.floor(HISTORY_SPAN_SECONDS / length)));
  const ends = Array.from({ length: count }, (_, k) => window.from - k * length);
  return { length, lag, ends, avoid: [...avoid, window] };
}

/** Past pairs of readings [window side, baseline side] of one query by the window side's end time, usable ones only. */
async function readHistory(
  runner: QueryRunner,
  plan: HistoryPlan,
  expr: (rangeSeconds: number) => string,
  splitLabel: string,
  segments: Segments
): Promise<Map<number, Pair>> {
  const query = expr(plan.length);
  const newest = plan.ends[0];
  const oldest = plan.ends[plan.ends.length - 1];
  // With the preceding interval as baseline one query holds both sides; otherwise a second one, lag earlier.
  const sameQuery = plan.lag > 0 && plan.lag % plan.length === 0 && plan.lag <= newest - oldest + plan.length;
  const windowSide = runner.range(query, sameQuery ? oldest - plan.lag : oldest, newest, plan.length);
  const baselineSide = sameQuery ? windowSide : runner.range(query, oldest - plan.lag, newest - plan.lag, plan.length);
  const [a, b] = await Promise.all([windowSide, baselineSide]);
  const byTimeA = readingsByTime(a, splitLabel, segments);
  const byTimeB = sameQuery ? byTimeA : readingsByTime(b, splitLabel, segments);
  const touches = (end: number) => plan.avoid.some((x) => x.from < end && end - plan.length < x.to);
  const pairs = new Map<number, Pair>();
  // The source's own timestamps (Grafana aligns a range query's start to its step), window side newest first.
  for (const time of [...byTimeA.keys()].sort((x, y) => y - x)) {
    const past = byTimeB.get(time - plan.lag);
    if (time <= newest && past && !touches(time) && !touches(time - plan.lag)) {
      pairs.set(time, [byTimeA.get(time)!, past]);
    }
  }
  return pairs;
}

function readingsByTime(series: RangeSeries[], splitLabel: string, segments: Segments): Map<number, Reading> {
  const byTime = new Map<number, Reading>();
  for (const { labels, samples } of series) {
    const key = segments.of(labels);
    const splitValue = labels[splitLabel] ?? '';
    for (const { time, value } of samples) {
      let reading = byTime.get(time);
      if (!reading) {
        reading = emptyReading();
        byTime.set(time, reading);
      }
      add(reading, key, splitLabel, splitValue, value);
    }
  }
  return byTime;
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) {
    total += v;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------------
// Comparing: each statistic's shift, tested against the same statistic's shifts in the past pairs.

/** Counts as read; the rate and its interval only when they mean something (a total, trusted data). */
function proportionSide({ events, total }: Counts, trusted: boolean): ProportionSide {
  return total > 0 && trusted
    ? { events, total, rate: events / total, ci95: wilsonInterval(events, total) }
    : { events, total, rate: null, ci95: null };
}

type Counts = { events: number; total: number };

/** A test as the report shows it; its q-value is filled in once every test of the report is known. */
function significance(
  statistic: SignificanceTest['statistic'],
  test: ShiftTest | null,
  pairs: number
): SignificanceTest {
  return {
    statistic,
    z: test && Number.isFinite(test.z) ? test.z : null,
    pValue: test && Number.isFinite(test.pValue) ? test.pValue : null,
    qValue: null,
    independentPValue: test && Number.isFinite(test.independentPValue) ? test.independentPValue : null,
    dispersion: test ? test.dispersion.phi : null,
    dispersionSource: test?.dispersion.source ?? (pairs >= MIN_HISTORY_PAIRS ? 'history' : 'too_little_history'),
    historyPairs: test?.dispersion.pairs ?? pairs,
    degreesOfFreedom: test?.dispersion.degreesOfFreedom ?? null,
  };
}

/** Test a shift against the past ones, or nothing when the shift itself cannot be computed. */
function tested(shift: Shift | null, history: Array<Shift | null>): ShiftTest | null {
  return shift ? testShift(shift, history) : null;
}

function compareProportions(
  sli: ProportionSli,
  segment: Record<string, string>,
  windowCounts: Counts,
  baselineCounts: Counts,
  trusted: boolean,
  history: Counts[][]
): ProportionFinding {
  const window = proportionSide(windowCounts, trusted);
  const baseline = proportionSide(baselineCounts, trusted);
  const shiftOf = ([w, b]: Counts[]) =>
    w.events <= w.total && b.events <= b.total
      ? proportionShift(w.events, w.total, b.events, b.total, FALLBACK_WANDER.relative)
      : null;
  const testable = window.rate !== null && baseline.rate !== null;
  const past = history.map(shiftOf).filter((shift) => shift !== null);
  const test = significance(
    'rate',
    testable ? tested(shiftOf([windowCounts, baselineCounts]), past) : null,
    past.length
  );
  const absolute = window.rate !== null && baseline.rate !== null ? window.rate - baseline.rate : null;
  const relative = absolute !== null && baseline.rate ? absolute / baseline.rate : null;
  return {
    kind: 'proportion',
    sli: sli.id,
    title: sli.title,
    segment,
    verdict: 'ok',
    reason: '',
    pValue: test.pValue,
    qValue: null,
    tests: [test],
    tooNoisy: false,
    window,
    baseline,
    change: { absolute, relative },
    excessEvents: baseline.rate !== null ? window.events - window.total * baseline.rate : null,
  };
}

function quantileOrNull(q: number, histogram: Histogram): number | null {
  const value = histogramQuantile(q, histogram);
  return Number.isFinite(value) ? value : null;
}

function distributionSide({ histogram, count }: HistogramSide): DistributionSide {
  return {
    count,
    p50: quantileOrNull(0.5, histogram),
    p95: quantileOrNull(0.95, histogram),
    p99: quantileOrNull(0.99, histogram),
  };
}

/** One side of a distribution: its buckets normalised once for every statistic, and its le="+Inf" count as read. */
interface HistogramSide {
  histogram: Histogram;
  count: number;
}

const NO_BUCKETS: HistogramSide = { histogram: Histogram.fromBuckets([], []), count: 0 };

const NO_SUMS: Sums = { columns: [], sums: [], slot: [] };

/** The observations a segment's histogram counts: its first le="+Inf" bucket as read (0 without one). */
function observationsOf(reading: Reading, key: Segment): number {
  const { columns, sums } = reading.bySegment.get(key) ?? NO_SUMS;
  const inf = columns.findIndex((column) => reading.bounds[column] === Infinity);
  return inf < 0 ? 0 : sums[inf];
}

function histogramSide(reading: Reading, key: Segment, where: string): HistogramSide {
  const { columns, sums } = reading.bySegment.get(key) ?? NO_SUMS;
  return {
    // The histogram keeps the sums as its counts: a reading is not changed once read.
    histogram: Histogram.fromBuckets(
      columns.map((column) => reading.bounds[column]),
      sums,
      where
    ),
    count: observationsOf(reading, key),
  };
}

type HistogramPair = [window: Histogram, baseline: Histogram];

/** Both sides on the bucket bounds they share (a release may have changed the layout). */
function aligned([window, baseline]: [HistogramSide, HistogramSide]): HistogramPair & { dropped?: boolean } {
  const both = Histogram.aligned(window.histogram, baseline.histogram);
  return Object.assign([both.window, both.baseline] as HistogramPair, { dropped: both.dropped });
}

function compareDistributions(
  sli: DistributionSli,
  segment: Record<string, string>,
  windowBuckets: HistogramSide,
  baselineBuckets: HistogramSide,
  caveats: Set<string>,
  history: Array<[HistogramSide, HistogramSide]>
): DistributionFinding {
  const window = distributionSide(windowBuckets);
  const baseline = distributionSide(baselineBuckets);
  const headlineKey = sli.headlineQuantile === 0.95 ? 'p95' : 'p50';
  const w = window[headlineKey];
  const b = baseline[headlineKey];
  const usable = history.filter(([pw, pb]) => pw.count > 0 && pb.count > 0).map(aligned);
  const quantileOf = ([pw, pb]: HistogramPair) =>
    quantileShift(sli.headlineQuantile, pw, pb, FALLBACK_WANDER.logQuantile);
  const tailOf = ([pw, pb]: HistogramPair) => tailShareShift(sli.badDirection, pw, pb, FALLBACK_WANDER.relative);
  const finding: DistributionFinding = {
    kind: 'distribution',
    sli: sli.id,
    title: sli.title,
    unit: sli.unit,
    segment,
    verdict: 'ok',
    reason: '',
    pValue: null,
    qValue: null,
    tests: [],
    tooNoisy: false,
    window,
    baseline,
    headline: { quantile: headlineKey, relativeChange: w !== null && b !== null && b !== 0 ? (w - b) / b : null },
    psi: null,
    ks: null,
    jsDistance: null,
    shareBeyondBaselineP95: null,
  };
  const testable = window.count > 0 && baseline.count > 0;
  const both = testable ? aligned([windowBuckets, baselineBuckets]) : null;
  if (both?.dropped) {
    caveats.add(
      `${sli.title}: the bucket layout differs between window and baseline; they are compared on the bucket bounds both have.`
    );
  }
  const pastQuantile = usable.map(quantileOf).filter((shift) => shift !== null);
  const pastTail = usable.map((pair) => tailOf(pair)?.shift ?? null).filter((shift) => shift !== null);
  const tail = both ? tailOf(both) : null;
  finding.tests = [
    significance('headline_quantile', both ? tested(quantileOf(both), pastQuantile) : null, pastQuantile.length),
    significance('tail_share', tail ? tested(tail.shift, pastTail) : null, pastTail.length),
  ];
  finding.pValue = finding.tests[0].pValue;
  if (both) {
    const wCounts = both[0].counts().counts;
    const bCounts = both[1].counts().counts;
    finding.psi = finiteOrNull(populationStabilityIndex(wCounts, bCounts));
    finding.ks = finiteOrNull(ksStatistic(wCounts, bCounts));
    finding.jsDistance = finiteOrNull(jensenShannonDistance(wCounts, bCounts));
    finding.shareBeyondBaselineP95 = tail ? tail.windowShare : null;
  }
  return finding;
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

// ---------------------------------------------------------------------------------------------------
// Judging: regression size in the bad direction, each size tested by the statistic it is about, a stricter
// significance bar to page than to investigate.

const EXPECTED_TAIL_SHARE = 0.05;

/** How far the finding moved in its bad direction, relative to the baseline (Infinity from a zero baseline). */
function regressionOf(finding: Finding, definition: SliDefinition): number {
  if (finding.kind === 'proportion') {
    const { window, baseline } = finding;
    if (window.rate === null || baseline.rate === null) {
      return 0;
    }
    return baseline.rate === 0 ? (window.rate > 0 ? Infinity : 0) : (window.rate - baseline.rate) / baseline.rate;
  }
  const change = finding.headline.relativeChange ?? 0;
  const direction = (definition as DistributionSli).badDirection;
  return direction === 'higher' ? change : direction === 'lower' ? -change : Math.abs(change);
}

/** One way a finding can regress: how far (its level), in words, and the test that must back it. */
interface Route {
  level: Verdict;
  why: string;
  test: SignificanceTest;
}

function routesOf(finding: Finding, definition: SliDefinition, t: Thresholds): Route[] {
  const regression = regressionOf(finding, definition);
  const level: Verdict = regression >= t.page ? 'page' : regression >= t.investigate ? 'investigate' : 'ok';
  if (finding.kind === 'proportion') {
    return [
      { level, why: `rate ${formatSignedPercent(finding.change.relative ?? regression)}`, test: finding.tests[0] },
    ];
  }
  // Say the change as it happened (a similarity drop reads −23%), not as its regression score.
  const routes: Route[] = [
    {
      level,
      why: `${finding.headline.quantile} ${formatSignedPercent(finding.headline.relativeChange ?? 0)}`,
      test: finding.tests[0],
    },
  ];
  // PSI is blind to direction: it only counts when more of the window sits on the bad side than expected,
  // and it is backed by the test of that tail share.
  if (finding.psi !== null && (finding.shareBeyondBaselineP95 ?? 0) > EXPECTED_TAIL_SHARE) {
    const psiLevel: Verdict =
      finding.psi >= t.psiPage ? 'page' : finding.psi >= t.psiInvestigate ? 'investigate' : 'ok';
    routes.push({ level: psiLevel, why: `PSI ${formatStatistic(finding.psi)}`, test: finding.tests[1] });
  }
  return routes;
}

function rank(verdict: Verdict): number {
  return ['ok', 'investigate', 'page'].indexOf(verdict);
}

/** The verdict a route earns: its level, capped by what its q-value supports (a page needs q < pageFdr). */
function earned(route: Route, t: Thresholds): Verdict {
  const q = route.test.qValue;
  const supports: Verdict = q === null ? 'ok' : q < t.pageFdr ? 'page' : q < t.fdr ? 'investigate' : 'ok';
  return rank(route.level) <= rank(supports) ? route.level : supports;
}

function volumeOf(finding: Finding): { window: number; baseline: number } {
  return finding.kind === 'proportion'
    ? { window: finding.window.total, baseline: finding.baseline.total }
    : { window: finding.window.count, baseline: finding.baseline.count };
}

const NAN_REASON = 'some series returned NaN or ±Inf in this segment';
const BAD_BOUND_REASON = 'a histogram bucket bound (le) in this segment is not a number';

function dispersionPhrase(test: SignificanceTest): string {
  if (test.dispersion === null) {
    return '';
  }
  return test.dispersionSource === 'history'
    ? `dispersion ${formatStatistic(test.dispersion)} from ${test.historyPairs} past windows`
    : `fallback dispersion ${formatStatistic(test.dispersion)}, too little history (${test.historyPairs} past windows)`;
}

function judge(finding: Finding, definition: SliDefinition, t: Thresholds, tainted: string | null): void {
  const noun = definition.totalNoun;
  const volume = volumeOf(finding);
  if (tainted) {
    finding.verdict = 'insufficient_data';
    finding.reason = tainted;
    return;
  }
  if (volume.window === 0 && volume.baseline > 0) {
    finding.verdict = 'no_data';
    finding.reason = `no ${noun} in the window, ${formatCount(volume.baseline)} in the baseline: traffic stopped or the metric is no longer reported`;
    return;
  }
  if (volume.window < t.minVolume || volume.baseline < t.minVolume) {
    const side = volume.window < t.minVolume ? 'window' : 'baseline';
    finding.verdict = 'insufficient_data';
    finding.reason = `${formatCount(volume[side])} ${noun} in the ${side}, below the minimum volume of ${formatCount(t.minVolume)}`;
    return;
  }
  const routes = routesOf(finding, definition, t);
  // The route that decides: the highest verdict earned; among equals, the highest level (the most telling "why").
  const decided = routes.reduce((best, route) => {
    const [a, b] = [rank(earned(route, t)), rank(earned(best, t))];
    return a > b || (a === b && rank(route.level) > rank(best.level)) ? route : best;
  });
  const verdict = earned(decided, t);
  const { why, test } = decided;
  finding.pValue = test.pValue;
  finding.qValue = test.qValue;
  const q = test.qValue === null ? 'q not computable' : `q = ${formatStatistic(test.qValue)}`;
  const noise = dispersionPhrase(test);
  finding.verdict = verdict;
  if (decided.level === 'ok') {
    finding.reason = `${why}: below the investigate threshold of ${formatSignedPercent(t.investigate)} in the bad direction`;
  } else if (verdict === 'ok') {
    // Independent requests would have called it; this traffic's own variation does not.
    finding.tooNoisy = routes.some((r) => r.level !== 'ok' && (r.test.independentPValue ?? 1) < t.fdr);
    finding.reason = `${why}, but not significant (${q} ≥ ${t.fdr}${noise ? `; ${noise}` : ''})`;
  } else if (verdict !== decided.level) {
    finding.reason = `${why}, q = ${formatStatistic(test.qValue!)}: significant enough to investigate, not to page (q ≥ ${t.pageFdr})${noise ? `; ${noise}` : ''}`;
  } else {
    finding.reason = `${why}, ${q}${noise ? `; ${noise}` : ''}`;
  }
}
// ---------------------------------------------------------------------------------------------------

function validated(options: ImpactOptions) {
  const { window } = options;
  if (!Number.isFinite(window.from) || !Number.isFinite(window.to)) {
    throw new ImpactOptionsError('the window needs a start and an end');
  }
  if (window.to <= window.from) {
    throw new ImpactOptionsError(
      `the window ends (${toReportTime(window.to)}) before it starts (${toReportTime(window.from)})`
    );
  }
  const baseline = resolveBaseline(window, options.baseline);
  if (!(baseline.to > baseline.from)) {
    throw new ImpactOptionsError(
      `the baseline ends (${toReportTime(baseline.to)}) before it starts (${toReportTime(baseline.from)})`
    );
  }
  const all = options.definitions ?? SLI_DEFINITIONS;
  const unknown = (options.slis ?? []).filter((id) => !all.some((d) => d.id === id));
  if (unknown.length > 0) {
    throw new ImpactOptionsError(`unknown SLI ${unknown.join(', ')}; known: ${all.map((d) => d.id).join(', ')}`);
  }
  const definitions = options.slis ? all.filter((d) => options.slis!.includes(d.id)) : all;
  let selector: string;
  let groupBy: string[];
  try {
    selector = validateSelector(options.selector ?? '');
    // The labels each counter is split by are read by the report itself.
    const reserved = ['le', ...new Set(all.flatMap((d) => (d.kind === 'proportion' ? [d.eventLabel] : [])))];
    groupBy = validateLabelNames(options.groupBy ?? [], reserved);
  } catch (error) {
    throw new ImpactOptionsError(error instanceof Error ? error.message : String(error));
  }
  return {
    window,
    baseline,
    baselinePieces: subtractIntervals(baseline, options.excludeFromBaseline ?? []),
    definitions,
    all,
    selector,
    groupBy,
    thresholds: { ...DEFAULT_THRESHOLDS, ...options.thresholds },
  };
}

/** A finding and, when its data cannot be trusted, why (it is then insufficient_data). */
type Judged = { finding: Finding; definition: SliDefinition; tainted: string | null };

/** Window and baseline readings of one metric query. */
type Pair = [window: Reading, baseline: Reading];

/** The segments any of the readings has, in the report's order. */
function segmentKeys(...readings: Reading[]): Segment[] {
  const found = new Set<Segment>();
  for (const r of readings) {
    for (const keys of [r.bySegment.keys(), r.nanSegments, r.badBoundSegments]) {
      for (const key of keys) {
        found.add(key);
      }
    }
  }
  return [...found].sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
}

function proportionFindings(
  definition: ProportionSli,
  [wEvents, bEvents]: Pair,
  [wTotals, bTotals]: Pair,
  history: { events: Map<number, Pair>; totals: Map<number, Pair> },
  minVolume: number
): Judged[] {
  const events = (r: Reading, key: Segment) => {
    const { columns, sums } = r.bySegment.get(key) ?? NO_SUMS;
    let n = 0;
    for (let i = 0; i < columns.length; i++) {
      if (isEventValue(definition, r.values[columns[i]])) {
        n += sums[i];
      }
    }
    return n;
  };
  const total = (r: Reading, key: Segment) => sum(r.bySegment.get(key)?.sums ?? []);
  // Past pairs of the same segment, where both counters were read at the same times and nothing was NaN.
  const pastPairs = [...history.events].flatMap(([time, eventsPair]) => {
    const totalsPair = history.totals.get(time);
    return totalsPair ? [[eventsPair, totalsPair] as const] : [];
  });
  const pastCounts = (key: Segment): Counts[][] =>
    pastPairs.flatMap(([[ew, eb], [tw, tb]]) => {
      if ([ew, eb, tw, tb].some((r) => r.nanSegments.has(key))) {
        return [];
      }
      const counts = [
        { events: events(ew, key), total: total(tw, key) },
        { events: events(eb, key), total: total(tb, key) },
      ];
      return counts.every((c) => c.total >= Math.max(1, minVolume)) ? [counts] : [];
    });
  return segmentKeys(wTotals, bTotals).map((key) => {
    const windowCounts = { events: events(wEvents, key), total: total(wTotals, key) };
    const baselineCounts = { events: events(bEvents, key), total: total(bTotals, key) };
    const nan = [wEvents, bEvents, wTotals, bTotals].some((r) => r.nanSegments.has(key));
    // Events read from another counter than the total (detections per request) can outnumber it.
    const overfull = windowCounts.events > windowCounts.total || baselineCounts.events > baselineCounts.total;
    const tainted = nan
      ? NAN_REASON
      : overfull
        ? `more ${definition.eventNoun} than ${definition.totalNoun}: not a proportion`
        : null;
    return {
      definition,
      tainted,
      finding: compareProportions(
        definition,
        key.labels,
        windowCounts,
        baselineCounts,
        tainted === null,
        pastCounts(key)
      ),
    };
  });
}

function distributionFindings(
  definition: DistributionSli,
  [wBuckets, bBuckets]: Pair,
  caveats: Set<string>,
  history: Map<number, Pair>,
  minVolume: number
): Judged[] {
  const pastBuckets = (key: Segment): Array<[HistogramSide, HistogramSide]> =>
    [...history.values()].flatMap(([w, b]) => {
      if (w.nanSegments.has(key) || b.nanSegments.has(key)) {
        return [];
      }
      const enough = [w, b].every((side) => observationsOf(side, key) >= Math.max(1, minVolume));
      return enough
        ? [[histogramSide(w, key, 'alignBuckets (window)'), histogramSide(b, key, 'alignBuckets (baseline)')]]
        : [];
    });
  return segmentKeys(wBuckets, bBuckets).map((key) => {
    // A NaN bucket makes the whole histogram of that segment unreadable: compare nothing rather than guess.
    const nan = wBuckets.nanSegments.has(key) || bBuckets.nanSegments.has(key);
    const badBound = wBuckets.badBoundSegments.has(key) || bBuckets.badBoundSegments.has(key);
    const tainted = nan ? NAN_REASON : badBound ? BAD_BOUND_REASON : null;
    const side = (r: Reading) => (tainted ? NO_BUCKETS : histogramSide(r, key, 'histogramQuantile'));
    const [window, baseline] = [side(wBuckets), side(bBuckets)];
    return {
      definition,
      tainted,
      finding: compareDistributions(definition, key.labels, window, baseline, caveats, tainted ? [] : pastBuckets(key)),
    };
  });
}

const hasSeries = ([w, b]: Pair) => w.seriesCount + b.seriesCount > 0;

export async function buildImpactReport(source: MetricsSource, options: ImpactOptions): Promise<ImpactReport> {
  const o = validated(options);
  const runner = new QueryRunner(source);
  const segments = new Segments(o.groupBy);
  const caveats = new Set<string>();

  const readPair = (expr: (range: number) => string, splitLabel: string): Promise<Pair> =>
    Promise.all([
      read(runner, expr, [o.window], splitLabel, segments),
      read(runner, expr, o.baselinePieces, splitLabel, segments),
    ]);
  // A counter's increase split by the label that tells events apart (outcome, error_type…), with the SLI's matchers.
  const counterQuery =
    (metric: string, split: string, matchers?: string) =>
    (range: number): string =>
      counterIncreaseQuery(metric, split, o.selector, o.groupBy, range, matchers);
  const plan = historyPlan(o.window, o.baseline, options.excludeFromBaseline ?? []);
  if (!plan) {
    caveats.add(
      'The baseline is not as long as the window, so there are no past pairs to measure the noise on: every test uses the fallback dispersion.'
    );
  }
  // SLIs of one counter (refusal, error, timeout) share its history: read and parsed once.
  const histories = new Map<string, Promise<Map<number, Pair>>>();
  const historyOf = (expr: (range: number) => string, split: string): Promise<Map<number, Pair>> => {
    const key = expr(0);
    let history = histories.get(key);
    if (!history) {
      history = readHistoryOrNothing(expr, split);
      histories.set(key, history);
    }
    return history;
  };
  const readHistoryOrNothing = async (expr: (range: number) => string, split: string): Promise<Map<number, Pair>> => {
    if (!plan) {
      return new Map();
    }
    try {
      return await readHistory(runner, plan, expr, split, segments);
    } catch (error) {
      caveats.add(
        `The history could not be read (${error instanceof Error ? error.message : String(error)}): every test uses the fallback dispersion.`
      );
      return new Map();
    }
  };

  // All queries start at once (the runner bounds concurrency and shares identical ones between SLIs).
  const perSli = await Promise.all(
    o.definitions.map(
      async (definition): Promise<{ definition: SliDefinition; pairs: Pair[]; judged: () => Judged[] }> => {
        if (definition.kind === 'proportion') {
          // Events and totals of one counter are one query (the runner shares it); a separate total counter
          // is split by its own label.
          const eventQuery = counterQuery(definition.metric, definition.eventLabel, definition.matchers);
          const totalSplit = definition.totalMetric
            ? splitLabelOf(definition.totalMetric, o.all)
            : definition.eventLabel;
          const totalQuery = definition.totalMetric ? counterQuery(definition.totalMetric, totalSplit) : eventQuery;
          const [events, totals, pastEvents, pastTotals] = await Promise.all([
            readPair(eventQuery, definition.eventLabel),
            readPair(totalQuery, totalSplit),
            historyOf(eventQuery, definition.eventLabel),
            historyOf(totalQuery, totalSplit),
          ]);
          const history = { events: pastEvents, totals: pastTotals };
          return {
            definition,
            pairs: [events, totals],
            judged: () => proportionFindings(definition, events, totals, history, o.thresholds.minVolume),
          };
        }
        const expr = (range: number) => bucketIncreaseQuery(definition, o.selector, o.groupBy, range);
        const [buckets, history] = await Promise.all([readPair(expr, 'le'), historyOf(expr, 'le')]);
        return {
          definition,
          pairs: [buckets],
          judged: () => distributionFindings(definition, buckets, caveats, history, o.thresholds.minVolume),
        };
      }
    )
  );

  const missingSlis = perSli.filter((s) => !hasSeries(s.pairs[0])).map((s) => s.definition.id);
  const measured = perSli.filter((s) => hasSeries(s.pairs[0]));
  const findings = measured.flatMap((s) => {
    noteReadings(caveats, s.pairs.flat());
    return s.judged();
  });
  noteUncarriedLabels(
    caveats,
    o.groupBy,
    measured.map((s) => ({ title: s.definition.title, readings: s.pairs.flat() }))
  );

  // Benjamini–Yekutieli across every test of the report: more segments do not mean more false pages, and it
  // holds for the dependence between the exclusive outcomes of the same requests.
  const tests = findings.flatMap(({ finding }) => finding.tests);
  const qValues = benjaminiYekutieli(tests.map((test) => test.pValue ?? NaN));
  tests.forEach((test, i) => {
    test.qValue = Number.isFinite(qValues[i]) ? qValues[i] : null;
  });
  for (const { finding, definition, tainted } of findings) {
    judge(finding, definition, o.thresholds, tainted);
  }

  return {
    window: toReportInterval(o.window),
    baseline: {
      ...toReportInterval(o.baseline),
      mode: options.baseline?.mode ?? 'preceding',
      excluded: subtractIntervals(o.baseline, o.baselinePieces).map(toReportInterval),
    },
    selector: o.selector,
    groupBy: o.groupBy,
    thresholds: o.thresholds,
    findings: findings.map(({ finding }) => finding),
    missingSlis,
    queries: runner.log,
    caveats: [...collectCaveats(o), ...caveats],
  };
}

/** A `--by` label that no series of an SLI carries: say so, rather than show one segment with an empty value. */
function noteUncarriedLabels(
  caveats: Set<string>,
  groupBy: string[],
  slis: Array<{ title: string; readings: Reading[] }>
): void {
  for (const label of groupBy) {
    const without = slis.filter((s) => !s.readings.some((r) => r.labelsCarried.has(label))).map((s) => s.title);
    if (without.length > 0) {
      caveats.add(
        `No series of ${without.join(', ')} carries the label '${label}', so ${without.length === 1 ? 'its findings are' : 'their findings are'} not split by it (one segment with ${label} empty). \`aisre doctor\` lists the labels that can segment each SLI.`
      );
    }
  }
}

function noteReadings(caveats: Set<string>, readings: Reading[]): void {
  if (readings.some((r) => r.nanSegments.size > 0)) {
    caveats.add('Some series returned NaN or ±Inf; their segments are marked insufficient_data rather than guessed.');
  }
  if (readings.some((r) => r.badBoundSegments.size > 0)) {
    caveats.add(
      'Some histogram buckets have a bound (le) that is not a number; their segments are marked insufficient_data.'
    );
  }
  if (readings.some((r) => r.nonInteger)) {
    caveats.add(
      'Counts come from increase(), which extrapolates to the interval edges: they can be fractional and differ from the exact number of events by up to one scrape interval at each edge.'
    );
  }
}

function collectCaveats(o: ReturnType<typeof validated>): string[] {
  const caveats: string[] = [];
  const covered = sum(o.baselinePieces.map((p) => p.to - p.from));
  const length = o.baseline.to - o.baseline.from;
  if (covered < length) {
    caveats.push(
      covered === 0
        ? 'Other incidents cover the whole baseline, so nothing is compared against it.'
        : `Other incidents cover ${formatDuration(length - covered)} of the baseline; those parts are left out.`
    );
  }
  if (o.window.to - o.window.from < 300) {
    caveats.push('The window is shorter than 5 minutes: a few scrapes decide every count.');
  }
  return caveats;
}
