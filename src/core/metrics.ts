/**
 * The metrics contract: which series each SLI reads, and the PromQL that reads them.
 * Defaults follow DESIGN.md (OpenTelemetry GenAI names where they exist); every name is remappable.
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
  /** Label that tells events from non-events (`outcome`), and its values that count as events. */
  eventLabel: string;
  eventValues: string[];
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

export const SLI_DEFINITIONS: readonly SliDefinition[] = [
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
];

/** Labels every contract series carries, and that a report can be grouped by. */
export const COMMON_LABELS = ['team', 'service', 'endpoint', 'model'] as const;

/** The "what changed" info metric: `llm_build_info{model, response_model, prompt_version} 1`. */
export const BUILD_INFO_METRIC = 'llm_build_info';
