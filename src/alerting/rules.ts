/**
 * The alerting of the product, defined once and written out three ways: Prometheus recording rules,
 * Prometheus alert rules (on the recording rules) and Grafana-managed alert rules (on the raw series,
 * for users without a ruler). Same thresholds everywhere because they come from here.
 */
import { DEFAULT_THRESHOLDS } from '../core/report';
import { stringify } from 'yaml';

import { type DistributionSli, type SliId } from '../core/metrics';
import { CATEGORIES } from '../core/taxonomy';
import { runbookPath } from '../core/runbooks';
import { type Severity } from '../core/tags';
import { type PromqlPair, promql, select } from './promql';
import {
  ALERT_WINDOW,
  BASELINE_WINDOW,
  type DistributionRecordings,
  type ProportionRecordings,
  RECORDINGS,
  type Recordings,
  recordingGroups,
  type Window,
  WINDOW_SECONDS,
} from './recordings';

/** Relative regression against the baseline that asks for a look, and that pages: the report's own defaults. */
export const INVESTIGATE_REGRESSION = DEFAULT_THRESHOLDS.investigate;
export const PAGE_REGRESSION = DEFAULT_THRESHOLDS.page;
/**
 * Minimum volume for any alert: events of the SLI's denominator per second over the alert's window
 * (0.1/s is 180 requests in 30 minutes). Below it a handful of refusals is noise, not a regression.
 */
export const MIN_VOLUME_PER_SECOND = 0.1;
/**
 * A proportion alert also needs the shift to be significant: the window's rate is at least this many
 * standard errors above the baseline's, the binomial standard error widened by the SLI's recorded
 * dispersion factor of the trailing day (z of a one-sample test against the baseline proportion,
 * divided by √dispersion; 3 is one-sided p ≈ 0.001). Rare events on small endpoints (1% timeouts of a
 * few requests a second) otherwise jump 30% on noise alone, and bursty traffic far more often.
 */
const MIN_Z_SCORE = 3.5;
/**
 * SLO target of each proportion SLI: the share of its denominator that must not be an event, over 30
 * days. Defaults that need no settings; the budget is 1 − target. Tune them in a copy of the rule files.
 */
const SLO_TARGETS: Readonly<Partial<Record<SliId, number>>> = {
  refusal_rate: 0.97,
  error_rate: 0.99,
  timeout_rate: 0.99,
  empty_retrieval_rate: 0.95,
  injection_rate: 0.99,
  tool_error_rate: 0.95,
};
/**
 * Multi-window, multi-burn-rate alerts (Google SRE workbook, ch. 5, "Alerting on SLOs"): long window,
 * short window, burn rate. The two fast tiers page (2% and 5% of a 30-day budget spent); the two slow
 * ones open a ticket (10% in a day, the whole budget's pace over three days).
 */
const BURN_RATE_ALERTS = [
  { name: 'Fast', long: '1h', short: '5m', burnRate: 14.4, for: '2m', severity: 'page' },
  { name: 'Slow', long: '6h', short: '30m', burnRate: 6, for: '15m', severity: 'page' },
  { name: 'Day', long: '1d', short: '2h', burnRate: 3, for: '1h', severity: 'ticket' },
  { name: 'ThreeDay', long: '3d', short: '6h', burnRate: 1, for: '3h', severity: 'ticket' },
] as const satisfies ReadonlyArray<{
  name: string;
  long: Window;
  short: Window;
  burnRate: number;
  for: string;
  severity: AlertSeverity;
}>;

/** What the Grafana-managed rules query: the data source uid that the provisioning writes. */
export const GRAFANA_DATASOURCE_UID = 'aisre-prometheus';
const GRAFANA_RULE_FOLDER = 'AI Reliability';

/** An incident's severities (investigate: look when you can; page: now), and ticket: a slow budget burn to fix this week. */
type AlertSeverity = Severity | 'ticket';
const ALERT_SEVERITIES: readonly AlertSeverity[] = ['investigate', 'ticket', 'page'];

export type AlertCondition =
  | { op: '>' | '<'; threshold: number }
  /** Two-sided: fires below the first or above the second. */
  | { op: 'outside'; threshold: [number, number] };

export interface AlertSpec {
  alert: string;
  sli: SliId;
  severity: AlertSeverity;
  for: string;
  /** The number the condition compares: current / baseline, or a burn rate. It is the alert's value. */
  value: PromqlPair;
  condition: AlertCondition;
  /** Further conditions, each joined with `and on (team, service, endpoint, model)`; the volume guard last. */
  guards: PromqlPair[];
  summary: string;
  description: string;
  /** The segment labels the guards join on (`team, service, endpoint, model` on the contract). */
  segment: string;
}

