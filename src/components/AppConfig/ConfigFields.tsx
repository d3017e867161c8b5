/**
 * The configuration form's fields, section by section: data source, metric names, label names, thresholds,
 * runbook overrides. Presentational: the form state, its errors and saving live in AppConfig.
 */
import { css } from '@emotion/css';
import { type GrafanaTheme2, locationUtil, type SelectableValue } from '@grafana/data';
import { DataSourcePicker, getDataSourceSrv } from '@grafana/runtime';
import {
  Button,
  Combobox,
  Field,
  FieldSet,
  Input,
  RadioButtonGroup,
  Stack,
  Text,
  TextArea,
  TextLink,
  useStyles2,
} from '@grafana/ui';
import React, { useState } from 'react';
import { COMMON_LABELS, SLI_DEFINITIONS } from '../../core/metrics';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../core/report';
import { RUNBOOKS, type RunbookId } from '../../core/runbooks';
import {
  CONTRACT_METRICS,
  type ContractMetric,
  MAX_RUNBOOK_MARKDOWN,
  PERCENT_THRESHOLDS,
  type SettingsErrors,
  thresholdText,
} from '../../core/settings';
import { detectTelemetry } from '../../core/detect';
import { type Preset, presetById, PRESETS, profileFromSettings } from '../../core/profile';
import { dashboardsOf } from '../../shared/bundledDashboards';
import { GrafanaMetricsSource } from '../../shared/grafanaMetricsSource';
import { PROMQL_DATASOURCE_TYPES } from '../../shared/promqlDataSources';
import { applyPreset, type ConfigForm, type RunbookForm, type RunbookMode, THRESHOLD_KEYS } from './configForm';

export interface ConfigFieldsProps {
  form: ConfigForm;
  onChange: (next: ConfigForm) => void;
  /** Errors to show, by field path (only those the user should see now). */
  errors: SettingsErrors;
  disabled: boolean;
}

/** What reads each contract metric, in the SRE's words. */
function readersOf(metric: ContractMetric): string {
  if (metric === 'llm_build_info') {
    return 'What changed: model, response_model and prompt_version per build';
  }
  const readers = SLI_DEFINITIONS.filter((d) => d.metric === metric).map((d) => d.title);
  const totals = SLI_DEFINITIONS.filter((d) => d.kind === 'proportion' && d.totalMetric === metric).map(
    (d) => `${d.title} (as the total)`
  );
  return [...readers, ...totals].join(', ');
}

const THRESHOLD_TEXT: Record<keyof Thresholds, { label: string; description: string }> = {
  investigate: {
    label: 'Investigate at',
    description: 'Relative regression in the bad direction that asks for a look, in percent.',
  },
  page: {
    label: 'Page at',
    description: 'Relative regression that pages, in percent. Must be above “Investigate at”.',
  },
  psiInvestigate: {
    label: 'Investigate at PSI',
    description: 'Distribution shift (population stability index) that asks for a look.',
  },
  psiPage: { label: 'Page at PSI', description: 'Distribution shift that pages. Must be above “Investigate at PSI”.' },
  fdr: {
    label: 'False discovery rate',
    description: 'Benjamini–Yekutieli q a finding must pass to investigate, in percent (above 0, below 100).',
  },
  pageFdr: {
    label: 'False discovery rate to page',
    description: 'The stricter q a finding must pass to page, in percent. At most the false discovery rate.',
  },
  minVolume: {
    label: 'Minimum volume',
    description: 'Fewest requests or observations in window and baseline for a verdict; below it, “insufficient data”.',
  },
};

const RUNBOOK_MODES: Array<SelectableValue<RunbookMode>> = [
  { value: 'builtin', label: 'Built in' },
  { value: 'url', label: 'Link (URL)' },
  { value: 'markdown', label: 'Markdown' },
];

function DataSourceSection({ form, onChange, errors, disabled }: ConfigFieldsProps) {
  return (
    <FieldSet label="Prometheus data source">
      <Field
        label="Data source"
        description="A Prometheus-compatible data source (Prometheus, Mimir, Thanos, VictoriaMetrics, Amazon or Azure Managed Prometheus). Unset: Grafana’s default data source."
        invalid={Boolean(errors.datasourceUid)}
        error={errors.datasourceUid}
        disabled={disabled}
      >
        <DataSourcePicker
          current={form.datasourceUid || null}
          noDefault
          width={40}
          disabled={disabled}
          inputId="aisre-config-datasource"
          filter={(ds) => PROMQL_DATASOURCE_TYPES.includes(ds.type)}
          onChange={(ds) => onChange({ ...form, datasourceUid: ds.uid })}
        />
      </Field>
      {form.datasourceUid && (
        <Button
          variant="secondary"
          fill="text"
          disabled={disabled}
          onClick={() => onChange({ ...form, datasourceUid: '' })}
        >
          Use the default data source
        </Button>
      )}
    </FieldSet>
  );
}

type DetectState = { kind: 'idle' } | { kind: 'running' } | { kind: 'done'; message: string; ok: boolean };

