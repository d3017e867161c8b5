/**
 * The impact report: reads a window and its baseline through a MetricsSource, compares every SLI in every
 * segment, and judges each comparison (ok / investigate / page / insufficient_data) as docs/DESIGN.md defines.
 * Every number the panel, the pages and the CLI show is computed here or in ./stats, and nowhere else.
 */
import {
  bucketIncreaseQuery,
  counterIncreaseQuery,
  isEventValue,
  SLI_DEFINITIONS,
  splitLabelOf,
  splitLabels,
  validateLabelNames,
  validateSelector,
  type DistributionSli,
  type ProportionSli,
  type SliDefinition,
  type SliId,
} from './metrics';
import {
  type BucketShares,
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
import { formatCount, formatDuration, formatSignedPercent, formatStatistic, rfc3339 as toReportTime } from './format';
import {
  MetricsSourceError,
  parsePrometheusFloat,
  type Interval,
  type MetricsSource,
  type RangeSeries,
  type SampleRow,
} from './source';
import {
  benjaminiYekutieli,
  FALLBACK_WANDER,
  MIN_HISTORY_PAIRS,
  persistencePValue,
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
const WEEK_SECONDS = 7 * DAY_SECONDS;
/** Queries in flight at once: enough to hide latency, few enough to be polite to a shared Prometheus. */
const QUERY_CONCURRENCY = 4;
/** Past window-vs-baseline pairs read to measure each statistic's dispersion (a week of one-hour windows)… */
const HISTORY_PAIRS = 168;
/** …reaching at most this far back before the window (plus the baseline's lag). */
const HISTORY_SPAN_SECONDS = 14 * DAY_SECONDS;

export type BaselineSpec =
  | { mode: 'preceding' }
  | { mode: 'days_earlier'; days: number }
  | { mode: 'fixed'; from: number; to: number }
  /** Per count, the median of the same window 1…`weeks` weeks earlier: one odd hour or day does not set it. */
  | { mode: 'median_weeks'; weeks: number };

/** Weeks a median_weeks baseline takes by default: an odd number, so one unusual week is outvoted. */
export const DEFAULT_MEDIAN_WEEKS = 3;

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
  /** The metrics contract, remapped by the app's configuration (default: docs/DESIGN.md's names). */
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
    case 'median_weeks':
      // The span of its weeks: from the earliest week's window start to the latest's end.
      return { from: window.from - spec.weeks * WEEK_SECONDS, to: window.to - WEEK_SECONDS };
  }
}

// ---------------------------------------------------------------------------------------------------
// Excluded intervals: merged once (O(n log n)), then asked by binary search.

/** The intervals sorted and joined where they overlap or touch; empty ones dropped. */
export function mergeIntervals(intervals: Interval[]): Interval[] {
  const merged: Interval[] = [];
  for (const { from, to } of intervals.filter((i) => i.to > i.from).sort((a, b) => a.from - b.from)) {
    const last = merged[merged.length - 1];
    if (last && from <= last.to) {
      last.to = Math.max(last.to, to);
    } else {
      merged.push({ from, to });
    }
  }
  return merged;
}

/** Whether (from, to) overlaps one of `merged` (mergeIntervals' output): a binary search. */
export function overlapsAny(merged: Interval[], from: number, to: number): boolean {
  let low = 0;
  let high = merged.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (merged[middle].to <= from) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low < merged.length && merged[low].from < to;
}

/** `base` without the parts covered by `excluded`, as the ordered pieces that remain. */
export function subtractIntervals(base: Interval, excluded: Interval[]): Interval[] {
  const pieces: Interval[] = [];
  let start = base.from;
  for (const cut of mergeIntervals(excluded)) {
    if (cut.to <= start || cut.from >= base.to) {
      continue;
    }
    if (cut.from > start) {
      pieces.push({ from: start, to: cut.from });
    }
    start = cut.to;
  }
  if (start < base.to) {
    pieces.push({ from: start, to: base.to });
  }
  return pieces;
}

/** Fewest seconds one baseline step covers: five scrapes at a 1-minute interval, so each step has samples to read. */
const MIN_BASELINE_STEP = 300;
/** Most samples per series one range query asks for (Prometheus refuses more than 11,000). */
const MAX_POINTS = 10_000;

