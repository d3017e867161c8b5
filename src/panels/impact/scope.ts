/**
 * What the impact panel asks the core for, worked out from the dashboard: the window (time range or an incident
 * annotation, in whole seconds), the baseline, the scope (its selector, or the team/service/endpoint/model variables),
 * and the other incidents left out of the baseline. No statistics here: those are the core's.
 */
import { dateMath, type InterpolateFunction } from '@grafana/data';
import { type BaselineSpec } from '../../core/impact';
import { COMMON_LABELS } from '../../core/metrics';
import { type LabelChoice } from '../../core/profile';
import { type CommonLabel, fractionOf } from '../../core/settings';
import { type Interval } from '../../core/source';
import { type IncidentAnnotation, incidentInterval, isRegion } from '../../shared/annotations';
import { type ImpactRequest } from '../../shared/impact/impact';
import { type ImpactPanelOptions } from './types';

/** Grafana's value for "All" when a variable has no custom all value. */
const ALL_VALUE = '$__all';

/** The dashboard time range (Unix ms) as a window in whole seconds: PromQL ranges are written in seconds. */
export function windowFromRange(fromMs: number, toMs: number): Interval {
  return { from: Math.floor(fromMs / 1000), to: Math.floor(toMs / 1000) };
}

/** The window the SRE picked: an incident region, or the dashboard time range when none (or an unknown one) is picked. */
export function chooseWindow(
  range: { from: number; to: number },
  incidents: IncidentAnnotation[],
  selectedId: number | undefined
): { window: Interval; incident?: IncidentAnnotation } {
  const incident = incidents.find((a) => a.id === selectedId && isRegion(a));
  return incident
    ? { window: incidentInterval(incident), incident }
    : { window: windowFromRange(range.from, range.to) };
}

/** The current value of dashboard variable `name`, or undefined when the dashboard has no such variable. */
export function readVariable(replaceVariables: InterpolateFunction, name: string): LabelChoice | undefined {
  const reference = `\${${name}}`;
  let captured: string[] | undefined;
  const output = replaceVariables(reference, undefined, (value: string | string[]) => {
    captured = (Array.isArray(value) ? value : [value]).map(String);
    return '';
  });
  if (captured !== undefined) {
    return captured.length === 0 || captured.includes(ALL_VALUE) ? { all: true } : { values: captured };
  }
  // A custom all value (the bundled dashboards' `.*`) is written as is, without calling the formatter.
  if (output === reference || output === `$${name}`) {
    return undefined;
  }
  return output === '.*' || output === ALL_VALUE ? { all: true } : { regex: output };
}

/** What the panel's queries are scoped by. */
export interface PanelScope {
  /** The panel's selector, variables interpolated as regexes; empty when none is set. */
  selector: string;
  /** Without a selector: the team/service/endpoint/model variables, matched on the labels the app's profile names. */
  choices?: Partial<Record<CommonLabel, LabelChoice>>;
}

/** The panel's selector override when set (variables interpolated as regexes), else the dashboard's variables. */
export function panelScope(override: string, replaceVariables: InterpolateFunction): PanelScope {
  if (override.trim()) {
    return { selector: replaceVariables(override.trim(), undefined, 'regex') };
  }
  const choices: Partial<Record<CommonLabel, LabelChoice>> = {};
  for (const label of COMMON_LABELS) {
    const choice = readVariable(replaceVariables, label);
    if (choice) {
      choices[label] = choice;
    }
  }
  return { selector: '', choices };
}

/** "2026-11-24T14:00:00Z", "1763992800" or Grafana time ("now-7d") -> Unix seconds, or undefined. */
export function parseBaselineTime(text: string): number | undefined {
  const value = text.trim();
  if (!value) {
    return undefined;
  }
  if (/^\d+$/.test(value)) {
    return Number(value);
  }
  const parsed = dateMath.toDateTime(value, {}) ?? undefined;
  return parsed && parsed.isValid() ? Math.floor(parsed.valueOf() / 1000) : undefined;
}

/** The baseline the options ask for, or the reason they do not say one. */
export function baselineSpecOf(options: ImpactPanelOptions): { spec: BaselineSpec } | { problem: string } {
  switch (options.baselineMode) {
    case 'days_earlier':
      return options.baselineDays > 0 && Number.isInteger(options.baselineDays)
        ? { spec: { mode: 'days_earlier', days: options.baselineDays } }
        : {
            problem: `the baseline is "N days earlier" but N is ${options.baselineDays}: set a whole number of days above 0`,
          };
    case 'fixed': {
      const from = parseBaselineTime(options.baselineFrom);
      const to = parseBaselineTime(options.baselineTo);
      if (from === undefined || to === undefined) {
        return {
          problem:
            'the baseline is a fixed range: set its start and end (RFC 3339 with a zone such as 2026-11-24T14:00:00Z, Unix seconds, or now-7d)',
        };
      }
      return { spec: { mode: 'fixed', from, to } };
    }
    default:
      return { spec: { mode: 'preceding' } };
  }
}

/** What the panel asks the shared impact orchestration for: its options, the window and the scope. */
export function impactRequestOf(
  options: ImpactPanelOptions,
  window: Interval,
  scope: PanelScope,
  incident: IncidentAnnotation | undefined
): ImpactRequest {
  const baseline = baselineSpecOf(options);
  return {
    datasource: options.datasource,
    window,
    baseline: 'spec' in baseline ? baseline.spec : baseline,
    ...scope,
    incident,
    groupBy: options.groupBy,
    slis: options.slis.length ? options.slis : undefined,
    thresholds: {
      investigate: fractionOf(options.investigate),
      page: fractionOf(options.page),
      psiInvestigate: options.psiInvestigate,
      psiPage: options.psiPage,
      minVolume: options.minVolume,
    },
  };
}
