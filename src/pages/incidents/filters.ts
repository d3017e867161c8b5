/**
 * The Incidents list's filters, kept in the URL query (so a link keeps them) and applied to the loaded incidents.
 * Team, category, status and severity are read from the annotation's tags (src/core/tags.ts); the time filter is
 * sent to Grafana as the range the incidents must overlap.
 */
import { readClassification, type Classification, type IncidentStatus, type Severity } from '../../core/tags';
import { categoryById } from '../../core/taxonomy';
import { type IncidentAnnotation, incidentWindow } from '../../shared/annotations';
import { parseTimeInput } from '../../shared/time';

/** The category filter's value for incidents without a (readable) category. */
export const UNCLASSIFIED = 'unclassified';
/** The severity filter's value for incidents without one. */
export const NO_SEVERITY = 'none';

export interface IncidentFilters {
  /** Free text: matches the description, the team, the category's title and the tags. */
  q?: string;
  team?: string;
  /** A category id or UNCLASSIFIED. */
  category?: string;
  status?: IncidentStatus;
  /** A severity or NO_SEVERITY. */
  severity?: Severity | typeof NO_SEVERITY;
  /** Grafana time as typed (`now-7d`, Unix ms, ISO); both set or neither. */
  from?: string;
  to?: string;
  /** 1-based page of the table. */
  page?: number;
}

const FILTER_KEYS = ['q', 'team', 'category', 'status', 'severity', 'from', 'to'] as const;

export function filtersFromSearch(search: URLSearchParams): IncidentFilters {
  const filters: IncidentFilters = {};
  for (const key of FILTER_KEYS) {
    const value = search.get(key)?.trim();
    if (value) {
      (filters as Record<string, string>)[key] = value;
    }
  }
  const page = Number(search.get('page'));
  if (Number.isInteger(page) && page > 1) {
    filters.page = page;
  }
  return filters;
}

/** The URL query for `filters`, keeping parameters that are not filters. */
export function searchWithFilters(search: URLSearchParams, filters: IncidentFilters): URLSearchParams {
  const next = new URLSearchParams(search);
  for (const key of [...FILTER_KEYS, 'page'] as const) {
    const value = filters[key];
    if (value === undefined || value === '' || (key === 'page' && value === 1)) {
      next.delete(key);
    } else {
      next.set(key, String(value));
    }
  }
  return next;
}

/** The time filter in Unix ms, undefined when it is not set; `invalid` when it is set but cannot be read. */
export function timeFilterRange(filters: IncidentFilters): { from: number; to: number } | 'invalid' | undefined {
  if (!filters.from && !filters.to) {
    return undefined;
  }
  const from = parseTimeInput(filters.from ?? '');
  const to = parseTimeInput(filters.to ?? 'now', true);
  return from !== undefined && to !== undefined && from < to ? { from, to } : 'invalid';
}

/** An incident as the list shows it: the classification read from its tags, status open until set. */
export interface IncidentRow {
  incident: IncidentAnnotation;
  classification: Classification;
  /** The status the list shows: the tag, or `open` before anyone set one. */
  status: IncidentStatus;
  /** Tags of ours that could not be read (shown so nobody wonders why a filter misses the incident). */
  malformed: string[];
  /** What the text search looks in, lower case: description, category title, tags. */
  searchable: string;
}

/**
 * Rows already read, by incident: the list arrives in pages and each partial list holds the same incident objects
 * (an edit makes a new one), so its rows are read once and the table's rows stay the same objects.
 */
const rowsRead = new WeakMap<IncidentAnnotation, IncidentRow>();

export function toRow(incident: IncidentAnnotation): IncidentRow {
  let row = rowsRead.get(incident);
  if (!row) {
    row = readRow(incident);
    rowsRead.set(incident, row);
  }
  return row;
}

/** Longest stretch of row reading in one go when the browser does not say how long it is idle (no requestIdleCallback). */
const IDLE_SLICE_MS = 5;

/**
 * Reads the incidents' rows (toRow) while the browser is idle, a few milliseconds at a time, so the first filter or
 * sort finds them read instead of reading 10,000 then. Returns what stops it.
 */
export function readRowsWhenIdle(incidents: IncidentAnnotation[]): () => void {
  let next = 0;
  let cancel = () => undefined as void;
  const step = (deadline?: IdleDeadline) => {
    const until = performance.now() + Math.min(deadline?.timeRemaining() ?? IDLE_SLICE_MS, IDLE_SLICE_MS);
    while (next < incidents.length && performance.now() < until) {
      toRow(incidents[next++]);
    }
    if (next < incidents.length) {
      schedule();
    }
  };
  const schedule = () => {
    if (typeof requestIdleCallback === 'function') {
      const handle = requestIdleCallback(step);
      cancel = () => cancelIdleCallback(handle);
    } else {
      // Safari has no requestIdleCallback.
      const handle = setTimeout(step, 0);
      cancel = () => clearTimeout(handle);
    }
  };
  schedule();
  return () => cancel();
}

