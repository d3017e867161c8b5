/**
 * Statistics of proportion SLIs (refusal rate, error rate, empty-retrieval share, …): the Wilson score
 * interval of a rate, the pooled two-proportion z-test of window against baseline, and
 * Benjamini–Hochberg q-values (the base of the report's Benjamini–Yekutieli, ./dispersion). docs/DESIGN.md "Statistics" defines them.
 *
 * Counts are increase() results, so they may be non-integer (Prometheus extrapolates to the interval's
 * edges); everything here accepts any finite non-negative count.
 */
import erfc from '@stdlib/math-base-special-erfc';
import type { Shift } from './dispersion';

/** The two-sided 95% normal quantile, Φ⁻¹(0.975), to double precision. */
export const Z_95 = 1.959963984540054;

function assertCount(value: number, name: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite count ≥ 0, got ${value}`);
  }
}

function assertEventsWithinTotal(events: number, total: number, side: string): void {
  assertCount(events, `${side} events`);
  assertCount(total, `${side} total`);
  if (events > total) {
    throw new RangeError(`${side} events (${events}) exceed the ${side} total (${total})`);
  }
}

/**
 * Wilson score interval for the rate events/total, without continuity correction.
 * Returns [0, 1] when total is 0 (nothing observed, nothing excluded); callers show no interval then.
 */
export function wilsonInterval(events: number, total: number, z = Z_95): [number, number] {
  assertEventsWithinTotal(events, total, 'wilsonInterval:');
  if (!Number.isFinite(z) || z <= 0) {
    throw new RangeError(`wilsonInterval: z must be a finite number > 0, got ${z}`);
  }
  if (total === 0) {
    return [0, 1];
  }
  const rate = events / total;
  // (total − events) / total keeps 1 − rate precise when the rate is close to 1.
  const complement = (total - events) / total;
  const zSquaredOverTotal = (z * z) / total;
  const shrink = 1 + zSquaredOverTotal;
  const halfWidth = z * Math.sqrt((rate * complement) / total + zSquaredOverTotal / (4 * total));
  const upper = (rate + zSquaredOverTotal / 2 + halfWidth) / shrink;
  // The bounds are the roots of shrink·p² − (2·rate + z²/n)·p + rate² = 0, so lower·upper = rate²/shrink:
  // this form avoids the cancellation in (centre − half-width) for small rates, and is exactly 0 at 0 events.
  const lower = (rate * rate) / (shrink * upper);
  return [lower, events === total ? 1 : upper];
}

export interface TwoProportionTest {
  /** Positive when the window's rate is above the baseline's. */
  z: number;
  /** Two-sided p-value. */
  pValue: number;
}

/**
 * Pooled two-proportion z-test, two-sided: is the window's rate different from the baseline's?
 * With no data on one side, or a pooled rate of exactly 0 or 1 (no variance), there is nothing to test:
 * z 0, p-value 1.
 */
export function twoProportionZTest(
  windowEvents: number,
  windowTotal: number,
  baselineEvents: number,
  baselineTotal: number
): TwoProportionTest {
  assertEventsWithinTotal(windowEvents, windowTotal, 'twoProportionZTest: window');
  assertEventsWithinTotal(baselineEvents, baselineTotal, 'twoProportionZTest: baseline');
  const pooledEvents = windowEvents + baselineEvents;
  const pooledTotal = windowTotal + baselineTotal;
  if (windowTotal === 0 || baselineTotal === 0 || pooledEvents === 0 || pooledEvents === pooledTotal) {
    return { z: 0, pValue: 1 };
  }
  const pooledRate = pooledEvents / pooledTotal;
  const pooledComplement = (pooledTotal - pooledEvents) / pooledTotal;
  const standardError = Math.sqrt(pooledRate * pooledComplement * (1 / windowTotal + 1 / baselineTotal));
  const z = (windowEvents / windowTotal - baselineEvents / baselineTotal) / standardError;
  // 2·Φ(−|z|) = erfc(|z|/√2); erfc keeps its relative precision far into the tail (p ≈ 1e-300).
  return { z, pValue: erfc(Math.abs(z) / Math.SQRT2) };
}

/**
 * Benjamini–Hochberg q-values (step-up adjusted p-values, monotone in p, capped at 1), in input order.
 * NaN entries (findings that could not be tested) take no part: m counts only the finite p-values,
 * and their q-value is NaN.
 */
export function benjaminiHochberg(pValues: number[]): number[] {
  const tested: number[] = [];
  pValues.forEach((p, index) => {
    if (Number.isNaN(p)) {
      return;
    }
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`benjaminiHochberg: p-value at index ${index} must be in [0, 1] or NaN, got ${p}`);
    }
    tested.push(index);
  });
  tested.sort((a, b) => pValues[a] - pValues[b]);

  const qValues = pValues.map(() => NaN);
  const m = tested.length;
  let runningMin = 1;
  // Walk from the largest p-value down, so each q-value is the minimum over its rank and every rank above.
  for (let rank = m; rank >= 1; rank--) {
    const index = tested[rank - 1];
    runningMin = Math.min(runningMin, (pValues[index] * m) / rank);
    qValues[index] = runningMin;
  }
  return qValues;
}

/**
 * The window-vs-baseline shift of a rate, p_w − p_b, with its pooled binomial variance
 * p̄(1 − p̄)(1/n_w + 1/n_b) (the z-test's, so difference/√variance is twoProportionZTest's z) and the
 * fallback's wander `wanderRelative` × p_b. Null when either side has no total or the pooled rate is 0 or 1.
 */
export function proportionShift(
  windowEvents: number,
  windowTotal: number,
  baselineEvents: number,
  baselineTotal: number,
  wanderRelative: number
): Shift | null {
  assertEventsWithinTotal(windowEvents, windowTotal, 'proportionShift: window');
  assertEventsWithinTotal(baselineEvents, baselineTotal, 'proportionShift: baseline');
  const pooledEvents = windowEvents + baselineEvents;
  const pooledTotal = windowTotal + baselineTotal;
  if (windowTotal === 0 || baselineTotal === 0 || pooledEvents === 0 || pooledEvents === pooledTotal) {
    return null;
  }
  const pooled = pooledEvents / pooledTotal;
  const complement = (pooledTotal - pooledEvents) / pooledTotal;
  const baselineRate = baselineEvents / baselineTotal;
  return {
    difference: windowEvents / windowTotal - baselineRate,
    samplingVariance: pooled * complement * (1 / windowTotal + 1 / baselineTotal),
    wanderSd: wanderRelative * baselineRate,
  };
}
