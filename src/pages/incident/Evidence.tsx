/**
 * The Evidence section: which SLIs shifted in the window and by how much (drawn, then the core's sentences and
 * table through the shared report view), and the model, prompt and provider-model changes in or just before it.
 */
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Alert, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import React from 'react';
import { type ChangeEvent } from '../../core/changes';
import { formatDuration } from '../../core/format';
import { ImpactReportView } from '../../shared/impact/ImpactReportView';
import { ImpactScope } from '../../shared/impact/ImpactScope';
import { ImpactStateMessage, TryAgain } from '../../shared/impact/ImpactStateMessage';
import { formatUserTimeWithZone } from '../../shared/time';
import { incidentsTestIds } from '../incidents/testIds';
import { ShiftCharts } from './ShiftCharts';
import { type IncidentEvidence } from './useIncidentEvidence';

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

function ChangeEvents({
  changes,
  error,
  windowFrom,
  onRetry,
}: {
  changes: ChangeEvent[];
  error?: string;
  windowFrom: number;
  onRetry: () => void;
}) {
  const styles = useStyles2(getStyles);
  if (error) {
    return (
      <Alert severity="warning" title="Changes could not be read">
        The llm_build_info changes were not read, so the suggestions below do not weigh deployments: {error}
        <TryAgain onRetry={onRetry} />
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

/** Where the page's scope came from, in the scope header's words. */
function scopeSourceOf(selector: string, teamUnapplied: boolean | undefined): string {
  if (selector) {
    return "the incident's team tag";
  }
  return teamUnapplied
    ? 'every series: the team tag could not be applied (see the notes)'
    : 'no team tag: every series';
}

export function EvidenceSection({
  evidence,
  windowFrom,
  ongoing,
}: {
  evidence: IncidentEvidence;
  windowFrom: number;
  /** The incident has not ended: the report's window ends when the page read it. */
  ongoing?: boolean;
}) {
  const styles = useStyles2(getStyles);
  const { impact, changes } = evidence;
  const { state } = impact;
  return (
    <section
      className={styles.section}
      aria-labelledby="incident-evidence-heading"
      data-testid={incidentsTestIds.incident.evidence}
    >
      <h2 id="incident-evidence-heading">Evidence</h2>
      {state.kind !== 'ready' ? (
        <ImpactStateMessage view={impact} face="page" />
      ) : (
        <>
          <ImpactScope
            report={state.report}
            datasourceName={state.context.datasource.name}
            scopeSource={scopeSourceOf(state.report.selector, state.context.teamUnapplied)}
            refreshing={impact.refreshing}
            ongoing={ongoing}
          />
          {state.noData ? (
            <Alert severity="info" title="No data">
              No SLI of the metrics contract has a series in this window or its baseline
              {state.report.selector ? ` for ${state.report.selector}` : ''}. Check that the metrics are scraped into
              this data source, and the team tag.
              <TryAgain onRetry={impact.retry} />
            </Alert>
          ) : (
            <>
              <ShiftCharts ready={state} />
              <ImpactReportView report={state.report} markdown={state.markdown} notes={state.notes} />
            </>
          )}
          <h3>Changes</h3>
          <div data-testid={incidentsTestIds.incident.changes}>
            {changes.loading ? (
              <LoadingPlaceholder text="Reading the model, prompt and provider changes…" />
            ) : (
              <ChangeEvents
                changes={changes.changes}
                error={changes.error}
                windowFrom={windowFrom}
                onRetry={changes.retry}
              />
            )}
          </div>
        </>
      )}
    </section>
  );
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
