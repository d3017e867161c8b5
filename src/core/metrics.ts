/**
 * The metrics contract: which series each SLI reads, and the PromQL that reads them.
 * Defaults follow docs/DESIGN.md (OpenTelemetry GenAI names where they exist); every name is remappable.
 */

export type SliId =
  | 'refusal_rate'
  | 'error_rate'
  | 'timeout_rate'
  | 'empty_retrieval_rate'
  | 'injection_rate'
  | 'tool_error_rate'
  | 'semantic_similarity'
  | 'confidence'
  | 'response_length'
  | 'model_latency'
  | 'retrieval_latency'
  | 'agent_steps';

/** Which way is bad: a drop in similarity, a rise in latency, a move either way in response length. */
export type BadDirection = 'higher' | 'lower' | 'both';

/** An SLI that is a share of events: events / total, both read from counters. */
export interface ProportionSli {
  kind: 'proportion';
  id: SliId;
  title: string;
  /** What one event is called in a sentence ("refusals"), and one unit of the total ("requests"). */
  eventNoun: string;
  totalNoun: string;
  /** Counter whose increase is split by `eventLabel` into events and the rest. */
  metric: string;
  /** Extra matchers that pick this SLI's operations out of a shared counter (OTel tool calls by operation). */
  matchers?: string;
  /** Label that tells events from non-events (`outcome`), and its values that count as events. */
  eventLabel: string;
  eventValues: string[];
  /**
   * Events are every value of `eventLabel` that is set and NOT in `eventValues`: OpenTelemetry records a failed
   * operation as `error_type=<class>`, a success without the label, so "errors" are the error types that are not
   * timeouts.
   */
  eventValuesExcluded?: boolean;
  /**
   * When the events are a different counter from the total (injection detections / requests):
   * the total is read from this counter instead, summed over all its label values.
   */
  totalMetric?: string;
}

/** An SLI that is a distribution, read from a cumulative `le` histogram. */
export interface DistributionSli {
  kind: 'distribution';
  id: SliId;
  title: string;
  totalNoun: string;
  /** Histogram base name; the buckets are `<metric>_bucket`. */
  metric: string;
  /** Extra matchers that pick this SLI out of a shared histogram (OTel token usage by type). */
  matchers?: string;
  unit: 'seconds' | 'tokens' | 'ratio' | 'steps';
  badDirection: BadDirection;
  /** The quantile a verdict is judged on: p95 where higher is worse, p50 where lower is worse. */
  headlineQuantile: 0.5 | 0.95;
}

export type SliDefinition = ProportionSli | DistributionSli;

/** Keeps the definitions' literal metric names (for ContractMetric) while checking them as SliDefinitions. */
function contract<const T extends readonly SliDefinition[]>(definitions: T): T {
  return definitions;
}

