/** Links: the runbook the category implies (or its investigation path), and the bundled dashboards at the window. */
import { TextLink } from '@grafana/ui';
import { locationUtil } from '@grafana/data';
import React from 'react';
import { type CategoryId, categoryById, RUNBOOK_TITLES } from '../../core/taxonomy';
import { type IncidentAnnotation } from '../../shared/annotations';
import { BUNDLED_DASHBOARDS, dashboardPath, runbookPath } from '../incidents/paths';
import { incidentsTestIds } from '../incidents/testIds';

export function IncidentLinks({
  incident,
  category,
  team,
}: {
  incident: IncidentAnnotation;
  category?: CategoryId;
  team?: string;
}) {
  const chosen = category ? categoryById(category) : undefined;
  return (
    <ul data-testid={incidentsTestIds.incident.links} aria-label="Links">
      {chosen ? (
        <li>
          <TextLink href={locationUtil.assureBaseUrl(runbookPath(chosen))} inline={false}>
            {chosen.runbook ? `Runbook: ${RUNBOOK_TITLES[chosen.runbook]}` : `Investigation path: ${chosen.title}`}
          </TextLink>
        </li>
      ) : (
        <li>Choose a category to see the runbook it implies.</li>
      )}
      {BUNDLED_DASHBOARDS.map((dashboard) => (
        <li key={dashboard.uid}>
          <TextLink href={locationUtil.assureBaseUrl(dashboardPath(dashboard.uid, incident, team))} inline={false}>
            {`${dashboard.title} dashboard at this window${team ? ` (team ${team})` : ''}`}
          </TextLink>
        </li>
      ))}
    </ul>
  );
}
