/**
 * The series the simulator emits, named by a SeriesNaming (./naming.ts: the metrics contract by default, or a
 * telemetry convention), with their bucket layouts, and where each series' running count lives in an endpoint's
 * flat array of "slots". A counter is one slot; a histogram is one slot per bucket (+Inf last, not cumulative)
 * and one for `_sum`.
 */
import { SLI_DEFINITIONS, type SliDefinition, type SliId } from '../core/metrics';
import { CONTRACT_NAMING, commonLabelsOf, type Labels, parseMatchers, type SeriesNaming } from './naming';
import { type Segment } from './scenario';

export { type Labels, parseMatchers } from './naming';

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

const responseLength = sli('response_length');
const [tokenTypeMatcher] = parseMatchers(responseLength.kind === 'distribution' ? responseLength.matchers : undefined);

/** The contract's metric names, read from the contract so a rename there renames the simulator's output. */
export const METRIC = CONTRACT_NAMING.metric;

/** `gen_ai.operation.name` of a model call, and the `error.type` of a failed tool call (OpenTelemetry namings). */
const CHAT_OPERATION = 'chat';
const TOOL_ERROR_TYPE = 'ToolError';

const LABEL = {
  outcome: eventLabel('refusal_rate'),
  result: eventLabel('empty_retrieval_rate'),
  source: eventLabel('injection_rate'),
  status: eventLabel('tool_error_rate'),
  tokenType: tokenTypeMatcher?.[0] ?? 'gen_ai_token_type',
} as const;

/** The token type the response-length SLI reads ("output"), and the other one the simulator records. */
const OUTPUT_TOKEN_TYPE = tokenTypeMatcher?.[1] ?? 'output';
const INPUT_TOKEN_TYPE = 'input';

export const OUTCOMES = ['answered', 'refused', 'error', 'timeout'] as const;
const RETRIEVAL_RESULTS = ['hit', 'empty', 'error', 'timeout'] as const;
const INJECTION_SOURCES = ['user', 'retrieved', 'tool'] as const;
const TOOL_STATUSES = ['ok', 'error'] as const;
export type Outcome = (typeof OUTCOMES)[number];
type InjectionSource = (typeof INJECTION_SOURCES)[number];

/** Bucket upper bounds (`le`), +Inf implied. Chosen so the quantiles the report reads fall inside buckets. */
const BUCKETS = {
  modelLatencySeconds: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 12, 20, 30],
  retrievalLatencySeconds: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5],
  score: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1],
  tokens: [16, 32, 64, 128, 256, 512, 768, 1024, 1536, 2048, 3072, 4096],
  agentSteps: [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30],
} as const;

interface CounterSeries {
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
  /** The series written out; slots of what the naming does not emit are counted but never written. */
  counters: CounterSeries[];
  histograms: HistogramSeries[];
  /** Slot per OUTCOMES entry. */
  requests: readonly number[];
  similarity: HistogramSeries;
  confidence: HistogramSeries;
  inputTokens: HistogramSeries;
  outputTokens: HistogramSeries;
  /** Model-call durations by result: success, error, timeout (one series for all in the contract). */
  modelCalls: readonly HistogramSeries[];
  /** Null on endpoints without retrieval (no series at all, so a report filtered to them has no such SLI). */
  retrievalLatency: HistogramSeries | null;
  /** Slot per RETRIEVAL_RESULTS entry. */
  retrievals: readonly number[] | null;
  /** Slot per INJECTION_SOURCES entry; null for a source the endpoint cannot see (no tools on /chat). */
  injections: ReadonlyArray<number | null>;
  agentSteps: HistogramSeries | null;
  /** Slot per TOOL_STATUSES entry. */
  toolCalls: readonly number[] | null;
  /** Tool-call durations per TOOL_STATUSES entry, where the naming records tools as operations (OpenTelemetry). */
  toolDurations: readonly HistogramSeries[] | null;
  /** The vector store's writes (ingest), where the naming records them beside its reads (OpenLIT). */
  vectorWrites: HistogramSeries | null;
}

export interface EndpointFeatures {
  retrieval: boolean;
  agent: boolean;
  injectionSources: readonly InjectionSource[];
}

function histogramSlotCount(histogram: HistogramSeries): number {
  return histogram.bounds.length + 2;
}