/**
 * The Runbooks page entry of the SLI's category (the first category of the taxonomy that lists the SLI
 * among its signals): its runbook, or its investigation path when it has none. A path on the Grafana
 * server, as the app's own links are.
 */
function runbookUrl(sli: SliId): string {
  const category = CATEGORIES.find((c) => c.signals.includes(sli)) ?? CATEGORIES.find((c) => c.id === 'undetermined');
  if (!category) {
    throw new Error(`no taxonomy category for SLI '${sli}'`);
  }
  return runbookPath(category);
}

const pascal = (id: string) => id.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
const round = (x: number) => Math.round(x * 1e6) / 1e6;

function volumeGuardOfProportion(p: ProportionRecordings, window: Window): PromqlPair {
  return promql`sum without (${p.total.splitLabel}) (${select(p.total.rate[window])}) > ${MIN_VOLUME_PER_SECOND}`;
}

/** (p_window − p_baseline) / sqrt(dispersion · p_baseline (1 − p_baseline) / n_window) > MIN_Z_SCORE. */
function significanceGuard(p: ProportionRecordings): PromqlPair {
  const current = select(p.ratio[ALERT_WINDOW]);
  const baseline = select(p.ratio[BASELINE_WINDOW]);
  const dispersion = select(p.dispersion);
  const total = promql`sum without (${p.total.splitLabel}) (${select(p.total.rate[ALERT_WINDOW])})`;
  return promql`(${current} - ${baseline}) / sqrt(${dispersion} * ${baseline} * (1 - ${baseline}) / (${total} * ${WINDOW_SECONDS[ALERT_WINDOW]})) > ${MIN_Z_SCORE}`;
}

type SegmentlessSpec = Omit<AlertSpec, 'segment'>;

/** `{{ $labels.endpoint }}, service {{ $labels.service }}, …` with the profile's label names. */
function segmentText(recordings: Recordings): Record<'team' | 'service' | 'endpoint' | 'model', string> {
  const { labels } = recordings.profile;
  const label = (name: string) => `{{ $labels.${name} }}`;
  return {
    team: label(labels.team),
    service: label(labels.service),
    endpoint: label(labels.endpoint),
    model: label(labels.model),
  };
}

function proportionAlerts(p: ProportionRecordings, recordings: Recordings): SegmentlessSpec[] {
  const l = segmentText(recordings);
  const value = promql`(${select(p.ratio[ALERT_WINDOW])} / ${select(p.ratio[BASELINE_WINDOW])})`;
  return (['investigate', 'page'] as const).map((severity) => {
    const regression = severity === 'page' ? PAGE_REGRESSION : INVESTIGATE_REGRESSION;
    return {
      alert: `Aisre${pascal(p.sli.id)}${pascal(severity)}`,
      sli: p.sli.id,
      severity,
      for: severity === 'page' ? '5m' : '15m',
      value,
      condition: { op: '>', threshold: round(1 + regression) },
      guards: [significanceGuard(p), volumeGuardOfProportion(p, ALERT_WINDOW)],
      summary: `${p.sli.title} (share of ${p.sli.totalNoun}) regressed ${regression * 100}% or more against the baseline`,
      description:
        `${p.sli.title} as a share of ${p.sli.totalNoun} (${l.endpoint}, service ${l.service}, model ${l.model}, ` +
        `team ${l.team}) over the last ${ALERT_WINDOW} are {{ $value | printf "%.2g" }}× their ` +
        `trailing ${BASELINE_WINDOW} baseline (${severity} at +${regression * 100}%).`,
    };
  });
}

function distributionCondition(sli: DistributionSli, regression: number): AlertCondition {
  switch (sli.badDirection) {
    case 'higher':
      return { op: '>', threshold: round(1 + regression) };
    case 'lower':
      return { op: '<', threshold: round(1 - regression) };
    case 'both':
      return { op: 'outside', threshold: [round(1 - regression), round(1 + regression)] };
  }
}

const BAD_WAY = { higher: 'higher', lower: 'lower', both: 'either way' } as const;

