/**
 * Runs the impact report for the panel: resolves the data source, checks the window, reads the other incidents
 * that overlap the baseline, calls the core's buildImpactReport over Grafana and renders its Markdown.
 * Every state the panel can be in comes from here, with the words it shows.
 */
import { type DataSourceInstanceSettings } from '@grafana/data';
import { useEffect, useMemo, useState } from 'react';
import { buildImpactReport, ImpactOptionsError, resolveBaseline, type BaselineSpec } from '../../core/impact';
import { profiledImpactOptions } from '../../core/profile';
import { type AppSettings } from '../../core/settings';
import { type ImpactReport } from '../../core/report';
import { renderMarkdown } from '../../core/render';
import { MetricsSourceError, type Interval } from '../../core/source';
import { baselineExclusions, type IncidentAnnotation } from '../../shared/annotations';
import { GrafanaMetricsSource } from '../../shared/grafanaMetricsSource';
import { logger } from '../../shared/logger';
import { resolveDataSource, speaksPromQL } from '../../shared/promqlDataSources';
import { useAppSettings } from '../../shared/settings';
import { baselineSpecOf, hasNoData, impactOptionsOf, MIN_WINDOW_SECONDS } from './scope';
import { type ImpactPanelOptions } from './types';

export type ReportState =
  | { kind: 'loading' }
  | { kind: 'no_datasource'; reference: string }
  | { kind: 'not_promql'; name: string; type: string }
  | { kind: 'too_short'; seconds: number }
  | { kind: 'invalid_options'; message: string }
  | { kind: 'query_error'; message: string; status?: number }
  | { kind: 'no_data'; report: ImpactReport; markdown: string; note?: string }
  | { kind: 'ready'; report: ImpactReport; markdown: string; note?: string };

export interface ReportRequest {
  options: ImpactPanelOptions;
  window: Interval;
  selector: string;
  /** The incident being reported on, if one was picked (it is not left out of its own baseline). */
  incident?: IncidentAnnotation;
}

type Precheck = { state: ReportState } | { datasource: DataSourceInstanceSettings; baseline: BaselineSpec };

function precheck({ options, window }: ReportRequest, datasource: DataSourceInstanceSettings | undefined): Precheck {
  if (!datasource) {
    return { state: { kind: 'no_datasource', reference: options.datasource } };
  }
  if (!speaksPromQL(datasource.type)) {
    return { state: { kind: 'not_promql', name: datasource.name, type: datasource.type } };
  }
  if (window.to - window.from < MIN_WINDOW_SECONDS) {
    return { state: { kind: 'too_short', seconds: Math.max(0, window.to - window.from) } };
  }
  const baseline = baselineSpecOf(options);
  if ('problem' in baseline) {
    return { state: { kind: 'invalid_options', message: baseline.problem } };
  }
  return { datasource, baseline: baseline.spec };
}

async function run(
  request: ReportRequest,
  datasource: DataSourceInstanceSettings,
  baseline: BaselineSpec,
  settings: AppSettings
): Promise<ReportState> {
  const { excluded, note } = await baselineExclusions(resolveBaseline(request.window, baseline), request.incident);
  try {
    const source = new GrafanaMetricsSource({ uid: datasource.uid, type: datasource.type, name: datasource.name });
    // The app's telemetry profile (preset, names, thresholds), as the incident page and the CLI read it.
    const options = impactOptionsOf(request.options, request.window, baseline, request.selector, excluded);
    const report = await buildImpactReport(source, await profiledImpactOptions(source, settings, options));
    const markdown = renderMarkdown(report);
    return { kind: hasNoData(report) ? 'no_data' : 'ready', report, markdown, note };
  } catch (error) {
    if (error instanceof MetricsSourceError) {
      return { kind: 'query_error', message: error.message, status: error.status };
    }
    if (error instanceof ImpactOptionsError) {
      return { kind: 'invalid_options', message: error.message };
    }
    logger.error(error, { where: 'impact panel' });
    return { kind: 'query_error', message: error instanceof Error ? error.message : String(error) };
  }
}

/** The report for a request; re-runs when anything in it changes, and ignores answers to superseded requests. */
export function useImpactReport(request: ReportRequest): ReportState {
  // Resolved on every render: `${datasource}` follows the dashboard variable (to the real uid, not `${datasource}`).
  const datasource = resolveDataSource(request.options.datasource);
  const app = useAppSettings();
  const key = JSON.stringify([
    app.kind === 'loading' ? null : app.settings,
    request.options,
    request.window,
    request.selector,
    request.incident?.id,
    datasource?.uid,
  ]);
  // The request is read through its key, so a new object with the same content does not re-run the queries.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const checked = useMemo(() => precheck(request, datasource), [key]);
  const [state, setState] = useState<{ key: string; state: ReportState }>({ key: '', state: { kind: 'loading' } });

  useEffect(() => {
    if ('state' in checked || app.kind === 'loading') {
      return;
    }
    // Until this run answers, state.key differs from key and the panel shows loading.
    let current = true;
    run(request, checked.datasource, checked.baseline, app.settings).then((next) => {
      if (current) {
        setState({ key, state: next });
      }
    });
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, checked]);

  if ('state' in checked) {
    return checked.state;
  }
  return state.key === key ? state.state : { kind: 'loading' };
}
