/**
 * Statistics of distribution SLIs (semantic similarity, confidence, latency, response length, agent steps)
 * read from Prometheus classic histograms, i.e. cumulative `le` buckets:
 * - quantiles exactly as Prometheus 2.42's histogram_quantile computes them, so the report and a
 *   dashboard panel never disagree;
 * - per-bucket counts, and the alignment of a window and a baseline that use different bucket layouts;
 * - how far the window's distribution moved from the baseline's: PSI, KS, Jensen–Shannon distance, a
 *   chi-square test of homogeneity, and the share of observations beyond a baseline quantile.
 * docs/DESIGN.md "Statistics" defines them.
 *
 * Zero observations give NaN (the caller reports null), never a number that looks measured.
 * Malformed input (negative or non-finite counts, NaN bounds, mismatched lengths) throws.
 */
import gammainc from '@stdlib/math-base-special-gammainc';
import type { Shift } from './dispersion';

/** One cumulative bucket: observations ≤ `le` (`le` may be Infinity). Counts may be non-integer (increase()). */
export interface CumulativeBucket {
  le: number;
  count: number;
}

/** Per-bucket (non-cumulative) counts; bucket i holds observations in (upperBounds[i−1], upperBounds[i]]. */
export interface BucketCounts {
  readonly upperBounds: readonly number[];
  readonly counts: readonly number[];
}

/** Shares below this are raised to it before PSI's logarithm, so an empty bucket on one side stays finite. */
export const PSI_SHARE_FLOOR = 1e-4;

function assertBucket(le: number, count: number, index: number, where: string): void {
  if (typeof le !== 'number' || Number.isNaN(le)) {
    throw new RangeError(`${where}: bucket ${index} has an upper bound (le) that is not a number: ${le}`);
  }
  if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
    throw new RangeError(`${where}: bucket le=${le} must have a finite count ≥ 0, got ${count}`);
  }
}

/**
 * A classic histogram normalised once, the way histogram_quantile reads it: sorted by le, duplicate le merged by
 * adding their counts (coalesceBuckets), cumulative counts raised where one falls below an earlier one
 * (ensureMonotonic). Every statistic here reads this form; given CumulativeBucket[] they normalise first, so a
 * caller that computes several statistics of one side normalises it once and passes the Histogram.
 */
export class Histogram {
  private bucketCounts?: BucketCounts;

  private constructor(
    /** Ascending and distinct. */
    readonly upperBounds: readonly number[],
    /** Monotonic cumulative counts. */
    readonly cumulative: readonly number[],
    /** The coalesced counts before monotonicity was fixed (the same array when nothing was raised). */
    private readonly coalesced: readonly number[]
  ) {}

  static of(buckets: CumulativeBucket[], where = 'Histogram.of'): Histogram {
    if (!Array.isArray(buckets)) {
      throw new TypeError(`${where}: buckets must be an array`);
    }
    return Histogram.fromBuckets(
      buckets.map(({ le }) => le),
      buckets.map(({ count }) => count),
      where
    );
  }

  /** From parallel arrays of bounds and cumulative counts in any order (taken over, not copied); validated. */
  static fromBuckets(upperBounds: number[], counts: number[], where = 'Histogram.fromBuckets'): Histogram {
    let sorted = true;
    for (let i = 0; i < upperBounds.length; i++) {
      assertBucket(upperBounds[i], counts[i], i, where);
      sorted &&= i === 0 || !(upperBounds[i] - upperBounds[i - 1] < 0);
    }
    let bounds = upperBounds;
    let merged = counts;
    if (!sorted) {
      // A stable sort with histogram_quantile's comparison, so duplicates add up in the order they were read.
      const order = upperBounds.map((_, i) => i).sort((a, b) => upperBounds[a] - upperBounds[b]);
      bounds = order.map((i) => upperBounds[i]);
      merged = order.map((i) => counts[i]);
    }
    if (bounds.some((le, i) => i > 0 && le === bounds[i - 1])) {
      const distinct: number[] = [];
      const summed: number[] = [];
      bounds.forEach((le, i) => {
        if (le === distinct[distinct.length - 1]) {
          summed[summed.length - 1] += merged[i];
        } else {
          distinct.push(le);
          summed.push(merged[i]);
        }
      });
      bounds = distinct;
      merged = summed;
    }
    return new Histogram(bounds, monotonic(merged), merged);
  }