const CONTRACT = contract([
  {
    kind: 'proportion',
    id: 'refusal_rate',
    title: 'Refusals',
    eventNoun: 'refusals',
    totalNoun: 'requests',
    metric: 'llm_requests_total',
    eventLabel: 'outcome',
    eventValues: ['refused'],
  },
  {
    kind: 'proportion',
    id: 'error_rate',
    title: 'Errors',
    eventNoun: 'errors',
    totalNoun: 'requests',
    metric: 'llm_requests_total',
    eventLabel: 'outcome',
    eventValues: ['error'],
  },
  {
    kind: 'proportion',
    id: 'timeout_rate',
    title: 'Timeouts',
    eventNoun: 'timeouts',
    totalNoun: 'requests',
    metric: 'llm_requests_total',
    eventLabel: 'outcome',
    eventValues: ['timeout'],
  },
  {
    kind: 'proportion',
    id: 'empty_retrieval_rate',
    title: 'Empty or failed retrievals',
    eventNoun: 'empty or failed retrievals',
    totalNoun: 'retrievals',
    metric: 'rag_retrievals_total',
    eventLabel: 'result',
    eventValues: ['empty', 'error', 'timeout'],
  },
  {
    kind: 'proportion',
    id: 'injection_rate',
    title: 'Injection detections',
    eventNoun: 'injection detections',
    totalNoun: 'requests',
    metric: 'llm_injection_detections_total',
    eventLabel: 'source',
    eventValues: ['user', 'retrieved', 'tool'],
    totalMetric: 'llm_requests_total',
  },
  {
    kind: 'proportion',
    id: 'tool_error_rate',
    title: 'Tool call errors',
    eventNoun: 'failed tool calls',
    totalNoun: 'tool calls',
    metric: 'agent_tool_calls_total',
    eventLabel: 'status',
    eventValues: ['error'],
  },
  {
    kind: 'distribution',
    id: 'semantic_similarity',
    title: 'Semantic similarity',
    totalNoun: 'responses',
    metric: 'llm_response_semantic_similarity',
    unit: 'ratio',
    badDirection: 'lower',
    headlineQuantile: 0.5,
  },
  {
    kind: 'distribution',
    id: 'confidence',
    title: 'Confidence',
    totalNoun: 'responses',
    metric: 'llm_response_confidence',
    unit: 'ratio',
    badDirection: 'lower',
    headlineQuantile: 0.5,
  },
  {
    kind: 'distribution',
    id: 'response_length',
    title: 'Response length',
    totalNoun: 'responses',
    metric: 'gen_ai_client_token_usage',
    matchers: 'gen_ai_token_type="output"',
    unit: 'tokens',
    badDirection: 'both',
    headlineQuantile: 0.5,
  },
  {
    kind: 'distribution',
    id: 'model_latency',
    title: 'Model latency',
    totalNoun: 'model calls',
    metric: 'gen_ai_client_operation_duration_seconds',
    unit: 'seconds',
    badDirection: 'higher',
    headlineQuantile: 0.95,
  },
  {
    kind: 'distribution',
    id: 'retrieval_latency',
    title: 'Retrieval latency',
    totalNoun: 'retrievals',
    metric: 'rag_retrieval_duration_seconds',
    unit: 'seconds',
    badDirection: 'higher',
    headlineQuantile: 0.95,
  },
  {
    kind: 'distribution',
    id: 'agent_steps',
    title: 'Agent steps',
    totalNoun: 'agent runs',
    metric: 'agent_steps',
    unit: 'steps',
    badDirection: 'higher',
    headlineQuantile: 0.95,
  },
]);

export const SLI_DEFINITIONS: readonly SliDefinition[] = CONTRACT;

/** The label OpenTelemetry's semantic conventions put on a failed operation's duration (the OTel presets' errors). */
export const ERROR_TYPE_LABEL = 'error_type';

/** The "what changed" info metric: `llm_build_info{model, response_model, prompt_version} 1`. */
export const BUILD_INFO_METRIC = 'llm_build_info';

/** Every metric of the contract by its default name: what SLI_DEFINITIONS read, and the build info metric. */
export type ContractMetric =
  | (typeof CONTRACT)[number]['metric']
  | Extract<(typeof CONTRACT)[number], { totalMetric: string }>['totalMetric']
  | typeof BUILD_INFO_METRIC;

/** Labels every contract series carries, and that a report can be grouped by. */
export const COMMON_LABELS = ['team', 'service', 'endpoint', 'model'] as const;

// ---------------------------------------------------------------------------------------------------
// The PromQL that reads the contract. Standard functions only, so it runs unchanged on Prometheus,
// Mimir, Thanos and VictoriaMetrics. One query per metric and interval, whatever the number of segments.

/** A selector or label name the user gave that is not valid PromQL. */
export class SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
// One matcher: name, operator, double-quoted value with backslash escapes.
const MATCHER = String.raw`\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"\s*`;
const MATCHER_LIST = new RegExp(`^(?:${MATCHER}(?:,${MATCHER})*,?\\s*)?$`);

/** Checks PromQL label matchers written without braces (`team="search",endpoint=~"/chat|/agent"`). */
export function validateSelector(selector: string): string {
  const inside = selector
    .trim()
    .replace(/^\{([\s\S]*)\}$/, '$1')
    .trim();
  if (!MATCHER_LIST.test(inside)) {
    throw new SelectorError(
      `selector '${selector}' is not a list of PromQL label matchers such as team="search",endpoint=~"/chat|/agent"`
    );
  }
  return inside.replace(/,\s*$/, '');
}

/** A valid Prometheus label name (letters, digits and _, not starting with a digit). */
export const isLabelName = (name: string): boolean => LABEL_NAME.test(name);

/** A valid Prometheus metric name (as a label name, and `:`). */
export const isMetricName = (name: string): boolean => METRIC_NAME.test(name);

/** The labels an SLI reads itself: those of its own matchers, and a proportion's event label. */
export function ownLabels(sli: SliDefinition): string[] {
  const inMatchers = [...(sli.matchers ?? '').matchAll(new RegExp(MATCHER, 'g'))].map((m) => m[1]);
  return [...new Set([...inMatchers, ...(sli.kind === 'proportion' ? [sli.eventLabel] : [])])];
}

