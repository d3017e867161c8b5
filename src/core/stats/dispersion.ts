/**
 * Significance that holds on over-dispersed traffic. Every test of the report has the same shape:
 *
 *   z = (window statistic − baseline statistic) / (its sampling standard error × √φ)
 *
 * where the sampling standard error is what independent requests would give (binomial for a rate or a tail
 * share, the quantile's asymptotic error for a headline quantile), and the dispersion φ says how many times
 * larger the variance really is on this traffic. φ is measured on the metric's own history at the window's
 * length: the same statistic for past window-vs-baseline pairs (known incidents left out), each standardised
 * by its sampling error; φ is the robust mean square of those z-scores, (median |z| / Φ⁻¹(0.75))², so an
 * unannotated incident or two in the history does not inflate it. Past pairs an hour apart are not
 * independent when the baseline is a day or a week back (one slow drift runs through a day of them), so φ's
 * precision, the test's degrees of freedom, counts the pairs' effective number, not their number. With too
 * few pairs, a stated fallback model is used instead (below). docs/DESIGN.md "Statistics" and docs/statistics.md explain the method.
 */
import erfc from '@stdlib/math-base-special-erfc';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import { benjaminiHochberg } from './proportions';

/** Φ⁻¹(0.75): the median of |z| for a standard normal z. */
const NORMAL_MEDIAN_ABS = 0.6744897501960817;
/**
 * Asymptotic Gaussian efficiency of the median absolute deviation (≈ 0.3675): φ from m pairs is as precise as
 * a variance estimated from 0.3675·m observations, which sets the Student-t degrees of freedom.
 */
const MAD_EFFICIENCY = 0.3675;
/** Fewer usable past pairs than this and the history says too little; the fallback model is used. */
export const MIN_HISTORY_PAIRS = 12;

/**
 * The fallback's between-window wander, when history is too short to measure it: a rate (or a tail share)
 * is taken to move by this much relative between two windows of traffic that nothing happened to, and a
 * headline quantile by this much on the log scale. Deliberately wide (the simulator's realistic traffic moves
 * by about a third of it hour to hour): with no history, only a shift well beyond ordinary wander is called.
 */
export const FALLBACK_WANDER = { relative: 0.25, logQuantile: 0.1 } as const;

type DispersionSource = 'history' | 'too_little_history';

/** A window-vs-baseline shift of one statistic (./proportions, ./histogram), with its variance were requests independent. */
export interface Shift {
  /** Window minus baseline, on the statistic's scale (positive = the window is higher). */
  difference: number;
  samplingVariance: number;
  /** The fallback's between-window wander of this statistic, as a standard deviation on the same scale. */
  wanderSd: number;
}

export interface Dispersion {
  /** Variance of the statistic relative to independent sampling (≥ 1). */
  phi: number;
  source: DispersionSource;
  /** Past window-vs-baseline pairs it was measured on. */
  pairs: number;
  /** As many independent pairs as they are worth, given their lag-1 autocorrelation (= pairs when none). */
  effectivePairs: number;
  /** Student-t degrees of freedom of a test that uses it; null for the fallback (normal). */
  degreesOfFreedom: number | null;
}

/**
 * φ from the standardised shifts z_i of past window-vs-baseline pairs, in time order: (median |z_i| / Φ⁻¹(0.75))²,
 * at least 1 (traffic is never less noisy than independent requests). Non-finite z_i (a pair that could not be
 * standardised) are skipped. Null when fewer than MIN_HISTORY_PAIRS remain. The degrees of freedom are
 * MAD_EFFICIENCY × the effective number of pairs (effectivePairs).
 */
export function dispersionFromHistory(zScores: number[]): Dispersion | null {
  const finite = zScores.filter(Number.isFinite);
  if (finite.length < MIN_HISTORY_PAIRS) {
    return null;
  }
  const scale = median(finite.map(Math.abs)) / NORMAL_MEDIAN_ABS;
  const rho = lag1Autocorrelation(finite);
  // Only a positive autocorrelation beyond what independent pairs show by chance (Bartlett's ±2/√n band) is a
  // drift: a short history is not penalised for its noise.
  const drift = rho > 2 / Math.sqrt(finite.length) ? rho : 0;
  const effective = effectivePairs(finite.length, drift);
  return {
    phi: Math.max(1, scale * scale),
    source: 'history',
    pairs: finite.length,
    effectivePairs: effective,
    degreesOfFreedom: Math.max(1, Math.floor(MAD_EFFICIENCY * effective)),
  };
}

/** Lag-1 autocorrelation as statsmodels' acf computes it (mean removed, both sums over all n); 0 for a constant series. */
function lag1Autocorrelation(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  let variance = 0;
  let covariance = 0;
  for (let i = 0; i < values.length; i++) {
    variance += (values[i] - mean) ** 2;
    covariance += i > 0 ? (values[i] - mean) * (values[i - 1] - mean) : 0;
  }
  return variance > 0 ? covariance / variance : 0;
}

