/**
 * The report's statistics, defined once (docs/DESIGN.md "Statistics"): proportions (Wilson interval,
 * two-proportion z-test, Benjamini–Hochberg) and classic-histogram distributions (quantiles as
 * histogram_quantile computes them, PSI, KS, Jensen–Shannon, chi-square homogeneity, share beyond).
 */
export {
  benjaminiHochberg,
  proportionShift,
  type TwoProportionTest,
  twoProportionZTest,
  wilsonInterval,
  Z_95,
} from './proportions';
export {
  alignBuckets,
  type AlignedBuckets,
  type BucketCounts,
  chiSquareHomogeneity,
  type ChiSquareTest,
  type CumulativeBucket,
  histogramQuantile,
  jensenShannonDistance,
  ksStatistic,
  populationStabilityIndex,
  PSI_SHARE_FLOOR,
  quantileShift,
  quantileStandardError,
  shareBeyond,
  tailShareShift,
  toBucketCounts,
} from './histogram';
export {
  benjaminiYekutieli,
  type Dispersion,
  type DispersionSource,
  dispersionFromHistory,
  FALLBACK_WANDER,
  fallbackDispersion,
  MIN_HISTORY_PAIRS,
  type Shift,
  type ShiftTest,
  testShift,
  twoSidedPValue,
} from './dispersion';