/**
 * The step the baseline is read in: the baseline's length divided into as many equal whole-minute steps of at
 * least MIN_BASELINE_STEP as MAX_POINTS allows; the whole baseline when it is not a whole number of minutes.
 */
export function baselineStep(length: number): number {
  if (!Number.isInteger(length) || length % 60 !== 0) {
    return length;
  }
  const minutes = length / 60;
  for (let n = Math.min(Math.floor(length / MIN_BASELINE_STEP), MAX_POINTS); n > 1; n--) {
    if (minutes % n === 0) {
      return length / n;
    }
  }
  return length;
}

/** `count` consecutive blocks of `step` seconds ending at `end`, newest first (in whole milliseconds). */
function blocksBefore(end: number, step: number, count: number): Interval[] {
  const [endMs, stepMs] = [Math.round(end * 1000), Math.round(step * 1000)];
  return Array.from({ length: count }, (_, k) => ({
    from: (endMs - (k + 1) * stepMs) / 1000,
    to: (endMs - k * stepMs) / 1000,
  }));
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

  get canRange(): boolean {
    return this.source.rangeQuery !== undefined;
  }

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
// Reading in blocks: a range query whose samples are consecutive blocks of one length. Per SLI family (one
// metric query) the report runs two of them, whatever the number of excluded incidents: the window and its
// history in one, the baseline in the other.

/** An increase query over `range` seconds, the interval read ending `offset` seconds before the evaluation time. */
type IncreaseQuery = (range: number, offset?: number) => string;

/** Readings of one range query by the end (Unix milliseconds) of the block each sample covers. */
type Blocks = Map<number, Reading>;

const ms = (seconds: number) => Math.round(seconds * 1000);

/**
 * `count` blocks of `range` seconds ending at `end`, end − step, … from one range query. It is evaluated at
 * multiples of the step with an `offset` back to `end`, so backends that align a range query to its step
 * (Grafana's promlib AlignTimeRange, Mimir's step alignment, VictoriaMetrics' cache) evaluate it at the asked
 * times; an answer on another grid is refused rather than misread.
 */
async function readBlocks(
  runner: QueryRunner,
  expr: IncreaseQuery,
  block: { range: number; end: number; step: number; count: number },
  splitLabel: string,
  segments: Segments
): Promise<Blocks> {
  const stepMs = ms(block.step);
  const lastMs = Math.ceil(ms(block.end) / stepMs) * stepMs;
  const offsetMs = lastMs - ms(block.end);
  const firstMs = lastMs - (block.count - 1) * stepMs;
  const series = await runner.range(expr(block.range, offsetMs / 1000), firstMs / 1000, lastMs / 1000, block.step);
  const blocks: Blocks = new Map();
  for (const { labels, samples } of series) {
    const key = segments.of(labels);
    const splitValue = labels[splitLabel] ?? '';
    for (const { time, value } of samples) {
      const at = ms(time);
      if (!Number.isFinite(at)) {
        // A sample without a readable time: its series cannot be trusted anywhere in the answer.
        for (let t = firstMs; t <= lastMs; t += stepMs) {
          add(blockAt(blocks, t - offsetMs), key, splitLabel, splitValue, NaN);
        }
        continue;
      }
      if (at < firstMs || at > lastMs || (at - firstMs) % stepMs !== 0) {
        throw new MetricsSourceError(
          `the metrics source answered a range query at ${toReportTime(time)}, off the ${block.step} s steps it was asked for`
        );
      }
      add(blockAt(blocks, at - offsetMs), key, splitLabel, splitValue, value);
    }
  }
  return blocks;
}

function blockAt(blocks: Blocks, end: number): Reading {
  let reading = blocks.get(end);
  if (!reading) {
    reading = emptyReading();
    blocks.set(end, reading);
  }
  return reading;
}

/** Several readings as one: counts added (the pieces of a baseline), or their per-count median (median_weeks). */
function combine(readings: Reading[], how: 'sum' | 'median'): Reading {
  if (readings.length === 1) {
    // The sum or median of one reading is that reading (readings are not changed once read).
    return readings[0];
  }
  const out = emptyReading();
  const keys = new Set<Segment>();
  for (const r of readings) {
    out.seriesCount += r.seriesCount;
    out.nonInteger ||= r.nonInteger;
    r.nanSegments.forEach((k) => out.nanSegments.add(k));
    r.badBoundSegments.forEach((k) => out.badBoundSegments.add(k));
    r.labelsCarried.forEach((l) => out.labelsCarried.add(l));
    r.bySegment.forEach((_, k) => keys.add(k));
  }
  for (const key of keys) {
    // The segment's values in the order the readings met them; each reading numbers its columns its own way.
    const values = new Set<string>();
    for (const r of readings) {
      for (const column of r.bySegment.get(key)?.columns ?? []) {
        values.add(r.values[column]);
      }
    }
    const sums: Sums = { columns: [], sums: [], slot: [] };
    for (const value of values) {
      const counts = readings.map((r) => {
        const at = r.columns.get(value);
        const slot = at === undefined ? undefined : r.bySegment.get(key)?.slot[at];
        return slot === undefined ? 0 : (r.bySegment.get(key)?.sums[slot] ?? 0);
      });
      let column = out.columns.get(value);
      if (column === undefined) {
        const from = readings.find((r) => r.columns.has(value)) as Reading;
        column = out.values.push(value) - 1;
        out.columns.set(value, column);
        out.bounds.push(from.bounds[from.columns.get(value) as number]);
      }
      sums.slot[column] = sums.columns.push(column) - 1;
      sums.sums.push(how === 'sum' ? sum(counts) : lowerMedian(counts));
    }
    out.bySegment.set(key, sums);
  }
  return out;
}

/**
 * The lower median: an observed count (never a half), and, taken per bucket or per outcome, it keeps cumulative
 * buckets cumulative and events within their total (order statistics preserve ≤).
 */
function lowerMedian(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1];
}

