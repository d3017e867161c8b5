import {
  alignBuckets,
  chiSquareHomogeneity,
  type CumulativeBucket,
  histogramQuantile,
  jensenShannonDistance,
  ksStatistic,
  populationStabilityIndex,
  PSI_SHARE_FLOOR,
  shareBeyond,
  toBucketCounts,
} from './histogram';
import { prometheusQuantileCases } from './reference/prometheus-quantiles';
import { shiftReferences } from './reference/reference-values';

// Shift statistics are pinned against reference/reference-values.ts (60-digit decimal arithmetic, SciPy
// tail probabilities); quantiles against what a real Prometheus 2.42 answered (reference/prometheus-quantiles.ts).
const RELATIVE_TOLERANCE = 1e-12;

function expectClose(actual: number, expected: number, what: string, absoluteTolerance = 0): void {
  if (Number.isNaN(expected) || !Number.isFinite(expected)) {
    expect({ what, actual }).toEqual({ what, actual: expected });
    return;
  }
  const error = Math.abs(actual - expected);
  if (!(error <= absoluteTolerance || error <= RELATIVE_TOLERANCE * Math.abs(expected))) {
    throw new Error(`${what}: got ${actual}, expected ${expected} (error ${error})`);
  }
}

function bucketsOf(testCase: (typeof prometheusQuantileCases)[number]): CumulativeBucket[] {
  return testCase.buckets.map(({ le, count }) => ({ le, count }));
}

function cumulate(upperBounds: readonly number[], counts: readonly number[]): CumulativeBucket[] {
  let running = 0;
  return upperBounds.map((le, i) => ({ le, count: (running += counts[i]) }));
}

const latency: CumulativeBucket[] = [
  { le: 0.1, count: 10 },
  { le: 0.5, count: 60 },
  { le: 1, count: 90 },
  { le: Infinity, count: 100 },
];

describe('histogramQuantile', () => {
  describe.each(prometheusQuantileCases)('$name: $note', (testCase) => {
    it.each(testCase.quantiles)('q=$q gives what Prometheus gave ($expected)', ({ q, expected }) => {
      // Same float operations in the same order as Prometheus: equal, not merely close.
      expect(histogramQuantile(q, bucketsOf(testCase))).toBe(expected);
    });
  });

  it('does not reorder or change the caller’s buckets', () => {
    const buckets = [
      { le: Infinity, count: 20 },
      { le: 1, count: 15 },
      { le: 1, count: 2 },
      { le: 0.5, count: 16 },
    ];
    const copy = buckets.map((bucket) => ({ ...bucket }));
    histogramQuantile(0.5, buckets);
    toBucketCounts(buckets);
    expect(buckets).toEqual(copy);
  });

  it('is NaN for no buckets at all', () => {
    expect(histogramQuantile(0.5, [])).toBeNaN();
  });

  it.each([
    [[{ le: NaN, count: 1 }], /upper bound/],
    [[{ le: 1, count: -1 }], /count/],
    [[{ le: 1, count: NaN }], /count/],
    [[{ le: Infinity, count: Infinity }], /count/],
  ])('rejects malformed buckets %p', (buckets, message) => {
    expect(() => histogramQuantile(0.5, buckets)).toThrow(message);
  });
});

describe('toBucketCounts', () => {
  it('differences sorted cumulative counts', () => {
    expect(toBucketCounts([...latency].reverse())).toEqual({
      upperBounds: [0.1, 0.5, 1, Infinity],
      counts: [10, 50, 30, 10],
    });
  });

  it('coalesces duplicate le and fixes decreasing counts as histogram_quantile does', () => {
    const histogram = [
      { le: 0.1, count: 10 },
      { le: 0.5, count: 8 },
      { le: 1, count: 4 },
      { le: 1, count: 11 },
      { le: Infinity, count: 20 },
    ];
    expect(toBucketCounts(histogram)).toEqual({ upperBounds: [0.1, 0.5, 1, Infinity], counts: [10, 0, 5, 5] });
  });

  describe.each(prometheusQuantileCases.filter((c) => c.buckets.some((b) => b.le === Infinity)))(
    '$name',
    (testCase) => {
      it('keeps every quantile Prometheus computes', () => {
        const { upperBounds, counts } = toBucketCounts(bucketsOf(testCase));
        expect(counts.every((count) => count >= 0)).toBe(true);
        const rebuilt = cumulate(upperBounds, counts);
        for (const { q, expected } of testCase.quantiles) {
          expectClose(histogramQuantile(q, rebuilt), expected, `q=${q}`);
        }
      });
    }
  );

  it('refuses a histogram without a +Inf bucket', () => {
    expect(() => toBucketCounts([{ le: 1, count: 3 }])).toThrow(/le="\+Inf"/);
    expect(() => toBucketCounts([])).toThrow(/le="\+Inf"/);
  });
});