  /** Both sides on the upper bounds they share (a release may have changed the layout); see alignBuckets. */
  static aligned(window: Histogram, baseline: Histogram): AlignedHistograms {
    const w = window.upperBounds;
    const b = baseline.upperBounds;
    if (w.length === b.length && w.every((le, i) => le === b[i])) {
      return { window, baseline, dropped: false, droppedUpperBounds: [] };
    }
    const inWindow = new Set(w);
    const inBaseline = new Set(b);
    // A cumulative count at a shared le is exact on both sides; monotonicity is fixed again on what is kept.
    const restrict = (h: Histogram, keep: Set<number>) => {
      const kept = h.upperBounds.flatMap((le, i) => (keep.has(le) ? [i] : []));
      const counts = kept.map((i) => h.coalesced[i]);
      return new Histogram(
        kept.map((i) => h.upperBounds[i]),
        monotonic(counts),
        counts
      );
    };
    return {
      window: restrict(window, inBaseline),
      baseline: restrict(baseline, inWindow),
      dropped: true,
      droppedUpperBounds: [...w.filter((le) => !inBaseline.has(le)), ...b.filter((le) => !inWindow.has(le))].sort(
        (x, y) => x - y
      ),
    };
  }

  /** The coalesced buckets before monotonicity was fixed (what alignBuckets returns). */
  coalescedBuckets(): CumulativeBucket[] {
    return this.upperBounds.map((le, i) => ({ le, count: this.coalesced[i] }));
  }

  /** Per-bucket counts, computed once; throws without a le="+Inf" bucket. Read-only: shared by every caller. */
  counts(): BucketCounts {
    if (!this.bucketCounts) {
      const { upperBounds, cumulative } = this;
      if (upperBounds.length === 0 || upperBounds[upperBounds.length - 1] !== Infinity) {
        throw new RangeError(
          'toBucketCounts: the histogram has no le="+Inf" bucket, so its total number of observations is unknown'
        );
      }
      this.bucketCounts = {
        upperBounds,
        counts: cumulative.map((count, i) => (i === 0 ? count : count - cumulative[i - 1])),
      };
    }
    return this.bucketCounts;
  }
}

export interface AlignedHistograms {
  window: Histogram;
  baseline: Histogram;
  /** True when either side had an upper bound the other lacks, so the comparison is coarser than the data. */
  dropped: boolean;
  /** The upper bounds that only one side had, ascending. */
  droppedUpperBounds: number[];
}

/** Raise any cumulative count below an earlier one to it (histogram_quantile's ensureMonotonic); a copy only if needed. */
function monotonic(counts: number[]): number[] {
  let raised: number[] | null = null;
  let max = -Infinity;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] > max) {
      max = counts[i];
    } else if (!Object.is(counts[i], max)) {
      raised ??= counts.slice();
      raised[i] = max;
    }
  }
  return raised ?? counts;
}

function histogramOf(buckets: CumulativeBucket[] | Histogram, where: string): Histogram {
  return buckets instanceof Histogram ? buckets : Histogram.of(buckets, where);
}

/**
 * The q-quantile of a classic histogram, with exactly the semantics of Prometheus 2.42's
 * histogram_quantile (promql/quantile.go bucketQuantile):
 * - q NaN → NaN, q < 0 → −Inf, q > 1 → +Inf;
 * - NaN when there is no +Inf bucket, fewer than 2 distinct buckets, or zero observations;
 * - buckets are sorted, duplicate le coalesced and counts made monotonic first;
 * - linear interpolation within the bucket holding the rank, from 0 in the first bucket when its upper
 *   bound is > 0; a rank in a first bucket with le ≤ 0 gives that le; a rank in the +Inf bucket gives
 *   the highest finite upper bound.
 */