/** Index of the bucket an observation falls in (`le` is inclusive); bounds.length is +Inf. */
function bucketIndex(bounds: readonly number[], value: number): number {
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

/**
 * The slots of one endpoint under a naming. Every slot the request simulation writes exists under every naming
 * (what a convention does not emit is counted and left out of the output), so the same seed draws the same
 * requests whatever the naming: the scenario is one, its telemetry named three ways.
 */
export function layoutFor(segment: Segment, naming: SeriesNaming = CONTRACT_NAMING): EndpointLayout {
  const { features } = segment;
  const common = commonLabelsOf(naming, segment);
  const { metric, standard } = naming;
  let nextSlot = 0;
  const counters: CounterSeries[] = [];
  const histograms: HistogramSeries[] = [];
  const counter = (name: string, extra: Labels, emitted = !standard): number => {
    if (emitted) {
      counters.push({ metric: name, labels: { ...common, ...extra }, slot: nextSlot });
    }
    return nextSlot++;
  };
  const histogram = (
    name: string,
    bounds: readonly number[],
    extra: Labels = {},
    emitted = !standard,
    labels: Labels = common
  ): HistogramSeries => {
    const series = { metric: name, labels: { ...labels, ...extra }, bounds, slot: nextSlot };
    nextSlot += histogramSlotCount(series);
    if (emitted) {
      histograms.push(series);
    }
    return series;
  };
  const points = standard?.pointLabels(segment) ?? {};
  const operation = (name: string, extra: Labels = {}) => ({
    ...(standard ? { [standard.operationLabel]: name, ...points } : {}),
    ...extra,
  });

  const requests = OUTCOMES.map((outcome) => counter(metric.requests, { [LABEL.outcome]: outcome }));
  const similarity = histogram(metric.similarity, BUCKETS.score);
  const confidence = histogram(metric.confidence, BUCKETS.score);
  const tokens = (type: string) =>
    histogram(metric.tokenUsage, BUCKETS.tokens, operation(CHAT_OPERATION, { [LABEL.tokenType]: type }), true);
  const inputTokens = tokens(INPUT_TOKEN_TYPE);
  const outputTokens = tokens(OUTPUT_TOKEN_TYPE);
  let modelCalls: HistogramSeries[];
  if (standard) {
    const call = (errorType?: string) =>
      histogram(
        metric.modelLatency,
        BUCKETS.modelLatencySeconds,
        operation(CHAT_OPERATION, errorType ? { [standard.errorLabel]: errorType } : {}),
        true
      );
    modelCalls = [call(), call(standard.errorType), call(standard.timeoutType)];
  } else {
    const all = histogram(metric.modelLatency, BUCKETS.modelLatencySeconds, {}, true);
    modelCalls = [all, all, all];
  }
  const retrieval = standard?.retrieval;
  const storeLabels = (op: string): Labels =>
    retrieval ? { ...standard.storeLabels(), [retrieval.operationLabel]: op } : {};
  // A vector-store operation has no model: its points carry the service, not the model.
  const serviceOnly = standard ? commonLabelsOf(naming, segment, ['model']) : common;
  const retrievalLatency = features.retrieval
    ? histogram(
        metric.retrievalLatency,
        BUCKETS.retrievalLatencySeconds,
        storeLabels(retrieval?.read ?? ''),
        !standard || Boolean(retrieval),
        serviceOnly
      )
    : null;
  const vectorWrites =
    features.retrieval && retrieval
      ? histogram(
          metric.retrievalLatency,
          BUCKETS.retrievalLatencySeconds,
          storeLabels(retrieval.write),
          true,
          serviceOnly
        )
      : null;
  const retrievals = features.retrieval
    ? RETRIEVAL_RESULTS.map((result) => counter(metric.retrievals, { [LABEL.result]: result }))
    : null;
  const injections = INJECTION_SOURCES.map((source) =>
    features.injectionSources.includes(source) ? counter(metric.injections, { [LABEL.source]: source }) : null
  );
  const agentSteps = features.agent ? histogram(metric.agentSteps, BUCKETS.agentSteps) : null;
  const toolCalls = features.agent
    ? TOOL_STATUSES.map((status) => counter(metric.toolCalls, { [LABEL.status]: status }))
    : null;
  const toolDurations =
    features.agent && standard
      ? TOOL_STATUSES.map((status) =>
          histogram(
            metric.modelLatency,
            BUCKETS.modelLatencySeconds,
            operation(standard.toolOperation, status === 'error' ? { [standard.errorLabel]: TOOL_ERROR_TYPE } : {}),
            true
          )
        )
      : null;

  return {
    commonLabels: common,
    slotCount: nextSlot,
    counters,
    histograms,
    requests,
    similarity,
    confidence,
    inputTokens,
    outputTokens,
    modelCalls,
    retrievalLatency,
    retrievals,
    injections,
    agentSteps,
    toolCalls,
    toolDurations,
    vectorWrites,
  };
}

type FamilyType = 'counter' | 'histogram' | 'gauge';

export interface MetricFamily {
  /** Sample name for counters and gauges (`llm_requests_total`), base name for histograms. */
  name: string;
  type: FamilyType;
  help: string;
}

/** Output order of a naming's families; each is written as one contiguous block. */
export function familiesOf(naming: SeriesNaming): MetricFamily[] {
  const { metric, standard } = naming;
  if (standard) {
    return [
      {
        name: metric.modelLatency,
        type: 'histogram',
        help: 'GenAI operation duration (OpenTelemetry GenAI: gen_ai.client.operation.duration).',
      },
      { name: metric.tokenUsage, type: 'histogram', help: 'Number of input and output tokens used.' },
      ...(standard.retrieval
        ? [
            {
              name: metric.retrievalLatency,
              type: 'histogram' as const,
              help: 'Duration of database client operations.',
            },
          ]
        : []),
    ];
  }
  return [
    { name: metric.requests, type: 'counter', help: 'LLM requests by outcome.' },
    {
      name: metric.similarity,
      type: 'histogram',
      help: "Cosine similarity of each answer to the endpoint's reference set.",
    },
    { name: metric.confidence, type: 'histogram', help: 'Model confidence of each answer.' },
    { name: metric.tokenUsage, type: 'histogram', help: 'Tokens per model call, by token type (OpenTelemetry GenAI).' },
    {
      name: metric.modelLatency,
      type: 'histogram',
      help: 'Duration of each model call in seconds (OpenTelemetry GenAI).',
    },
    { name: metric.retrievalLatency, type: 'histogram', help: 'Duration of each retrieval in seconds.' },
    { name: metric.retrievals, type: 'counter', help: 'Retrievals by result.' },
    { name: metric.injections, type: 'counter', help: 'Prompt-injection detections by where the text came from.' },
    { name: metric.agentSteps, type: 'histogram', help: 'Steps per agent run.' },
    { name: metric.toolCalls, type: 'counter', help: 'Agent tool calls by status.' },
    {
      name: metric.buildInfo,
      type: 'gauge',
      help: 'What is deployed: requested model, provider-returned model and prompt version (always 1).',
    },
  ];
}