/** How the baseline is read: blocks of one range query, those no other incident touches kept. */
interface BaselinePlan {
  block: { range: number; end: number; step: number; count: number };
  all: Interval[];
  kept: Interval[];
  how: 'sum' | 'median';
}

function baselinePlan(window: Interval, baseline: Interval, spec: BaselineSpec, excluded: Interval[]): BaselinePlan {
  const length = window.to - window.from;
  const block =
    spec.mode === 'median_weeks'
      ? { range: length, end: window.to - WEEK_SECONDS, step: WEEK_SECONDS, count: spec.weeks }
      : (() => {
          const step = baselineStep(baseline.to - baseline.from);
          return { range: step, end: baseline.to, step, count: Math.round((baseline.to - baseline.from) / step) };
        })();
  const all =
    spec.mode === 'median_weeks'
      ? blocksBefore(block.end, block.step, block.count).map((b) => ({ from: b.to - length, to: b.to }))
      : blocksBefore(block.end, block.step, block.count);
  const kept = all.filter((b) => !overlapsAny(excluded, b.from, b.to));
  return { block, all, kept, how: spec.mode === 'median_weeks' ? 'median' : 'sum' };
}

async function readBaseline(
  runner: QueryRunner,
  plan: BaselinePlan,
  expr: IncreaseQuery,
  splitLabel: string,
  segments: Segments
): Promise<Reading> {
  if (!runner.canRange) {
    // Without range queries, one instant query per run of kept blocks (more with every exclusion).
    const runs = plan.how === 'median' ? plan.kept : mergeIntervals(plan.kept);
    const readings = await Promise.all(
      runs.map(async (run) => instantReading(await runner.run(expr(run.to - run.from), run.to), splitLabel, segments))
    );
    return combine(readings, plan.how);
  }
  const blocks = await readBlocks(runner, expr, plan.block, splitLabel, segments);
  return combine(
    plan.kept.map((b) => blocks.get(ms(b.to)) ?? emptyReading()),
    plan.how
  );
}

function instantReading(rows: SampleRow[], splitLabel: string, segments: Segments): Reading {
  const reading = emptyReading();
  for (const row of rows) {
    accumulate(reading, row, splitLabel, segments);
  }
  return reading;
}

// ---------------------------------------------------------------------------------------------------
// History: the same statistic over past window-vs-baseline pairs of the window's length, read in the window's
// own range query (blocks of the window's length back from its end).