/** The labels a report splits its counts by (bucket bounds, each counter's event label): never a group-by label. */
export function splitLabels(definitions: readonly SliDefinition[] = SLI_DEFINITIONS): string[] {
  return ['le', ...new Set(definitions.flatMap((d) => (d.kind === 'proportion' ? [d.eventLabel] : [])))];
}

/** Checks the labels a report is grouped by: valid names, none that the report splits its counts by itself. */
export function validateLabelNames(labels: string[], reserved: readonly string[] = splitLabels()): string[] {
  for (const label of labels) {
    if (!LABEL_NAME.test(label)) {
      throw new SelectorError(`'${label}' is not a valid label name to group by`);
    }
    if (reserved.includes(label)) {
      throw new SelectorError(`cannot group by '${label}': the report reads that label itself`);
    }
  }
  return labels;
}

function vectorSelector(metric: string, matchers: Array<string | undefined>): string {
  const inside = matchers.filter((m): m is string => Boolean(m && m.trim())).join(',');
  return `${metric}{${inside}}`;
}

function sumBy(labels: string[], inner: string): string {
  return `sum by (${labels.join(', ')}) (${inner})`;
}

/** A PromQL range: whole seconds as `3600s`, anything finer in milliseconds (`1010666730ms`); PromQL rejects `1.5s`. */
export function rangeDuration(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

/**
 * `[<range>]`, and ` offset <d>` when the interval read ends `d` before the evaluation time: the report evaluates
 * range queries on multiples of their step (where Grafana and Mimir would align them anyway) and shifts back.
 */
function rangeAndOffset(rangeSeconds: number, offsetSeconds: number): string {
  return `[${rangeDuration(rangeSeconds)}]${offsetSeconds > 0 ? ` offset ${rangeDuration(offsetSeconds)}` : ''}`;
}

/** Whether a value of the SLI's event label (`''` when a series lacks the label) counts as an event. */
export function isEventValue(sli: ProportionSli, value: string): boolean {
  return sli.eventValuesExcluded ? value !== '' && !sli.eventValues.includes(value) : sli.eventValues.includes(value);
}

/** A PromQL double-quoted string literal. */
export function promqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** A literal value inside a PromQL (RE2) regex. */
export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Values as one `=~`/`!~` string literal matching exactly one of them (`"timeout|TimeoutError"`). */
function alternatives(values: readonly string[]): string {
  return promqlString(values.map(escapeRegex).join('|'));
}

/** The label matchers that select the SLI's events: `outcome="refused"`, or `error_type!="",error_type!~"timeout|…"`. */
export function eventMatchers(sli: ProportionSli): string[] {
  if (sli.eventValuesExcluded) {
    return [
      `${sli.eventLabel}!=""`,
      ...(sli.eventValues.length ? [`${sli.eventLabel}!~${alternatives(sli.eventValues)}`] : []),
    ];
  }
  return [
    sli.eventValues.length === 1
      ? `${sli.eventLabel}=${promqlString(sli.eventValues[0])}`
      : `${sli.eventLabel}=~${alternatives(sli.eventValues)}`,
  ];
}

/** Counter increase over `rangeSeconds`, split by the label that tells events apart (outcome, result, …). */
export function counterIncreaseQuery(
  metric: string,
  splitLabel: string,
  selector: string,
  groupBy: string[],
  rangeSeconds: number,
  matchers?: string,
  offsetSeconds = 0
): string {
  return sumBy(
    [splitLabel, ...groupBy],
    `increase(${vectorSelector(metric, [matchers, selector])}${rangeAndOffset(rangeSeconds, offsetSeconds)})`
  );
}

/** Histogram bucket increases over `rangeSeconds`, per `le` and segment. */
export function bucketIncreaseQuery(
  sli: DistributionSli,
  selector: string,
  groupBy: string[],
  rangeSeconds: number,
  offsetSeconds = 0
): string {
  return sumBy(
    ['le', ...groupBy],
    `increase(${vectorSelector(`${sli.metric}_bucket`, [sli.matchers, selector])}${rangeAndOffset(rangeSeconds, offsetSeconds)})`
  );
}

/** The label a counter is split by, taken from the proportion SLIs that read it. */
export function splitLabelOf(metric: string, definitions: readonly SliDefinition[] = SLI_DEFINITIONS): string {
  const reader = definitions.find((d): d is ProportionSli => d.kind === 'proportion' && d.metric === metric);
  if (!reader) {
    throw new Error(`no proportion SLI reads ${metric}`);
  }
  return reader.eventLabel;
}