/** Reads the data source with the same detection `aisre doctor` runs, and sets the preset it finds. */
async function detectInDataSource(form: ConfigForm): Promise<{ form?: ConfigForm; message: string }> {
  const datasource = getDataSourceSrv().getInstanceSettings(form.datasourceUid || undefined);
  if (!datasource) {
    return { message: 'Choose a data source first: there is no default one.' };
  }
  const source = new GrafanaMetricsSource({ uid: datasource.uid, type: datasource.type, name: datasource.name });
  const detection = await detectTelemetry(source, Math.floor(Date.now() / 1000));
  if (!detection.preset) {
    return { message: `No telemetry this app reads in ${datasource.name} in the last 5 minutes.` };
  }
  const preset = presetById(detection.preset);
  const computable = detection.slis.filter((s) => s.computable).map((s) => s.title);
  return {
    form: applyPreset(form, preset, detection.pinnedNames),
    message: `${preset.title}: ${computable.length} of ${detection.slis.length} SLIs computable (${computable.join(', ')}). Save to use it.`,
  };
}

/** The bundled dashboard set that reads this convention's names (plugin.json's includes), and whose the others are. */
function PresetDashboards({ preset }: { preset: Preset }) {
  const others = PRESETS.filter((p) => p.id !== preset.id && dashboardsOf(p.id).length > 0);
  return (
    <div data-testid="aisre-config-preset-dashboards">
      <Text element="p">
        Dashboards for {preset.title}:{' '}
        {dashboardsOf(preset.id).map((d, i) => (
          <React.Fragment key={d.uid}>
            {i > 0 && ', '}
            <TextLink href={locationUtil.assureBaseUrl(`/d/${encodeURIComponent(d.uid)}`)} inline>
              {d.title}
            </TextLink>
          </React.Fragment>
        ))}
        .
      </Text>
      <Text element="p" color="secondary">
        {`The other bundled dashboards are for other conventions and read names this one does not: ${others
          .map(
            (p) =>
              `${dashboardsOf(p.id)
                .map((d) => d.title)
                .join(', ')} for ${p.title}`
          )
          .join('; ')}.`}
      </Text>
    </div>
  );
}

function PresetPicker({ form, onChange, disabled }: ConfigFieldsProps) {
  const [detect, setDetect] = useState<DetectState>({ kind: 'idle' });
  const chosen = presetById(form.preset || undefined);
  const runDetect = () => {
    setDetect({ kind: 'running' });
    detectInDataSource(form).then(
      (result) => {
        if (result.form) {
          onChange(result.form);
        }
        setDetect({ kind: 'done', message: result.message, ok: Boolean(result.form) });
      },
      (error: unknown) =>
        setDetect({ kind: 'done', ok: false, message: error instanceof Error ? error.message : String(error) })
    );
  };
  return (
    <Stack direction="column" gap={1}>
      <Stack direction="row" gap={1} alignItems="flex-end">
        <Field label="Telemetry convention" description={chosen.description} disabled={disabled}>
          <Combobox
            id="aisre-config-preset"
            width={40}
            disabled={disabled}
            value={chosen.id}
            options={PRESETS.map((p) => ({ value: p.id, label: p.title }))}
            onChange={(option) => onChange(applyPreset(form, presetById(option.value)))}
          />
        </Field>
        <Field>
          <Button variant="secondary" disabled={disabled || detect.kind === 'running'} onClick={runDetect}>
            {detect.kind === 'running' ? 'Detecting…' : 'Detect'}
          </Button>
        </Field>
      </Stack>
      {detect.kind === 'done' && (
        <Text element="p" color={detect.ok ? 'success' : 'error'}>
          {detect.message}
        </Text>
      )}
      <PresetDashboards preset={chosen} />
    </Stack>
  );
}

function MetricNamesSection(props: ConfigFieldsProps) {
  const { form, onChange, errors, disabled } = props;
  const presetNames = profileFromSettings({ preset: form.preset || undefined }).metricNames;
  return (
    <FieldSet label="Metric names">
      <Text element="p" color="secondary">
        The convention your telemetry follows, and the names that differ from it. Leave a name empty to use the
        preset’s. Give histograms their base name, without _bucket.
      </Text>
      <PresetPicker {...props} />
      {CONTRACT_METRICS.map((metric) => {
        const field = `metricNames.${metric}`;
        return (
          <Field
            key={metric}
            label={metric}
            description={readersOf(metric)}
            invalid={Boolean(errors[field])}
            error={errors[field]}
            disabled={disabled}
          >
            <Input
              id={`aisre-config-metric-${metric}`}
              placeholder={presetNames[metric] ?? metric}
              value={form.metricNames[metric]}
              onChange={(e) =>
                onChange({ ...form, metricNames: { ...form.metricNames, [metric]: e.currentTarget.value } })
              }
            />
          </Field>
        );
      })}
    </FieldSet>
  );
}

const LABEL_TEXT: Record<(typeof COMMON_LABELS)[number], string> = {
  team: 'The team that owns the feature; the bundled dashboards and provisioning pin it per team.',
  service: 'The service that calls the model.',
  endpoint: 'The user-facing endpoint or feature (/chat, /search).',
  model: 'The requested model.',
};

