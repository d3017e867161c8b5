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
  type Thresholds,
  type Verdict,
} from './report';
import { formatCount, formatDuration, formatSignedPercent, formatStatistic } from './format';
import { parsePrometheusFloat, type Interval, type MetricsSource, type SampleRow } from './source';
import {
  alignBuckets,
  chiSquareHomogeneity,
  histogramQuantile,
  jensenShannonDistance,
  ksStatistic,
  populationStabilityIndex,
  shareBeyond,
  toBucketCounts,
  type CumulativeBucket,
} from './stats/histogram';
import { benjaminiHochberg, twoProportionZTest, wilsonInterval } from './stats/proportions';

const DAY_SECONDS = 86_400;
/** Queries in flight at once: enough to hide latency, few enough to be polite to a shared Prometheus. */
const QUERY_CONCURRENCY = 4;

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
  /** Per segment key, per value of the split label (or `le`): the summed increase. */
  bySegment: Map<string, Map<string, number>>;
  seriesCount: number;
  nanSegments: Set<string>;
  nonInteger: boolean;
  /** The `--by` labels some series carried (a label no series carries makes one segment '' silently). */
  labelsCarried: Set<string>;
}

class QueryRunner {
  readonly log: Array<{ expr: string; time: string }> = [];
  private readonly cache = new Map<string, Promise<SampleRow[]>>();
  private readonly queue: Array<() => void> = [];
  private running = 0;

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

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= QUERY_CONCURRENCY) {
      await new Promise<void>((resolve) => this.queue.push(resolve));
    }
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }
}

function segmentKey(labels: Record<string, string>, groupBy: string[]): string {
  return JSON.stringify(groupBy.map((label) => labels[label] ?? ''));
}

function segmentOf(key: string, groupBy: string[]): Record<string, string> {
  const values = JSON.parse(key) as string[];
  return Object.fromEntries(groupBy.map((label, i) => [label, values[i]]));
}

