/**
 * The telemetry profile: everything a face needs to read one Prometheus — which series each SLI reads, which
 * labels carry team, service and model, which labels can segment a report, which error types are timeouts,
 * the thresholds and the build-info metric — resolved once from the app's settings (the jsonData the
 * Configuration page saves, or the file `aisre --config` reads) and a preset.
 *
 * Presets:
 * - `contract`: the project's own metrics (docs/DESIGN.md), what the simulator and bundled dashboards emit.
 * - `otel-genai`: the OpenTelemetry GenAI semantic conventions. Errors and timeouts are `error.type` on
 *   `gen_ai.client.operation.duration` (no error.type = success), model latency is that histogram's successful
 *   model calls, tool errors its `execute_tool` operations. The Python exporter, the Collector and Prometheus'
 *   OTLP receiver add the unit (`..._duration_seconds`); the JS Prometheus exporter does not
 *   (`..._duration`): the preset holds both names and `settleNames` keeps the one the Prometheus has.
 * - `openlit`: OpenLIT through a Collector: the GenAI metrics as above, retrieval latency from
 *   `db.client.operation.duration` restricted to read operations (OpenLIT also records writes there).
 */
import {
  BUILD_INFO_METRIC,
  COMMON_LABELS,
  ERROR_TYPE_LABEL,
  escapeRegex,
  promqlString,
  SLI_DEFINITIONS,
  type SliDefinition,
  type SliId,
} from './metrics';
import { type Thresholds } from './report';
import {
  type AppSettings,
  type CommonLabel,
  type ContractMetric,
  labelNamesFromSettings,
  type PresetId,
  type SettingsErrors,
  thresholdsFromSettings,
  validateSettings,
} from './settings';
import { type ImpactOptions } from './impact';
import { type MetricsSource } from './source';

/** `error.type` values real instrumentations record for a timeout (OTel Python/JS, OpenAI SDKs, httpx, gRPC). */
export const DEFAULT_TIMEOUT_ERROR_TYPES = [
  'timeout',
  'TimeoutError',
  'APITimeoutError',
  'ReadTimeout',
  'ReadTimeoutError',
  'ConnectTimeout',
  'ConnectTimeoutError',
  'DeadlineExceeded',
  'DEADLINE_EXCEEDED',
] as const;

/** The OTel operations that are not a model call: their durations are neither model latency nor model errors. */
const NON_MODEL_OPERATIONS = ['execute_tool', 'invoke_agent', 'create_agent'];
const OPERATION_LABEL = 'gen_ai_operation_name';

/** OpenLIT's names for reading operations across its vector-store instrumentations and versions. */
const OPENLIT_READ_OPERATIONS = ['query', 'search', 'get', 'fetch', 'select', 'peek'].flatMap((op) => [
  op,
  op.toUpperCase(),
]);

export interface Preset {
  id: PresetId;
  title: string;
  description: string;
  /** Metric role -> candidate names, the first the default; detection keeps the one the Prometheus has. */
  metricNames: Partial<Record<ContractMetric, readonly string[]>>;
  labelNames: Partial<Record<CommonLabel, string>>;
  /** The convention's series carry a team label (OpenTelemetry's have none unless the settings name one). */
  carriesTeam: boolean;
  /** Labels the convention's series carry that a report can be split by. */
  segmentLabels: readonly string[];
  /** Errors, timeouts and tool errors from `error_type` on the operation duration histogram. */
  errorsFromErrorType: boolean;
  /** Retrieval latency only for these operations, by the first of these labels the series carry. */
  retrievalOperations?: { labels: readonly string[]; values: readonly string[] };
  /** SLIs the convention has no signal for: read under the contract's names in case the app emits them. */
  unmeasured: readonly SliId[];
}

/** SLIs neither the OpenTelemetry GenAI conventions nor OpenLIT have a signal for. */
const NO_GENAI_SIGNAL: readonly SliId[] = [
  'refusal_rate',
  'empty_retrieval_rate',
  'injection_rate',
  'semantic_similarity',
  'confidence',
  'agent_steps',
];

