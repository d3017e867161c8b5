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
  upperBounds: number[];
  counts: number[];
}

/** Shares below this are raised to it before PSI's logarithm, so an empty bucket on one side stays finite. */
export const PSI_SHARE_FLOOR = 1e-4;

function assertCumulativeBuckets(buckets: CumulativeBucket[], where: string): void {
  if (!Array.isArray(buckets)) {
    throw new TypeError(`${where}: buckets must be an array`);
  }
  buckets.forEach(({ le, count }, index) => {
    if (typeof le !== 'number' || Number.isNaN(le)) {
      throw new RangeError(`${where}: bucket ${index} has an upper bound (le) that is not a number: ${le}`);
    }
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
      throw new RangeError(`${where}: bucket le=${le} must have a finite count ≥ 0, got ${count}`);
    }
  });
}

/** Sorted by le, duplicate le merged by adding their counts (as histogram_quantile's coalesceBuckets does). */
function sortAndCoalesce(buckets: CumulativeBucket[]): CumulativeBucket[] {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const merged: CumulativeBucket[] = [];
  for (const bucket of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.le === bucket.le) {
      last.count += bucket.count;
    } else {
      merged.push({ le: bucket.le, count: bucket.count });
    }
  }
  return merged;
}

/** Raise any cumulative count below an earlier one to it (histogram_quantile's ensureMonotonic). */
function ensureMonotonic(buckets: CumulativeBucket[]): void {
  let max = -Infinity;
  for (const bucket of buckets) {
    if (bucket.count > max) {
      max = bucket.count;
    } else {
      bucket.count = max;
    }
  }
}