async function read(
  runner: QueryRunner,
  expr: (rangeSeconds: number) => string,
  pieces: Interval[],
  splitLabel: string,
  groupBy: string[]
): Promise<Reading> {
  const reading: Reading = {
    bySegment: new Map(),
    seriesCount: 0,
    nanSegments: new Set(),
    nonInteger: false,
    labelsCarried: new Set(),
  };
  const results = await Promise.all(pieces.map((piece) => runner.run(expr(piece.to - piece.from), piece.to)));
  for (const rows of results) {
    for (const row of rows) {
      const key = segmentKey(row.labels, groupBy);
      reading.seriesCount++;
      for (const label of groupBy) {
        if (row.labels[label] !== undefined) {
          reading.labelsCarried.add(label);
        }
      }
      if (!Number.isFinite(row.value)) {
        reading.nanSegments.add(key);
        continue;
      }
      reading.nonInteger ||= !Number.isInteger(row.value);
      const perValue = reading.bySegment.get(key) ?? new Map<string, number>();
      const value = row.labels[splitLabel] ?? '';
      perValue.set(value, (perValue.get(value) ?? 0) + row.value);
      reading.bySegment.set(key, perValue);
    }
  }
  return reading;
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) {
    total += v;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------------
// Comparing.

/** Counts as read; the rate and its interval only when they mean something (a total, trusted data). */
function proportionSide({ events, total }: Counts, trusted: boolean): ProportionSide {
  return total > 0 && trusted
    ? { events, total, rate: events / total, ci95: wilsonInterval(events, total) }
    : { events, total, rate: null, ci95: null };
}

type Counts = { events: number; total: number };

function compareProportions(
  sli: ProportionSli,
  segment: Record<string, string>,
  windowCounts: Counts,
  baselineCounts: Counts,
  trusted: boolean
): ProportionFinding {
  const window = proportionSide(windowCounts, trusted);
  const baseline = proportionSide(baselineCounts, trusted);
  const testable = window.rate !== null && baseline.rate !== null;
  const pValue = testable
    ? twoProportionZTest(window.events, window.total, baseline.events, baseline.total).pValue
    : null;
  const absolute = window.rate !== null && baseline.rate !== null ? window.rate - baseline.rate : null;
  const relative = absolute !== null && baseline.rate ? absolute / baseline.rate : null;
  return {
    kind: 'proportion',
    sli: sli.id,
    title: sli.title,
    segment,
    verdict: 'ok',
    reason: '',
    pValue,
    qValue: null,
    window,
    baseline,
    change: { absolute, relative },
    excessEvents: baseline.rate !== null ? window.events - window.total * baseline.rate : null,
  };
}

function quantileOrNull(q: number, buckets: CumulativeBucket[]): number | null {
  const value = buckets.length > 0 ? histogramQuantile(q, buckets) : NaN;
  return Number.isFinite(value) ? value : null;
}

function distributionSide(buckets: CumulativeBucket[]): DistributionSide {
  const inf = buckets.find((b) => b.le === Infinity);
  return {
    count: inf?.count ?? 0,
    p50: quantileOrNull(0.5, buckets),
    p95: quantileOrNull(0.95, buckets),
    p99: quantileOrNull(0.99, buckets),
  };
}

function toCumulative(perLe: Map<string, number> | undefined): CumulativeBucket[] {
  return [...(perLe ?? new Map<string, number>())].map(([le, count]) => ({ le: parsePrometheusFloat(le), count }));
}

/** The share of window observations on the bad side of the baseline's tail (5% expected if nothing moved). */
function badTailShare(sli: DistributionSli, window: CumulativeBucket[], baseline: CumulativeBucket[]): number | null {
  const { upperBounds, counts } = toBucketCounts(window);
  const beyond = (q: number, side: 'above' | 'below') => {
    const edge = quantileOrNull(q, baseline);
    return edge === null ? NaN : shareBeyond(edge, upperBounds, counts, side);
  };
  const share =
    sli.badDirection === 'higher'
      ? beyond(0.95, 'above')
      : sli.badDirection === 'lower'
        ? beyond(0.05, 'below')
        : beyond(0.025, 'below') + beyond(0.975, 'above');
  return Number.isFinite(share) ? share : null;
}

function compareDistributions(
  sli: DistributionSli,
  segment: Record<string, string>,
  windowBuckets: CumulativeBucket[],
  baselineBuckets: CumulativeBucket[],
  caveats: Set<string>
): DistributionFinding {
  const window = distributionSide(windowBuckets);
  const baseline = distributionSide(baselineBuckets);
  const headlineKey = sli.headlineQuantile === 0.95 ? 'p95' : 'p50';
  const w = window[headlineKey];
  const b = baseline[headlineKey];
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
    window,
    baseline,
    headline: { quantile: headlineKey, relativeChange: w !== null && b !== null && b !== 0 ? (w - b) / b : null },
    psi: null,
    ks: null,
    jsDistance: null,
    shareBeyondBaselineP95: null,
  };
  if (window.count > 0 && baseline.count > 0) {
    const aligned = alignBuckets(windowBuckets, baselineBuckets);
    if (aligned.dropped) {
      caveats.add(
        `${sli.title}: the bucket layout differs between window and baseline; they are compared on the bucket bounds both have.`
      );
    }
    const wCounts = toBucketCounts(aligned.window).counts;
    const bCounts = toBucketCounts(aligned.baseline).counts;
    finding.psi = finiteOrNull(populationStabilityIndex(wCounts, bCounts));
    finding.ks = finiteOrNull(ksStatistic(wCounts, bCounts));
    finding.jsDistance = finiteOrNull(jensenShannonDistance(wCounts, bCounts));
    finding.pValue = finiteOrNull(chiSquareHomogeneity(wCounts, bCounts).pValue);
    finding.shareBeyondBaselineP95 = badTailShare(sli, aligned.window, aligned.baseline);
  }
  return finding;
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

// ---------------------------------------------------------------------------------------------------
// Judging: regression size in the bad direction, then significance and volume.

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

function levelOf(finding: Finding, definition: SliDefinition, t: Thresholds): { level: Verdict; why: string } {
  const regression = regressionOf(finding, definition);
  let level: Verdict = regression >= t.page ? 'page' : regression >= t.investigate ? 'investigate' : 'ok';
  // Say the change as it happened (a similarity drop reads −23%), not as its regression score.
  let why =
    finding.kind === 'proportion'
      ? `rate ${formatSignedPercent(finding.change.relative ?? regression)}`
      : `${finding.headline.quantile} ${formatSignedPercent(finding.headline.relativeChange ?? 0)}`;
  // PSI is blind to direction: it only counts when more of the window sits on the bad side than expected.
  if (
    finding.kind === 'distribution' &&
    finding.psi !== null &&
    (finding.shareBeyondBaselineP95 ?? 0) > EXPECTED_TAIL_SHARE
  ) {
    const psiLevel: Verdict =
      finding.psi >= t.psiPage ? 'page' : finding.psi >= t.psiInvestigate ? 'investigate' : 'ok';
    if (rank(psiLevel) > rank(level)) {
      level = psiLevel;
      why = `PSI ${formatStatistic(finding.psi)}`;
    }
  }
  return { level, why };
}

function rank(verdict: Verdict): number {
  return ['ok', 'investigate', 'page'].indexOf(verdict);
}

function volumeOf(finding: Finding): { window: number; baseline: number } {
  return finding.kind === 'proportion'
    ? { window: finding.window.total, baseline: finding.baseline.total }
    : { window: finding.window.count, baseline: finding.baseline.count };
}

const NAN_REASON = 'some series returned NaN or ±Inf in this segment';

function judge(finding: Finding, definition: SliDefinition, t: Thresholds, tainted: string | null): void {
  const noun = definition.totalNoun;
  const volume = volumeOf(finding);
  if (tainted) {
    finding.verdict = 'insufficient_data';
    finding.reason = tainted;
    return;
  }
  if (volume.window < t.minVolume || volume.baseline < t.minVolume) {
    const side = volume.window < t.minVolume ? 'window' : 'baseline';
    finding.verdict = 'insufficient_data';
    finding.reason = `${formatCount(volume[side])} ${noun} in the ${side}, below the minimum volume of ${formatCount(t.minVolume)}`;
    return;
  }
  const { level, why } = levelOf(finding, definition, t);
  const significant = finding.qValue !== null && finding.qValue < t.fdr;
  if (level === 'ok') {
    finding.verdict = 'ok';
    finding.reason = `${why}: below the investigate threshold of ${formatSignedPercent(t.investigate)} in the bad direction`;
  } else if (!significant) {
    finding.verdict = 'ok';
    finding.reason = `${why}, but not significant (q ${finding.qValue === null ? 'not computable' : `= ${formatStatistic(finding.qValue)}`} ≥ ${t.fdr})`;
  } else {
    finding.verdict = level;
    finding.reason = `${why}, q = ${formatStatistic(finding.qValue!)}`;
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

function segmentKeys(...readings: Reading[]): string[] {
  return [...new Set(readings.flatMap((r) => [...r.bySegment.keys(), ...r.nanSegments]))].sort();
}

function proportionFindings(
  definition: ProportionSli,
  [wEvents, bEvents]: Pair,
  [wTotals, bTotals]: Pair,
  groupBy: string[]
): Judged[] {
  const events = (r: Reading, key: string) =>
    sum([...(r.bySegment.get(key) ?? [])].filter(([value]) => isEventValue(definition, value)).map(([, n]) => n));
  const total = (r: Reading, key: string) => sum(r.bySegment.get(key)?.values() ?? []);
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
      finding: compareProportions(definition, segmentOf(key, groupBy), windowCounts, baselineCounts, tainted === null),
    };
  });
}

