/**
 * How the simulator names what it emits, resolved from the same telemetry profile the report reads (the app's
 * preset and settings, `aisre simulate --preset/--config`): the project's contract, the OpenTelemetry GenAI
 * conventions or OpenLIT's. Metric names come from the profile's SLI definitions, so the series written are
 * the series read, renames included; the labels each instrumentation puts on a point are the simulator's own
 * knowledge of what those libraries send (docs/opentelemetry.md).
 */
import { COMMON_LABELS, type ProportionSli, type SliDefinition, type SliId } from '../core/metrics';
import { presetById, resolveProfile, type TelemetryProfile } from '../core/profile';
import { type AppSettings, type CommonLabel, type PresetId } from '../core/settings';
import { type Segment } from './scenario';

export type Labels = Readonly<Record<string, string>>;

/** One PromQL label matcher of a definition: `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`. */
interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

const MATCHER = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;
const unescape = (value: string) => value.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));

function matchersOf(text: string | undefined): Matcher[] {
  return [...(text ?? '').matchAll(MATCHER)].map((m) => ({
    name: m[1],
    op: m[2] as Matcher['op'],
    value: unescape(m[3]),
  }));
}

/** `name="value"` pairs of a contract matcher string, e.g. `gen_ai_token_type="output"`. */
export function parseMatchers(matchers: string | undefined): Array<[string, string]> {
  return matchersOf(matchers)
    .filter((m) => m.op === '=')
    .map((m) => [m.name, m.value]);
}

/** Whether a series' labels satisfy a definition's matchers as PromQL does: a missing label is "", regexes anchored. */
export function seriesMatches(labels: Labels, matchers: string | undefined): boolean {
  return matchersOf(matchers).every(({ name, op, value }) => {
    const actual = labels[name] ?? '';
    switch (op) {
      case '=':
        return actual === value;
      case '!=':
        return actual !== value;
      case '=~':
        return new RegExp(`^(?:${value})$`).test(actual);
      case '!~':
        return !new RegExp(`^(?:${value})$`).test(actual);
    }
  });
}

/** The OpenTelemetry-style namings: outcomes as `error.type` on the operation-duration histogram. */
interface StandardNaming {
  errorLabel: string;
  operationLabel: string;
  toolOperation: string;
  /** The `error.type` of a failed model call that is not a timeout, and of a timed-out one. */
  errorType: string;
  timeoutType: string;
  /** Labels the instrumentation puts on every GenAI point (provider, server, resource attributes). */
  pointLabels(segment: Segment): Labels;
  /** Labels of the vector store's points. */
  storeLabels(): Labels;
  /** The vector store's reads and writes on one histogram, told by an operation label (OpenLIT). */
  retrieval: { operationLabel: string; read: string; write: string } | null;
}

export interface SeriesNaming {
  preset: PresetId;
  /** What the report reads under this naming, and so what the ground truth counts. */
  definitions: readonly SliDefinition[];
  metric: Record<
    | 'requests'
    | 'similarity'
    | 'confidence'
    | 'tokenUsage'
    | 'modelLatency'
    | 'retrievalLatency'
    | 'retrievals'
    | 'injections'
    | 'agentSteps'
    | 'toolCalls'
    | 'buildInfo',
    string
  >;
  /** Common label -> the label the series carry it as, for the common labels they carry. */
  labels: Partial<Record<CommonLabel, string>>;
  /** Null for the contract's own series (`llm_requests_total{outcome}`, …). */
  standard: StandardNaming | null;
}

/** What OpenLIT puts on every point from its resource (service.name is a common label). */
const OPENLIT_RESOURCE = { deployment_environment: 'production', telemetry_sdk_name: 'openlit' };

const POINT_LABELS: Partial<Record<PresetId, (segment: Segment) => Labels>> = {
  // Semantic conventions 1.37 name the provider gen_ai.provider.name.
  'otel-genai': (s) => ({ gen_ai_provider_name: s.provider.name, server_address: s.provider.server }),
  // OpenLIT still sends the older gen_ai.system.
  openlit: (s) => ({ gen_ai_system: s.provider.name, server_address: s.provider.server, ...OPENLIT_RESOURCE }),
};

/** Error types real SDKs raise; the first that the settings do not call a timeout is the simulated error. */
const ERROR_TYPES = ['InternalServerError', 'APIError', '500'];

/** A vector-store write as OpenLIT records it: never one of the read operations the retrieval SLI keeps. */
const STORE_WRITE = 'upsert';

function standardNaming(profile: TelemetryProfile, sli: (id: SliId) => SliDefinition): StandardNaming | null {
  const preset = presetById(profile.preset);
  if (!preset.errorsFromErrorType) {
    return null;
  }
  const [tool] = matchersOf(sli('tool_error_rate').matchers);
  const timeouts = profile.timeoutErrorTypes;
  const retrieval = preset.retrievalOperations;
  return {
    errorLabel: (sli('error_rate') as ProportionSli).eventLabel,
    operationLabel: tool.name,
    toolOperation: tool.value,
    errorType: ERROR_TYPES.find((t) => !timeouts.includes(t)) ?? ERROR_TYPES[0],
    // With no timeout types configured every failure is an error, and the truth counts it so.
    timeoutType: timeouts.includes('APITimeoutError') ? 'APITimeoutError' : (timeouts[0] ?? 'timeout'),
    pointLabels: POINT_LABELS[preset.id] ?? (() => ({})),
    storeLabels: () => (preset.id === 'openlit' ? { db_system_name: 'chroma', ...OPENLIT_RESOURCE } : {}),
    retrieval:
      retrieval && profile.retrievalOperationLabel
        ? { operationLabel: profile.retrievalOperationLabel, read: retrieval.values[0], write: STORE_WRITE }
        : null,
  };
}

/**
 * The naming of valid settings (throws the profile's ProfileError otherwise). The contract's series carry all
 * four common labels; a convention's carry those it has (model, service) and those the settings map.
 */
export function seriesNaming(settings: AppSettings = {}, profile = resolveProfile(settings)): SeriesNaming {
  const sli = (id: SliId) => profile.definitions.find((d) => d.id === id)!;
  const standard = standardNaming(profile, sli);
  const carried = standard
    ? COMMON_LABELS.filter(
        (l) => presetById(profile.preset).labelNames[l] !== undefined || settings.labelNames?.[l] !== undefined
      )
    : COMMON_LABELS;
  return {
    preset: profile.preset,
    definitions: profile.definitions,
    metric: {
      requests: sli('refusal_rate').metric,
      similarity: sli('semantic_similarity').metric,
      confidence: sli('confidence').metric,
      tokenUsage: sli('response_length').metric,
      modelLatency: sli('model_latency').metric,
      retrievalLatency: sli('retrieval_latency').metric,
      retrievals: sli('empty_retrieval_rate').metric,
      injections: sli('injection_rate').metric,
      agentSteps: sli('agent_steps').metric,
      toolCalls: sli('tool_error_rate').metric,
      buildInfo: profile.buildInfoMetric,
    },
    labels: Object.fromEntries(carried.map((l) => [l, profile.labels[l]])),
    standard,
  };
}

/** The segment's common labels under their series names, in contract order, leaving out `except`. */
export function commonLabelsOf(naming: SeriesNaming, segment: Segment, except: CommonLabel[] = []): Labels {
  const labels: Record<string, string> = {};
  for (const name of COMMON_LABELS) {
    const series = naming.labels[name];
    if (series !== undefined && !except.includes(name)) {
      labels[series] = segment[name];
    }
  }
  return labels;
}

export const CONTRACT_NAMING = seriesNaming();