interface HistoryPlan {
  length: number;
  /** Past window-side blocks, ending at window.from, window.from − length, … */
  count: number;
  /** How many blocks before each window-side block its baseline side(s) end: one lag, or one per week. */
  lags: number[];
  how: 'sum' | 'median';
  /** Intervals no past block may touch (merged): other incidents, and the report's own window. */
  avoid: Interval[];
}

/** The plan, or why there is none (the report then uses the fallback dispersion and says so). */
function historyPlan(
  window: Interval,
  baseline: Interval,
  spec: BaselineSpec,
  excluded: Interval[]
): HistoryPlan | string {
  const length = window.to - window.from;
  let lags: number[];
  if (spec.mode === 'median_weeks') {
    lags = Array.from({ length: spec.weeks }, (_, w) => Math.round(((w + 1) * WEEK_SECONDS) / length));
  } else if (baseline.to - baseline.from !== length) {
    return 'The baseline is not as long as the window, so there are no past pairs to measure the noise on: every test uses the fallback dispersion.';
  } else {
    // A lag that is not a whole number of windows (a 7-minute window a day earlier) is rounded to one.
    lags = [Math.round((window.to - baseline.to) / length)];
  }
  if (lags[0] < 1) {
    return 'The baseline is not before the window, so there are no past pairs to measure the noise on: every test uses the fallback dispersion.';
  }
  const count = Math.min(HISTORY_PAIRS, Math.floor(HISTORY_SPAN_SECONDS / length), MAX_POINTS - 1 - Math.max(...lags));
  if (count < MIN_HISTORY_PAIRS) {
    return `The baseline lies too many windows back (${Math.max(...lags)}) to read its history in one query: every test uses the fallback dispersion.`;
  }
  return {
    length,
    count: Math.max(1, count),
    lags,
    how: spec.mode === 'median_weeks' ? 'median' : 'sum',
    avoid: mergeIntervals([...excluded, window]),
  };
}

/** The window's blocks: the window itself, then `count` past blocks and their baseline sides. */
function windowBlocks(window: Interval, plan: HistoryPlan) {
  return { range: plan.length, end: window.to, step: plan.length, count: plan.count + Math.max(...plan.lags) + 1 };
}

