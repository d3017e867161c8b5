/**
 * The app's settings (its jsonData in Grafana): the Prometheus data source, metric and label name mapping,
 * thresholds and runbook overrides. Pure: how they are validated, normalised from whatever was stored or
 * provisioned, and turned into what the core reads (SLI definitions with remapped names, thresholds, labels).
 * Nothing here is secret, so there is no secureJsonData.
 */
import {
  BUILD_INFO_METRIC,
  COMMON_LABELS,
  type ContractMetric,
  ERROR_TYPE_LABEL,
  isLabelName,
  isMetricName,
  ownLabels,
  SLI_DEFINITIONS,
  type SliDefinition,
  splitLabels,
} from './metrics';
import { DEFAULT_THRESHOLDS, type Thresholds } from './report';
import { isRunbookId, isSafeRunbookUrl, type RunbookId, type RunbookOverride, RUNBOOK_IDS } from './runbooks';

/** The metrics the definitions read, in their order, plus the build info metric. */
function metricsOfDefinitions(definitions: readonly SliDefinition[]): string[] {
  const names = new Set<string>();
  for (const d of definitions) {
    names.add(d.metric);
    if (d.kind === 'proportion' && d.totalMetric) {
      names.add(d.totalMetric);
    }
  }
  names.add(BUILD_INFO_METRIC);
  return [...names];
}

/**
 * Every metric of the contract, by its default (Prometheus-form) name. Settings remap these keys, so a
 * provisioning file reads as "rename X to Y": `metricNames: { rag_retrieval_duration_seconds: db_client_… }`.
 */
export const CONTRACT_METRICS = metricsOfDefinitions(SLI_DEFINITIONS) as readonly ContractMetric[];

export type { ContractMetric };

export type CommonLabel = (typeof COMMON_LABELS)[number];

