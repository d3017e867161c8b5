/**
 * The Evidence section: which SLIs shifted in the window and by how much (the core's sentences and table, through
 * the impact panel's report view), and the model, prompt and provider-model changes in or just before it.
 */
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Alert, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import React from 'react';
import { type ChangeEvent } from '../../core/changes';
import { formatDuration } from '../../core/format';
import { formatUserTimeWithZone } from '../../shared/time';
import { ImpactReportView } from '../../panels/impact/ImpactReportView';
import { incidentsTestIds } from '../incidents/testIds';
import { type EvidenceState } from './useIncidentEvidence';

/** The messages of every state but ready; null for ready. */
export function EvidenceStateMessage({ state }: { state: EvidenceState }) {
  switch (state.kind) {
    case 'loading':
      return <LoadingPlaceholder text="Reading the window, its baseline and the changes…" />;
    case 'no_datasource':
      return (
        <Alert severity="warning" title="No data source">
          {state.reference
            ? `The data source ${state.reference} set in the app's configuration was not found.`
            : 'No Prometheus data source is set in the app’s configuration, and Grafana has none to fall back on.'}{' '}
          An admin sets it in the app&apos;s Configuration page.
        </Alert>
      );
    case 'not_promql':
      return (
        <Alert severity="warning" title="This data source does not speak PromQL">
          &apos;{state.name}&apos; is a {state.type} data source. The evidence is read with PromQL: an admin can pick a
          Prometheus data source (Prometheus, Mimir, Thanos, Amazon or Azure Managed Prometheus) in the app&apos;s
          Configuration page.
        </Alert>
      );
    case 'too_short':
      return (
        <Alert severity="info" title="Window too short">
          This incident is {formatDuration(state.seconds)} long. The impact report needs at least 5 minutes: in less, a
          handful of scrapes decides every count.
        </Alert>
      );
    case 'error':
      return state.status === 401 || state.status === 403 ? (
        <Alert severity="error" title="No permission to query the data source">
          Grafana refused the query: your role cannot query this data source. ({state.message})
        </Alert>
      ) : (
        <Alert severity="error" title="The evidence could not be read">
          {state.message}
        </Alert>
      );
    default:
      return null;
  }
}

function segmentText(segment: Record<string, string>): string {
  return Object.entries(segment)
    .filter(([, value]) => value !== '')
    .map(([label, value]) => `${label}=${value}`)
    .join(', ');
}

/** Where a change falls: in the window, or how long before it. */
function whenText(event: ChangeEvent, windowFrom: number): string {
  return event.time >= windowFrom ? 'in the window' : `${formatDuration(windowFrom - event.time)} before the window`;
}

export function ChangeEvents({
  changes,
  error,
  windowFrom,
}: {
  changes: ChangeEvent[];
  error?: string;
  windowFrom: number;
}) {
  const styles = useStyles2(getStyles);
  if (error) {
    return (
      <Alert severity="warning" title="Changes could not be read">
        The llm_build_info changes were not read, so the suggestions below do not weigh deployments: {error}
      </Alert>
    );
  }
  if (changes.length === 0) {
    return (
      <p className={styles.muted}>
        No model, prompt or provider-model change in the window or the hour before it (llm_build_info).
      </p>
    );
  }
  return (
    <ul className={styles.changes} aria-label="Changes in or just before the window">
      {changes.map((event) => (
        <li key={`${event.time}${JSON.stringify(event.segment)}${JSON.stringify(event.after)}`}>
          <span className={styles.time}>{formatUserTimeWithZone(event.time * 1000)}</span>{' '}
          <span className={styles.muted}>({whenText(event, windowFrom)})</span>
          {segmentText(event.segment) && <span className={styles.segment}> {segmentText(event.segment)}</span>}:{' '}
          {event.changed
            .map(
              (label) =>
                `${label} ${event.before ? `${event.before[label] || '(none)'} → ` : ''}${event.after[label] || '(none)'}`
            )
            .join('; ')}
          {event.before === null && <span className={styles.muted}> (first seen)</span>}
        </li>
      ))}
    </ul>
  );
}

export function EvidenceSection({ state, windowFrom }: { state: EvidenceState; windowFrom: number }) {
  const styles = useStyles2(getStyles);
  return (
    <section
      className={styles.section}
      aria-labelledby="incident-evidence-heading"
      data-testid={incidentsTestIds.incident.evidence}
    >
      <h3 id="incident-evidence-heading">Evidence</h3>
      {state.kind !== 'ready' ? (
        <EvidenceStateMessage state={state} />
      ) : (
        <>
          <p className={styles.muted}>
            The window against the preceding {formatDuration(windowSeconds(state))}, read from &apos;
            {state.datasource.name}&apos;
            {state.report.selector ? ` for ${state.report.selector}` : ''}.
          </p>
          {state.noData ? (
            <Alert severity="info" title="No data">
              No SLI of the metrics contract has a series in this window or its baseline
              {state.report.selector ? ` for ${state.report.selector}` : ''}. Check that the metrics are scraped into
              this data source, and the team tag.
            </Alert>
          ) : (
            <ImpactReportView report={state.report} markdown={state.markdown} notes={state.notes} />
          )}
          <h4>Changes</h4>
          <div data-testid={incidentsTestIds.incident.changes}>
            <ChangeEvents changes={state.changes} error={state.changesError} windowFrom={windowFrom} />
          </div>
        </>
      )}
    </section>
  );
}

function windowSeconds(state: Extract<EvidenceState, { kind: 'ready' }>): number {
  return (Date.parse(state.report.window.to) - Date.parse(state.report.window.from)) / 1000;
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css`
    display: flex;
    flex-direction: column;
    gap: ${theme.spacing(1)};
  `,
  muted: css`
    color: ${theme.colors.text.secondary};
    margin: 0;
  `,
  changes: css`
    margin: 0;
    padding-left: ${theme.spacing(2)};
    overflow-wrap: anywhere;
  `,
  time: css`
    font-variant-numeric: tabular-nums;
  `,
  segment: css`
    font-family: ${theme.typography.fontFamilyMonospace};
    font-size: ${theme.typography.bodySmall.fontSize};
  `,
});
