/**
 * The Incidents page: every `ai-incident` region annotation in the organisation (any dashboard or none), newest
 * first, filterable by team, category, status, severity and time (the filters live in the URL, so a link keeps
 * them), and "Mark incident" to create one. Each row opens the incident's page (src/pages/incident/).
 */
import { css } from '@emotion/css';
import { dateTime, type GrafanaTheme2, type TimeRange } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import {
  Alert,
  Button,
  Combobox,
  EmptyState,
  Field,
  FilterInput,
  LoadingPlaceholder,
  Pagination,
  RadioButtonGroup,
  TimeRangeInput,
  useStyles2,
} from '@grafana/ui';
import React, { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { testIds } from '../components/testIds';
import { CATEGORIES } from '../core/taxonomy';
import { type IncidentAnnotation } from '../shared/annotations';
import {
  filtersFromSearch,
  matchesFilters,
  NO_SEVERITY,
  QUICK_RANGES,
  quickRangeOf,
  readRowsWhenIdle,
  searchWithFilters,
  sortRows,
  teamsOf,
  timeFilterRange,
  toRow,
  UNCLASSIFIED,
  type IncidentFilters,
} from './incidents/filters';
import { DEFAULT_SORT, type IncidentSort, IncidentsTable } from './incidents/IncidentsTable';
import { MarkIncidentForm, newDraft, type IncidentDraft } from './incidents/MarkIncidentForm';
import { incidentPath } from './incidents/paths';
import { mayWriteAnnotations, READ_ONLY_MESSAGE } from './incidents/permissions';
import { incidentsTestIds } from './incidents/testIds';
import { parseTimeInput, userTimeZone } from '../shared/time';
import { useIncidentList } from './incidents/useIncidentList';

/** Rows per page of the table: the list can hold thousands. */
export const ROWS_PER_PAGE = 50;

const ANY = '';
const STATUS_OPTIONS = [
  { label: 'Any', value: ANY },
  { label: 'Open', value: 'open' },
  { label: 'Classified', value: 'classified' },
  { label: 'Resolved', value: 'resolved' },
];
const SEVERITY_OPTIONS = [
  { label: 'Any', value: ANY },
  { label: 'Page', value: 'page' },
  { label: 'Investigate', value: 'investigate' },
  { label: 'None', value: NO_SEVERITY },
];
const QUICK_RANGE_OPTIONS = [
  { label: 'Any time', value: ANY },
  ...QUICK_RANGES.map((r) => ({ label: r.label, value: r.from as string })),
];
const CATEGORY_OPTIONS = [
  { label: 'Unclassified', value: UNCLASSIFIED },
  ...CATEGORIES.map((c) => ({ label: c.title, value: c.id as string })),
];

/** The time filter as TimeRangeInput shows it (an empty range when unset). */
function timeRangeValue(filters: IncidentFilters): TimeRange {
  const from = filters.from ? parseTimeInput(filters.from) : undefined;
  const to = filters.to ? parseTimeInput(filters.to, true) : undefined;
  return {
    from: dateTime(from ?? null),
    to: dateTime(to ?? null),
    raw: { from: filters.from ?? '', to: filters.to ?? '' },
  };
}

/** The team filter's options for what is typed: the teams the loaded incidents carry. */
type TeamOptions = (typed: string) => Promise<Array<{ label: string; value: string }>>;

/**
 * Memoised, and drawn again only when the URL changes: Grafana's Combobox re-measures its (closed) menu on every
 * render (floating-ui's getBoundingClientRect, a layout of the whole page with the table in it), so the team
 * options are asked for when the menu opens (Combobox's async options) rather than passed in as the list loads.
 */
const Filters = memo(function Filters({
  filters,
  teamOptions,
  onChange,
}: {
  filters: IncidentFilters;
  teamOptions: TeamOptions;
  onChange: (f: IncidentFilters) => void;
}) {
  const styles = useStyles2(getStyles);
  // Changing a filter starts again at the first page.
  const set = (change: Partial<IncidentFilters>) => onChange({ ...filters, ...change, page: undefined });
  return (
    <div className={styles.filters} role="search" aria-label="Filter incidents">
      <Field label="Search" htmlFor="incidents-search">
        <FilterInput
          id="incidents-search"
          width={32}
          placeholder="Description, team, category, tag"
          value={filters.q ?? ''}
          onChange={(q) => set({ q: q || undefined })}
        />
      </Field>
      <Field label="Team">
        <Combobox
          id="incidents-filter-team"
          width={20}
          options={teamOptions}
          value={filters.team ?? null}
          isClearable
          createCustomValue
          placeholder="Any team"
          onChange={(option) => set({ team: option?.value || undefined })}
        />
      </Field>
      <Field label="Category">
        <Combobox
          id="incidents-filter-category"
          width={24}
          options={CATEGORY_OPTIONS}
          value={filters.category ?? null}
          isClearable
          placeholder="Any category"
          onChange={(option) => set({ category: option?.value || undefined })}
        />
      </Field>
      <Field label="Status">
        <RadioButtonGroup
          aria-label="Status"
          options={STATUS_OPTIONS}
          value={filters.status ?? ANY}
          onChange={(value) => set({ status: (value || undefined) as IncidentFilters['status'] })}
        />
      </Field>
      <Field label="Severity">
        <RadioButtonGroup
          aria-label="Severity"
          options={SEVERITY_OPTIONS}
          value={filters.severity ?? ANY}
          onChange={(value) => set({ severity: (value || undefined) as IncidentFilters['severity'] })}
        />
      </Field>
      <Field label="When" description="Incidents overlapping this range">
        <RadioButtonGroup
          aria-label="When"
          options={QUICK_RANGE_OPTIONS}
          value={quickRangeOf(filters)}
          onChange={(from) => set(from ? { from, to: 'now' } : { from: undefined, to: undefined })}
        />
      </Field>
      <Field label="Or between" description="Any range, in your time zone">
        {/* Grafana's quick ranges are the buttons beside it: without them the picker's pane fits on screen. */}
        <TimeRangeInput
          value={timeRangeValue(filters)}
          timeZone={userTimeZone()}
          clearable
          hideQuickRanges
          placeholder="Any time"
          onChange={(range) => {
            const raw = (v: TimeRange['raw']['from']) => (typeof v === 'string' ? v : String(v.valueOf()));
            const from = raw(range.raw.from);
            set(from ? { from, to: raw(range.raw.to) || 'now' } : { from: undefined, to: undefined });
          }}
        />
      </Field>
    </div>
  );
});

function Incidents() {
  const styles = useStyles2(getStyles);
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  // A listing is for the time filter as typed (`now-7d`), resolved once when it starts (see useIncidentList).
  const { from: rangeFrom, to: rangeTo } = filters;
  const { state, reload } = useIncidentList({ from: rangeFrom, to: rangeTo });
  const invalidRange = useMemo(
    () => timeFilterRange({ from: rangeFrom, to: rangeTo }) === 'invalid',
    [rangeFrom, rangeTo]
  );
  const [draft, setDraft] = useState<IncidentDraft | undefined>();
  const [formOpen, setFormOpen] = useState(false);
  const [deniedByServer, setDeniedByServer] = useState(false);
  const canCreate = !deniedByServer && mayWriteAnnotations('annotations:create') !== false;

  const list = state.kind === 'ready' ? state.list : state.kind === 'loading' ? state.partial : undefined;
  const [sort, setSort] = useState<IncidentSort>(DEFAULT_SORT);
  const onSort = useCallback(
    (next: IncidentSort) =>
      setSort(next.column === DEFAULT_SORT.column && next.descending === DEFAULT_SORT.descending ? DEFAULT_SORT : next),
    []
  );
  const incidents = list?.incidents;
  const total = incidents?.length ?? 0;
  // What the team, category, status, severity and text filters keep is read from the tags (a row, toRow); the time
  // filter is Grafana's. The default view reads only its page's rows: the list comes newest first, and reading
  // 10,000 incidents' tags would be most of the last render's work.
  const picking = Boolean(filters.q || filters.team || filters.category || filters.status || filters.severity);
  const filtered = useMemo(() => {
    if (!incidents || (!picking && sort === DEFAULT_SORT)) {
      return incidents ?? [];
    }
    const matching = incidents.map(toRow).filter((row) => matchesFilters(row, filters));
    const ordered = sort === DEFAULT_SORT ? matching : sortRows(matching, sort.column, sort.descending);
    return ordered.map((row) => row.incident);
  }, [incidents, picking, filters, sort]);
  useEffect(() => (list?.complete ? readRowsWhenIdle(list.incidents) : undefined), [list]);
  const pages = Math.max(1, Math.ceil(filtered.length / ROWS_PER_PAGE));
  const page = Math.min(filters.page ?? 1, pages);
  const shown = useMemo(
    () => filtered.slice((page - 1) * ROWS_PER_PAGE, page * ROWS_PER_PAGE).map(toRow),
    [filtered, page]
  );
  const filtering = picking || Boolean(filters.from);
  const reading = state.kind === 'loading';

  const setFilters = useCallback(
    (next: IncidentFilters) => setSearch(searchWithFilters(search, next)),
    [search, setSearch]
  );
  // The incidents as of now, whose teams are read when the team menu opens (see Filters).
  const loaded = useRef<{ incidents?: IncidentAnnotation[]; team?: string }>({});
  useEffect(() => {
    loaded.current = { incidents, team: filters.team };
  }, [incidents, filters.team]);
  const teamOptions = useCallback<TeamOptions>(async (typed) => {
    const wanted = typed.toLowerCase();
    const { incidents: now = [], team } = loaded.current;
    return teamsOf(now.map(toRow), team)
      .filter((name) => name.toLowerCase().includes(wanted))
      .map((name) => ({ label: name, value: name }));
  }, []);
  const openForm = () => {
    setDraft((current) => current ?? newDraft());
    setFormOpen(true);
  };
  const onCreated = (incident: IncidentAnnotation) => {
    setFormOpen(false);
    setDraft(undefined);
    reload();
    navigate(incidentPath(incident));
  };

  const markButton = (
    <Button
      icon="plus"
      onClick={openForm}
      disabled={!canCreate}
      tooltip={canCreate ? 'Create an ai-incident region annotation for a window' : READ_ONLY_MESSAGE}
    >
      Mark incident
    </Button>
  );

  return (
    <PluginPage actions={markButton}>
      <div data-testid={testIds.incidents.container} className={styles.page}>
        <p className={styles.intro}>
          Every region annotation tagged <code>ai-incident</code> in this organisation, newest first. Open one to see
          the evidence, the suggested categories and the impact section, and to classify it.
        </p>
        {!canCreate && (
          <Alert severity="info" title="Read-only">
            {READ_ONLY_MESSAGE}
          </Alert>
        )}
        <Filters filters={filters} teamOptions={teamOptions} onChange={setFilters} />
        {invalidRange && (
          <Alert severity="warning" title="The time filter cannot be read">
            From {filters.from ?? '(empty)'} to {filters.to ?? '(empty)'} is not a time range; showing every incident
            instead.
          </Alert>
        )}
        {reading && !list && <LoadingPlaceholder text="Reading the incident annotations…" />}
        {state.kind === 'error' && (
          <Alert
            severity="error"
            title={
              state.error.kind === 'permission'
                ? 'No permission to read annotations'
                : 'The incidents could not be read'
            }
          >
            {state.error.message}{' '}
            <Button size="sm" variant="secondary" onClick={reload}>
              Try again
            </Button>
          </Alert>
        )}
        {list && (
          <>
            {list.truncated && (
              <Alert
                severity="warning"
                title={`Showing the newest ${list.maxIncidents.toLocaleString('en-US')} incidents`}
              >
                There are more incident annotations than the page reads at once. Narrow the time filter to see older
                ones.
              </Alert>
            )}
            {total === 0 && !reading ? (
              <EmptyState
                variant="call-to-action"
                message={filters.from ? 'No incident in this time range' : 'No incidents yet'}
              >
                Mark a window where an SLI drifted as an incident (or add a region annotation tagged{' '}
                <code>ai-incident</code> on any dashboard) and it appears here.
              </EmptyState>
            ) : filtered.length === 0 && !reading ? (
              <EmptyState variant="not-found" message="No incident matches these filters">
                <Button variant="secondary" onClick={() => setFilters({})}>
                  Clear filters
                </Button>
              </EmptyState>
            ) : (
              <>
                <div className={styles.summary} data-testid={incidentsTestIds.summary} aria-live="polite">
                  {summaryText(filtered.length, total, reading)}
                  {pages > 1 && `, page ${page} of ${pages}`}
                  {filtering && (
                    <Button size="sm" variant="secondary" fill="text" onClick={() => setFilters({})}>
                      Clear filters
                    </Button>
                  )}
                </div>
                <IncidentsTable rows={shown} onSort={onSort} />
                <Pagination
                  currentPage={page}
                  numberOfPages={pages}
                  onNavigate={(next) => setFilters({ ...filters, page: next })}
                  hideWhenSinglePage
                />
              </>
            )}
          </>
        )}
        {formOpen && draft && (
          <MarkIncidentForm
            draft={draft}
            onDraftChange={setDraft}
            onCreated={onCreated}
            onDismiss={() => setFormOpen(false)}
            onPermissionDenied={() => setDeniedByServer(true)}
          />
        )}
      </div>
    </PluginPage>
  );
}

/** "1,234 incidents", "12 of 1,234 incidents match"; while reading, says the count is not final. */
function summaryText(matching: number, all: number, reading: boolean): string {
  const n = (count: number) => count.toLocaleString('en-US');
  if (reading) {
    return `Showing the newest ${matching === all ? n(all) : `${n(matching)} of ${n(all)}`} while the rest is read…`;
  }
  return matching === all ? `${n(all)} incidents` : `${n(matching)} of ${n(all)} incidents match`;
}

export default Incidents;
export { readIncidentsAhead } from './incidents/useIncidentList';

const getStyles = (theme: GrafanaTheme2) => ({
  page: css`
    display: flex;
    flex-direction: column;
    gap: ${theme.spacing(2)};
  `,
  intro: css`
    color: ${theme.colors.text.secondary};
    margin: 0;
  `,
  filters: css`
    display: flex;
    flex-wrap: wrap;
    gap: ${theme.spacing(0, 2)};
    align-items: flex-end;
  `,
  summary: css`
    display: flex;
    align-items: center;
    gap: ${theme.spacing(1)};
    color: ${theme.colors.text.secondary};
  `,
});
