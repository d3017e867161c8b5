/**
 * Suggested categories for an incident window: the taxonomy's signals matched against the evidence (the
 * impact report's findings and the change events in or just before the window), ranked, each with its
 * reason in one line. A suggestion, not a verdict: the SRE decides, and `undetermined` is always offered.
 *
 * Rules (docs/DESIGN.md "Incident taxonomy"):
 * - only findings judged investigate or page are evidence (page counts more);
 * - each category has SLIs typical of it, with a weight; a category's evidence score combines the
 *   weighted findings as independent hints (1 − Π(1 − weight × strength));
 * - the change events then shift it: `prompt` needs a prompt_version change; `configuration` a change of
 *   the requested model; `model-degradation` is favoured by a response_model change with no deployment of
 *   ours and disfavoured by a deployment; infrastructure and retrieval causes are less likely when a
 *   deployment explains the shift;
 * - `undetermined` comes first only when nothing is evidence.
 */
import { type ChangeEvent } from './changes';
import {
  formatDuration,
  formatPercent,
  formatSignedPercent,
  formatStatistic,
  formatValue,
  rfc3339Seconds,
} from './format';
import { type SliId } from './metrics';
import { type Finding, type ImpactReport, type Thresholds } from './report';
import { CATEGORIES, type CategoryId } from './taxonomy';

export interface Suggestion {
  category: CategoryId;
  /** 0..1: how well the evidence fits the category. */
  score: number;
  /** One line in the SRE's words, e.g. "Retrieval latency p95 +210% with no deployment: points to Infrastructure". */
  reason: string;
}

/** Changes this long before the window still explain it (a deployment's effect takes a while to show). */
export const CHANGE_LEAD_SECONDS = 3600;

function categoryTitle(id: CategoryId): string {
  return CATEGORIES.find((c) => c.id === id)?.title ?? id;
}

const STRENGTH = { investigate: 0.6, page: 1 } as const;

type Weights = Partial<Record<SliId, number>>;

/** How typical each SLI's regression is of each category (1: the category's defining signal). */
const SIGNAL_WEIGHTS: Readonly<Record<Exclude<CategoryId, 'undetermined'>, Weights>> = {
  infrastructure: {
    timeout_rate: 1,
    error_rate: 0.9,
    model_latency: 0.9,
    retrieval_latency: 0.8,
    empty_retrieval_rate: 0.3,
  },
  configuration: { error_rate: 0.8, response_length: 0.8, timeout_rate: 0.5, refusal_rate: 0.4, confidence: 0.4 },
  'data-retrieval': { empty_retrieval_rate: 1, semantic_similarity: 0.6, confidence: 0.3, retrieval_latency: 0.3 },
  'model-degradation': { semantic_similarity: 0.8, confidence: 0.8, response_length: 0.8, refusal_rate: 0.4 },
  'agentic-coordination': { agent_steps: 1, tool_error_rate: 1 },
  'security-surface': { injection_rate: 1 },
  prompt: { refusal_rate: 0.9, semantic_similarity: 0.7, response_length: 0.7, confidence: 0.6 },
};

/** Output-quality SLIs that count for data-retrieval only on a segment that retrieves. */
const RETRIEVAL_ONLY: readonly SliId[] = ['semantic_similarity', 'confidence'];
const RETRIEVAL_SLIS: readonly SliId[] = ['empty_retrieval_rate', 'retrieval_latency'];

/** What a provider-side model update adds, on top of the output drift it comes with. */
const RESPONSE_MODEL_CHANGE_WEIGHT = 0.5;
/** undetermined when there is evidence: still offered, below every category the evidence supports. */
const UNDETERMINED_WITH_EVIDENCE = 0.05;

interface Evidence {
  finding: Finding;
  strength: number;
}

interface ChangeContext {
  prompt: ChangeEvent[];
  model: ChangeEvent[];
  responseModelOnly: ChangeEvent[];
}

/** A change and a finding are about the same thing when their common labels agree. */
function sameSegment(a: Record<string, string>, b: Record<string, string>): boolean {
  return Object.keys(a).every((label) => !(label in b) || a[label] === b[label]);
}