function distributionAlerts(d: DistributionRecordings, recordings: Recordings): SegmentlessSpec[] {
  const l = segmentText(recordings);
  const current = d.quantile[ALERT_WINDOW];
  const baseline = d.quantile[BASELINE_WINDOW];
  if (!current || !baseline) {
    throw new Error(`${d.sli.id}: missing quantile rules for the alert window or the baseline`);
  }
  const value = promql`(${select(current)} / ${select(baseline)})`;
  const quantile = `p${Math.round(d.sli.headlineQuantile * 100)}`;
  const direction = { higher: 'rose', lower: 'fell', both: 'moved' }[d.sli.badDirection];
  return (['investigate', 'page'] as const).map((severity) => {
    const regression = severity === 'page' ? PAGE_REGRESSION : INVESTIGATE_REGRESSION;
    return {
      alert: `Aisre${pascal(d.sli.id)}${pascal(severity)}`,
      sli: d.sli.id,
      severity,
      for: severity === 'page' ? '5m' : '15m',
      value,
      condition: distributionCondition(d.sli, regression),
      guards: [promql`${select(d.count)} > ${MIN_VOLUME_PER_SECOND}`],
      summary: `${d.sli.title} ${quantile} ${direction} ${regression * 100}% or more against the baseline`,
      description:
        `${d.sli.title} ${quantile} (${l.endpoint}, service ${l.service}, model ` +
        `${l.model}, team ${l.team}) over the last ${ALERT_WINDOW} is ` +
        `{{ $value | printf "%.2g" }}× its trailing ${BASELINE_WINDOW} baseline ` +
        `(${severity} at ${regression * 100}% ${BAD_WAY[d.sli.badDirection]}).`,
    };
  });
}

/** The SLI's name in an alert: `refusal_rate` → `Refusal`, `tool_error_rate` → `ToolError`. */
const budgetName = (id: SliId) => pascal(id.replace(/_rate$/, ''));

function burnRateAlerts(p: ProportionRecordings, recordings: Recordings): SegmentlessSpec[] {
  const l = segmentText(recordings);
  const target = SLO_TARGETS[p.sli.id];
  if (target === undefined) {
    throw new Error(`no SLO target for the proportion SLI '${p.sli.id}'`);
  }
  const budget = round(1 - target);
  return BURN_RATE_ALERTS.map((b) => ({
    alert: `Aisre${budgetName(p.sli.id)}Budget${b.name}Burn`,
    sli: p.sli.id,
    severity: b.severity,
    for: b.for,
    value: promql`(${select(p.ratio[b.long])} / ${budget})`,
    condition: { op: '>', threshold: b.burnRate },
    guards: [promql`(${select(p.ratio[b.short])} / ${budget}) > ${b.burnRate}`, volumeGuardOfProportion(p, b.long)],
    summary: `${p.sli.title} error budget burning ${b.burnRate}× too fast (${b.long} and ${b.short} windows)`,
    description:
      `${l.endpoint} (service ${l.service}, model ${l.model}, team ${l.team}): ` +
      `${p.sli.title.toLowerCase()} at {{ $value | printf "%.1f" }}× the rate its ${round(target * 100)}% SLO allows ` +
      `over ${b.long}, and still over ${b.short}.`,
  }));
}

/** The alerts of a profile's measured SLIs (the contract's unless told otherwise). */
export function alertSpecs(recordings: Recordings = RECORDINGS): AlertSpec[] {
  return [
    ...recordings.proportions.flatMap((p) => proportionAlerts(p, recordings)),
    ...recordings.distributions.flatMap((d) => distributionAlerts(d, recordings)),
    ...recordings.proportions.flatMap((p) => burnRateAlerts(p, recordings)),
  ].map((spec) => ({ ...spec, segment: recordings.bySegment }));
}

/** The condition applied to an expression, in PromQL. */
function compare(value: string, condition: AlertCondition): string {
  if (condition.op === 'outside') {
    const [low, high] = condition.threshold;
    return `(${value} < ${low} or ${value} > ${high})`;
  }
  return `${value} ${condition.op} ${condition.threshold}`;
}

function joinGuards(head: string, guards: string[], bySegment: string): string {
  return [head, ...guards].join(`\nand on (${bySegment})\n`);
}

/** The Prometheus alert expression: condition on the recorded value, then the guards. */
export function prometheusAlertExpr(spec: AlertSpec): string {
  return joinGuards(
    compare(spec.value.recorded, spec.condition),
    spec.guards.map((g) => g.recorded),
    spec.segment
  );
}

/** The Grafana-managed query: the raw value filtered by the guards; Grafana's threshold does the comparison. */
export function grafanaQueryExpr(spec: AlertSpec): string {
  return joinGuards(
    spec.value.raw,
    spec.guards.map((g) => g.raw),
    spec.segment
  );
}

const HEADER = (what: string) =>
  `# ${what}\n# Generated by src/alerting/generate.ts from src/alerting/*.ts and the metrics contract; do not edit by hand.\n`;