export function histogramQuantile(q: number, buckets: CumulativeBucket[] | Histogram): number {
  const { upperBounds: le, cumulative: count } = histogramOf(buckets, 'histogramQuantile');
  if (Number.isNaN(q)) {
    return NaN;
  }
  if (q < 0) {
    return -Infinity;
  }
  if (q > 1) {
    return Infinity;
  }
  if (le.length === 0) {
    return NaN;
  }
  const last = le.length - 1;
  if (le[last] !== Infinity || le.length < 2) {
    return NaN;
  }
  const observations = count[last];
  if (observations === 0) {
    return NaN;
  }
  let rank = q * observations;
  // First bucket whose cumulative count reaches the rank; the +Inf bucket when none of the others does.
  let b = 0;
  while (b < last && count[b] < rank) {
    b++;
  }
  if (b === last) {
    return le[last - 1];
  }
  if (b === 0 && le[0] <= 0) {
    return le[0];
  }
  let bucketStart = 0;
  const bucketEnd = le[b];
  let inBucket = count[b];
  if (b > 0) {
    bucketStart = le[b - 1];
    inBucket -= count[b - 1];
    rank -= count[b - 1];
  }
  // Same operations in the same order as Prometheus, so results match it bit for bit
  // (including NaN from 0/0 when q = 0 and the first bucket is empty).
  return bucketStart + (bucketEnd - bucketStart) * (rank / inBucket);
}

/**
 * Per-bucket counts of a cumulative histogram: sorted, duplicate le coalesced, monotonicity fixed as
 * histogram_quantile does, then differenced. The last upper bound is Infinity.
 */
export function toBucketCounts(buckets: CumulativeBucket[] | Histogram): BucketCounts {
  return histogramOf(buckets, 'toBucketCounts').counts();
}

export interface AlignedBuckets {
  window: CumulativeBucket[];
  baseline: CumulativeBucket[];
  /** True when either side had an upper bound the other lacks, so the comparison is coarser than the data. */
  dropped: boolean;
  /** The upper bounds that only one side had, ascending. */
  droppedUpperBounds: number[];
}

/**
 * Restrict a window and a baseline histogram to the upper bounds both have (a bucket layout changed
 * between them, e.g. a new release added buckets). A cumulative count at a shared le is exact on both
 * sides, so nothing is estimated. Both come back sorted with duplicate le coalesced.
 */
export function alignBuckets(window: CumulativeBucket[], baseline: CumulativeBucket[]): AlignedBuckets {
  const both = Histogram.aligned(
    Histogram.of(window, 'alignBuckets (window)'),
    Histogram.of(baseline, 'alignBuckets (baseline)')
  );
  return { ...both, window: both.window.coalescedBuckets(), baseline: both.baseline.coalescedBuckets() };
}

function assertBucketCounts(counts: readonly number[], where: string, side: string): void {
  if (!Array.isArray(counts)) {
    throw new TypeError(`${where}: ${side} counts must be an array`);
  }
  counts.forEach((count, index) => {
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
      throw new RangeError(`${where}: ${side} bucket ${index} must have a finite count ≥ 0, got ${count}`);
    }
  });
}