function distributionFindings(
  definition: DistributionSli,
  [wBuckets, bBuckets]: Pair,
  groupBy: string[],
  caveats: Set<string>
): Judged[] {
  return segmentKeys(wBuckets, bBuckets).map((key) => {
    // A NaN bucket makes the whole histogram of that segment unreadable: compare nothing rather than guess.
    const tainted = wBuckets.nanSegments.has(key) || bBuckets.nanSegments.has(key);
    const buckets = (r: Reading) => (tainted ? [] : toCumulative(r.bySegment.get(key)));
    return {
      definition,
      tainted: tainted ? NAN_REASON : null,
      finding: compareDistributions(definition, segmentOf(key, groupBy), buckets(wBuckets), buckets(bBuckets), caveats),
    };
  });
}

const hasSeries = ([w, b]: Pair) => w.seriesCount + b.seriesCount > 0;

export async function buildImpactReport(source: MetricsSource, options: ImpactOptions): Promise<ImpactReport> {
  const o = validated(options);
  const runner = new QueryRunner(source);
  const caveats = new Set<string>();

  const readPair = (expr: (range: number) => string, splitLabel: string): Promise<Pair> =>
    Promise.all([
      read(runner, expr, [o.window], splitLabel, o.groupBy),
      read(runner, expr, o.baselinePieces, splitLabel, o.groupBy),
    ]);
  const readCounter = (metric: string, split: string, matchers?: string) =>
    readPair((range) => counterIncreaseQuery(metric, split, o.selector, o.groupBy, range, matchers), split);

  // All queries start at once (the runner bounds concurrency and shares identical ones between SLIs).
  const perSli = await Promise.all(
    o.definitions.map(
      async (definition): Promise<{ definition: SliDefinition; pairs: Pair[]; judged: () => Judged[] }> => {
        if (definition.kind === 'proportion') {
          // Events and totals of one counter are one query; a separate total counter is split by its own label.
          const events = readCounter(definition.metric, definition.eventLabel, definition.matchers);
          const [eventPair, totals] = await Promise.all([
            events,
            definition.totalMetric
              ? readCounter(definition.totalMetric, splitLabelOf(definition.totalMetric, o.all))
              : events,
          ]);
          return {
            definition,
            pairs: [eventPair, totals],
            judged: () => proportionFindings(definition, eventPair, totals, o.groupBy),
          };
        }
        const buckets = await readPair((range) => bucketIncreaseQuery(definition, o.selector, o.groupBy, range), 'le');
        return {
          definition,
          pairs: [buckets],
          judged: () => distributionFindings(definition, buckets, o.groupBy, caveats),
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

  // Benjamini–Hochberg across the whole report, so more segments do not mean more false pages.
  const qValues = benjaminiHochberg(findings.map(({ finding }) => finding.pValue ?? NaN));
  findings.forEach(({ finding, definition, tainted }, i) => {
    finding.qValue = Number.isFinite(qValues[i]) ? qValues[i] : null;
    judge(finding, definition, o.thresholds, tainted);
  });

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
