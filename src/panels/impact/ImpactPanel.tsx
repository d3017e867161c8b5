/**
 * The "AI impact" panel: the postmortem impact section for the dashboard's time range or one incident window,
 * read through the dashboard's Prometheus data source by the same core as `aisre impact`. Loaded lazily by
 * module.tsx. Every number it shows comes from the core's report; the Markdown only from renderMarkdown.
 */
import { css } from '@emotion/css';
import { type GrafanaTheme2, type PanelProps } from '@grafana/data';
import { Alert, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import React, { useEffect, useMemo, useState } from 'react';
import { formatDuration } from '../../core/format';
import { fetchIncidentAnnotations, type IncidentAnnotation } from '../../shared/annotations';
import { ImpactActions } from './ImpactActions';
import { ImpactReportView } from './ImpactReportView';
import { buildSelector, chooseWindow } from './scope';
import { type ImpactPanelOptions, withDefaults } from './types';
import { type ReportState, useImpactReport } from './useImpactReport';
import { incidentLabel, WindowPicker } from './WindowPicker';

/** The incidents in the dashboard's time range, for the window drop-down. */
function useIncidentsInRange(from: number, to: number) {
  const [state, setState] = useState<{ key: string; incidents: IncidentAnnotation[]; error?: string }>({
    key: '',
    incidents: [],
  });
  const key = `${from}-${to}`;
  useEffect(() => {
    let current = true;
    fetchIncidentAnnotations({ from, to }).then(
      (incidents) => current && setState({ key, incidents }),
      (error: unknown) =>
        current && setState({ key, incidents: [], error: error instanceof Error ? error.message : String(error) })
    );
    return () => {
      current = false;
    };
  }, [from, to, key]);
  return { ...state, loading: state.key !== key };
}

function StateMessage({ state }: { state: ReportState }) {
  switch (state.kind) {
    case 'loading':
      return <LoadingPlaceholder text="Reading the window and its baseline…" />;
    case 'no_datasource':
      return (
        <Alert severity="warning" title="No data source">
          The data source {state.reference} was not found. Pick a Prometheus data source in the panel options (Data
          source).
        </Alert>
      );
    case 'not_promql':
      return (
        <Alert severity="warning" title="This data source does not speak PromQL">
          &apos;{state.name}&apos; is a {state.type} data source. The impact report runs PromQL: pick a Prometheus data
          source (Prometheus, Mimir, Thanos, Amazon or Azure Managed Prometheus) in the panel options.
        </Alert>
      );
    case 'too_short':
      return (
        <Alert severity="info" title="Window too short">
          The window is {formatDuration(state.seconds)} long. The impact report needs at least 5 minutes: in less, a
          handful of scrapes decides every count. Widen the time range or pick a longer incident.
        </Alert>
      );
    case 'invalid_options':
      return (
        <Alert severity="warning" title="The panel options need a fix">
          {state.message}
        </Alert>
      );
    case 'query_error':
      return state.status === 401 || state.status === 403 ? (
        <Alert severity="error" title="No permission to query this data source">
          Grafana refused the query: your role cannot query this data source. Ask an admin for query access to it. (
          {state.message})
        </Alert>
      ) : (
        <Alert severity="error" title="The query failed">
          {state.message}
        </Alert>
      );
    case 'no_data':
      return (
        <Alert severity="info" title="No data">
          No SLI of the metrics contract has a series in this window or its baseline for{' '}
          {state.report.selector ? <code>{state.report.selector}</code> : 'all series'}. Check the dashboard variables,
          the panel&apos;s selector, and that the metrics are scraped.
        </Alert>
      );
    default:
      return null;
  }
}

export default function ImpactPanel({
  options: stored,
  timeRange,
  replaceVariables,
  width,
  height,
}: PanelProps<ImpactPanelOptions>) {
  const styles = useStyles2(getStyles);
  const options = useMemo(() => withDefaults(stored), [stored]);
  const from = timeRange.from.valueOf();
  const to = timeRange.to.valueOf();
  const incidents = useIncidentsInRange(from, to);
  const [selectedId, setSelectedId] = useState<number | undefined>();
  const { window, incident } = chooseWindow({ from, to }, incidents.incidents, selectedId);
  const selector = buildSelector(options.selector, replaceVariables);
  const state = useImpactReport({ options, window, selector, incident });
  const notes = [
    ...(incidents.error ? [`Incident windows could not be listed: ${incidents.error}`] : []),
    ...('note' in state && state.note ? [state.note] : []),
  ];

  return (
    <div className={styles.panel} style={{ width, height }}>
      <div className={styles.toolbar}>
        <span id="aisre-impact-window-label" className={styles.label}>
          Window
        </span>
        <WindowPicker
          incidents={incidents.incidents}
          selectedId={selectedId}
          onSelect={setSelectedId}
          loading={incidents.loading}
        />
        {state.kind === 'ready' && (
          <div className={styles.actions}>
            <ImpactActions report={state.report} markdown={state.markdown} />
          </div>
        )}
      </div>
      {incident && (
        <div className={styles.incident} data-testid="impact-incident">
          Incident: {incidentLabel(incident)}
        </div>
      )}
      {state.kind === 'ready' ? (
        <ImpactReportView report={state.report} markdown={state.markdown} notes={notes} />
      ) : (
        <StateMessage state={state} />
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  panel: css`
    display: flex;
    flex-direction: column;
    gap: ${theme.spacing(1)};
    overflow: auto;
  `,
  toolbar: css`
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${theme.spacing(1)};
  `,
  label: css`
    color: ${theme.colors.text.secondary};
  `,
  actions: css`
    margin-left: auto;
  `,
  incident: css`
    color: ${theme.colors.text.secondary};
    font-size: ${theme.typography.bodySmall.fontSize};
    overflow-wrap: anywhere;
  `,
});
