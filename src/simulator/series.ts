/**
 * The series the simulator emits, named by the metrics contract (src/core/metrics.ts), with their bucket
 * layouts, and where each series' running count lives in an endpoint's flat array of "slots".
 * A counter is one slot; a histogram is one slot per bucket (+Inf last, not cumulative) and one for `_sum`.
 */
import { BUILD_INFO_METRIC, COMMON_LABELS, SLI_DEFINITIONS, type SliDefinition, type SliId } from '../core/metrics';

export type Labels = Readonly<Record<string, string>>;

function sli(id: SliId): SliDefinition {
  const definition = SLI_DEFINITIONS.find((d) => d.id === id);
  if (!definition) {
    throw new Error(`metrics contract has no SLI '${id}'`);
  }
  return definition;
}

function eventLabel(id: SliId): string {
  const definition = sli(id);
  if (definition.kind !== 'proportion') {
    throw new Error(`SLI '${id}' is not a proportion`);
  }
  return definition.eventLabel;
}

/** `name="value"` pairs of a contract matcher string, e.g. `gen_ai_token_type="output"`. */
export function parseMatchers(matchers: string | undefined): Array<[string, string]> {
  if (!matchers) {
    return [];
  }
  return [...matchers.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]);
}

const responseLength = sli('response_length');
const [tokenTypeMatcher] = parseMatchers(responseLength.kind === 'distribution' ? responseLength.matchers : undefined);

/** Metric names, all read from the contract so a rename there renames the simulator's output. */
export const METRIC = {
  requests: sli('refusal_rate').metric,
  similarity: sli('semantic_similarity').metric,
  confidence: sli('confidence').metric,
  tokenUsage: responseLength.metric,
  modelLatency: sli('model_latency').metric,
  retrievalLatency: sli('retrieval_latency').metric,
  retrievals: sli('empty_retrieval_rate').metric,
  injections: sli('injection_rate').metric,
  agentSteps: sli('agent_steps').metric,
  toolCalls: sli('tool_error_rate').metric,
  buildInfo: BUILD_INFO_METRIC,
} as const;

export const LABEL = {
  outcome: eventLabel('refusal_rate'),
  result: eventLabel('empty_retrieval_rate'),
  source: eventLabel('injection_rate'),
  status: eventLabel('tool_error_rate'),
  tokenType: tokenTypeMatcher?.[0] ?? 'gen_ai_token_type',
} as const;

/** The token type the response-length SLI reads ("output"), and the other one the simulator records. */
export const OUTPUT_TOKEN_TYPE = tokenTypeMatcher?.[1] ?? 'output';
export const INPUT_TOKEN_TYPE = 'input';

export const OUTCOMES = ['answered', 'refused', 'error', 'timeout'] as const;
export const RETRIEVAL_RESULTS = ['hit', 'empty', 'error', 'timeout'] as const;
export const INJECTION_SOURCES = ['user', 'retrieved', 'tool'] as const;
export const TOOL_STATUSES = ['ok', 'error'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type RetrievalResult = (typeof RETRIEVAL_RESULTS)[number];
export type InjectionSource = (typeof INJECTION_SOURCES)[number];

/** Bucket upper bounds (`le`), +Inf implied. Chosen so the quantiles the report reads fall inside buckets. */
export const BUCKETS = {
  modelLatencySeconds: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 12, 20, 30],
  retrievalLatencySeconds: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5],
  score: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1],
  tokens: [16, 32, 64, 128, 256, 512, 768, 1024, 1536, 2048, 3072, 4096],
  agentSteps: [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30],
} as const;

export interface CounterSeries {
  metric: string;
  labels: Labels;
  slot: number;
}

export interface HistogramSeries {
  /** Base name; samples are `<metric>_bucket{le}`, `<metric>_sum`, `<metric>_count`. */
  metric: string;
  labels: Labels;
  bounds: readonly number[];
  /** First bucket slot; buckets take bounds.length + 1 slots (the last is +Inf), then one slot for the sum. */
  slot: number;
}

/** Everything one endpoint emits, and the slots the request simulation increments. */
export interface EndpointLayout {
  commonLabels: Labels;
  slotCount: number;
  counters: CounterSeries[];
  histograms: HistogramSeries[];
  /** Slot per OUTCOMES entry. */
  requests: readonly number[];
  similarity: HistogramSeries;
  confidence: HistogramSeries;
  inputTokens: HistogramSeries;
  outputTokens: HistogramSeries;
  modelLatency: HistogramSeries;
  /** Null on endpoints without retrieval (no series at all, so a report filtered to them has no such SLI). */
  retrievalLatency: HistogramSeries | null;
  /** Slot per RETRIEVAL_RESULTS entry. */
  retrievals: readonly number[] | null;
  /** Slot per INJECTION_SOURCES entry; null for a source the endpoint cannot see (no tools on /chat). */
  injections: ReadonlyArray<number | null>;
  agentSteps: HistogramSeries | null;
  /** Slot per TOOL_STATUSES entry. */
  toolCalls: readonly number[] | null;
}

export interface EndpointFeatures {
  retrieval: boolean;
  agent: boolean;
  injectionSources: readonly InjectionSource[];
}