/** The telemetry conventions the app reads (src/core/profile.ts describes each). */
export const PRESET_IDS = ['contract', 'otel-genai', 'openlit'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export interface AppSettings {
  /** The Prometheus-compatible data source the app's pages query. Unset: Grafana's default data source. */
  datasourceUid?: string;
  /** Which convention the telemetry follows; names below override the preset's. Unset: the contract. */
  preset?: PresetId;
  /** `error_type` values that mean "timed out" (OpenTelemetry / OpenLIT presets). Unset: DEFAULT_TIMEOUT_ERROR_TYPES. */
  timeoutErrorTypes?: string[];
  /** Labels a report can be split by. Unset: the preset's. */
  segmentLabels?: string[];
  /** Contract metric -> the name it has in your Prometheus. Histograms by base name (without `_bucket`). */
  metricNames?: Partial<Record<ContractMetric, string>>;
  /** Common label -> the label your series carry instead (e.g. model -> gen_ai_request_model). */
  labelNames?: Partial<Record<CommonLabel, string>>;
  thresholds?: Partial<Thresholds>;
  runbooks?: Partial<Record<RunbookId, RunbookOverride>>;
}

/** Field path (`thresholds.page`, `metricNames.llm_requests_total`, `runbooks.model-rollback.url`) -> message. */
export type SettingsErrors = Record<string, string>;

/** Longest runbook Markdown kept in jsonData: Grafana stores jsonData in its database with every plugin read. */
export const MAX_RUNBOOK_MARKDOWN = 50_000;

/** Labels the core reads itself, so a common label cannot be mapped onto them (error_type: the OTel presets'). */
const RESERVED_LABELS = new Set<string>([...splitLabels(), ...SLI_DEFINITIONS.flatMap(ownLabels), ERROR_TYPE_LABEL]);

const HISTOGRAM_METRICS = new Set<string>(
  SLI_DEFINITIONS.filter((d) => d.kind === 'distribution').map((d) => d.metric)
);

// ---------------------------------------------------------------------------------------------------
// Normalising what was stored: jsonData can come from an older version or a hand-written provisioning file.

/** A JSON object (not null, not an array): what a stored or hand-written document must be before it is read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringEntries<K extends string>(raw: unknown, keys: readonly K[]): Partial<Record<K, string>> | undefined {
  if (!isRecord(raw)) {
    return undefined;
  }
  const out: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const value = raw[key];
    if (typeof value === 'string' && value.trim() !== '') {
      out[key] = value.trim();
    }
  }
  return Object.keys(out).length ? out : undefined;
}

const THRESHOLD_KEYS = Object.keys(DEFAULT_THRESHOLDS) as Array<keyof Thresholds>;

/** Thresholds an SRE reads and types as percentages (5 for 5%); stored as fractions (0.05), as the core reads them. */
export const PERCENT_THRESHOLDS: ReadonlySet<keyof Thresholds> = new Set(['investigate', 'page', 'fdr', 'pageFdr']);

/** A stored fraction (0.07) as the percentage an SRE types (7), without float noise (not 7.000000000000001). */
export function percentOf(fraction: number): number {
  return Number((fraction * 100).toPrecision(12));
}

/** A typed percentage (7) as the fraction the core reads (0.07), without float noise. */
export function fractionOf(percent: number): number {
  return Number((percent / 100).toPrecision(12));
}

/** A threshold as the SRE reads it: a percentage for the relative ones. */
export function thresholdText(key: keyof Thresholds, value: number): string {
  return String(PERCENT_THRESHOLDS.has(key) ? percentOf(value) : value);
}

/** A threshold in a message: "30%" for a percentage (as the form takes it), the number otherwise. */
function thresholdWords(key: keyof Thresholds, value: number): string {
  return `${thresholdText(key, value)}${PERCENT_THRESHOLDS.has(key) ? '%' : ''}`;
}

function thresholdEntries(raw: unknown): Partial<Thresholds> | undefined {
  if (!isRecord(raw)) {
    return undefined;
  }
  const out: Partial<Thresholds> = {};
  for (const key of THRESHOLD_KEYS) {
    const value = raw[key];
    // Numbers only; a string such as "0.3" from a hand-written file is kept so validation can name it.
    if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '')) {
      (out as Record<string, unknown>)[key] = value;
    }
  }
  return Object.keys(out).length ? out : undefined;
}

function runbookEntries(raw: unknown): AppSettings['runbooks'] {
  if (!isRecord(raw)) {
    return undefined;
  }
  const out: NonNullable<AppSettings['runbooks']> = {};
  for (const [id, value] of Object.entries(raw)) {
    if (!isRunbookId(id) || !isRecord(value)) {
      continue;
    }
    const entry: RunbookOverride = {};
    if (typeof value.url === 'string' && value.url.trim()) {
      entry.url = value.url.trim();
    }
    if (typeof value.markdown === 'string' && value.markdown.trim()) {
      entry.markdown = value.markdown;
    }
    if (entry.url !== undefined || entry.markdown !== undefined) {
      out[id] = entry;
    }
  }
  return Object.keys(out).length ? out : undefined;
}

function stringList(raw: unknown): string[] | undefined {
  if (!Array.isArray(raw)) {
    return undefined;
  }
  // Non-strings are kept as they are so validation can name them rather than drop them silently.
  const out = raw.map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== '') as string[];
  return out.length ? out : undefined;
}

