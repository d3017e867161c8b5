/**
 * Links at the top of the incident page: the runbook the category implies (or its investigation path), the
 * dashboard and the panel the annotation was made on, and the bundled dashboards of the app's convention at the
 * window (an ongoing incident's ends now).
 */
import { TextLink } from '@grafana/ui';
import { locationUtil } from '@grafana/data';
import React from 'react';
import { type CategoryId, categoryById, RUNBOOK_TITLES } from '../../core/taxonomy';
import { type IncidentAnnotation } from '../../shared/annotations';
import { type PresetId } from '../../core/settings';
import { dashboardsOf } from '../../shared/bundledDashboards';
import { dashboardPath, runbookPath } from '../incidents/paths';
import { incidentsTestIds } from '../incidents/testIds';
import { annotationDashboardPath, annotationPanelPath } from './findingLinks';

export function IncidentLinks({
  incident,
  window,
  category,
  team,
  preset,
  className,
}: {
  incident: IncidentAnnotation;
  /** The incident's window (incidentWindow: an ongoing one ends now). */
  window: { time: number; timeEnd: number };
  category?: CategoryId;
  team?: string;
  /** The app's telemetry convention: its bundled set is the one linked. */
  preset: PresetId;
  className?: string;
}) {
  const chosen = category ? categoryById(category) : undefined;
  const ownDashboard = annotationDashboardPath(incident, window);
  const ownPanel = annotationPanelPath(incident, window);
  return (
    <ul data-testid={incidentsTestIds.incident.links} aria-label="Links" className={className}>
      {chosen ? (
        <li>
          <TextLink href={locationUtil.assureBaseUrl(runbookPath(chosen))} inline={false}>
            {chosen.runbook ? `Runbook: ${RUNBOOK_TITLES[chosen.runbook]}` : `Investigation path: ${chosen.title}`}
          </TextLink>
        </li>
      ) : (
        <li>Choose a category to see the runbook it implies.</li>
      )}
      {ownDashboard && (
        <li>
          <TextLink href={locationUtil.assureBaseUrl(ownDashboard)} inline={false} icon="apps">
            The dashboard it was marked on
          </TextLink>
        </li>
      )}
      {ownPanel && (
        <li>
          <TextLink href={locationUtil.assureBaseUrl(ownPanel)} inline={false} icon="eye">
            Open the panel it was marked on
          </TextLink>
        </li>
      )}
      {dashboardsOf(preset).map((dashboard) => (
        <li key={dashboard.uid}>
          <TextLink href={locationUtil.assureBaseUrl(dashboardPath(dashboard.uid, window, team))} inline={false}>
            {`${dashboard.title} dashboard at this window${team ? ` (team ${team})` : ''}`}
          </TextLink>
        </li>
      ))}
    </ul>
  );
}