const DURATION: ContractMetric = 'gen_ai_client_operation_duration_seconds';
const OTEL_DURATION_NAMES = ['gen_ai_client_operation_duration_seconds', 'gen_ai_client_operation_duration'];

export const PRESETS: readonly Preset[] = [
  {
    id: 'contract',
    title: 'Metrics contract (defaults)',
    description: 'The names the bundled dashboards, the simulator and the CLI use.',
    metricNames: {},
    labelNames: {},
    carriesTeam: true,
    segmentLabels: COMMON_LABELS,
    errorsFromErrorType: false,
    unmeasured: [],
  },
  {
    id: 'otel-genai',
    title: 'OpenTelemetry GenAI',
    description:
      'OpenTelemetry GenAI semantic conventions in Prometheus: errors and timeouts from error_type on ' +
      'gen_ai_client_operation_duration (with or without the _seconds suffix), model latency from its successful ' +
      'calls, response length from gen_ai_client_token_usage; model = gen_ai_request_model, service = job. ' +
      'Refusals, similarity, confidence, injections, retrievals and agent steps have no convention: they are read ' +
      'under the contract names, and reported as not measured when absent.',
    metricNames: { [DURATION]: OTEL_DURATION_NAMES },
    labelNames: { model: 'gen_ai_request_model', service: 'job' },
    carriesTeam: false,
    segmentLabels: [
      'job',
      OPERATION_LABEL,
      'gen_ai_request_model',
      'gen_ai_provider_name',
      'gen_ai_system',
      'server_address',
    ],
    errorsFromErrorType: true,
    unmeasured: [...NO_GENAI_SIGNAL, 'retrieval_latency'],
  },
  {
    id: 'openlit',
    title: 'OpenLIT',
    description:
      'OpenLIT SDK metrics through an OpenTelemetry Collector: the GenAI metrics as for OpenTelemetry, and ' +
      'retrieval latency from db_client_operation_duration_seconds restricted to read operations (query, search, ' +
      'get, fetch) by db_operation_name (db_operation before OpenLIT 1.33); model = gen_ai_request_model, ' +
      'service = service_name.',
    metricNames: {
      [DURATION]: OTEL_DURATION_NAMES,
      rag_retrieval_duration_seconds: ['db_client_operation_duration_seconds', 'db_client_operation_duration'],
    },
    labelNames: { model: 'gen_ai_request_model', service: 'service_name' },
    carriesTeam: false,
    segmentLabels: [
      'service_name',
      OPERATION_LABEL,
      'gen_ai_request_model',
      'gen_ai_system',
      'server_address',
      'deployment_environment',
    ],
    errorsFromErrorType: true,
    retrievalOperations: { labels: ['db_operation_name', 'db_operation'], values: OPENLIT_READ_OPERATIONS },
    unmeasured: NO_GENAI_SIGNAL,
  },
];

export function presetById(id: PresetId | undefined): Preset {
  return PRESETS.find((p) => p.id === (id ?? 'contract')) ?? PRESETS[0];
}

/** The settings resolved for every face. */
export interface TelemetryProfile {
  preset: PresetId;
  definitions: SliDefinition[];
  /** Common label (team, service, endpoint, model) -> the label the series carry. */
  labels: Record<CommonLabel, string>;
  /** The label an incident's team tag scopes by; null when the series carry none (OTel, unless the settings name one). */
  teamLabel: string | null;
  segmentLabels: string[];
  timeoutErrorTypes: string[];
  thresholds: Thresholds;
  buildInfoMetric: string;
  /** SLIs this convention cannot measure (what to emit is in docs/opentelemetry.md). */
  unmeasured: SliId[];
  /** Metric role -> the name in use; roles with several candidates not pinned by the settings may be settled. */
  metricNames: Partial<Record<ContractMetric, string>>;
  candidates: Partial<Record<ContractMetric, readonly string[]>>;
  /** Which label the retrieval operations are told by (settled like the names). */
  retrievalOperationLabel?: string;
}