export function recordingRulesYaml(recordings: Recordings = RECORDINGS): string {
  const groups = recordingGroups(recordings).map((g) => ({
    name: g.name,
    interval: g.interval,
    rules: g.rules.map((r) => ({ record: r.name, expr: r.ruleExpr ?? r.rawWith([]) })),
  }));
  return HEADER('Prometheus recording rules of the AI Reliability SLIs.') + stringify({ groups }, { lineWidth: 0 });
}

export function alertRulesYaml(recordings: Recordings = RECORDINGS): string {
  const specs = alertSpecs(recordings);
  const groupOf = (spec: AlertSpec) =>
    spec.alert.includes('Budget')
      ? 'aisre-slo-burn'
      : spec.severity === 'page'
        ? 'aisre-sli-page'
        : 'aisre-sli-investigate';
  const groups = ['aisre-sli-investigate', 'aisre-sli-page', 'aisre-slo-burn'].map((name) => ({
    name,
    interval: '1m',
    rules: specs
      .filter((s) => groupOf(s) === name)
      .map((s) => ({
        alert: s.alert,
        expr: prometheusAlertExpr(s),
        for: s.for,
        labels: { severity: s.severity, sli: s.sli },
        annotations: { summary: s.summary, description: s.description, runbook_url: runbookUrl(s.sli) },
      })),
  }));
  return (
    HEADER('Prometheus alert rules of the AI Reliability SLIs (they read the recording rules).') +
    stringify({ groups }, { lineWidth: 0 })
  );
}

function grafanaThreshold(condition: AlertCondition) {
  if (condition.op === 'outside') {
    return { type: 'outside_range', params: condition.threshold };
  }
  return { type: condition.op === '>' ? 'gt' : 'lt', params: [condition.threshold] };
}

/** Prometheus' `$value` is Grafana's `$values.B.Value` (the reduced query). The values are printed to two
 * significant digits: an alert reads recordings of this or the previous evaluation, and that is enough. */
function grafanaTemplate(text: string): string {
  return text
    .replace('{{ $value | printf "%.2g" }}', '{{ printf "%.2g" $values.B.Value }}')
    .replace('{{ $value | printf "%.1f" }}', '{{ printf "%.1f" $values.B.Value }}');
}

const kebab = (name: string) =>
  name
    .replace(/^Aisre/, 'aisre')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();

/** Grafana alert rule provisioning (apiVersion 1): the same specs, on the raw series. */
export function grafanaAlertRulesYaml(
  datasourceUid = GRAFANA_DATASOURCE_UID,
  recordings: Recordings = RECORDINGS
): string {
  const specs = alertSpecs(recordings);
  const groups = ALERT_SEVERITIES.map((severity) => ({
    orgId: 1,
    name: `aisre-${severity}`,
    folder: GRAFANA_RULE_FOLDER,
    interval: '1m',
    rules: specs
      .filter((s) => s.severity === severity)
      .map((s) => ({
        uid: kebab(s.alert).slice(0, 40),
        title: s.alert,
        condition: 'C',
        data: [
          {
            refId: 'A',
            relativeTimeRange: { from: 600, to: 0 },
            datasourceUid,
            model: {
              refId: 'A',
              expr: grafanaQueryExpr(s),
              instant: true,
              range: false,
              intervalMs: 60000,
              maxDataPoints: 43200,
            },
          },
          {
            refId: 'B',
            datasourceUid: '__expr__',
            model: { refId: 'B', type: 'reduce', expression: 'A', reducer: 'last', settings: { mode: 'dropNN' } },
          },
          {
            refId: 'C',
            datasourceUid: '__expr__',
            model: {
              refId: 'C',
              type: 'threshold',
              expression: 'B',
              conditions: [{ evaluator: grafanaThreshold(s.condition) }],
            },
          },
        ],
        noDataState: 'OK',
        execErrState: 'Error',
        for: s.for,
        isPaused: false,
        labels: { severity: s.severity, sli: s.sli },
        annotations: {
          summary: s.summary,
          description: grafanaTemplate(s.description),
          runbook_url: runbookUrl(s.sli),
        },
      })),
  }));
  return (
    HEADER(
      `Grafana-managed alert rules (provisioning apiVersion 1) with the thresholds of alert-rules.yaml, on the raw\n` +
        `# series so they need no Prometheus ruler. Data source uid: ${datasourceUid} (see docs/alerting.md).`
    ) + stringify({ apiVersion: 1, groups }, { lineWidth: 0 })
  );
}
