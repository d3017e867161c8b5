/**
 * The "AI impact" panel: the postmortem impact section for the dashboard's time range or one incident window,
 * read through the dashboard's Prometheus data source by the same core as `aisre impact`. Loaded lazily by
 * module.tsx. Every number it shows comes from the core's report; the Markdown only from renderMarkdown.
 */
import { css } from '@emotion/css';
import { type GrafanaTheme2, type PanelProps } from '@grafana/data';
import { Alert, useStyles2 } from '@grafana/ui';
import React, { useMemo, useState } from 'react';
import { useAsyncRetry } from 'react-use';
import { fetchIncidentAnnotations } from '../../shared/annotations';
import { ImpactActions } from '../../shared/impact/ImpactActions';
import { ImpactReportView } from '../../shared/impact/ImpactReportView';
import { ImpactScope } from '../../shared/impact/ImpactScope';
import { ImpactStateMessage } from '../../shared/impact/ImpactStateMessage';
import { useImpact } from '../../shared/impact/useImpact';
import { chooseWindow, impactRequestOf, panelScope } from './scope';
import { type ImpactPanelOptions, withDefaults } from './types';
import { incidentLabel, WindowPicker } from './WindowPicker';

/** The incidents in the dashboard's time range, for the window drop-down; re-read only when the range moves. */
function useIncidentsInRange(from: number, to: number) {
  const read = useAsyncRetry(() => fetchIncidentAnnotations({ from, to }), [from, to]);
  return {
    incidents: read.value ?? [],
    error: read.error?.message,
    loading: read.loading,
  };
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
  const scope = panelScope(options.selector, replaceVariables);
  const impact = useImpact(impactRequestOf(options, window, scope, incident));
  const { state } = impact;
  const notes = [
    ...(incidents.error ? [`Incident windows could not be listed: ${incidents.error}`] : []),
    ...(state.kind === 'ready' ? state.notes : []),
  ];

  return (
    <div className={styles.panel} style={{ width, height }}>
      <div className={styles.toolbar} role="group" aria-label="Report window and exports">
        <span id="aisre-impact-window-label" className={styles.label}>
          Window
        </span>
        <WindowPicker
          incidents={incidents.incidents}
          selectedId={selectedId}
          onSelect={setSelectedId}
          loading={incidents.loading}
        />
        {state.kind === 'ready' && !state.noData && (
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
        <>
          <ImpactScope
            report={state.report}
            datasourceName={state.context.datasource.name}
            scopeSource={options.selector.trim() ? "the panel's selector" : "the dashboard's variables"}
            refreshing={impact.refreshing}
          />
          {state.noData ? (
            <Alert severity="info" title="No data">
              No SLI of the metrics contract has a series in this window or its baseline for{' '}
              {state.report.selector ? <code>{state.report.selector}</code> : 'all series'}. Check the dashboard
              variables, the panel&apos;s selector, and that the metrics are scraped.
            </Alert>
          ) : (
            <ImpactReportView report={state.report} markdown={state.markdown} notes={notes} />
          )}
        </>
      ) : (
        <ImpactStateMessage view={impact} face="panel" />
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