/** Past pairs [window side, baseline side] by the window side's end, those no incident touches. */
function historyPairs(blocks: Blocks, window: Interval, plan: HistoryPlan): Map<number, Pair> {
  const lengthMs = ms(plan.length);
  const touches = (end: number) => overlapsAny(plan.avoid, (end - lengthMs) / 1000, end / 1000);
  const pairs = new Map<number, Pair>();
  for (let k = 0; k < plan.count; k++) {
    const end = ms(window.from) - k * lengthMs;
    const past = blocks.get(end);
    const sides = plan.lags
      .map((lag) => end - lag * lengthMs)
      .filter((side) => !touches(side))
      .flatMap((side) => blocks.get(side) ?? []);
    if (past && sides.length > 0 && !touches(end)) {
      pairs.set(end, [past, plan.how === 'median' ? combine(sides, 'median') : sides[0]]);
    }
  }
  return pairs;
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
  pairs: number,
  previous: Shift | null = null
): SignificanceTest {
  return {
    previousWindowPValue: test ? persistencePValue(test, previous) : null,
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
  history: Counts[][],
  previous: Counts[] | null
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
    past.length,
    previous && shiftOf(previous)
  );
  const absolute = window.rate !== null && baseline.rate !== null ? window.rate - baseline.rate : null;
  const relative = absolute !== null && baseline.rate ? absolute / baseline.rate : null;
  return {
    kind: 'proportion',
    sli: sli.id,
    title: sli.title,
    totalNoun: sli.totalNoun,
    eventNoun: sli.eventNoun,
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
  history: Array<[HistogramSide, HistogramSide]>,
  previous: [HistogramSide, HistogramSide] | null
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
    totalNoun: sli.totalNoun,
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
  const before = previous && previous[0].count > 0 && previous[1].count > 0 ? aligned(previous) : null;
  finding.tests = [
    significance(
      'headline_quantile',
      both ? tested(quantileOf(both), pastQuantile) : null,
      pastQuantile.length,
      before && quantileOf(before)
    ),
    significance(
      'tail_share',
      tail ? tested(tail.shift, pastTail) : null,
      pastTail.length,
      before && (tailOf(before)?.shift ?? null)
    ),
  ];
  finding.pValue = finding.tests[0].pValue;
  if (both) {
    const wCounts = both[0].counts().counts;
    const bCounts = both[1].counts().counts;
    finding.psi = finiteOrNull(populationStabilityIndex(wCounts, bCounts));
    finding.ks = finiteOrNull(ksStatistic(wCounts, bCounts));
    finding.jsDistance = finiteOrNull(jensenShannonDistance(wCounts, bCounts));
    finding.shareBeyondBaselineP95 = tail ? tail.windowShare : null;
    finding.buckets = bucketShares(both[0].counts().upperBounds, wCounts, bCounts);
  }
  return finding;
}

/** Each side's counts as shares of its own total (both > 0 here), on the bounds both have: the incident page draws them. */
function bucketShares(
  upperBounds: readonly number[],
  window: readonly number[],
  baseline: readonly number[]
): BucketShares {
  const shares = (counts: readonly number[]) => {
    const total = sum(counts);
    return counts.map((count) => count / total);
  };
  return {
    le: upperBounds.map((le) => (le === Infinity ? '+Inf' : String(le))),
    window: shares(window),
    baseline: shares(baseline),
  };
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

/**
 * The verdict a route earns: its level, capped by what its q-value supports (a page needs q < pageFdr), or
 * a page-sized change significant to investigate that persists — the previous window of this length moved
 * the same way (one-sided p < fdr with the same dispersion): two windows in a row is not the noise of one.
 */
function earned(route: Route, t: Thresholds): Verdict {
  const q = route.test.qValue;
  const supports: Verdict =
    q === null ? 'ok' : q < t.pageFdr || (q < t.fdr && persists(route, t)) ? 'page' : q < t.fdr ? 'investigate' : 'ok';
  return rank(route.level) <= rank(supports) ? route.level : supports;
}

function persists(route: Route, t: Thresholds): boolean {
  return route.level === 'page' && (route.test.previousWindowPValue ?? 1) < t.fdr;
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
  finding.pValue = decided.test.pValue;
  finding.qValue = decided.test.qValue;
  finding.verdict = verdict;
  finding.reason = reasonFor(decided, verdict, t);
  if (decided.level !== 'ok' && verdict === 'ok') {
    // Independent requests would have called it; this traffic's own variation does not.
    finding.tooNoisy = routes.some((r) => r.level !== 'ok' && (r.test.independentPValue ?? 1) < t.fdr);
  }
}

/** Why the deciding route earned its verdict, in words. */
function reasonFor(decided: Route, verdict: Verdict, t: Thresholds): string {
  const { why, test } = decided;
  const q = test.qValue === null ? 'q not computable' : `q = ${formatStatistic(test.qValue)}`;
  const noise = dispersionPhrase(test);
  const tail = noise ? `; ${noise}` : '';
  if (decided.level === 'ok') {
    return `${why}: below the investigate threshold of ${formatSignedPercent(t.investigate)} in the bad direction`;
  }
  if (verdict === 'ok') {
    return `${why}, but not significant (${q} ≥ ${t.fdr}${tail})`;
  }
  if (verdict !== decided.level) {
    return `${why}, q = ${formatStatistic(test.qValue!)}: significant enough to investigate, not to page (q ≥ ${t.pageFdr})${tail}`;
  }
  if ((test.qValue ?? 1) >= t.pageFdr && persists(decided, t)) {
    return `${why}, ${q}: it persists, the previous window of this length moved the same way (p = ${formatStatistic(test.previousWindowPValue!)})${tail}`;
  }
  return `${why}, ${q}${tail}`;
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
  const spec = options.baseline ?? { mode: 'preceding' };
  if (spec.mode === 'median_weeks' && !(Number.isInteger(spec.weeks) && spec.weeks >= 1)) {
    throw new ImpactOptionsError(
      `a median_weeks baseline needs a whole number of weeks (1 or more), not ${spec.weeks}`
    );
  }
  if (spec.mode === 'median_weeks' && window.to - window.from > WEEK_SECONDS) {
    throw new ImpactOptionsError(
      'a median_weeks baseline compares the same window in past weeks: the window must be a week or shorter'
    );
  }
  const baseline = resolveBaseline(window, spec);
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
    groupBy = validateLabelNames(options.groupBy ?? [], splitLabels(all));
  } catch (error) {
    throw new ImpactOptionsError(error instanceof Error ? error.message : String(error));
  }
  // Merged once: every later question ("does this block touch an incident?") is a binary search.
  const excluded = mergeIntervals(options.excludeFromBaseline ?? []);
  return {
    window,
    baseline,
    spec,
    baselinePlan: baselinePlan(window, baseline, spec, excluded),
    historyPlan: historyPlan(window, baseline, spec, excluded),
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

/** One metric query's readings: window and baseline, and the past pairs its noise is measured on. */
interface Family {
  pair: Pair;
  history: Map<number, Pair>;
}

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
  minVolume: number,
  previousEnd: number
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
  const pastPairs = new Map(
    [...history.events].flatMap(([time, eventsPair]) => {
      const totalsPair = history.totals.get(time);
      return totalsPair ? [[time, [eventsPair, totalsPair] as const] as const] : [];
    })
  );
  const countsOf = (key: Segment, [[ew, eb], [tw, tb]]: readonly [Pair, Pair]): Counts[] | null => {
    if ([ew, eb, tw, tb].some((r) => r.nanSegments.has(key))) {
      return null;
    }
    const counts = [
      { events: events(ew, key), total: total(tw, key) },
      { events: events(eb, key), total: total(tb, key) },
    ];
    return counts.every((c) => c.total >= Math.max(1, minVolume)) ? counts : null;
  };
  const pastCounts = (key: Segment): Counts[][] =>
    [...pastPairs.values()].map((p) => countsOf(key, p)).filter((c) => c !== null);
  const previousCounts = (key: Segment): Counts[] | null => {
    const previous = pastPairs.get(previousEnd);
    return previous ? countsOf(key, previous) : null;
  };
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
        pastCounts(key),
        previousCounts(key)
      ),
    };
  });
}

