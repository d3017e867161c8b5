/**
 * The Incidents list's filters, kept in the URL query (so a link keeps them) and applied to the loaded incidents.
 * Team, category, status and severity are read from the annotation's tags (src/core/tags.ts); the time filter is
 * sent to Grafana as the range the incidents must overlap.
 */
import { readClassification, type Classification, type IncidentStatus, type Severity } from '../../core/tags';
import { categoryById } from '../../core/taxonomy';
import { type IncidentAnnotation } from '../../shared/annotations';
import { parseTimeInput } from '../../shared/time';

/** The category filter's value for incidents without a (readable) category. */
export const UNCLASSIFIED = 'unclassified';
/** The severity filter's value for incidents without one. */
export const NO_SEVERITY = 'none';

export interface IncidentFilters {
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

const FILTER_KEYS = ['team', 'category', 'status', 'severity', 'from', 'to'] as const;

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
}

export function toRow(incident: IncidentAnnotation): IncidentRow {
  const { classification, malformed } = readClassification(incident.tags);
  return { incident, classification, status: classification.status ?? 'open', malformed };
}

export function matchesFilters(row: IncidentRow, filters: IncidentFilters): boolean {
  const { classification } = row;
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