function relevantChanges(report: ImpactReport, changes: ChangeEvent[], evidence: Evidence[]): ChangeContext {
  const from = rfc3339Seconds(report.window.from) - CHANGE_LEAD_SECONDS;
  const to = rfc3339Seconds(report.window.to);
  const inTime = changes.filter((change) => change.time > from && change.time <= to);
  // Changes of segments with no evidence do not explain it (unless the report is not split at all).
  const inScope =
    evidence.length === 0
      ? inTime
      : inTime.filter((change) => evidence.some(({ finding }) => sameSegment(finding.segment, change.segment)));
  return {
    prompt: inScope.filter((c) => c.changed.includes('prompt_version')),
    model: inScope.filter((c) => c.changed.includes('model')),
    responseModelOnly: inScope.filter(
      (c) =>
        c.changed.includes('response_model') && !c.changed.includes('model') && !c.changed.includes('prompt_version')
    ),
  };
}

function segmentsWithRetrieval(report: ImpactReport): Array<Record<string, string>> {
  return report.findings.filter((f) => RETRIEVAL_SLIS.includes(f.sli)).map((f) => f.segment);
}

/** "Refusals from 3.0% to 9.1% (+203%)", "Semantic similarity p50 from 0.840 to 0.700 (−17%)", "Agent steps PSI 0.62". */
function describeFinding(finding: Finding, thresholds: Thresholds): string {
  if (finding.kind === 'proportion') {
    const { window, baseline, change } = finding;
    const rates =
      window.rate !== null && baseline.rate !== null
        ? ` from ${formatPercent(baseline.rate)} to ${formatPercent(window.rate)}`
        : '';
    return `${finding.title}${rates} (${formatSignedPercent(change.relative ?? Infinity)})`;
  }
  const quantile = finding.headline.quantile;
  const before = finding.baseline[quantile];
  const after = finding.window[quantile];
  const change = finding.headline.relativeChange;
  // Judged on the quantile when it moved past the threshold, on PSI (shape) otherwise: say the same.
  if (change !== null && before !== null && after !== null && Math.abs(change) >= thresholds.investigate) {
    return `${finding.title} ${quantile} from ${formatValue(before, finding.unit)} to ${formatValue(after, finding.unit)} (${formatSignedPercent(change)})`;
  }
  return `${finding.title} PSI ${finding.psi === null ? 'n/a' : formatStatistic(finding.psi)}`;
}

/**
 * "a prompt_version change 1 min into the window": label names and times only. Label values (model
 * names, versions) stay out of the reason, so it holds only our words and numbers and needs no escaping;
 * the page shows the change events themselves next to it.
 */
function describeChange(change: ChangeEvent, windowFrom: number): string {
  const offset = change.time - windowFrom;
  const when =
    offset > 0
      ? `${formatDuration(offset)} into the window`
      : offset === 0
        ? 'at the window start'
        : `${formatDuration(-offset)} before the window`;
  return `a ${change.changed.join(' and ')} change ${when}`;
}

function noisyOr(weights: number[]): number {
  return 1 - weights.reduce((rest, w) => rest * (1 - Math.min(1, Math.max(0, w))), 1);
}

interface Scored {
  score: number;
  /** The findings that support it, strongest first. */
  support: Evidence[];
}

function evidenceScore(
  category: Exclude<CategoryId, 'undetermined'>,
  evidence: Evidence[],
  report: ImpactReport
): Scored {
  const weights = SIGNAL_WEIGHTS[category];
  const retrieving = segmentsWithRetrieval(report);
  const support = evidence
    .filter(({ finding }) => {
      if (!weights[finding.sli]) {
        return false;
      }
      // Similarity on an endpoint that retrieves nothing says nothing about retrieval.
      return (
        category !== 'data-retrieval' ||
        !RETRIEVAL_ONLY.includes(finding.sli) ||
        retrieving.some((segment) => sameSegment(segment, finding.segment))
      );
    })
    .map((e) => ({ ...e, weight: weights[e.finding.sli]! * e.strength }))
    .sort((a, b) => b.weight - a.weight);
  return { score: noisyOr(support.map((s) => s.weight)), support };
}