function distributionFindings(
  definition: DistributionSli,
  [wBuckets, bBuckets]: Pair,
  caveats: Set<string>,
  history: Map<number, Pair>,
  minVolume: number,
  previousEnd: number
): Judged[] {
  const bucketsOf = (key: Segment, [w, b]: Pair): [HistogramSide, HistogramSide] | null => {
    if (w.nanSegments.has(key) || b.nanSegments.has(key)) {
      return null;
    }
    const enough = [w, b].every((side) => observationsOf(side, key) >= Math.max(1, minVolume));
    return enough
      ? [histogramSide(w, key, 'alignBuckets (window)'), histogramSide(b, key, 'alignBuckets (baseline)')]
      : null;
  };
  const pastBuckets = (key: Segment): Array<[HistogramSide, HistogramSide]> =>
    [...history.values()].map((p) => bucketsOf(key, p)).filter((b) => b !== null);
  const previousBuckets = (key: Segment): [HistogramSide, HistogramSide] | null => {
    const previous = history.get(previousEnd);
    return previous ? bucketsOf(key, previous) : null;
  };
  return segmentKeys(wBuckets, bBuckets).map((key) => {
    // A NaN bucket makes the whole histogram of that segment unreadable: compare nothing rather than guess.
    const nan = wBuckets.nanSegments.has(key) || bBuckets.nanSegments.has(key);
    const badBound = wBuckets.badBoundSegments.has(key) || bBuckets.badBoundSegments.has(key);
    const tainted = nan ? NAN_REASON : badBound ? BAD_BOUND_REASON : null;
    const side = (r: Reading) => (tainted ? NO_BUCKETS : histogramSide(r, key, 'histogramQuantile'));
    return {
      definition,
      tainted,
      finding: compareDistributions(
        definition,
        key.labels,
        side(wBuckets),
        side(bBuckets),
        caveats,
        tainted ? [] : pastBuckets(key),
        tainted ? null : previousBuckets(key)
      ),
    };
  });
}

const hasSeries = ([w, b]: Pair) => w.seriesCount + b.seriesCount > 0;

