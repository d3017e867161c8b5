/**
 * What the integration tests need to check an impact report against the truth and the engine:
 * finding look-up, the PromQL a test runs itself (from the metrics contract's names, not the
 * product's query builder), and float comparison with a stated tolerance.
 */
import { type DistributionSli, type ProportionSli, SLI_DEFINITIONS, type SliId } from '../src/core/metrics';
import { type DistributionFinding, type Finding, type ImpactReport, type ProportionFinding } from '../src/core/report';

export const SLI_BY_ID = new Map(SLI_DEFINITIONS.map((definition) => [definition.id, definition]));

export function findFinding(report: ImpactReport, sli: SliId, segment: Record<string, string>): Finding | undefined {
  const key = JSON.stringify(segment);
  return report.findings.find((f) => f.sli === sli && JSON.stringify(f.segment) === key);
}

export function isProportion(finding: Finding): finding is ProportionFinding {
  return finding.kind === 'proportion';
}

export function isDistribution(finding: Finding): finding is DistributionFinding {
  return finding.kind === 'distribution';
}

function selector(...matchers: Array<string | undefined>): string {
  return `{${matchers.filter((m) => m && m.length > 0).join(',')}}`;
}

/** `histogram_quantile(q, sum by (le, <by>) (increase(<metric>_bucket{…}[<d>s])))`, as the brief prescribes. */
export function histogramQuantileQuery(sli: DistributionSli, q: number, seconds: number, by: string[], extra?: string) {
  const labels = ['le', ...by].join(', ');
  return `histogram_quantile(${q}, sum by (${labels}) (increase(${sli.metric}_bucket${selector(sli.matchers, extra)}[${seconds}s])))`;
}

/** Per-bucket increases, to compare the engine's data with the truth's cumulative counts. */
export function bucketIncreaseQuery(sli: DistributionSli, seconds: number, by: string[]) {
  return `sum by (${['le', ...by].join(', ')}) (increase(${sli.metric}_bucket${selector(sli.matchers)}[${seconds}s]))`;
}

/** Events and total of a proportion SLI, straight from the contract's metric and label names. */
export function proportionQueries(sli: ProportionSli, seconds: number, by: string[]) {
  const eventValues = sli.eventValues.join('|');
  return {
    events: `sum by (${by.join(', ')}) (increase(${sli.metric}{${sli.eventLabel}=~"${eventValues}"}[${seconds}s]))`,
    total: `sum by (${by.join(', ')}) (increase(${sli.totalMetric ?? sli.metric}[${seconds}s]))`,
  };
}

/** |a − b| ≤ tolerance · max(|a|, |b|), with null equal only to null. */
export function relativelyClose(a: number | null, b: number | null, tolerance: number): boolean {
  if (a === null || b === null) {
    return a === b;
  }
  return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
}

/** Prometheus answers NaN for a quantile of an empty histogram; the report says null. */
export function nanToNull(value: number | undefined): number | null {
  return value === undefined || Number.isNaN(value) ? null : value;
}