function assertAlignedCounts(window: readonly number[], baseline: readonly number[], where: string): void {
  assertBucketCounts(window, where, 'window');
  assertBucketCounts(baseline, where, 'baseline');
  if (window.length !== baseline.length) {
    throw new RangeError(
      `${where}: window has ${window.length} buckets but baseline has ${baseline.length}; align them first (alignBuckets)`
    );
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/**
 * Population stability index Σ (a − b)·ln(a / b) over the bucket shares a (window) and b (baseline).
 * Each share is floored at PSI_SHARE_FLOOR (1e-4) first, the usual convention, so a bucket empty on one
 * side adds a large but finite term. NaN when either side has no observations.
 */
export function populationStabilityIndex(window: readonly number[], baseline: readonly number[]): number {
  assertAlignedCounts(window, baseline, 'populationStabilityIndex');
  const windowTotal = sum(window);
  const baselineTotal = sum(baseline);
  if (windowTotal === 0 || baselineTotal === 0) {
    return NaN;
  }
  let psi = 0;
  for (let i = 0; i < window.length; i++) {
    const a = Math.max(window[i] / windowTotal, PSI_SHARE_FLOOR);
    const b = Math.max(baseline[i] / baselineTotal, PSI_SHARE_FLOOR);
    psi += (a - b) * Math.log(a / b);
  }
  return psi;
}

/**
 * Kolmogorov–Smirnov distance max |CDF_window − CDF_baseline|, evaluated at the bucket upper bounds
 * (the only points where both CDFs are known). NaN when either side has no observations.
 */
export function ksStatistic(window: readonly number[], baseline: readonly number[]): number {
  assertAlignedCounts(window, baseline, 'ksStatistic');
  const windowTotal = sum(window);
  const baselineTotal = sum(baseline);
  if (windowTotal === 0 || baselineTotal === 0) {
    return NaN;
  }
  let windowCumulative = 0;
  let baselineCumulative = 0;
  let distance = 0;
  for (let i = 0; i < window.length; i++) {
    windowCumulative += window[i];
    baselineCumulative += baseline[i];
    distance = Math.max(distance, Math.abs(windowCumulative / windowTotal - baselineCumulative / baselineTotal));
  }
  return distance;
}

/**
 * Jensen–Shannon distance in base 2 (square root of the JS divergence; 0 for identical distributions,
 * 1 for disjoint ones), with 0·log 0 = 0. NaN when either side has no observations.
 */
export function jensenShannonDistance(window: readonly number[], baseline: readonly number[]): number {
  assertAlignedCounts(window, baseline, 'jensenShannonDistance');
  const windowTotal = sum(window);
  const baselineTotal = sum(baseline);
  if (windowTotal === 0 || baselineTotal === 0) {
    return NaN;
  }
  let twiceDivergenceNats = 0;
  for (let i = 0; i < window.length; i++) {
    const p = window[i] / windowTotal;
    const q = baseline[i] / baselineTotal;
    const mixture = (p + q) / 2;
    if (p > 0) {
      twiceDivergenceNats += p * Math.log(p / mixture);
    }
    if (q > 0) {
      twiceDivergenceNats += q * Math.log(q / mixture);
    }
  }
  // Rounding can leave a tiny negative sum for identical distributions; the divergence is ≥ 0.
  return Math.sqrt(Math.max(0, twiceDivergenceNats / (2 * Math.LN2)));
}

export interface ChiSquareTest {
  statistic: number;
  degreesOfFreedom: number;
  pValue: number;
}

/**
 * Pearson chi-square test of homogeneity on the 2 × B table (window and baseline bucket counts), no
 * continuity correction. Buckets empty on both sides are dropped (they carry no information and would
 * divide by zero); df = remaining buckets − 1, and df 0 gives statistic 0, p-value 1.
 * NaN statistic and p-value when either side has no observations.
 */
export function chiSquareHomogeneity(window: readonly number[], baseline: readonly number[]): ChiSquareTest {
  assertAlignedCounts(window, baseline, 'chiSquareHomogeneity');
  const windowTotal = sum(window);
  const baselineTotal = sum(baseline);
  const columns: number[] = [];
  window.forEach((count, i) => {
    if (count > 0 || baseline[i] > 0) {
      columns.push(i);
    }
  });
  const degreesOfFreedom = Math.max(0, columns.length - 1);
  if (windowTotal === 0 || baselineTotal === 0) {
    return { statistic: NaN, degreesOfFreedom, pValue: NaN };
  }
  if (degreesOfFreedom === 0) {
    return { statistic: 0, degreesOfFreedom, pValue: 1 };
  }
  // With two rows, a column's two (O − E)²/E terms add up to (w·B − b·W)² / (W·B·(w + b)); for integer
  // counts the products are exact, so the statistic keeps its precision when the sides nearly agree.
  let statistic = 0;
  for (const i of columns) {
    const difference = window[i] * baselineTotal - baseline[i] * windowTotal;
    statistic += (difference * difference) / (windowTotal * baselineTotal * (window[i] + baseline[i]));
  }
  // Chi-square survival function: the upper regularized incomplete gamma Q(df/2, statistic/2).
  const pValue = gammainc(statistic / 2, degreesOfFreedom / 2, true, true);
  return { statistic, degreesOfFreedom, pValue };
}

function assertBucketLayout(upperBounds: readonly number[], counts: readonly number[], where: string): void {
  assertBucketCounts(counts, where, 'histogram');
  if (!Array.isArray(upperBounds) || upperBounds.length !== counts.length) {
    throw new RangeError(`${where}: upperBounds and counts must have the same length`);
  }
  if (upperBounds.length === 0 || upperBounds[upperBounds.length - 1] !== Infinity) {
    throw new RangeError(`${where}: the last upper bound must be Infinity (the le="+Inf" bucket)`);
  }
  for (let i = 0; i < upperBounds.length; i++) {
    if (Number.isNaN(upperBounds[i]) || (i > 0 && !(upperBounds[i] > upperBounds[i - 1]))) {
      throw new RangeError(`${where}: upper bounds must be strictly increasing numbers (use toBucketCounts)`);
    }
  }
}

/**
 * Share of the observations above (`'above'`: > threshold) or at or below (`'below'`: ≤ threshold, as
 * `le` counts) a value, assuming observations spread uniformly within each bucket. The bucket model is
 * histogram_quantile's, so shareBeyond(histogramQuantile(q, h), 'below') = q whenever the quantile was
 * interpolated:
 * - the first bucket spans (0, le] when its le > 0, and is a point at its le when le ≤ 0;
 * - the +Inf bucket's observations are only known to exceed the highest finite bound, and
 *   histogram_quantile never reports a value beyond it: they count as above every finite threshold
 *   (exact at thresholds up to that bound, an upper estimate beyond it).
 * The two sides add up to 1. NaN when the histogram has no observations.
 */
export function shareBeyond(
  threshold: number,
  upperBounds: readonly number[],
  counts: readonly number[],
  side: 'above' | 'below'
): number {
  assertBucketLayout(upperBounds, counts, 'shareBeyond');
  if (Number.isNaN(threshold)) {
    throw new RangeError('shareBeyond: threshold is NaN (was it the quantile of an empty baseline?)');
  }
  if (side !== 'above' && side !== 'below') {
    throw new RangeError(`shareBeyond: side must be 'above' or 'below', got ${String(side)}`);
  }
  const total = sum(counts);
  if (total === 0) {
    return NaN;
  }
  // Above and below are summed separately, not as 1 − the other, so a small share keeps its precision.
  let below = 0;
  let above = 0;
  const last = upperBounds.length - 1;
  for (let i = 0; i <= last; i++) {
    const upper = upperBounds[i];
    if (i === last) {
      // The +Inf bucket.
      if (threshold === Infinity) {
        below += counts[i];
      } else {
        above += counts[i];
      }
      continue;
    }
    const lower = i > 0 ? upperBounds[i - 1] : Math.min(0, upper);
    if (threshold >= upper) {
      below += counts[i];
    } else if (threshold <= lower) {
      above += counts[i];
    } else {
      const width = upper - lower;
      below += (counts[i] * (threshold - lower)) / width;
      above += (counts[i] * (upper - threshold)) / width;
    }
  }
  return (side === 'above' ? above : below) / total;
}

/**
 * Sampling standard error of histogram_quantile(q, buckets) were the observations independent:
 * √(q(1 − q)/n) / f(Q), the asymptotic error of a sample quantile, with the density f read the way
 * histogram_quantile interpolates — uniform within the bucket holding the rank, f = (bucket share)/(bucket
 * width). A rank inside a wide bucket therefore gets a small density and a large error: the bucket resolution
 * is part of the error, so a quantile that only moved within a coarse bucket is not called a shift.
 * NaN with no observations, or when the rank falls in the +Inf bucket or in a first bucket with le ≤ 0
 * (no width to interpolate in).
 */
export function quantileStandardError(q: number, buckets: CumulativeBucket[] | Histogram): number {
  const { upperBounds: le, cumulative: count } = histogramOf(buckets, 'quantileStandardError');
  if (!(q > 0 && q < 1)) {
    throw new RangeError(`quantileStandardError: q must be in (0, 1), got ${q}`);
  }
  const last = le.length - 1;
  if (le.length < 2 || le[last] !== Infinity || count[last] === 0) {
    return NaN;
  }
  const observations = count[last];
  const rank = q * observations;
  let b = 0;
  while (b < last && count[b] < rank) {
    b++;
  }
  if (b === last || (b === 0 && le[0] <= 0)) {
    return NaN;
  }
  const start = b > 0 ? le[b - 1] : 0;
  const inBucket = count[b] - (b > 0 ? count[b - 1] : 0);
  const density = inBucket / observations / (le[b] - start);
  return Math.sqrt((q * (1 - q)) / observations) / density;
}

/**
 * The headline quantile's shift as a log ratio ln(Q_window / Q_baseline), with the sampling variance
 * (SE_w/Q_w)² + (SE_b/Q_b)² (delta method). Null when either quantile is not positive or has no error.
 */
export function quantileShift(
  q: number,
  windowBuckets: CumulativeBucket[] | Histogram,
  baselineBuckets: CumulativeBucket[] | Histogram,
  wanderLog: number
): Shift | null {
  const window = histogramOf(windowBuckets, 'quantileShift (window)');
  const baseline = histogramOf(baselineBuckets, 'quantileShift (baseline)');
  const w = histogramQuantile(q, window);
  const b = histogramQuantile(q, baseline);
  const seW = quantileStandardError(q, window);
  const seB = quantileStandardError(q, baseline);
  if (!(w > 0 && b > 0 && Number.isFinite(w) && Number.isFinite(b) && seW > 0 && seB > 0)) {
    return null;
  }
  return {
    difference: Math.log(w / b),
    samplingVariance: (seW / w) ** 2 + (seB / b) ** 2,
    wanderSd: wanderLog,
  };
}

/** Which tail is bad: above the baseline p95, below its p5, or outside its central 95%. */
export type BadTail = 'higher' | 'lower' | 'both';

/** The share of a histogram beyond the baseline's bad-tail edge(s); NaN when it cannot be computed. */
function tailShareOf(tail: BadTail, edges: { low: number; high: number }, histogram: BucketCounts): number {
  const { upperBounds, counts } = histogram;
  const beyond = (edge: number, side: 'above' | 'below') =>
    Number.isFinite(edge) ? shareBeyond(edge, upperBounds, counts, side) : NaN;
  return tail === 'higher'
    ? beyond(edges.high, 'above')
    : tail === 'lower'
      ? beyond(edges.low, 'below')
      : beyond(edges.low, 'below') + beyond(edges.high, 'above');
}

/**
 * The share of the window beyond the baseline's bad-tail quantile (p95 above, p5 below, or both 2.5% tails),
 * and the same share of the baseline itself (5% up to bucket rounding), as a shift of a proportion:
 * sampling variance s̄(1 − s̄)(1/n_w + 1/n_b). Both sides are read through the same bucket model, so the
 * bucket resolution cancels. Null when either side is empty or the edges cannot be placed.
 */
export function tailShareShift(
  tail: BadTail,
  windowBuckets: CumulativeBucket[] | Histogram,
  baselineBuckets: CumulativeBucket[] | Histogram,
  wanderRelative: number
): { shift: Shift; windowShare: number } | null {
  const window = histogramOf(windowBuckets, 'tailShareShift (window)');
  const baseline = histogramOf(baselineBuckets, 'tailShareShift (baseline)');
  const edges =
    tail === 'both'
      ? { low: histogramQuantile(0.025, baseline), high: histogramQuantile(0.975, baseline) }
      : { low: histogramQuantile(0.05, baseline), high: histogramQuantile(0.95, baseline) };
  let windowCounts: BucketCounts;
  let baselineCounts: BucketCounts;
  try {
    windowCounts = toBucketCounts(window);
    baselineCounts = toBucketCounts(baseline);
  } catch {
    return null;
  }
  const sw = tailShareOf(tail, edges, windowCounts);
  const sb = tailShareOf(tail, edges, baselineCounts);
  const nw = sum(windowCounts.counts);
  const nb = sum(baselineCounts.counts);
  if (!Number.isFinite(sw) || !Number.isFinite(sb) || nw === 0 || nb === 0) {
    return null;
  }
  const pooled = (sw * nw + sb * nb) / (nw + nb);
  return {
    shift: {
      difference: sw - sb,
      samplingVariance: pooled * (1 - pooled) * (1 / nw + 1 / nb),
      wanderSd: wanderRelative * sb,
    },
    windowShare: sw,
  };
}