/** Settings that cannot be used: every problem, by field, in an administrator's words. */
export class ProfileError extends Error {
  constructor(readonly errors: SettingsErrors) {
    super(
      Object.entries(errors)
        .map(([field, message]) => `${field}: ${message}`)
        .join('\n')
    );
    this.name = 'ProfileError';
  }
}

function definitionsOf(
  preset: Preset,
  names: Partial<Record<ContractMetric, string>>,
  timeouts: string[],
  retrievalOperationLabel: string | undefined
): SliDefinition[] {
  const rename = (metric: string) => names[metric as ContractMetric] ?? metric;
  const modelCalls = `${OPERATION_LABEL}!~${promqlString(NON_MODEL_OPERATIONS.join('|'))}`;
  const durationCount = `${rename(DURATION)}_count`;
  return SLI_DEFINITIONS.map((d): SliDefinition => {
    const renamed: SliDefinition =
      d.kind === 'proportion'
        ? { ...d, metric: rename(d.metric), ...(d.totalMetric ? { totalMetric: rename(d.totalMetric) } : {}) }
        : { ...d, metric: rename(d.metric) };
    if (preset.errorsFromErrorType && renamed.kind === 'proportion') {
      const fromErrorType = { metric: durationCount, eventLabel: ERROR_TYPE_LABEL, totalMetric: undefined };
      // Errors and timeouts split the same model calls by error type: timeouts are the listed types.
      const modelCallErrors = {
        ...fromErrorType,
        totalNoun: 'model calls',
        matchers: modelCalls,
        eventValues: timeouts,
      };
      switch (renamed.id) {
        case 'error_rate':
          return { ...renamed, ...modelCallErrors, eventValuesExcluded: true };
        case 'timeout_rate':
          return { ...renamed, ...modelCallErrors };
        case 'tool_error_rate':
          return {
            ...renamed,
            ...fromErrorType,
            matchers: `${OPERATION_LABEL}="execute_tool"`,
            eventValues: [],
            eventValuesExcluded: true,
          };
      }
    }
    if (preset.errorsFromErrorType && renamed.id === 'model_latency' && renamed.kind === 'distribution') {
      return { ...renamed, matchers: `${modelCalls},${ERROR_TYPE_LABEL}=""` };
    }
    if (renamed.id === 'retrieval_latency' && renamed.kind === 'distribution' && preset.retrievalOperations) {
      const label = retrievalOperationLabel ?? preset.retrievalOperations.labels[0];
      return {
        ...renamed,
        matchers: `${label}=~${promqlString(preset.retrievalOperations.values.map(escapeRegex).join('|'))}`,
      };
    }
    return renamed;
  });
}

function assemble(
  preset: Preset,
  settings: AppSettings,
  metricNames: Partial<Record<ContractMetric, string>>,
  retrievalOperationLabel: string | undefined
): TelemetryProfile {
  const timeoutErrorTypes = settings.timeoutErrorTypes ?? [...DEFAULT_TIMEOUT_ERROR_TYPES];
  const pinned = pinnedLabels(settings);
  const labels = { ...labelNamesFromSettings({}), ...preset.labelNames, ...pinned };
  const candidates: Partial<Record<ContractMetric, readonly string[]>> = {};
  for (const [role, names] of Object.entries(preset.metricNames) as Array<[ContractMetric, readonly string[]]>) {
    if (settings.metricNames?.[role] === undefined && names.length > 1) {
      candidates[role] = names;
    }
  }
  return {
    preset: preset.id,
    definitions: definitionsOf(preset, metricNames, timeoutErrorTypes, retrievalOperationLabel),
    labels,
    teamLabel: preset.carriesTeam || pinned.team !== undefined ? labels.team : null,
    segmentLabels: settings.segmentLabels ?? [...preset.segmentLabels],
    timeoutErrorTypes,
    thresholds: thresholdsFromSettings(settings),
    buildInfoMetric: metricNames.llm_build_info ?? BUILD_INFO_METRIC,
    unmeasured: [...preset.unmeasured],
    metricNames,
    candidates,
    retrievalOperationLabel: preset.retrievalOperations
      ? (retrievalOperationLabel ?? preset.retrievalOperations.labels[0])
      : undefined,
  };
}