describe('alignBuckets', () => {
  const window = [
    { le: 0.1, count: 5 },
    { le: 0.25, count: 20 },
    { le: 0.5, count: 40 },
    { le: 1, count: 45 },
    { le: Infinity, count: 50 },
  ];
  const baseline = [
    { le: Infinity, count: 100 },
    { le: 2, count: 98 },
    { le: 1, count: 90 },
    { le: 0.5, count: 70 },
    { le: 0.1, count: 30 },
  ];

  it('keeps the upper bounds both sides have, with their exact cumulative counts', () => {
    const aligned = alignBuckets(window, baseline);
    expect(aligned.window).toEqual(window.filter((b) => b.le !== 0.25));
    expect(aligned.baseline).toEqual([...baseline].reverse().filter((b) => b.le !== 2));
    expect(aligned.dropped).toBe(true);
    expect(aligned.droppedUpperBounds).toEqual([0.25, 2]);
  });

  it('changes nothing when the layouts agree', () => {
    const aligned = alignBuckets(latency, latency);
    expect(aligned).toEqual({ window: latency, baseline: latency, dropped: false, droppedUpperBounds: [] });
  });

  it('keeps a quantile at a shared bound where it was', () => {
    const aligned = alignBuckets(window, baseline);
    // Rank 40 of 50 is exactly the cumulative count at le=0.5, which both layouts have.
    expect(histogramQuantile(0.8, aligned.window)).toBe(histogramQuantile(0.8, window));
  });

  it('rejects malformed buckets', () => {
    expect(() => alignBuckets([{ le: 1, count: -2 }], latency)).toThrow(/window/);
    expect(() => alignBuckets(latency, [{ le: NaN, count: 2 }])).toThrow(/baseline/);
  });
});

describe('shift statistics', () => {
  describe.each(shiftReferences)('$note', ({ window, baseline, psi, ks, jensenShannon, chiSquare }) => {
    // Near 0 these statistics only have absolute precision (shares rounded to doubles).
    it('PSI', () => expectClose(populationStabilityIndex(window, baseline), psi, 'PSI', 1e-15));
    it('KS', () => expectClose(ksStatistic(window, baseline), ks, 'KS', 1e-15));
    it('Jensen–Shannon distance', () =>
      expectClose(jensenShannonDistance(window, baseline), jensenShannon, 'JS', 1e-15));
    it('chi-square test of homogeneity', () => {
      const actual = chiSquareHomogeneity(window, baseline);
      expect(actual.degreesOfFreedom).toBe(chiSquare.degreesOfFreedom);
      expectClose(actual.statistic, chiSquare.statistic, 'statistic', 1e-12);
      expectClose(actual.pValue, chiSquare.pValue, 'p-value');
    });
  });

  it('PSI floors each share at 1e-4', () => {
    // Window share 0 becomes 1e-4 against a baseline share of 0.5 (and 1 against 0.5).
    const expected = (PSI_SHARE_FLOOR - 0.5) * Math.log(PSI_SHARE_FLOOR / 0.5) + (1 - 0.5) * Math.log(1 / 0.5);
    expectClose(populationStabilityIndex([0, 10], [5, 5]), expected, 'PSI');
  });

  it('are NaN when either side has no observations', () => {
    for (const [window, baseline] of [
      [
        [0, 0, 0],
        [1, 2, 3],
      ],
      [
        [1, 2, 3],
        [0, 0, 0],
      ],
      [[], []],
    ]) {
      expect(populationStabilityIndex(window, baseline)).toBeNaN();
      expect(ksStatistic(window, baseline)).toBeNaN();
      expect(jensenShannonDistance(window, baseline)).toBeNaN();
      expect(chiSquareHomogeneity(window, baseline).statistic).toBeNaN();
      expect(chiSquareHomogeneity(window, baseline).pValue).toBeNaN();
    }
  });

  it.each([
    ['different lengths', [1, 2], [1, 2, 3], /align them first/],
    ['a negative count', [1, -2], [1, 2], /window bucket 1/],
    ['a NaN count', [1, 2], [NaN, 2], /baseline bucket 0/],
    ['an infinite count', [Infinity, 2], [1, 2], /window bucket 0/],
  ])('reject %s', (_, window, baseline, message) => {
    expect(() => populationStabilityIndex(window, baseline)).toThrow(message);
    expect(() => ksStatistic(window, baseline)).toThrow(message);
    expect(() => jensenShannonDistance(window, baseline)).toThrow(message);
    expect(() => chiSquareHomogeneity(window, baseline)).toThrow(message);
  });
});

