/**
 * Checks of an impact report against the simulator's ground truth. Each returns a list of mismatches
 * (empty when the report agrees), so a failing test prints every wrong number with its SLI and segment.
 */
import { rfc3339 } from '../src/core/format';
import { type SliId } from '../src/core/metrics';
import { type ImpactReport } from '../src/core/report';
import { instantQuery } from './http';
import {
  findFinding,
  histogramQuantileQuery,
  isDistribution,
  isProportion,
  nanToNull,
  relativelyClose,
  SLI_BY_ID,
} from './impactChecks';
import { twoProportionPValue, wilsonInterval } from './reference';
import {
  findWindow,
  isHistogramTruth,
  type SimulationTruth,
  type TruthIncident,
  type TruthWindow,
  toUnixSeconds,
} from './truth';

/** Relative tolerance for numbers the product derives from exact counts (rates, intervals): float rounding only. */
const DERIVED_TOLERANCE = 1e-9;

/** Total (requests, observations) the truth records for an SLI on an endpoint in a window. */
function truthTotal(window: TruthWindow, endpoint: string, sli: SliId): number | undefined {
  const counts = window.counts[endpoint]?.[sli];
  if (!counts) {
    return undefined;
  }
  return isHistogramTruth(counts) ? counts.cumulative[counts.cumulative.length - 1] : counts.total;
}

/**
 * Window and baseline counts of every finding equal the truth's (within `tolerance` relative; 0 = exact),
 * and the report has a finding for every SLI and endpoint the truth has traffic for, and no other.
 */
export function countMismatches(report: ImpactReport, window: TruthWindow, baseline?: TruthWindow, tolerance = 0) {
  const mismatches: string[] = [];
  const expectedKeys = new Set<string>();
  for (const [endpoint, slis] of Object.entries(window.counts)) {
    for (const sli of Object.keys(slis) as SliId[]) {
      if ((truthTotal(window, endpoint, sli) ?? 0) > 0) {
        expectedKeys.add(`${sli} ${endpoint}`);
      }
    }
  }
  const reportedKeys = new Set(report.findings.map((f) => `${f.sli} ${f.segment.endpoint}`));
  for (const key of expectedKeys) {
    if (!reportedKeys.has(key)) {
      mismatches.push(`${key}: the truth has traffic, the report has no finding`);
    }
  }
  for (const key of reportedKeys) {
    if (!expectedKeys.has(key)) {
      mismatches.push(`${key}: the report has a finding, the truth has no traffic`);
    }
  }
  const same = (a: number, b: number) => (tolerance === 0 ? a === b : relativelyClose(a, b, tolerance));
  for (const finding of report.findings) {
    const endpoint = finding.segment.endpoint;
    for (const [side, truthWindow] of [
      ['window', window],
      ['baseline', baseline],
    ] as const) {
      const truth = truthWindow?.counts[endpoint]?.[finding.sli];
      if (!truth) {
        continue;
      }
      if (isProportion(finding) && !isHistogramTruth(truth)) {
        const got = finding[side];
        if (!same(got.events, truth.events) || !same(got.total, truth.total)) {
          mismatches.push(
            `${finding.sli} ${endpoint} ${side}: report ${got.events}/${got.total}, truth ${truth.events}/${truth.total}`
          );
        }
      } else if (isDistribution(finding) && isHistogramTruth(truth)) {
        const expected = truth.cumulative[truth.cumulative.length - 1];
        if (!same(finding[side].count, expected)) {
          mismatches.push(`${finding.sli} ${endpoint} ${side}: report count ${finding[side].count}, truth ${expected}`);
        }
      } else {
        mismatches.push(`${finding.sli} ${endpoint}: report kind ${finding.kind} does not match the truth's counts`);
      }
    }
  }
  return mismatches;
}

/** rate = events/total, ci95 = Wilson (computed here), the interval contains the rate, change and excess match. */
export function derivedMismatches(report: ImpactReport) {
  const mismatches: string[] = [];
  for (const finding of report.findings.filter(isProportion)) {
    const where = `${finding.sli} ${JSON.stringify(finding.segment)}`;
    for (const side of ['window', 'baseline'] as const) {
      const { events, total, rate, ci95 } = finding[side];
      if (total === 0) {
        if (rate !== null || ci95 !== null) {
          mismatches.push(`${where} ${side}: total 0 but rate ${rate}, ci95 ${JSON.stringify(ci95)} (expected null)`);
        }
        continue;
      }
      if (!relativelyClose(rate, events / total, DERIVED_TOLERANCE)) {
        mismatches.push(`${where} ${side}: rate ${rate}, events/total ${events / total}`);
      }
      const [lo, hi] = wilsonInterval(events, total);
      if (
        !ci95 ||
        !relativelyClose(ci95[0], lo, DERIVED_TOLERANCE) ||
        !relativelyClose(ci95[1], hi, DERIVED_TOLERANCE)
      ) {
        mismatches.push(`${where} ${side}: ci95 ${JSON.stringify(ci95)}, Wilson [${lo}, ${hi}]`);
      } else if (rate === null || ci95[0] > rate || ci95[1] < rate) {
        mismatches.push(`${where} ${side}: ci95 ${JSON.stringify(ci95)} does not contain the rate ${rate}`);
      }
    }
    const w = finding.window;
    const b = finding.baseline;
    if (w.total > 0 && b.total > 0 && b.events > 0) {
      const pw = w.events / w.total;
      const pb = b.events / b.total;
      const expectedChange = { absolute: pw - pb, relative: (pw - pb) / pb };
      if (
        !relativelyClose(finding.change.absolute, expectedChange.absolute, 1e-9) ||
        !relativelyClose(finding.change.relative, expectedChange.relative, 1e-9)
      ) {
        mismatches.push(
          `${where}: change ${JSON.stringify(finding.change)}, expected ${JSON.stringify(expectedChange)}`
        );
      }
      const excess = w.events - w.total * pb;
      if (!relativelyClose(finding.excessEvents, excess, 1e-9)) {
        mismatches.push(`${where}: excessEvents ${finding.excessEvents}, expected ${excess}`);
      }
    }
  }
  return mismatches;
}