/** The two strongest findings behind a category, in words. */
function leadOf(support: Evidence[], thresholds: Thresholds): string {
  return support
    .slice(0, 2)
    .map(({ finding }) => describeFinding(finding, thresholds))
    .join(', ');
}

function scoreCategory(
  category: Exclude<CategoryId, 'undetermined'>,
  evidence: Evidence[],
  changes: ChangeContext,
  report: ImpactReport
): Suggestion {
  const { score, support } = evidenceScore(category, evidence, report);
  const deployed = changes.prompt.length > 0 || changes.model.length > 0;
  const lead = leadOf(support, report.thresholds);
  const windowFrom = rfc3339Seconds(report.window.from);
  const change = (events: ChangeEvent[]) => describeChange(events[0], windowFrom);
  const title = categoryTitle(category);
  // The category's title in words, never its id: the SRE reads "points to Data and retrieval".
  const arrow = `: points to ${title}`;
  if (support.length === 0) {
    return { category, score: 0, reason: `no ${title} signal regressed in this window` };
  }
  switch (category) {
    case 'prompt':
      return changes.prompt.length === 0
        ? { category, score: 0, reason: `${lead}, but no prompt_version change in or before the window` }
        : { category, score, reason: `${lead} after ${change(changes.prompt)}${arrow}` };
    case 'configuration':
      return changes.model.length > 0
        ? { category, score, reason: `${lead} after ${change(changes.model)}${arrow}` }
        : {
            category,
            score: score * 0.2,
            reason: `${lead}, but no change of the requested model, so ${title} is less likely`,
          };
    case 'model-degradation':
      if (changes.responseModelOnly.length > 0 && !deployed) {
        return {
          category,
          score: noisyOr([score, RESPONSE_MODEL_CHANGE_WEIGHT]),
          reason: `${lead} with ${change(changes.responseModelOnly)} and no deployment${arrow}`,
        };
      }
      return deployed
        ? { category, score: score * 0.3, reason: `${lead}, but a deployment in the window explains it better` }
        : { category, score: score * 0.8, reason: `${lead} with no deployment and no response_model change${arrow}` };
    case 'infrastructure':
    case 'data-retrieval':
      return deployed
        ? { category, score: score * 0.5, reason: `${lead}, after a deployment${arrow}` }
        : { category, score, reason: `${lead} with no deployment${arrow}` };
    default:
      return { category, score, reason: `${lead}${arrow}` };
  }
}

function undetermined(report: ImpactReport, evidence: Evidence[]): Suggestion {
  if (evidence.length > 0) {
    return {
      category: 'undetermined',
      score: UNDETERMINED_WITH_EVIDENCE,
      reason: 'always a choice: when none of the causes above holds up, say so',
    };
  }
  const judged = report.findings.filter((f) => f.verdict === 'ok').length;
  const reason =
    judged > 0
      ? `no SLI regressed past the investigate threshold (${judged} compared): nothing to attribute`
      : 'no SLI had enough data to compare: nothing to attribute';
  return { category: 'undetermined', score: 1, reason };
}

export function suggestCategories(report: ImpactReport, changes: ChangeEvent[]): Suggestion[] {
  const evidence: Evidence[] = report.findings.flatMap((finding) =>
    finding.verdict === 'investigate' || finding.verdict === 'page'
      ? [{ finding, strength: STRENGTH[finding.verdict] }]
      : []
  );
  const context = relevantChanges(report, changes, evidence);
  const suggestions = CATEGORIES.map(({ id }) =>
    id === 'undetermined' ? undetermined(report, evidence) : scoreCategory(id, evidence, context, report)
  );
  const order = (id: CategoryId) => CATEGORIES.findIndex((c) => c.id === id);
  // Ties keep the taxonomy's order, which puts undetermined last among equals.
  return suggestions.sort((a, b) => b.score - a.score || order(a.category) - order(b.category));
}
