/** One page of the incident list: window (a link to the incident), duration, team, category, status, severity, text. */
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Badge, type BadgeColor, useStyles2 } from '@grafana/ui';
import React from 'react';
import { Link } from 'react-router-dom';
import { type IncidentStatus } from '../../core/tags';
import { categoryTitle, type IncidentRow } from './filters';
import { windowLabel } from '../../shared/time';
import { durationLabel, truncateText } from './format';
import { incidentPath } from './paths';
import { incidentsTestIds } from './testIds';

const STATUS_COLOR: Record<IncidentStatus, BadgeColor> = { open: 'orange', classified: 'blue', resolved: 'green' };

export function IncidentsTable({ rows }: { rows: IncidentRow[] }) {
  const styles = useStyles2(getStyles);
  return (
    <table className={styles.table} data-testid={incidentsTestIds.table}>
      <thead>
        <tr>
          <th scope="col">Window</th>
          <th scope="col">Duration</th>
          <th scope="col">Team</th>
          <th scope="col">Category</th>
          <th scope="col">Status</th>
          <th scope="col">Severity</th>
          <th scope="col">Text</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const { incident, classification } = row;
          return (
            <tr key={incident.id} data-testid={incidentsTestIds.row} data-incident-id={incident.id}>
              <td className={styles.nowrap}>
                <Link to={incidentPath(incident)}>{windowLabel(incident)}</Link>
              </td>
              <td className={styles.nowrap}>{durationLabel(incident)}</td>
              <td>{classification.team ?? '—'}</td>
              <td className={classification.category ? undefined : styles.muted}>
                {categoryTitle(classification.category)}
              </td>
              <td>
                <Badge text={row.status} color={STATUS_COLOR[row.status]} />
              </td>
              <td>
                {classification.severity ? (
                  <Badge text={classification.severity} color={classification.severity === 'page' ? 'red' : 'orange'} />
                ) : (
                  <span className={styles.muted}>—</span>
                )}
              </td>
              {/* Hostile input: React text only; the full text in the tooltip, also as text. */}
              <td className={styles.text} title={incident.text}>
                {truncateText(incident.text)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css`
    width: 100%;
    border-collapse: collapse;
    th,
    td {
      padding: ${theme.spacing(0.75, 1)};
      border-bottom: 1px solid ${theme.colors.border.weak};
      text-align: left;
      vertical-align: top;
    }
    th {
      color: ${theme.colors.text.secondary};
      font-weight: ${theme.typography.fontWeightMedium};
    }
    a {
      color: ${theme.colors.text.link};
    }
  `,
  nowrap: css`
    white-space: nowrap;
  `,
  muted: css`
    color: ${theme.colors.text.secondary};
  `,
  text: css`
    overflow-wrap: anywhere;
    max-width: 40ch;
  `,
});