/** Sort, coalesce and fix monotonicity, in the order histogram_quantile does. */
function normalise(buckets: CumulativeBucket[]): CumulativeBucket[] {
  const normalised = sortAndCoalesce(buckets);
  ensureMonotonic(normalised);
  return normalised;
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
export function histogramQuantile(q: number, buckets: CumulativeBucket[]): number {
  assertCumulativeBuckets(buckets, 'histogramQuantile');
  if (Number.isNaN(q)) {
    return NaN;
  }
  if (q < 0) {
    return -Infinity;
  }
  if (q > 1) {
    return Infinity;
  }
  if (buckets.length === 0) {
    return NaN;
  }
  const normalised = normalise(buckets);
  const last = normalised.length - 1;
  if (normalised[last].le !== Infinity || normalised.length < 2) {
    return NaN;
  }
  const observations = normalised[last].count;
  if (observations === 0) {
    return NaN;
  }
  let rank = q * observations;
  // First bucket whose cumulative count reaches the rank; the +Inf bucket when none of the others does.
  let b = 0;
  while (b < last && normalised[b].count < rank) {
    b++;
  }
  if (b === last) {
    return normalised[last - 1].le;
  }
  if (b === 0 && normalised[0].le <= 0) {
    return normalised[0].le;
  }
  let bucketStart = 0;
  const bucketEnd = normalised[b].le;
  let count = normalised[b].count;
  if (b > 0) {
    bucketStart = normalised[b - 1].le;
    count -= normalised[b - 1].count;
    rank -= normalised[b - 1].count;
  }
  // Same operations in the same order as Prometheus, so results match it bit for bit
  // (including NaN from 0/0 when q = 0 and the first bucket is empty).
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

/**
 * Per-bucket counts of a cumulative histogram: sorted, duplicate le coalesced, monotonicity fixed as
 * histogram_quantile does, then differenced. The last upper bound is Infinity.
 */
export function toBucketCounts(buckets: CumulativeBucket[]): BucketCounts {
  assertCumulativeBuckets(buckets, 'toBucketCounts');
  const normalised = normalise(buckets);
  if (normalised.length === 0 || normalised[normalised.length - 1].le !== Infinity) {
    throw new RangeError(
      'toBucketCounts: the histogram has no le="+Inf" bucket, so its total number of observations is unknown'
    );
  }
  return {
    upperBounds: normalised.map((bucket) => bucket.le),
    counts: normalised.map((bucket, i) => (i === 0 ? bucket.count : bucket.count - normalised[i - 1].count)),
  };
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
  assertCumulativeBuckets(window, 'alignBuckets (window)');
  assertCumulativeBuckets(baseline, 'alignBuckets (baseline)');
  const windowSorted = sortAndCoalesce(window);
  const baselineSorted = sortAndCoalesce(baseline);
  const windowBounds = new Set(windowSorted.map((bucket) => bucket.le));
  const baselineBounds = new Set(baselineSorted.map((bucket) => bucket.le));
  const droppedUpperBounds = [
    ...windowSorted.filter((bucket) => !baselineBounds.has(bucket.le)),
    ...baselineSorted.filter((bucket) => !windowBounds.has(bucket.le)),
  ]
    .map((bucket) => bucket.le)
    .sort((a, b) => a - b);
  return {
    window: windowSorted.filter((bucket) => baselineBounds.has(bucket.le)),
    baseline: baselineSorted.filter((bucket) => windowBounds.has(bucket.le)),
    dropped: droppedUpperBounds.length > 0,
    droppedUpperBounds,
  };
}

function assertBucketCounts(counts: number[], where: string, side: string): void {
  if (!Array.isArray(counts)) {
    throw new TypeError(`${where}: ${side} counts must be an array`);
  }
  counts.forEach((count, index) => {
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
      throw new RangeError(`${where}: ${side} bucket ${index} must have a finite count ≥ 0, got ${count}`);
    }
  });
}

function assertAlignedCounts(window: number[], baseline: number[], where: string): void {
  assertBucketCounts(window, where, 'window');
  assertBucketCounts(baseline, where, 'baseline');
  if (window.length !== baseline.length) {
    throw new RangeError(
      `${where}: window has ${window.length} buckets but baseline has ${baseline.length}; align them first (alignBuckets)`
    );
  }
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/**
 * Population stability index Σ (a − b)·ln(a / b) over the bucket shares a (window) and b (baseline).
 * Each share is floored at PSI_SHARE_FLOOR (1e-4) first, the usual convention, so a bucket empty on one
 * side adds a large but finite term. NaN when either side has no observations.
 */
export function populationStabilityIndex(window: number[], baseline: number[]): number {
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
export function ksStatistic(window: number[], baseline: number[]): number {
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
export function jensenShannonDistance(window: number[], baseline: number[]): number {
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
export function chiSquareHomogeneity(window: number[], baseline: number[]): ChiSquareTest {
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

function assertBucketLayout(upperBounds: number[], counts: number[], where: string): void {
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
  upperBounds: number[],
  counts: number[],
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
export function quantileStandardError(q: number, buckets: CumulativeBucket[]): number {
  assertCumulativeBuckets(buckets, 'quantileStandardError');
  if (!(q > 0 && q < 1)) {
    throw new RangeError(`quantileStandardError: q must be in (0, 1), got ${q}`);
  }
  const normalised = normalise(buckets);
  const last = normalised.length - 1;
  if (normalised.length < 2 || normalised[last].le !== Infinity || normalised[last].count === 0) {
    return NaN;
  }
  const observations = normalised[last].count;
  const rank = q * observations;
  let b = 0;
  while (b < last && normalised[b].count < rank) {
    b++;
  }
  if (b === last || (b === 0 && normalised[0].le <= 0)) {
    return NaN;
  }
  const start = b > 0 ? normalised[b - 1].le : 0;
  const inBucket = normalised[b].count - (b > 0 ? normalised[b - 1].count : 0);
  const density = inBucket / observations / (normalised[b].le - start);
  return Math.sqrt((q * (1 - q)) / observations) / density;
}

/**
 * The headline quantile's shift as a log ratio ln(Q_window / Q_baseline), with the sampling variance
 * (SE_w/Q_w)² + (SE_b/Q_b)² (delta method). Null when either quantile is not positive or has no error.
 */
export function quantileShift(
  q: number,
  window: CumulativeBucket[],
  baseline: CumulativeBucket[],
  wanderLog: number
): Shift | null {
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
  window: CumulativeBucket[],
  baseline: CumulativeBucket[],
  wanderRelative: number
): { shift: Shift; windowShare: number } | null {
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
