/**
 * One page of the incident list as Grafana's InteractiveTable: the description (how people recognise an incident)
 * is the link, then when it started, how long, team, category, status, severity. Every column sorts; the sorting
 * is done by the page over all matching incidents (`onSort`), so the table only ever renders one page of rows.
 * The table and its time cells are memoised: the page re-renders as the list loads and as filters are typed, and
 * formatting a page of times in the user's zone is the costliest part of drawing it.
 */
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Badge, type BadgeColor, type Column, type FetchDataFunc, InteractiveTable, useStyles2 } from '@grafana/ui';
import React, { memo, useCallback, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { truncateText } from '../../core/format';
import { type IncidentStatus } from '../../core/tags';
import { incidentWindowLabel } from '../../shared/time';
import { categoryTitle, type IncidentRow, type SortColumn } from './filters';
import { durationLabel, startedParts } from './format';
import { incidentPath } from './paths';
import { incidentsTestIds } from './testIds';

const STATUS_COLOR: Record<IncidentStatus, BadgeColor> = { open: 'orange', classified: 'blue', resolved: 'green' };

export interface IncidentSort {
  column: SortColumn;
  descending: boolean;
}

/** Newest first, as the list has always been. */
export const DEFAULT_SORT: IncidentSort = { column: 'start', descending: true };
const INITIAL_SORT_BY = [{ id: DEFAULT_SORT.column, desc: DEFAULT_SORT.descending }];

const rowId = (row: IncidentRow) => String(row.incident.id);

/**
 * The description as the link to the incident (the same incident object keeps its cell as the list loads). Its
 * tooltip, the full text and the window, is written when the pointer or focus first reaches it: formatting the
 * window in the user's zone for every row was most of the time to draw the first page (profile in
 * docs/benchmarks.md), and the browser reads `title` only when it shows the tooltip.
 */
const Description = memo(function Description({ incident }: { incident: IncidentRow['incident'] }) {
  const styles = useStyles2(getStyles);
  const [reached, setReached] = useState(false);
  const reach = useCallback(() => setReached(true), []);
  return (
    <Link
      to={incidentPath(incident)}
      className={styles.link}
      data-testid={incidentsTestIds.row}
      data-incident-id={incident.id}
      // Hostile input: React text only; the full text and the window for the tooltip, also as text.
      title={reached ? `${incident.text}\n${incidentWindowLabel(incident)}` : undefined}
      onMouseEnter={reach}
      onFocus={reach}
    >
      {truncateText(incident.text) || `Incident ${incident.id} (no description)`}
    </Link>
  );
});

/** When it started, in the user's zone; on a narrow screen the date above the time. */
const Started = memo(function Started({ time }: { time: number }) {
  const styles = useStyles2(getStyles);
  const [date, rest] = startedParts(time);
  return (
    <span className={styles.started}>
      <span className={styles.nowrap}>{date}</span> <span className={styles.nowrap}>{rest}</span>
    </span>
  );
});

interface TableProps {
  rows: IncidentRow[];
  onSort: (sort: IncidentSort) => void;
}

/** The same rows in a new array (the list grew, the page shows the same 50) draw nothing again. */
const sameRows = (a: TableProps, b: TableProps) =>
  a.onSort === b.onSort && a.rows.length === b.rows.length && a.rows.every((row, i) => row === b.rows[i]);

export const IncidentsTable = memo(function IncidentsTable({ rows, onSort }: TableProps) {
  const styles = useStyles2(getStyles);
  const columns = useMemo<Array<Column<IncidentRow>>>(
    () => [
      {
        id: 'text',
        header: 'Description',
        sortType: 'string',
        cell: ({ row }) => <Description incident={row.original.incident} />,
      },
      {
        id: 'start',
        header: 'Started',
        sortType: 'number',
        sortDescFirst: true,
        disableGrow: true,
        cell: ({ row }) => <Started time={row.original.incident.time} />,
      },
      {
        id: 'duration',
        header: 'Duration',
        sortType: 'number',
        sortDescFirst: true,
        disableGrow: true,
        cell: ({ row }) => <span className={styles.nowrap}>{durationLabel(row.original.incident)}</span>,
      },
      {
        id: 'team',
        header: 'Team',
        sortType: 'string',
        disableGrow: true,
        cell: ({ row }) => row.original.classification.team ?? <span className={styles.muted}>—</span>,
      },
      {
        id: 'category',
        header: 'Category',
        sortType: 'string',
        disableGrow: true,
        cell: ({ row }) => (
          <span className={row.original.classification.category ? undefined : styles.muted}>
            {categoryTitle(row.original.classification.category)}
          </span>
        ),
      },
      {
        id: 'status',
        header: 'Status',
        sortType: 'string',
        disableGrow: true,
        cell: ({ row }) => <Badge text={row.original.status} color={STATUS_COLOR[row.original.status]} />,
      },
      {
        id: 'severity',
        header: 'Severity',
        sortType: 'string',
        sortDescFirst: true,
        disableGrow: true,
        cell: ({ row }) => {
          const severity = row.original.classification.severity;
          return severity ? (
            <Badge text={severity} color={severity === 'page' ? 'red' : 'orange'} />
          ) : (
            <span className={styles.muted}>—</span>
          );
        },
      },
    ],
    [styles]
  );
  // InteractiveTable sorts nothing itself when given fetchData: it reports the column, the page sorts every row.
  const fetchData = useCallback<FetchDataFunc<IncidentRow>>(
    ({ sortBy }) => {
      const [by] = sortBy;
      onSort(by ? { column: by.id as SortColumn, descending: Boolean(by.desc) } : DEFAULT_SORT);
    },
    [onSort]
  );
  return (
    <div data-testid={incidentsTestIds.table} className={styles.table}>
      <InteractiveTable
        columns={columns}
        data={rows}
        getRowId={rowId}
        fetchData={fetchData}
        initialSortBy={INITIAL_SORT_BY}
        disableSortRemove
      />
    </div>
  );
}, sameRows);

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    // The description takes the room; the other columns keep to their content.
    '& td:first-child': { minWidth: '20ch', overflowWrap: 'break-word' },
  }),
  link: css({ color: theme.colors.text.link, '&:hover': { textDecoration: 'underline' } }),
  nowrap: css({ whiteSpace: 'nowrap' }),
  // One line where there is room; date over time below Grafana's lg breakpoint, so 800 px needs no sideways scroll.
  started: css({ whiteSpace: 'nowrap', [theme.breakpoints.down('lg')]: { whiteSpace: 'normal' } }),
  muted: css({ color: theme.colors.text.secondary }),
});