describe('shareBeyond', () => {
  const { upperBounds, counts } = toBucketCounts(latency);

  it('is the inverse of histogramQuantile wherever the quantile was interpolated', () => {
    let checked = 0;
    for (const testCase of prometheusQuantileCases) {
      const histogram = bucketsOf(testCase);
      if (!histogram.some((b) => b.le === Infinity)) {
        continue;
      }
      const bucketCounts = toBucketCounts(histogram);
      const total = bucketCounts.counts.reduce((a, b) => a + b, 0);
      const finiteTotal = total - bucketCounts.counts[bucketCounts.counts.length - 1];
      for (const { q, expected } of testCase.quantiles) {
        const interpolated =
          Number.isFinite(expected) &&
          q * total <= finiteTotal &&
          !(expected === bucketCounts.upperBounds[0] && expected <= 0);
        if (!interpolated || total === 0) {
          continue;
        }
        const below = shareBeyond(expected, bucketCounts.upperBounds, bucketCounts.counts, 'below');
        expectClose(below, q, `${testCase.name} q=${q}`, 1e-15);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('interpolates uniformly within a bucket, from 0 in the first', () => {
    expectClose(shareBeyond(0.05, upperBounds, counts, 'below'), 0.05, 'half of the first bucket');
    expectClose(shareBeyond(0.3, upperBounds, counts, 'above'), (25 + 30 + 10) / 100, 'half of (0.1, 0.5]');
  });

  it('gives above and below that add up to 1', () => {
    for (const threshold of [-1, 0, 0.05, 0.1, 0.7, 1, 3]) {
      const above = shareBeyond(threshold, upperBounds, counts, 'above');
      const below = shareBeyond(threshold, upperBounds, counts, 'below');
      expectClose(above + below, 1, `threshold ${threshold}`);
    }
  });

  it('counts the +Inf bucket wholly above any finite threshold', () => {
    expect(shareBeyond(1, upperBounds, counts, 'above')).toBe(0.1);
    expect(shareBeyond(1e9, upperBounds, counts, 'above')).toBe(0.1);
    expect(shareBeyond(Infinity, upperBounds, counts, 'above')).toBe(0);
    expect(shareBeyond(Infinity, upperBounds, counts, 'below')).toBe(1);
  });

  it('treats a first bucket with le ≤ 0 as a point at its le', () => {
    const negative = toBucketCounts([
      { le: -1, count: 4 },
      { le: 1, count: 8 },
      { le: Infinity, count: 10 },
    ]);
    expect(shareBeyond(-1.5, negative.upperBounds, negative.counts, 'below')).toBe(0);
    expect(shareBeyond(-1, negative.upperBounds, negative.counts, 'below')).toBe(0.4);
    expect(shareBeyond(0, negative.upperBounds, negative.counts, 'below')).toBe(0.6);
  });

  it('is NaN for a histogram without observations', () => {
    expect(shareBeyond(1, [1, Infinity], [0, 0], 'above')).toBeNaN();
  });

  it.each([
    ['a NaN threshold', () => shareBeyond(NaN, upperBounds, counts, 'above'), /threshold is NaN/],
    ['mismatched lengths', () => shareBeyond(1, [1, Infinity], [1, 2, 3], 'above'), /same length/],
    ['no +Inf bucket', () => shareBeyond(1, [1, 2], [1, 2], 'above'), /Infinity/],
    ['unsorted bounds', () => shareBeyond(1, [2, 1, Infinity], [1, 1, 1], 'above'), /strictly increasing/],
    ['a negative count', () => shareBeyond(1, [1, Infinity], [-1, 2], 'above'), /count/],
  ])('rejects %s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});