/** The known fields of stored jsonData, blank values dropped; unknown keys and wrong shapes are ignored. */
export function normaliseSettings(raw: unknown): AppSettings {
  if (!isRecord(raw)) {
    return {};
  }
  const settings: AppSettings = {
    datasourceUid:
      typeof raw.datasourceUid === 'string' && raw.datasourceUid.trim() ? raw.datasourceUid.trim() : undefined,
    preset: typeof raw.preset === 'string' && raw.preset.trim() ? (raw.preset.trim() as PresetId) : undefined,
    timeoutErrorTypes: stringList(raw.timeoutErrorTypes),
    segmentLabels: stringList(raw.segmentLabels),
    metricNames: stringEntries(raw.metricNames, CONTRACT_METRICS),
    labelNames: stringEntries(raw.labelNames, COMMON_LABELS),
    thresholds: thresholdEntries(raw.thresholds),
    runbooks: runbookEntries(raw.runbooks),
  };
  for (const key of Object.keys(settings) as Array<keyof AppSettings>) {
    if (settings[key] === undefined) {
      delete settings[key];
    }
  }
  return settings;
}

// ---------------------------------------------------------------------------------------------------
// Validation: one message per field, in words an administrator can act on.

function validateMetricNames(names: AppSettings['metricNames'], errors: SettingsErrors) {
  const owners = new Map<string, ContractMetric[]>();
  for (const metric of CONTRACT_METRICS) {
    const name = names?.[metric];
    const field = `metricNames.${metric}`;
    if (name === undefined) {
      owners.set(metric, [...(owners.get(metric) ?? []), metric]);
      continue;
    }
    if (!isMetricName(name)) {
      errors[field] =
        `'${name}' is not a valid Prometheus metric name: letters, digits, _ and :, not starting with a digit.`;
      continue;
    }
    if (HISTOGRAM_METRICS.has(metric) && /_(bucket|count|sum)$/.test(name)) {
      errors[field] =
        `Give the histogram's base name: the app adds _bucket itself (${name.replace(/_(bucket|count|sum)$/, '')}).`;
      continue;
    }
    owners.set(name, [...(owners.get(name) ?? []), metric]);
  }
  // Two contract metrics read from one series would be counted twice, or split by the wrong label.
  for (const [name, metrics] of owners) {
    if (metrics.length > 1) {
      for (const metric of metrics) {
        if (names?.[metric] !== undefined) {
          errors[`metricNames.${metric}`] =
            `'${name}' is also used for ${metrics.filter((m) => m !== metric).join(', ')}: each contract metric needs its own series.`;
        }
      }
    }
  }
}

/** Why a name cannot be a common label's, or undefined when it can. */
function labelNameProblem(name: string): string | undefined {
  if (!isLabelName(name)) {
    return `'${name}' is not a valid Prometheus label name: letters, digits and _, not starting with a digit.`;
  }
  if (name.startsWith('__')) {
    return `Label names starting with __ are reserved for Prometheus' own use.`;
  }
  if (RESERVED_LABELS.has(name)) {
    return `'${name}' is a label the app reads itself (${[...RESERVED_LABELS].join(', ')}).`;
  }
  return undefined;
}