/**
 * The number of independent values n autocorrelated ones are worth for estimating a spread: for a Gaussian
 * first-order autoregression with lag-1 autocorrelation ρ the squares correlate by ρ², and a variance
 * estimated from n of them is as precise as one from n·(1 − ρ²)/(1 + ρ²) independent values (Bartlett).
 */
function effectivePairs(n: number, rho: number): number {
  const r2 = Math.min(rho * rho, 1);
  return (n * (1 - r2)) / (1 + r2);
}

export function median(values: number[]): number {
  if (values.length === 0) {
    return NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The fallback dispersion: independent sampling plus a between-window wander of the statistic that does not
 * shrink with volume, Var = sampling + 2·wander² (window and baseline each wander), as a ratio to sampling.
 * `wanderSd` is on the statistic's own scale (FALLBACK_WANDER.relative × the baseline rate, or
 * FALLBACK_WANDER.logQuantile for a log quantile ratio).
 */
export function fallbackDispersion(samplingVariance: number, wanderSd: number, pairs: number): Dispersion {
  const phi = samplingVariance > 0 ? 1 + (2 * wanderSd * wanderSd) / samplingVariance : 1;
  return {
    phi: Number.isFinite(phi) ? phi : 1,
    source: 'too_little_history',
    pairs,
    effectivePairs: pairs,
    degreesOfFreedom: null,
  };
}

/** Two-sided p-value of a standardised shift: normal, or Student t when φ was estimated (df from the history). */
export function twoSidedPValue(z: number, degreesOfFreedom: number | null): number {
  if (Number.isNaN(z)) {
    return NaN;
  }
  const tail = Math.abs(z);
  // erfc keeps relative precision far into the tail; so does the t CDF at −|z| (an incomplete beta).
  return degreesOfFreedom === null ? erfc(tail / Math.SQRT2) : Math.min(1, 2 * tCdf(-tail, degreesOfFreedom));
}

/**
 * Benjamini–Yekutieli q-values: Benjamini–Hochberg's step-up multiplied by the harmonic number
 * c(m) = Σ 1/i, which keeps the false discovery rate at the stated level under ANY dependence between the
 * tests. The report needs that: refusal, error and timeout are exclusive outcomes of the same requests
 * (negatively dependent), and a quantile and a tail share of one histogram are positively dependent.
 * NaN entries take no part (m counts the finite p-values) and get NaN.
 */
export function benjaminiYekutieli(pValues: number[]): number[] {
  // BY = min(1, c(m) · BH): Benjamini–Hochberg's q-values are already the step-up minimum, capped at 1.
  const m = pValues.filter((p) => !Number.isNaN(p)).length;
  let harmonic = 0;
  for (let i = 1; i <= m; i++) {
    harmonic += 1 / i;
  }
  return benjaminiHochberg(pValues).map((q) => (Number.isNaN(q) ? NaN : Math.min(1, q * harmonic)));
}

export interface ShiftTest {
  /** Standardised shift with the dispersion: difference / √(samplingVariance · φ). */
  z: number;
  pValue: number;
  /** What the test would say were requests independent (φ = 1): how much the noise cost. */
  independentPValue: number;
  dispersion: Dispersion;
}

/**
 * Test a shift against its history: φ from the past pairs' shifts at the same window length
 * (dispersionFromHistory), or the fallback model when there are too few of them.
 */
export function testShift(shift: Shift, history: Array<Shift | null>): ShiftTest {
  const pastZ = history.flatMap((past) =>
    past && past.samplingVariance > 0 ? [past.difference / Math.sqrt(past.samplingVariance)] : []
  );
  const dispersion =
    dispersionFromHistory(pastZ) ?? fallbackDispersion(shift.samplingVariance, shift.wanderSd, pastZ.length);
  const independentZ = shift.samplingVariance > 0 ? shift.difference / Math.sqrt(shift.samplingVariance) : NaN;
  const z = independentZ / Math.sqrt(dispersion.phi);
  return {
    z,
    pValue: twoSidedPValue(z, dispersion.degreesOfFreedom),
    independentPValue: twoSidedPValue(independentZ, null),
    dispersion,
  };
}

/**
 * Persistence: the same shift in the previous window of this length (against its own baseline), standardised
 * with the test's own dispersion; the one-sided p-value of a move at least that far in the window's direction.
 * Null when there is no previous window to judge (it touched an incident, or could not be computed).
 */
export function persistencePValue(test: ShiftTest, previous: Shift | null): number | null {
  if (!previous || !(previous.samplingVariance > 0) || !Number.isFinite(test.z) || test.z === 0) {
    return null;
  }
  const z = previous.difference / Math.sqrt(previous.samplingVariance * test.dispersion.phi);
  const twoSided = twoSidedPValue(z, test.dispersion.degreesOfFreedom);
  return Math.sign(z) === Math.sign(test.z) ? twoSided / 2 : 1 - twoSided / 2;
}
