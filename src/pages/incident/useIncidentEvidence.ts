/**
 * The evidence for one incident window, read through the app's data source by the same core as the panel and
 * `aisre impact`: the impact report for the window against the preceding interval of equal length (other
 * incidents left out of it), its Markdown, the change events (`llm_build_info`) in or just before the window,
 * and the categories the taxonomy suggests from both. Thresholds and metric names come from the app's settings.
 */
import { type DataSourceInstanceSettings } from '@grafana/data';
import { useEffect, useState } from 'react';
import { readChangeEvents, type ChangeEvent } from '../../core/changes';
import { buildImpactReport, ImpactOptionsError, resolveBaseline, type BaselineSpec } from '../../core/impact';
import { type ImpactReport } from '../../core/report';
import { renderMarkdown } from '../../core/render';
import { profiledImpactOptions, profileFromSettings } from '../../core/profile';
import { type AppSettings } from '../../core/settings';
import { MetricsSourceError } from '../../core/source';
import { CHANGE_LEAD_SECONDS, suggestCategories, type Suggestion } from '../../core/suggest';
import { hasNoData, MIN_WINDOW_SECONDS, promqlString } from '../../panels/impact/scope';
import { baselineExclusions, incidentInterval, type IncidentAnnotation } from '../../shared/annotations';
import { GrafanaMetricsSource } from '../../shared/grafanaMetricsSource';
import { logger } from '../../shared/logger';
import { resolveDataSource, speaksPromQL } from '../../shared/promqlDataSources';

export type EvidenceState =
  | { kind: 'loading' }
  | { kind: 'no_datasource'; reference?: string }
  | { kind: 'not_promql'; name: string; type: string }
  | { kind: 'too_short'; seconds: number }
  | { kind: 'error'; message: string; status?: number }
  | {
      kind: 'ready';
      report: ImpactReport;
      markdown: string;
      /** No SLI had a series for this scope. */
      noData: boolean;
      changes: ChangeEvent[];
      /** Why the change events are missing, when they could not be read. */
      changesError?: string;
      suggestions: Suggestion[];
      notes: string[];
      datasource: { uid: string; name: string };
    };

const BASELINE: BaselineSpec = { mode: 'preceding' };

/** The PromQL matchers for the incident's team (under the label name the profile maps `team` to), or none. */
export function incidentSelector(team: string | undefined, settings: AppSettings): string {
  return team ? `${profileFromSettings(settings).labels.team}=${promqlString(team)}` : '';
}

interface Request {
  incident: IncidentAnnotation;
  team?: string;
  settings: AppSettings;
  datasource: DataSourceInstanceSettings;
}

async function run({ incident, team, settings, datasource }: Request): Promise<EvidenceState> {
  const window = incidentInterval(incident);
  const selector = incidentSelector(team, settings);
  const source = new GrafanaMetricsSource({ uid: datasource.uid, type: datasource.type, name: datasource.name });
  const { excluded, note } = await baselineExclusions(resolveBaseline(window, BASELINE), incident);
  let report: ImpactReport;
  try {
    report = await buildImpactReport(
      source,
      await profiledImpactOptions(source, settings, {
        window,
        baseline: BASELINE,
        excludeFromBaseline: excluded,
        selector,
      })
    );
  } catch (error) {
    if (error instanceof MetricsSourceError) {
      return { kind: 'error', message: error.message, status: error.status };
    }
    if (!(error instanceof ImpactOptionsError)) {
      logger.error(error, { where: 'incident page report' });
    }
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  let changes: ChangeEvent[] = [];
  let changesError: string | undefined;
  try {
    changes = await readChangeEvents(source, {
      window,
      lookbackSeconds: CHANGE_LEAD_SECONDS,
      selector,
      metric: profileFromSettings(settings).buildInfoMetric,
    });
  } catch (error) {
    // Suggestions without change events are weaker but still useful; the page says what is missing.
    logger.warn('incident page: change events unreadable', { error: String(error) });
    changesError = error instanceof Error ? error.message : String(error);
  }
  return {
    kind: 'ready',
    report,
    markdown: renderMarkdown(report),
    noData: hasNoData(report),
    changes,
    changesError,
    suggestions: suggestCategories(report, changes),
    notes: note ? [note] : [],
    datasource: { uid: datasource.uid, name: datasource.name },
  };
}

/** The evidence for `incident`; undefined settings mean "still loading them". Re-runs when the window, team or settings change. */
export function useIncidentEvidence(
  incident: IncidentAnnotation | undefined,
  team: string | undefined,
  settings: AppSettings | undefined
): EvidenceState {
  const datasource = settings ? resolveDataSource(settings.datasourceUid) : undefined;
  const key = JSON.stringify([incident?.id, incident?.time, incident?.timeEnd, team, settings, datasource?.uid]);
  const [state, setState] = useState<{ key: string; state: EvidenceState }>({ key: '', state: { kind: 'loading' } });

  let precheck: EvidenceState | undefined;
  if (!incident || !settings) {
    precheck = { kind: 'loading' };
  } else if (!datasource) {
    precheck = { kind: 'no_datasource', reference: settings.datasourceUid };
  } else if (!speaksPromQL(datasource.type)) {
    precheck = { kind: 'not_promql', name: datasource.name, type: datasource.type };
  } else {
    const window = incidentInterval(incident);
    if (window.to - window.from < MIN_WINDOW_SECONDS) {
      precheck = { kind: 'too_short', seconds: Math.max(0, window.to - window.from) };
    }
  }

  useEffect(() => {
    if (precheck || !incident || !settings || !datasource) {
      return;
    }
    let current = true;
    run({ incident, team, settings, datasource }).then(
      (next) => current && setState({ key, state: next }),
      (error: unknown) =>
        current &&
        setState({ key, state: { kind: 'error', message: error instanceof Error ? error.message : String(error) } })
    );
    return () => {
      current = false;
    };
    // Everything the run reads is in the key.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, precheck?.kind]);

  if (precheck) {
    return precheck;
  }
  return state.key === key ? state.state : { kind: 'loading' };
}
