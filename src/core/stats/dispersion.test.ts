/**
 * The dispersion and the tests built on it, pinned against statsmodels and SciPy
 * (reference/dispersion-reference.ts, written by reference/generate_dispersion.py).
 */
import {
  benjaminiYekutieli,
  dispersionFromHistory,
  fallbackDispersion,
  MIN_HISTORY_PAIRS,
  testShift,
  twoSidedPValue,
} from './dispersion';
import { quantileStandardError, type CumulativeBucket } from './histogram';
import { proportionShift, twoProportionZTest } from './proportions';
import {
  benjaminiYekutieliReferences,
  dispersionReferences,
  pValueReferences,
  quantileErrorReferences,
  rateShiftReferences,
} from './reference/dispersion-reference';

const close = (actual: number, expected: number, relative: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected));

describe('dispersionFromHistory', () => {
  test.each(dispersionReferences.map((r) => [r.note, r] as const))('%s: statsmodels mad(z, center=0)²', (_note, r) => {
    const result = dispersionFromHistory([...r.zScores]);
    if (r.expected === null) {
      expect(result).toBeNull();
      return;
    }
    expect(result).not.toBeNull();
    close(result!.phi, r.expected.phi, 1e-12);
    close(result!.effectivePairs, r.expected.effectivePairs, 1e-9);
    expect(result).toMatchObject({
      source: 'history',
      pairs: r.expected.pairs,
      degreesOfFreedom: r.expected.degreesOfFreedom,
    });
  });

  test('pairs that carry one slow drift count as fewer, independent ones as about as many as they are', () => {
    const measured = (note: string) =>
      dispersionFromHistory([...dispersionReferences.find((r) => r.note.startsWith(note))!.zScores])!;
    const drifting = measured('autocorrelated');
    const independent = measured('independent');
    // ρ = 0.7: (1 − 0.49)/(1 + 0.49) ≈ 0.34 of them.
    expect(drifting.effectivePairs).toBeLessThan(drifting.pairs / 2);
    expect(independent.effectivePairs).toBeGreaterThan(0.95 * independent.pairs);
  });

  test('a few incidents left in the history barely move it; non-finite z-scores are skipped', () => {
    const clean = dispersionReferences.find((r) => r.note.startsWith('over-dispersed'))!;
    const dirty = dispersionReferences.find((r) => r.note.includes('unannotated'))!;
    expect(dirty.expected!.phi / clean.expected!.phi).toBeLessThan(1.3);
    const zScores = [...clean.zScores.slice(0, MIN_HISTORY_PAIRS), NaN, Infinity];
    expect(dispersionFromHistory(zScores)!.pairs).toBe(MIN_HISTORY_PAIRS);
  });
});

test.each(pValueReferences.map((r) => [r.z, r.degreesOfFreedom, r] as const))(
  'twoSidedPValue(z = %p, df = %p) is SciPy’s',
  (z, df, r) => {
    close(twoSidedPValue(z, df), r.pValue, 1e-10);
  }
);

test.each(benjaminiYekutieliReferences.map((r) => [r.note, r] as const))(
  'benjaminiYekutieli (%s) is statsmodels’ fdr_by',
  (_note, r) => {
    const q = benjaminiYekutieli([...r.pValues]);
    q.forEach((value, i) => close(value, r.qValues[i], 1e-12));
  }
);

test('benjaminiYekutieli skips NaN and refuses a p-value outside [0, 1]', () => {
  const q = benjaminiYekutieli([0.01, NaN, 0.04]);
  expect(q[1]).toBeNaN();
  close(q[0], 0.01 * 2 * 1.5, 1e-15);
  expect(() => benjaminiYekutieli([1.5])).toThrow(RangeError);
});

test.each(
  rateShiftReferences.map((r) => [r.windowEvents, r.windowTotal, r.baselineEvents, r.baselineTotal, r] as const)
)('proportionShift(%p/%p vs %p/%p): its z is statsmodels’ pooled proportions_ztest', (kw, nw, kb, nb, r) => {
  const shift = proportionShift(kw, nw, kb, nb, 0.25)!;
  close(shift.difference, r.difference, 1e-14);
  close(shift.samplingVariance, r.samplingVariance, 1e-13);
  close(shift.difference / Math.sqrt(shift.samplingVariance), r.z, 1e-12);
  close(shift.wanderSd, 0.25 * (kb / nb), 1e-15);
  close(twoProportionZTest(kw, nw, kb, nb).z, r.z, 1e-12);
});

test.each(quantileErrorReferences.map((r) => [r.note, r] as const))('quantileStandardError: %s', (_note, r) => {
  const buckets: CumulativeBucket[] = r.le.map((le, i) => ({
    le: le === '+Inf' ? Infinity : le,
    count: r.cumulative[i],
  }));
  const se = quantileStandardError(r.q, buckets);
  if (r.standardError === null) {
    expect(se).toBeNaN();
  } else {
    close(se, r.standardError, 1e-12);
  }
});

test('a wider bucket at the quantile gives a larger error: the bucket resolution is in the test', () => {
  const [narrow, wide] = quantileErrorReferences;
  expect(wide.standardError!).toBeGreaterThan(2 * narrow.standardError!);
});

describe('testShift', () => {
  const shift = { difference: 0.01, samplingVariance: 1e-5, wanderSd: 0.005 };

  test('with enough history: z divided by √φ, Student t with the history’s degrees of freedom', () => {
    const history = Array.from({ length: 40 }, (_, i) => ({
      difference: (i % 2 ? 1 : -1) * 0.002 * (1 + (i % 5)),
      samplingVariance: 1e-6,
      wanderSd: 0,
    }));
    const result = testShift(shift, history);
    const expected = dispersionFromHistory(history.map((h) => h.difference / Math.sqrt(h.samplingVariance)))!;
    expect(result.dispersion).toEqual(expected);
    close(result.z, 0.01 / Math.sqrt(1e-5 * expected.phi), 1e-12);
    close(result.pValue, twoSidedPValue(result.z, expected.degreesOfFreedom), 1e-15);
    close(result.independentPValue, twoSidedPValue(0.01 / Math.sqrt(1e-5), null), 1e-15);
  });

  test('with too little history: the fallback, Var = sampling + 2·wander², normal tail', () => {
    const result = testShift(shift, [shift, null]);
    expect(result.dispersion).toEqual(fallbackDispersion(1e-5, 0.005, 1));
    close(result.dispersion.phi, 1 + (2 * 0.005 ** 2) / 1e-5, 1e-12);
    expect(result.dispersion).toMatchObject({ source: 'too_little_history', pairs: 1, degreesOfFreedom: null });
    close(result.z, 0.01 / Math.sqrt(1e-5 + 2 * 0.005 ** 2), 1e-12);
  });
});