function LabelNamesSection({ form, onChange, errors, disabled }: ConfigFieldsProps) {
  return (
    <FieldSet label="Label names">
      <Text element="p" color="secondary">
        The labels your series carry for team, service, endpoint and model, used in selectors and “split by”. Leave
        empty for the default.
      </Text>
      {COMMON_LABELS.map((label) => {
        const field = `labelNames.${label}`;
        return (
          <Field
            key={label}
            label={label}
            description={LABEL_TEXT[label]}
            invalid={Boolean(errors[field])}
            error={errors[field]}
            disabled={disabled}
          >
            <Input
              id={`aisre-config-label-${label}`}
              placeholder={label}
              width={40}
              value={form.labelNames[label]}
              onChange={(e) =>
                onChange({ ...form, labelNames: { ...form.labelNames, [label]: e.currentTarget.value } })
              }
            />
          </Field>
        );
      })}
    </FieldSet>
  );
}

function ThresholdsSection({ form, onChange, errors, disabled }: ConfigFieldsProps) {
  return (
    <FieldSet label="Thresholds">
      <Text element="p" color="secondary">
        How the app’s pages judge a shift: investigate or page, only in the bad direction, only when significant and
        above the minimum volume. Leave empty for the default shown. The impact panel and the alert rules have their own
        thresholds.
      </Text>
      {THRESHOLD_KEYS.map((key) => {
        const field = `thresholds.${key}`;
        return (
          <Field
            key={key}
            label={THRESHOLD_TEXT[key].label}
            description={THRESHOLD_TEXT[key].description}
            invalid={Boolean(errors[field])}
            error={errors[field]}
            disabled={disabled}
          >
            <Input
              id={`aisre-config-threshold-${key}`}
              inputMode="decimal"
              width={20}
              suffix={PERCENT_THRESHOLDS.has(key) ? '%' : undefined}
              placeholder={thresholdText(key, DEFAULT_THRESHOLDS[key])}
              value={form.thresholds[key]}
              onChange={(e) => onChange({ ...form, thresholds: { ...form.thresholds, [key]: e.currentTarget.value } })}
            />
          </Field>
        );
      })}
    </FieldSet>
  );
}

function RunbookOverride({ id, form, onChange, errors, disabled }: ConfigFieldsProps & { id: RunbookId }) {
  const styles = useStyles2(getStyles);
  const runbook = RUNBOOKS.find((r) => r.id === id)!;
  const value = form.runbooks[id];
  const set = (next: Partial<RunbookForm>) =>
    onChange({ ...form, runbooks: { ...form.runbooks, [id]: { ...value, ...next } } });
  const urlError = errors[`runbooks.${id}.url`];
  const markdownError = errors[`runbooks.${id}.markdown`];
  return (
    <div className={styles.runbook} role="group" aria-labelledby={`aisre-config-runbook-${id}-title`}>
      <Text element="h4" id={`aisre-config-runbook-${id}-title`}>
        {runbook.title}
      </Text>
      <Text element="p" color="secondary">
        {runbook.summary}
      </Text>
      <RadioButtonGroup
        aria-label={`${runbook.title}: source`}
        options={RUNBOOK_MODES}
        value={value.mode}
        disabled={disabled}
        onChange={(mode) => set({ mode })}
      />
      {value.mode === 'url' && (
        <Field label="URL" invalid={Boolean(urlError)} error={urlError} disabled={disabled}>
          <Input
            id={`aisre-config-runbook-${id}-url`}
            type="url"
            placeholder="https://wiki.example.com/runbooks/…"
            value={value.url}
            onChange={(e) => set({ url: e.currentTarget.value })}
          />
        </Field>
      )}
      {value.mode === 'markdown' && (
        <Field
          label="Markdown"
          description={`Shown on the Runbooks page, sanitised (no scripts or raw HTML handlers). At most ${MAX_RUNBOOK_MARKDOWN.toLocaleString('en-US')} characters.`}
          invalid={Boolean(markdownError)}
          error={markdownError}
          disabled={disabled}
        >
          <TextArea
            id={`aisre-config-runbook-${id}-markdown`}
            rows={8}
            value={value.markdown}
            onChange={(e) => set({ markdown: e.currentTarget.value })}
          />
        </Field>
      )}
    </div>
  );
}

function RunbooksSection(props: ConfigFieldsProps) {
  return (
    <FieldSet label="Runbooks">
      <Text element="p" color="secondary">
        Replace a built-in runbook with your team’s: a link to your wiki, or Markdown shown on the Runbooks page.
      </Text>
      {RUNBOOKS.map((r) => (
        <RunbookOverride key={r.id} id={r.id} {...props} />
      ))}
    </FieldSet>
  );
}

export function ConfigFields(props: ConfigFieldsProps) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.fields}>
      <DataSourceSection {...props} />
      <MetricNamesSection {...props} />
      <LabelNamesSection {...props} />
      <ThresholdsSection {...props} />
      <RunbooksSection {...props} />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  fields: css({ maxWidth: 800, '& fieldset': { marginBottom: theme.spacing(3) } }),
  runbook: css({ marginBottom: theme.spacing(2), display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
});