function pinnedLabels(settings: AppSettings): Partial<Record<CommonLabel, string>> {
  const resolved = labelNamesFromSettings(settings);
  return Object.fromEntries(
    COMMON_LABELS.filter((l) => settings.labelNames?.[l] !== undefined).map((l) => [l, resolved[l]])
  );
}

/**
 * The profile of valid settings; throws ProfileError listing every problem otherwise (the CLI's `--config`).
 * The app's faces use `profileFromSettings`, which reads an invalid field as its default instead.
 */
export function resolveProfile(settings: AppSettings): TelemetryProfile {
  const { errors } = validateSettings(settings);
  if (Object.keys(errors).length > 0) {
    throw new ProfileError(errors);
  }
  return profileFromSettings(settings);
}

/** The profile the settings describe; a field that fails validation reads as its default (as the pages do). */
export function profileFromSettings(settings: AppSettings): TelemetryProfile {
  const { errors } = validateSettings(settings);
  const preset = presetById(errors.preset ? undefined : settings.preset);
  const clean: AppSettings = {
    ...settings,
    timeoutErrorTypes: errors.timeoutErrorTypes ? undefined : settings.timeoutErrorTypes,
    segmentLabels: errors.segmentLabels ? undefined : settings.segmentLabels,
  };
  const metricNames: Partial<Record<ContractMetric, string>> = {};
  for (const [role, names] of Object.entries(preset.metricNames) as Array<[ContractMetric, readonly string[]]>) {
    metricNames[role] = names[0];
  }
  for (const [role, name] of Object.entries(settings.metricNames ?? {}) as Array<[ContractMetric, string]>) {
    if (errors[`metricNames.${role}`] === undefined) {
      metricNames[role] = name;
    }
  }
  return assemble(preset, clean, metricNames, undefined);
}

// ---------------------------------------------------------------------------------------------------
// Settling: which of a preset's candidate names this Prometheus has. One bounded instant query, through the
// same MetricsSource every face reads with, so the CLI, the panel and the incident page settle alike.

/** The metric names (of `names`) with a sample at `time` (within the engine's lookback). */
export async function presentMetricNames(
  source: MetricsSource,
  names: readonly string[],
  time: number
): Promise<Set<string>> {
  if (names.length === 0) {
    return new Set();
  }
  const rows = await source.instantQuery(
    `count by (__name__) ({__name__=~${promqlString(names.map(escapeRegex).join('|'))}})`,
    time
  );
  return new Set(rows.map((r) => r.labels.__name__).filter(Boolean));
}

/** Label names carried by up to `limit` series of `selector` at `time`. */
export async function labelsOfSeries(
  source: MetricsSource,
  selector: string,
  time: number,
  limit = 50
): Promise<Set<string>> {
  const rows = await source.instantQuery(`topk(${limit}, ${selector})`, time);
  return new Set(rows.flatMap((r) => Object.keys(r.labels)));
}

/**
 * The profile with each unpinned candidate name replaced by the one the Prometheus has at `time` (the
 * suffixed name when both or neither exist), and the retrieval operation label the series carry.
 */