export async function buildImpactReport(source: MetricsSource, options: ImpactOptions): Promise<ImpactReport> {
  const o = validated(options);
  const runner = new QueryRunner(source);
  const segments = new Segments(o.groupBy);
  const caveats = new Set<string>();

  // A counter's increase split by the label that tells events apart (outcome, error_type…), with the SLI's matchers.
  const counterQuery =
    (metric: string, split: string, matchers?: string): IncreaseQuery =>
    (range, offset) =>
      counterIncreaseQuery(metric, split, o.selector, o.groupBy, range, matchers, offset);
  const plan = typeof o.historyPlan === 'string' || !runner.canRange ? null : o.historyPlan;
  if (typeof o.historyPlan === 'string') {
    caveats.add(o.historyPlan);
  } else if (!runner.canRange) {
    caveats.add(
      'The history could not be read (this metrics source cannot run range queries): every test uses the fallback dispersion.'
    );
  }
  // Per SLI family (one metric query: refusals, errors and timeouts share one) two queries, read and parsed once:
  // the window with its history, and the baseline.
  const families = new Map<string, Promise<Family>>();
  const familyOf = (expr: IncreaseQuery, split: string): Promise<Family> => {
    const key = expr(0);
    let family = families.get(key);
    if (!family) {
      family = readFamily(expr, split);
      families.set(key, family);
    }
    return family;
  };
  const readFamily = async (expr: IncreaseQuery, split: string): Promise<Family> => {
    const [windowSide, baseline] = await Promise.all([
      plan
        ? readBlocks(runner, expr, windowBlocks(o.window, plan), split, segments)
        : runner.run(expr(o.window.to - o.window.from), o.window.to),
      readBaseline(runner, o.baselinePlan, expr, split, segments),
    ]);
    if (Array.isArray(windowSide)) {
      return { pair: [instantReading(windowSide, split, segments), baseline], history: new Map() };
    }
    const window = windowSide.get(ms(o.window.to)) ?? emptyReading();
    return { pair: [window, baseline], history: plan ? historyPairs(windowSide, o.window, plan) : new Map() };
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
          const [eventFamily, totalFamily] = await Promise.all([
            familyOf(eventQuery, definition.eventLabel),
            familyOf(totalQuery, totalSplit),
          ]);
          const [events, totals] = [eventFamily.pair, totalFamily.pair];
          const history = { events: eventFamily.history, totals: totalFamily.history };
          return {
            definition,
            pairs: [events, totals],
            judged: () =>
              proportionFindings(definition, events, totals, history, o.thresholds.minVolume, ms(o.window.from)),
          };
        }
        const expr: IncreaseQuery = (range, offset) =>
          bucketIncreaseQuery(definition, o.selector, o.groupBy, range, offset);
        const { pair: buckets, history } = await familyOf(expr, 'le');
        return {
          definition,
          pairs: [buckets],
          judged: () =>
            distributionFindings(definition, buckets, caveats, history, o.thresholds.minVolume, ms(o.window.from)),
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
      mode: o.spec.mode,
      ...(o.spec.mode === 'median_weeks' ? { weeks: o.spec.weeks } : {}),
      // What was left out: the blocks another incident touches (a little more than the incident where it
      // starts or ends inside a block).
      excluded: mergeIntervals(o.baselinePlan.all.filter((b) => !o.baselinePlan.kept.includes(b))).map(
        toReportInterval
      ),
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
  const { all, kept, how } = o.baselinePlan;
  if (kept.length === 0) {
    caveats.push('Other incidents cover the whole baseline, so nothing is compared against it.');
  } else if (kept.length < all.length && how === 'median') {
    caveats.push(
      `Other incidents touch ${all.length - kept.length} of the ${all.length} past weeks; the baseline is the median of the other ${kept.length}.`
    );
  } else if (kept.length < all.length) {
    const step = all[0].to - all[0].from;
    caveats.push(
      `Other incidents cover ${formatDuration((all.length - kept.length) * step)} of the baseline (read in steps of ${formatDuration(step)}); those steps are left out.`
    );
  }
  if (o.window.to - o.window.from < 300) {
    caveats.push('The window is shorter than 5 minutes: a few scrapes decide every count.');
  }
  return caveats;
}
