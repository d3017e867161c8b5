import { benjaminiHochberg, twoProportionZTest, wilsonInterval, Z_95 } from './proportions';
import {
  benjaminiHochbergReferences,
  REFERENCE_Z_95,
  twoProportionReferences,
  wilsonReferences,
} from './reference/reference-values';

// Pinned against reference/reference-values.ts (60-digit decimal arithmetic, cross-checked with SciPy).
const RELATIVE_TOLERANCE = 1e-12;

function expectClose(actual: number, expected: number, what: string): void {
  if (Number.isNaN(expected) || expected === 0 || !Number.isFinite(expected)) {
    expect({ what, actual }).toEqual({ what, actual: expected });
    return;
  }
  const relativeError = Math.abs(actual - expected) / Math.abs(expected);
  if (!(relativeError <= RELATIVE_TOLERANCE)) {
    throw new Error(`${what}: got ${actual}, expected ${expected} (relative error ${relativeError})`);
  }
}

describe('Z_95', () => {
  it('is SciPy’s norm.ppf(0.975)', () => {
    expect(Z_95).toBe(REFERENCE_Z_95);
  });
});

describe('wilsonInterval', () => {
  it.each(wilsonReferences)('$note: $events of $total', ({ events, total, z, lower, upper }) => {
    const [actualLower, actualUpper] = wilsonInterval(events, total, z);
    expectClose(actualLower, lower, 'lower');
    expectClose(actualUpper, upper, 'upper');
  });

  it('uses the 95% z by default', () => {
    expect(wilsonInterval(81, 1000)).toEqual(wilsonInterval(81, 1000, Z_95));
  });

  it('gives exactly 0 and 1 at the edges', () => {
    expect(wilsonInterval(0, 250)[0]).toBe(0);
    expect(wilsonInterval(250, 250)[1]).toBe(1);
    expect(wilsonInterval(0.75, 0.75)[1]).toBe(1);
  });

  it('contains the rate', () => {
    for (const [events, total] of [
      [1, 3],
      [7, 1e6],
      [2.5, 3.5],
    ]) {
      const [lower, upper] = wilsonInterval(events, total);
      expect(lower).toBeLessThan(events / total);
      expect(upper).toBeGreaterThan(events / total);
    }
  });

  it('returns [0, 1] when nothing was observed', () => {
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });

  it.each([
    [-1, 10, /events/],
    [1, -10, /total/],
    [NaN, 10, /events/],
    [1, Infinity, /total/],
    [11, 10, /exceed/],
  ])('rejects events %p of total %p', (events, total, message) => {
    expect(() => wilsonInterval(events, total)).toThrow(message);
  });

  it('rejects a z that is not positive', () => {
    expect(() => wilsonInterval(1, 10, 0)).toThrow(/z must be/);
  });
});

describe('twoProportionZTest', () => {
  it.each(twoProportionReferences)(
    '$note',
    ({ windowEvents, windowTotal, baselineEvents, baselineTotal, z, pValue }) => {
      const result = twoProportionZTest(windowEvents, windowTotal, baselineEvents, baselineTotal);
      expectClose(result.z, z, 'z');
      expectClose(result.pValue, pValue, 'p-value');
    }
  );

  it('keeps tail p-values distinct from 0 until they underflow', () => {
    // 260 of 1000 vs 100 of 1000: z ≈ 9.3, p ≈ 1.2e-20, where 1 − Φ(|z|) in double precision gives 0.
    const { pValue } = twoProportionZTest(260, 1000, 100, 1000);
    expect(pValue).toBeGreaterThan(1e-21);
    expect(pValue).toBeLessThan(1e-19);
  });

  it('is symmetric: swapping window and baseline negates z and keeps p', () => {
    const forward = twoProportionZTest(81, 1000, 30, 1200);
    const backward = twoProportionZTest(30, 1200, 81, 1000);
    expect(backward.z).toBe(-forward.z);
    expect(backward.pValue).toBe(forward.pValue);
  });

  it.each([
    ['an empty window', [0, 0, 30, 1000]],
    ['an empty baseline', [5, 100, 0, 0]],
    ['no events on either side', [0, 100, 0, 1000]],
    ['only events on both sides', [100, 100, 1000, 1000]],
  ])('has nothing to test with %s', (_, [we, wt, be, bt]) => {
    expect(twoProportionZTest(we, wt, be, bt)).toEqual({ z: 0, pValue: 1 });
  });

  it('rejects impossible counts', () => {
    expect(() => twoProportionZTest(11, 10, 1, 10)).toThrow(/window events .* exceed/);
    expect(() => twoProportionZTest(1, 10, -1, 10)).toThrow(/baseline events/);
    expect(() => twoProportionZTest(1, NaN, 1, 10)).toThrow(/window total/);
  });
});

describe('benjaminiHochberg', () => {
  it.each(benjaminiHochbergReferences)('$note', ({ pValues, qValues }) => {
    const actual = benjaminiHochberg(pValues);
    expect(actual).toHaveLength(qValues.length);
    actual.forEach((q, i) => expectClose(q, qValues[i], `q-value ${i}`));
  });

  it('is monotone in p and never below p', () => {
    const reference = benjaminiHochbergReferences.find((r) => r.note === '50 mixed');
    const pValues = reference?.pValues ?? [];
    const qValues = benjaminiHochberg(pValues);
    const order = pValues.map((_, i) => i).sort((a, b) => pValues[a] - pValues[b]);
    for (let k = 1; k < order.length; k++) {
      expect(qValues[order[k]]).toBeGreaterThanOrEqual(qValues[order[k - 1]]);
    }
    pValues.forEach((p, i) => expect(qValues[i]).toBeGreaterThanOrEqual(p));
  });

  it('does not count untestable findings in m', () => {
    expect(benjaminiHochberg([0.01, NaN, NaN, NaN])).toEqual([0.01, NaN, NaN, NaN]);
  });

  it.each([[[0.5, 1.2]], [[-0.1]], [[Infinity]]])('rejects %p', (pValues) => {
    expect(() => benjaminiHochberg(pValues)).toThrow(/must be in \[0, 1\]/);
  });
});