export function histogramSlotCount(histogram: HistogramSeries): number {
  return histogram.bounds.length + 2;
}

/** Index of the bucket an observation falls in (`le` is inclusive); bounds.length is +Inf. */
export function bucketIndex(bounds: readonly number[], value: number): number {
  for (let i = 0; i < bounds.length; i++) {
    if (value <= bounds[i]) {
      return i;
    }
  }
  return bounds.length;
}

export function observe(increments: Float64Array, histogram: HistogramSeries, value: number): void {
  increments[histogram.slot + bucketIndex(histogram.bounds, value)] += 1;
  increments[histogram.slot + histogram.bounds.length + 1] += value;
}

export function layoutFor(commonLabels: Labels, features: EndpointFeatures): EndpointLayout {
  let nextSlot = 0;
  const counters: CounterSeries[] = [];
  const histograms: HistogramSeries[] = [];
  const counter = (metric: string, extra: Labels): number => {
    counters.push({ metric, labels: { ...commonLabels, ...extra }, slot: nextSlot });
    return nextSlot++;
  };
  const histogram = (metric: string, bounds: readonly number[], extra: Labels = {}): HistogramSeries => {
    const series = { metric, labels: { ...commonLabels, ...extra }, bounds, slot: nextSlot };
    nextSlot += histogramSlotCount(series);
    histograms.push(series);
    return series;
  };

  const requests = OUTCOMES.map((outcome) => counter(METRIC.requests, { [LABEL.outcome]: outcome }));
  const similarity = histogram(METRIC.similarity, BUCKETS.score);
  const confidence = histogram(METRIC.confidence, BUCKETS.score);
  const inputTokens = histogram(METRIC.tokenUsage, BUCKETS.tokens, { [LABEL.tokenType]: INPUT_TOKEN_TYPE });
  const outputTokens = histogram(METRIC.tokenUsage, BUCKETS.tokens, { [LABEL.tokenType]: OUTPUT_TOKEN_TYPE });
  const modelLatency = histogram(METRIC.modelLatency, BUCKETS.modelLatencySeconds);
  const retrievalLatency = features.retrieval
    ? histogram(METRIC.retrievalLatency, BUCKETS.retrievalLatencySeconds)
    : null;
  const retrievals = features.retrieval
    ? RETRIEVAL_RESULTS.map((result) => counter(METRIC.retrievals, { [LABEL.result]: result }))
    : null;
  const injections = INJECTION_SOURCES.map((source) =>
    features.injectionSources.includes(source) ? counter(METRIC.injections, { [LABEL.source]: source }) : null
  );
  const agentSteps = features.agent ? histogram(METRIC.agentSteps, BUCKETS.agentSteps) : null;
  const toolCalls = features.agent
    ? TOOL_STATUSES.map((status) => counter(METRIC.toolCalls, { [LABEL.status]: status }))
    : null;

  return {
    commonLabels,
    slotCount: nextSlot,
    counters,
    histograms,
    requests,
    similarity,
    confidence,
    inputTokens,
    outputTokens,
    modelLatency,
    retrievalLatency,
    retrievals,
    injections,
    agentSteps,
    toolCalls,
  };
}

export type FamilyType = 'counter' | 'histogram' | 'gauge';

export interface MetricFamily {
  /** Sample name for counters and gauges (`llm_requests_total`), base name for histograms. */
  name: string;
  type: FamilyType;
  help: string;
}

/** Output order of the families; each is written as one contiguous block. */
export const FAMILIES: readonly MetricFamily[] = [
  { name: METRIC.requests, type: 'counter', help: 'LLM requests by outcome.' },
  {
    name: METRIC.similarity,
    type: 'histogram',
    help: "Cosine similarity of each answer to the endpoint's reference set.",
  },
  { name: METRIC.confidence, type: 'histogram', help: 'Model confidence of each answer.' },
  { name: METRIC.tokenUsage, type: 'histogram', help: 'Tokens per model call, by token type (OpenTelemetry GenAI).' },
  {
    name: METRIC.modelLatency,
    type: 'histogram',
    help: 'Duration of each model call in seconds (OpenTelemetry GenAI).',
  },
  { name: METRIC.retrievalLatency, type: 'histogram', help: 'Duration of each retrieval in seconds.' },
  { name: METRIC.retrievals, type: 'counter', help: 'Retrievals by result.' },
  { name: METRIC.injections, type: 'counter', help: 'Prompt-injection detections by where the text came from.' },
  { name: METRIC.agentSteps, type: 'histogram', help: 'Steps per agent run.' },
  { name: METRIC.toolCalls, type: 'counter', help: 'Agent tool calls by status.' },
  {
    name: METRIC.buildInfo,
    type: 'gauge',
    help: 'What is deployed: requested model, provider-returned model and prompt version (always 1).',
  },
];

/** The common labels in contract order, for a segment. */
export function commonLabelsOf(segment: Record<(typeof COMMON_LABELS)[number], string>): Labels {
  const labels: Record<string, string> = {};
  for (const name of COMMON_LABELS) {
    labels[name] = segment[name];
  }
  return labels;
}