/** SLI ids that the truth says should page on `endpoint` in [from, to]: incidents there that overlap it. */
function expectedPages(truth: SimulationTruth, endpoint: string, from: number, to: number): Set<SliId> {
  const expected = new Set<SliId>();
  for (const incident of truth.incidents) {
    const overlaps = toUnixSeconds(incident.from) < to && toUnixSeconds(incident.to) > from;
    if (incident.endpoint === endpoint && overlaps) {
      incident.expectedShifts.forEach((sli) => expected.add(sli));
    }
  }
  return expected;
}

/**
 * Verdicts: every expected shift on the incident's endpoint pages, and nothing else pages there.
 * Elsewhere, a page the truth does not schedule is accepted only when the truth's own counts show it:
 * a proportion that regressed by at least the page threshold with an independent two-proportion
 * p-value below the FDR (q ≥ p, so a correct q < FDR implies it). The simulated counts are random;
 * a 5% FDR admits such pages by design, and this rule still fails a product that pages on nothing.
 */
export function verdictMismatches(report: ImpactReport, truth: SimulationTruth, incident: TruthIncident) {
  const mismatches: string[] = [];
  const window = findWindow(truth, `incident:${incident.id}`);
  const baseline = findWindow(truth, `baseline:${incident.id}`);
  const from = toUnixSeconds(window.from);
  const to = toUnixSeconds(window.to);
  for (const sli of incident.expectedShifts) {
    const finding = findFinding(report, sli, { endpoint: incident.endpoint });
    if (finding?.verdict !== 'page') {
      mismatches.push(
        `${sli} ${incident.endpoint}: expected page, got ${finding?.verdict ?? 'no finding'} (${finding?.reason})`
      );
    }
  }
  for (const finding of report.findings) {
    const endpoint = finding.segment.endpoint;
    if (finding.verdict !== 'page' || expectedPages(truth, endpoint, from, to).has(finding.sli)) {
      continue;
    }
    const where = `${finding.sli} ${endpoint}: page not scheduled by the truth (${finding.reason})`;
    const w = window.counts[endpoint]?.[finding.sli];
    const b = baseline.counts[endpoint]?.[finding.sli];
    if (endpoint === incident.endpoint || !w || !b || isHistogramTruth(w) || isHistogramTruth(b)) {
      mismatches.push(where);
      continue;
    }
    const rateW = w.events / w.total;
    const rateB = b.events / b.total;
    const relative = (rateW - rateB) / rateB;
    const pValue = twoProportionPValue(w.events, w.total, b.events, b.total);
    if (!(relative >= report.thresholds.page && pValue < report.thresholds.fdr)) {
      mismatches.push(`${where}; the truth's counts do not justify it (relative ${relative}, p ${pValue})`);
    }
  }
  return mismatches;
}

/** The report's window and baseline are the incident's and the truth's preceding baseline, as RFC 3339. */
export function intervalsOf(truth: SimulationTruth, incident: TruthIncident) {
  const window = findWindow(truth, `incident:${incident.id}`);
  const baseline = findWindow(truth, `baseline:${incident.id}`);
  return {
    window: { from: rfc3339(toUnixSeconds(window.from)), to: rfc3339(toUnixSeconds(window.to)) },
    baseline: { from: rfc3339(toUnixSeconds(baseline.from)), to: rfc3339(toUnixSeconds(baseline.to)) },
  };
}

/**
 * Every p50/p95/p99 of the report's distributions, window and baseline, against what the engine at `engineUrl`
 * returns for `histogram_quantile` over the same buckets and interval (an independent implementation).
 */
export async function quantileMismatches(engineUrl: string, report: ImpactReport, label: string): Promise<string[]> {
  const mismatches: string[] = [];
  for (const [side, interval] of [
    ['window', report.window],
    ['baseline', report.baseline],
  ] as const) {
    const to = Date.parse(interval.to) / 1000;
    const seconds = to - Date.parse(interval.from) / 1000;
    for (const finding of report.findings.filter(isDistribution)) {
      const definition = SLI_BY_ID.get(finding.sli);
      if (definition?.kind !== 'distribution') {
        mismatches.push(`${finding.sli}: a distribution finding for a ${definition?.kind} SLI`);
        continue;
      }
      for (const [q, key] of [
        [0.5, 'p50'],
        [0.95, 'p95'],
        [0.99, 'p99'],
      ] as const) {
        const result = await instantQuery(engineUrl, histogramQuantileQuery(definition, q, seconds, ['endpoint']), to);
        const engine = nanToNull(result.find((r) => r.metric.endpoint === finding.segment.endpoint)?.value);
        if (!relativelyClose(finding[side][key], engine, DERIVED_TOLERANCE)) {
          mismatches.push(
            `${label} ${finding.sli} ${finding.segment.endpoint} ${side} ${key}: report ${finding[side][key]}, histogram_quantile ${engine}`
          );
        }
      }
    }
  }
  return mismatches;
}
