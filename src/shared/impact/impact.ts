/**
 * The one impact orchestration for both faces (the impact panel and the incident page): resolve the data
 * source, check the window and the baseline, leave the other incidents out of the baseline, read the app's
 * telemetry profile, call the core's buildImpactReport over Grafana, render its Markdown, and map every
 * failure to a state with its words. The faces differ only in what they pass in (the panel's options and
 * dashboard variables; the incident's window and team tag).
 */
import { type DataSourceInstanceSettings } from '@grafana/data';
import {
  buildImpactReport,
  ImpactOptionsError,
  resolveBaseline,
  type BaselineSpec,
  type ImpactOptions,
} from '../../core/impact';
import { type SliDefinition } from '../../core/metrics';
import {
  choicesSelector,
  type LabelChoice,
  profiledImpactOptions,
  profileFromSettings,
  teamScope,
} from '../../core/profile';
import { type ImpactReport } from '../../core/report';
import { renderMarkdown } from '../../core/render';
import { type AppSettings, type CommonLabel } from '../../core/settings';
import { MetricsSourceError, type Interval, type MetricsSource } from '../../core/source';
import { baselineExclusions, type IncidentAnnotation } from '../annotations';
import { GrafanaMetricsSource } from '../grafanaMetricsSource';
import { logger } from '../logger';
import { resolveDataSource, speaksPromQL } from '../promqlDataSources';

/** Shorter windows are left to a few scrapes each: the faces explain instead of reporting. */
const MIN_WINDOW_SECONDS = 300;

/** What the report was read through and with: the charts read the SLIs' series through the same. */
export interface ImpactContext {
  source: MetricsSource;
  /** The metrics contract as the app's profile maps it (metric and label names). */
  definitions: readonly SliDefinition[];
  window: Interval;
  baseline: Interval;
  selector: string;
  /** The request's team could not narrow the scope (the series carry no team label): the notes say why. */
  teamUnapplied?: boolean;
  datasource: { uid: string; name: string };
}

export type ImpactState =
  | { kind: 'no_datasource'; reference?: string }
  | { kind: 'not_promql'; name: string; type: string }
  | { kind: 'too_short'; seconds: number }
  | { kind: 'invalid_options'; message: string }
  | { kind: 'query_error'; message: string; status?: number }
  | {
      kind: 'ready';
      report: ImpactReport;
      markdown: string;
      /** No SLI had a series for this scope: the faces say so rather than show an empty report. */
      noData: boolean;
      /** Why some of the baseline was left out, or that the other incidents could not be listed. */
      notes: string[];
      context: ImpactContext;
    };

type ImpactFailure = Exclude<ImpactState, { kind: 'ready' }>;
export type ImpactReady = Extract<ImpactState, { kind: 'ready' }>;

export interface ImpactRequest {
  /** A data source uid, a name, a dashboard variable such as `${datasource}`, or undefined for Grafana's default. */
  datasource: string | undefined;
  window: Interval;
  /** The baseline, or why the options do not say one. */
  baseline: BaselineSpec | { problem: string };
  selector: string;
  /**
   * The dashboard's team/service/endpoint/model choices, matched on the labels the app's profile maps them to
   * (as the bundled dashboards of that preset select), beside `selector`.
   */
  choices?: Partial<Record<CommonLabel, LabelChoice>>;
  /** A team to narrow the selector to (an incident's team tag), under the profile's team label. */
  team?: string;
  /** The incident being reported on, if any: it is not left out of its own baseline. */
  incident?: IncidentAnnotation;
  groupBy?: string[];
  slis?: ImpactOptions['slis'];
  thresholds?: ImpactOptions['thresholds'];
}

/** What can be said before any query: no data source, not PromQL, too short, no baseline. */
export function precheckImpact(
  request: ImpactRequest,
  datasource: DataSourceInstanceSettings | undefined
): ImpactFailure | undefined {
  if (!datasource) {
    return { kind: 'no_datasource', reference: request.datasource };
  }
  if (!speaksPromQL(datasource.type)) {
    return { kind: 'not_promql', name: datasource.name, type: datasource.type };
  }
  const seconds = request.window.to - request.window.from;
  if (seconds < MIN_WINDOW_SECONDS) {
    return { kind: 'too_short', seconds: Math.max(0, seconds) };
  }
  if ('problem' in request.baseline) {
    return { kind: 'invalid_options', message: request.baseline.problem };
  }
  return undefined;
}

/** A failure as the state the faces show: the data source's own message, or the options' problem. */
function failureOf(error: unknown, where: string): ImpactFailure {
  if (error instanceof MetricsSourceError) {
    return { kind: 'query_error', message: error.message, status: error.status };
  }
  if (error instanceof ImpactOptionsError) {
    return { kind: 'invalid_options', message: error.message };
  }
  logger.error(error, { where });
  return { kind: 'query_error', message: error instanceof Error ? error.message : String(error) };
}

/** The report for a request that passed its precheck. Never throws: every failure is a state. */
export async function runImpact(
  request: ImpactRequest & { baseline: BaselineSpec },
  datasource: DataSourceInstanceSettings,
  settings: AppSettings
): Promise<ImpactState> {
  try {
    const { excluded, note } = await baselineExclusions(
      resolveBaseline(request.window, request.baseline),
      request.incident
    );
    const source = new GrafanaMetricsSource({ uid: datasource.uid, type: datasource.type, name: datasource.name });
    const profile = profileFromSettings(settings);
    const selector = [request.selector, choicesSelector(profile, request.choices ?? {})].filter(Boolean).join(',');
    const scope = teamScope(profile, selector, request.team);
    // The app's telemetry profile (preset, names, thresholds), as the CLI reads it.
    const options = await profiledImpactOptions(source, settings, {
      window: request.window,
      baseline: request.baseline,
      excludeFromBaseline: excluded,
      selector: scope.selector,
      groupBy: request.groupBy,
      slis: request.slis,
      thresholds: request.thresholds,
    });
    const report = await buildImpactReport(source, options);
    return {
      kind: 'ready',
      report,
      markdown: renderMarkdown(report),
      noData: report.findings.length === 0,
      notes: [scope.unapplied, note].filter((n): n is string => Boolean(n)),
      context: {
        source,
        definitions: options.definitions ?? [],
        window: request.window,
        baseline: resolveBaseline(request.window, request.baseline),
        selector: scope.selector,
        teamUnapplied: scope.unapplied !== undefined,
        datasource: { uid: datasource.uid, name: datasource.name },
      },
    };
  } catch (error) {
    return failureOf(error, 'impact report');
  }
}

/** The data source a request names, as Grafana resolves it now (a variable follows the dashboard). */
export function dataSourceOf(request: ImpactRequest): DataSourceInstanceSettings | undefined {
  return resolveDataSource(request.datasource);
}
