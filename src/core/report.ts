/**
 * The impact report: what `aisre impact --format json` prints, what the panel and the incident page show,
 * and what the Markdown is rendered from. JSON-serialisable: no Infinity, no undefined in arrays;
 * a number that cannot be computed (a quantile of an empty histogram, a change from a zero baseline) is null.
 */
import { type SliId } from './metrics';

/** `no_data`: traffic stopped (none in the window, some in the baseline): never read as OK, shown first. */
export type Verdict = 'ok' | 'investigate' | 'page' | 'insufficient_data' | 'no_data';

/**
 * One significance test of a finding: the statistic's shift against its dispersion. A proportion has one
 * (its rate); a distribution two (its headline quantile, and the share beyond the baseline's tail quantile).
 */
export interface SignificanceTest {
  /** `rate`; `headline_quantile`: ln(window/baseline) of the headline quantile; `tail_share`: the share of the
   *  window beyond the baseline's bad-tail quantile (p95 above, p5 below, or outside the central 95%). */
  statistic: 'rate' | 'headline_quantile' | 'tail_share';
  /** Shift divided by its standard error with the dispersion; positive = the window is higher. */
  z: number | null;
  /** Two-sided; Student t with `degreesOfFreedom` when the dispersion came from history, else normal. */
  pValue: number | null;
  /** Benjamini–Yekutieli q-value across every test of the report. */
  qValue: number | null;
  /** The p-value were requests independent (dispersion 1): what a binomial test would have said. */
  independentPValue: number | null;
  /** Variance relative to independent requests (≥ 1) used by the test. */
  dispersion: number | null;
  /** `history`: measured on past window-vs-baseline pairs of the same length; `too_little_history`: the fallback. */
  dispersionSource: 'history' | 'too_little_history';
  /** Usable past pairs found for this SLI and segment. */
  historyPairs: number;
  degreesOfFreedom: number | null;
  /** The same shift in the previous window of this length, one-sided in the window's direction (persistence). */
  previousWindowPValue?: number | null;
}

/** A time interval in the report, as RFC 3339 UTC timestamps. */
export interface ReportInterval {
  from: string;
  to: string;
}

export interface ProportionSide {
  events: number;
  total: number;
  /** events / total; null when total is 0. */
  rate: number | null;
  /** Wilson score 95% interval of the rate; null when total is 0. */
  ci95: [number, number] | null;
}

export interface DistributionSide {
  /** Observations in the interval (the +Inf bucket's increase). */
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

interface FindingBase {
  sli: SliId;
  title: string;
  /** What one unit of the total is called in a sentence ("requests", "model calls"), from the profile's SLI. */
  totalNoun: string;
  /** The `--by` labels and their values for this finding ({} when not grouped). */
  segment: Record<string, string>;
  verdict: Verdict;
  /** Why the verdict is what it is, in one line (e.g. "below the minimum volume of 100 requests"). */
  reason: string;
  /** p-value of the test that decided the verdict (see `tests`); null when not testable. */
  pValue: number | null;
  /** Its Benjamini–Yekutieli q-value across every test of the report; null when not testable. */
  qValue: number | null;
  /** Every significance test of the finding, with the dispersion it used. */
  tests: SignificanceTest[];
  /** The change passed a threshold and independent requests would call it, but this traffic's own noise does not. */
  tooNoisy: boolean;
}

export interface ProportionFinding extends FindingBase {
  kind: 'proportion';
  /** What one event is called ("errors"), from the profile's SLI. */
  eventNoun: string;
  window: ProportionSide;
  baseline: ProportionSide;
  /** absolute: rate difference (window − baseline); relative: (window − baseline) / baseline. */
  change: { absolute: number | null; relative: number | null };
  /** Events beyond what the baseline rate predicts: k_w − n_w · p_b. */
  excessEvents: number | null;
}

export interface DistributionFinding extends FindingBase {
  kind: 'distribution';
  unit: string;
  window: DistributionSide;
  baseline: DistributionSide;
  /** Which quantile the verdict is judged on, and its relative change in the bad direction's sign. */
  headline: { quantile: 'p50' | 'p95'; relativeChange: number | null };
  psi: number | null;
  ks: number | null;
  jsDistance: number | null;
  /** Share of window observations on the bad side of the baseline's tail quantile (expected 0.05). */
  shareBeyondBaselineP95: number | null;
  /** Each side's share of its observations per bucket, as PSI and KS compare them; absent when a side is empty. */
  buckets?: BucketShares;
}

/** Per-bucket shares on the bucket bounds both sides have; bucket i holds observations in (le[i−1], le[i]]. */
export interface BucketShares {
  /** The buckets' upper bounds as Prometheus writes `le`: "0.1", "+Inf". */
  le: string[];
  /** Shares of the window's observations, summing to 1. */
  window: number[];
  /** Shares of the baseline's observations, summing to 1. */
  baseline: number[];
}

export type Finding = ProportionFinding | DistributionFinding;

export interface ImpactReport {
  window: ReportInterval;
  baseline: ReportInterval & {
    mode: 'preceding' | 'days_earlier' | 'fixed' | 'median_weeks';
    /** median_weeks: how many past weeks the median is over. */
    weeks?: number;
    /** Parts of the baseline left out because other incidents cover them. */
    excluded: ReportInterval[];
  };
  /** PromQL label matchers every query carried, e.g. `team="search",endpoint="/chat"` ('' for none). */
  selector: string;
  groupBy: string[];
  thresholds: Thresholds;
  findings: Finding[];
  /** SLIs whose metrics returned no series in the window or the baseline. */
  missingSlis: SliId[];
  /** Every PromQL query the report ran, with the evaluation time (a range query: its start and step too), in order. */
  queries: Array<{ expr: string; time: string; start?: string; stepSeconds?: number }>;
  /** What a reader should know about the data (NaN series, extrapolated counts, excluded baseline, bucket layouts). */
  caveats: string[];
}

export interface Thresholds {
  /** Relative regression that asks for a look (0.05 = 5%). */
  investigate: number;
  /** Relative regression that pages (0.3 = 30%). */
  page: number;
  psiInvestigate: number;
  psiPage: number;
  /** Benjamini–Yekutieli false discovery rate a finding must pass to investigate. */
  fdr: number;
  /** The stricter false discovery rate a finding must pass to page ("act now"). */
  pageFdr: number;
  /** Fewest events in the total (requests, observations) in window and baseline before a verdict. */
  minVolume: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  investigate: 0.05,
  page: 0.3,
  psiInvestigate: 0.1,
  psiPage: 0.25,
  fdr: 0.05,
  pageFdr: 0.01,
  minVolume: 100,
};
