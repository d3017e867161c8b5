/**
 * The configuration form's state and its conversion to and from AppSettings. The form holds what the user typed,
 * as text, so nothing they entered is lost to parsing: "0,3" stays "0,3" with a message until they fix it.
 * Empty means "use the default" and is left out of the saved jsonData.
 */
import { COMMON_LABELS } from '../../core/metrics';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../core/report';
import { type Preset } from '../../core/profile';
import { RUNBOOK_IDS, type RunbookId } from '../../core/runbooks';
import {
  type AppSettings,
  type CommonLabel,
  CONTRACT_METRICS,
  type ContractMetric,
  fractionOf,
  PERCENT_THRESHOLDS,
  type PresetId,
  type SettingsErrors,
  thresholdText,
  validateSettings,
} from '../../core/settings';

export type RunbookMode = 'builtin' | 'url' | 'markdown';

export interface RunbookForm {
  mode: RunbookMode;
  url: string;
  markdown: string;
}

export interface ConfigForm {
  datasourceUid: string;
  /** '' for the contract. */
  preset: PresetId | '';
  metricNames: Record<ContractMetric, string>;
  labelNames: Record<CommonLabel, string>;
  thresholds: Record<keyof Thresholds, string>;
  runbooks: Record<RunbookId, RunbookForm>;
}

export const THRESHOLD_KEYS = Object.keys(DEFAULT_THRESHOLDS) as Array<keyof Thresholds>;

function record<K extends string, V>(keys: readonly K[], value: (key: K) => V): Record<K, V> {
  return Object.fromEntries(keys.map((key) => [key, value(key)])) as Record<K, V>;
}

export function formFromSettings(settings: AppSettings): ConfigForm {
  return {
    datasourceUid: settings.datasourceUid ?? '',
    preset: settings.preset ?? '',
    metricNames: record(CONTRACT_METRICS, (m) => settings.metricNames?.[m] ?? ''),
    labelNames: record(COMMON_LABELS, (l) => settings.labelNames?.[l] ?? ''),
    thresholds: record(THRESHOLD_KEYS, (k) =>
      settings.thresholds?.[k] === undefined ? '' : thresholdText(k, settings.thresholds[k])
    ),
    runbooks: record(RUNBOOK_IDS, (id) => {
      const override = settings.runbooks?.[id];
      const url = override?.url ?? '';
      const markdown = override?.markdown ?? '';
      // The URL wins when both were provisioned, as on the Runbooks page.
      return { mode: url ? 'url' : markdown ? 'markdown' : 'builtin', url, markdown };
    }),
  };
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Only the entries the user filled in, trimmed. */
function filled<K extends string>(values: Record<K, string>): Partial<Record<K, string>> | undefined {
  const out: Partial<Record<K, string>> = {};
  for (const [key, value] of Object.entries(values) as Array<[K, string]>) {
    if (value.trim()) {
      out[key] = value.trim();
    }
  }
  return Object.keys(out).length ? out : undefined;
}

function thresholdsFromForm(form: ConfigForm, errors: SettingsErrors): Partial<Thresholds> | undefined {
  const out: Partial<Thresholds> = {};
  for (const key of THRESHOLD_KEYS) {
    const typed = form.thresholds[key].trim();
    const percent = PERCENT_THRESHOLDS.has(key);
    // "5%" and "5" mean the same in a percentage field.
    const text = percent ? typed.replace(/\s*%$/, '') : typed;
    if (!text) {
      continue;
    }
    if (!NUMBER.test(text)) {
      errors[`thresholds.${key}`] = percent
        ? `'${typed}' is not a percentage: type a number such as 5 or 2.5 (a decimal point, not a comma).`
        : `'${typed}' is not a number: use a decimal point (0.25).`;
      continue;
    }
    out[key] = percent ? fractionOf(Number(text)) : Number(text);
  }
  return Object.keys(out).length ? out : undefined;
}

function runbooksFromForm(form: ConfigForm, errors: SettingsErrors): AppSettings['runbooks'] {
  const out: NonNullable<AppSettings['runbooks']> = {};
  for (const id of RUNBOOK_IDS) {
    const { mode, url, markdown } = form.runbooks[id];
    if (mode === 'url') {
      if (!url.trim()) {
        errors[`runbooks.${id}.url`] = 'Enter the runbook’s URL, or choose “Built in”.';
        continue;
      }
      out[id] = { url: url.trim() };
    } else if (mode === 'markdown') {
      if (!markdown.trim()) {
        errors[`runbooks.${id}.markdown`] = 'Enter the runbook’s Markdown, or choose “Built in”.';
        continue;
      }
      out[id] = { markdown };
    }
  }
  return Object.keys(out).length ? out : undefined;
}

/** The settings the form describes, and every problem with them by field (parse errors first). */
export function settingsFromForm(form: ConfigForm): { settings: AppSettings; errors: SettingsErrors } {
  const parseErrors: SettingsErrors = {};
  const settings: AppSettings = {
    datasourceUid: form.datasourceUid.trim() || undefined,
    // The contract is the default: saved as no preset at all.
    preset: form.preset && form.preset !== 'contract' ? form.preset : undefined,
    metricNames: filled(form.metricNames),
    labelNames: filled(form.labelNames),
    thresholds: thresholdsFromForm(form, parseErrors),
    runbooks: runbooksFromForm(form, parseErrors),
  };
  for (const key of Object.keys(settings) as Array<keyof AppSettings>) {
    if (settings[key] === undefined) {
      delete settings[key];
    }
  }
  return { settings, errors: { ...validateSettings(settings).errors, ...parseErrors } };
}

/**
 * The form set to a preset: the preset supplies metric and label names, so the overrides are cleared, except the
 * `pinned` ones (what Detect found in the data source, e.g. the JS exporter's unsuffixed duration).
 */
export function applyPreset(
  form: ConfigForm,
  preset: Preset,
  pinned: Partial<Record<ContractMetric, string>> = {}
): ConfigForm {
  return {
    ...form,
    preset: preset.id,
    metricNames: record(CONTRACT_METRICS, (m) => pinned[m] ?? ''),
    labelNames: record(COMMON_LABELS, () => ''),
  };
}

const INPUT_PREFIX: Record<string, string> = {
  datasourceUid: 'aisre-config-datasource',
  metricNames: 'aisre-config-metric-',
  labelNames: 'aisre-config-label-',
  thresholds: 'aisre-config-threshold-',
  runbooks: 'aisre-config-runbook-',
};

/** The id of the input a field path's error belongs to (`thresholds.page` -> `aisre-config-threshold-page`). */
export function inputIdOf(field: string): string | undefined {
  const [section, ...rest] = field.split('.');
  const prefix = INPUT_PREFIX[section];
  return prefix === undefined ? undefined : `${prefix}${rest.join('-')}`;
}