function readRow(incident: IncidentAnnotation): IncidentRow {
  const { classification, malformed } = readClassification(incident.tags);
  const searchable = `${incident.text}\n${categoryTitle(classification.category)}\n${incident.tags.join('\n')}`;
  return {
    incident,
    classification,
    status: classification.status ?? 'open',
    malformed,
    searchable: searchable.toLowerCase(),
  };
}

export function matchesFilters(row: IncidentRow, filters: IncidentFilters): boolean {
  const { classification } = row;
  if (filters.q && !row.searchable.includes(filters.q.toLowerCase())) {
    return false;
  }
  if (filters.team && classification.team !== filters.team) {
    return false;
  }
  if (filters.category && (classification.category ?? UNCLASSIFIED) !== filters.category) {
    return false;
  }
  if (filters.status && row.status !== filters.status) {
    return false;
  }
  if (filters.severity && (classification.severity ?? NO_SEVERITY) !== filters.severity) {
    return false;
  }
  return true;
}

/** The category's title ("Data retrieval"), "Unclassified" before classification. */
export function categoryTitle(category: string | undefined): string {
  if (!category) {
    return 'Unclassified';
  }
  return categoryById(category)?.title ?? category;
}

/** Every team the incidents carry, sorted, for the team filter (plus the filter's own value, if no incident has it). */
export function teamsOf(rows: IncidentRow[], selected?: string): string[] {
  const teams = new Set(rows.flatMap((row) => (row.classification.team ? [row.classification.team] : [])));
  if (selected) {
    teams.add(selected);
  }
  return [...teams].sort((a, b) => a.localeCompare(b));
}

/** Quick ranges that suit incidents (Grafana's relative times, sent as the range incidents must overlap). */
export const QUICK_RANGES = [
  { from: 'now-24h', label: 'Last 24 hours' },
  { from: 'now-7d', label: 'Last 7 days' },
  { from: 'now-30d', label: 'Last 30 days' },
  { from: 'now-90d', label: 'Last 90 days' },
] as const;

/** The quick range the time filter is, '' for any time, undefined for another range. */
export function quickRangeOf(filters: IncidentFilters): string | undefined {
  if (!filters.from) {
    return '';
  }
  return (filters.to ?? 'now') === 'now' ? QUICK_RANGES.find((r) => r.from === filters.from)?.from : undefined;
}

/** The columns the list sorts by, and how. */
export type SortColumn = 'text' | 'start' | 'duration' | 'team' | 'category' | 'status' | 'severity';

const SEVERITY_RANK: Record<string, number> = { page: 2, investigate: 1 };
const STATUS_RANK: Record<IncidentStatus, number> = { open: 0, classified: 1, resolved: 2 };

/** How long an incident lasted; an ongoing one, up to `now`. */
const lasted = (row: IncidentRow, now: number) => {
  const window = incidentWindow(row.incident, now);
  return window.timeEnd - window.time;
};

const COMPARE: Record<SortColumn, (a: IncidentRow, b: IncidentRow, now: number) => number> = {
  text: (a, b) => a.incident.text.localeCompare(b.incident.text),
  start: (a, b) => a.incident.time - b.incident.time,
  duration: (a, b, now) => lasted(a, now) - lasted(b, now),
  team: (a, b) => (a.classification.team ?? '').localeCompare(b.classification.team ?? ''),
  category: (a, b) => categoryTitle(a.classification.category).localeCompare(categoryTitle(b.classification.category)),
  status: (a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status],
  severity: (a, b) =>
    (SEVERITY_RANK[a.classification.severity ?? ''] ?? 0) - (SEVERITY_RANK[b.classification.severity ?? ''] ?? 0),
};

/**
 * The rows sorted by a column (ties newest first, as the list is by default); a new array. An ongoing incident's
 * duration runs up to `now`.
 */
export function sortRows(
  rows: IncidentRow[],
  column: SortColumn,
  descending: boolean,
  now = Date.now()
): IncidentRow[] {
  const compare = COMPARE[column];
  const sign = descending ? -1 : 1;
  return [...rows].sort(
    (a, b) => sign * compare(a, b, now) || b.incident.time - a.incident.time || b.incident.id - a.incident.id
  );
}