export async function settleNames(
  profile: TelemetryProfile,
  settings: AppSettings,
  source: MetricsSource,
  time: number
): Promise<TelemetryProfile> {
  const roles = Object.entries(profile.candidates) as Array<[ContractMetric, readonly string[]]>;
  const preset = presetById(profile.preset);
  if (roles.length === 0 && !preset.retrievalOperations) {
    return profile;
  }
  // Histograms are looked for by their _count series: every exporter writes it.
  const all = roles.flatMap(([, names]) => names.map((n) => `${n}_count`));
  const present = await presentMetricNames(source, all, time);
  const metricNames = { ...profile.metricNames };
  for (const [role, names] of roles) {
    metricNames[role] = names.find((n) => present.has(`${n}_count`)) ?? names[0];
  }
  let retrievalLabel = profile.retrievalOperationLabel;
  if (preset.retrievalOperations && metricNames.rag_retrieval_duration_seconds) {
    const carried = await labelsOfSeries(source, `${metricNames.rag_retrieval_duration_seconds}_count`, time, 20);
    retrievalLabel = preset.retrievalOperations.labels.find((l) => carried.has(l)) ?? retrievalLabel;
  }
  return {
    ...assemble(preset, profileSettings(settings, profile), metricNames, retrievalLabel),
    candidates: profile.candidates,
  };
}

/** The settings a profile was resolved from, with its invalid fields already dropped. */
function profileSettings(settings: AppSettings, profile: TelemetryProfile): AppSettings {
  return { ...settings, timeoutErrorTypes: profile.timeoutErrorTypes, segmentLabels: profile.segmentLabels };
}

/** What a dashboard variable for a common label is set to: some values, every value, or a raw regex (a custom all value). */
export type LabelChoice = { values: string[] } | { all: true } | { regex: string };

/**
 * The matchers for the dashboard's team/service/endpoint/model choices, on the labels the profile maps them to
 * (OpenTelemetry: service is `job`, model `gen_ai_request_model`), as the bundled dashboards select with
 * `<label>=~"$<variable>"`: none for All, `=` for one value, `=~` for several (escaped), `=~` for a regex.
 */
export function choicesSelector(profile: TelemetryProfile, choices: Partial<Record<CommonLabel, LabelChoice>>): string {
  return COMMON_LABELS.flatMap((common) => {
    const choice = choices[common];
    const label = profile.labels[common];
    if (choice === undefined || 'all' in choice) {
      return [];
    }
    if ('regex' in choice) {
      return [`${label}=~${promqlString(choice.regex)}`];
    }
    return choice.values.length === 1
      ? [`${label}=${promqlString(choice.values[0])}`]
      : [`${label}=~${promqlString(choice.values.map(escapeRegex).join('|'))}`];
  }).join(',');
}

/** A report's scope with a team (an incident's `team:` tag): the selector, and why the team could not be applied. */
export interface TeamScope {
  selector: string;
  unapplied?: string;
}

/**
 * `selector` narrowed to `team` under the profile's team label. Series without a team label (OpenTelemetry's)
 * cannot be narrowed: the scope stays as it was, and `unapplied` says so rather than read nothing.
 */
export function teamScope(profile: TelemetryProfile, selector: string, team: string | undefined): TeamScope {
  if (!team) {
    return { selector };
  }
  if (profile.teamLabel === null) {
    const preset = presetById(profile.preset).title;
    return {
      selector,
      unapplied:
        `The team tag team:${team} could not be applied: ${preset} series carry no team label, so this report ` +
        'covers every team. Name the label that carries the team under Configuration → Label names to scope by it.',
    };
  }
  return { selector: [selector, `${profile.teamLabel}=${promqlString(team)}`].filter(Boolean).join(',') };
}

/**
 * Impact options read through the app's settings: the profile's SLI definitions (names settled against the
 * source at the window's end), its thresholds under the caller's, and `--by` common labels (model, team…) as
 * the labels the preset maps them to. The CLI, the impact panel and the incident page all call this, so they
 * read the same series for the same settings.
 */
export async function profiledImpactOptions(
  source: MetricsSource,
  settings: AppSettings,
  options: ImpactOptions
): Promise<ImpactOptions> {
  const profile = await settleNames(profileFromSettings(settings), settings, source, options.window.to);
  return {
    ...options,
    definitions: profile.definitions,
    thresholds: { ...profile.thresholds, ...options.thresholds },
    groupBy: options.groupBy?.map((label) => profile.labels[label as CommonLabel] ?? label),
  };
}