function validateLabelMapping(labels: AppSettings['labelNames'], errors: SettingsErrors) {
  const effective = new Map<string, CommonLabel[]>();
  for (const label of COMMON_LABELS) {
    const name = labels?.[label];
    const problem = name === undefined ? undefined : labelNameProblem(name);
    if (problem) {
      errors[`labelNames.${label}`] = problem;
      continue;
    }
    const target = name ?? label;
    effective.set(target, [...(effective.get(target) ?? []), label]);
  }
  for (const [name, owners] of effective) {
    // Only the labels the user mapped are to blame for sharing a name.
    const mapped = owners.length > 1 ? owners.filter((label) => labels?.[label] !== undefined) : [];
    for (const label of mapped) {
      errors[`labelNames.${label}`] =
        `'${name}' is also the label for ${owners.filter((l) => l !== label).join(', ')}: each needs its own label.`;
    }
  }
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function describe(key: keyof Thresholds, value: number, set: boolean): string {
  return set ? thresholdWords(key, value) : `${thresholdWords(key, value)}, the default`;
}

/** Investigate above 0, page above investigate; a threshold left unset is its default. */
function validateInvestigateBelowPage(
  t: Partial<Thresholds>,
  value: (key: keyof Thresholds) => number,
  [low, high, what]: [keyof Thresholds, keyof Thresholds, string],
  errors: SettingsErrors
) {
  if (errors[`thresholds.${low}`] === undefined && value(low) <= 0) {
    errors[`thresholds.${low}`] = `The investigate ${what} must be above ${thresholdWords(low, 0)}.`;
  }
  if (
    errors[`thresholds.${high}`] !== undefined ||
    errors[`thresholds.${low}`] !== undefined ||
    value(high) > value(low)
  ) {
    return;
  }
  // Blame the field the user set; when both are set, the page threshold.
  const field = t[high] !== undefined || t[low] === undefined ? high : low;
  errors[`thresholds.${field}`] =
    `The page ${what} (${describe(high, value(high), t[high] !== undefined)}) must be above the investigate ${what} (${describe(low, value(low), t[low] !== undefined)}).`;
}

function validateThresholds(given: Partial<Thresholds> | undefined, errors: SettingsErrors) {
  const t = given ?? {};
  for (const key of THRESHOLD_KEYS) {
    if (t[key] !== undefined && !finite(t[key])) {
      errors[`thresholds.${key}`] = 'Must be a number.';
    }
  }
  const value = (key: keyof Thresholds) => (finite(t[key]) ? (t[key] as number) : DEFAULT_THRESHOLDS[key]);
  const pairs: Array<[keyof Thresholds, keyof Thresholds, string]> = [
    ['investigate', 'page', 'relative regression'],
    ['psiInvestigate', 'psiPage', 'PSI'],
  ];
  for (const [low, high, what] of pairs) {
    validateInvestigateBelowPage(t, value, [low, high, what], errors);
  }
  if (
    errors['thresholds.minVolume'] === undefined &&
    t.minVolume !== undefined &&
    (!Number.isInteger(t.minVolume) || t.minVolume < 0)
  ) {
    errors['thresholds.minVolume'] = 'The minimum volume must be a whole number, 0 or more.';
  }
  if (errors['thresholds.fdr'] === undefined && t.fdr !== undefined && !(t.fdr > 0 && t.fdr < 1)) {
    errors['thresholds.fdr'] = 'The false discovery rate must be above 0% and below 100% (5% is usual).';
  }
  if (errors['thresholds.pageFdr'] === undefined && t.pageFdr !== undefined && !(t.pageFdr > 0 && t.pageFdr < 1)) {
    errors['thresholds.pageFdr'] = 'The false discovery rate to page must be above 0% and below 100% (1% is usual).';
  } else if (
    errors['thresholds.pageFdr'] === undefined &&
    errors['thresholds.fdr'] === undefined &&
    value('pageFdr') > value('fdr')
  ) {
    // A page is the stronger claim, so it needs the stricter (smaller) rate.
    errors['thresholds.pageFdr'] =
      `The false discovery rate to page (${thresholdWords('pageFdr', value('pageFdr'))}) must not be above the one to investigate (${thresholdWords('fdr', value('fdr'))}).`;
  }
}

function validateRunbooks(runbooks: AppSettings['runbooks'], errors: SettingsErrors) {
  for (const id of RUNBOOK_IDS) {
    const override = runbooks?.[id];
    if (!override) {
      continue;
    }
    const url = override.url?.trim();
    const markdown = override.markdown;
    if (url && !isSafeRunbookUrl(url)) {
      errors[`runbooks.${id}.url`] = 'The runbook link must be an absolute http:// or https:// URL.';
    }
    if (url && markdown?.trim()) {
      errors[`runbooks.${id}.url`] ??= 'Give a URL or Markdown, not both.';
    }
    if (markdown !== undefined && markdown.length > MAX_RUNBOOK_MARKDOWN) {
      errors[`runbooks.${id}.markdown`] =
        `At most ${MAX_RUNBOOK_MARKDOWN.toLocaleString('en-US')} characters (this is ${markdown.length.toLocaleString('en-US')}); link a longer runbook by URL.`;
    }
  }
}

/** Every problem with the settings, by field. Empty `errors` means they can be saved. */
export function validateSettings(settings: AppSettings): { errors: SettingsErrors } {
  const errors: SettingsErrors = {};
  if (
    settings.datasourceUid !== undefined &&
    (typeof settings.datasourceUid !== 'string' || !settings.datasourceUid.trim())
  ) {
    errors.datasourceUid = 'Choose a data source, or leave it unset for the default one.';
  }
  if (settings.preset !== undefined && !(PRESET_IDS as readonly string[]).includes(settings.preset)) {
    errors.preset = `Unknown preset '${String(settings.preset)}': choose ${PRESET_IDS.join(', ')}.`;
  }
  const badTimeout = settings.timeoutErrorTypes?.find((v) => typeof v !== 'string' || !v.trim());
  if (badTimeout !== undefined) {
    errors.timeoutErrorTypes = `Timeout error types are non-empty strings, not ${JSON.stringify(badTimeout)}.`;
  }
  const badLabel = settings.segmentLabels?.find(
    (l) => typeof l !== 'string' || !isLabelName(l) || l.startsWith('__') || l === 'le'
  );
  if (badLabel !== undefined) {
    errors.segmentLabels = `${JSON.stringify(badLabel)} is not a label a report can be split by (a Prometheus label name, not le or __…).`;
  }
  validateMetricNames(settings.metricNames, errors);
  validateLabelMapping(settings.labelNames, errors);
  validateThresholds(settings.thresholds, errors);
  validateRunbooks(settings.runbooks, errors);
  return { errors };
}

// ---------------------------------------------------------------------------------------------------
// What the core reads. Invalid settings never reach a query: a field that fails validation reads as its default.

function hasErrorUnder(errors: SettingsErrors, prefix: string): boolean {
  return Object.keys(errors).some((field) => field.startsWith(prefix));
}

/**
 * The label each common label (team, service, endpoint, model) has in the configured Prometheus, for callers
 * that build selectors and groupings. Invalid or clashing mappings read as the default.
 */
export function labelNamesFromSettings(settings: AppSettings): Record<CommonLabel, string> {
  const { errors } = validateSettings(settings);
  const out = {} as Record<CommonLabel, string>;
  for (const label of COMMON_LABELS) {
    const name = settings.labelNames?.[label];
    out[label] = name !== undefined && errors[`labelNames.${label}`] === undefined ? name : label;
  }
  return out;
}

/**
 * The thresholds the app judges with. They only make sense as a set (page above investigate), so if any
 * configured threshold is invalid, all are the defaults.
 */
export function thresholdsFromSettings(settings: AppSettings): Thresholds {
  const { errors } = validateSettings(settings);
  if (hasErrorUnder(errors, 'thresholds.')) {
    return { ...DEFAULT_THRESHOLDS };
  }
  return { ...DEFAULT_THRESHOLDS, ...(settings.thresholds as Partial<Thresholds>) };
}

const SETTINGS_KEYS: ReadonlyArray<keyof AppSettings> = [
  'datasourceUid',
  'preset',
  'timeoutErrorTypes',
  'segmentLabels',
  'metricNames',
  'labelNames',
  'thresholds',
  'runbooks',
];

/**
 * The jsonData to save: the stored jsonData with the app's settings replaced and any key this version does not
 * know (written by a newer version or by provisioning) kept as it was.
 */
export function jsonDataWithSettings(stored: unknown, settings: AppSettings): Record<string, unknown> {
  const out: Record<string, unknown> = isRecord(stored) ? { ...stored } : {};
  for (const key of SETTINGS_KEYS) {
    delete out[key];
    if (settings[key] !== undefined) {
      out[key] = settings[key];
    }
  }
  return out;
}
