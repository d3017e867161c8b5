/**
 * Reading `ai-incident` region annotations (the incident windows SREs mark on dashboards) through Grafana's
 * annotations HTTP API: `GET /api/annotations?tags=ai-incident&type=annotation&from=<ms>&to=<ms>&limit=<n>`
 * (https://grafana.com/docs/grafana/latest/developer-resources/api-reference/http-api/annotations/#find-annotations).
 * Grafana returns the annotations that overlap [from, to]. The impact panel lists them as windows and leaves the
 * others out of the baseline; the Incidents page builds on the same reader.
 * Tag scheme (DESIGN.md): `ai-incident`, `ai-category:<id>`, `ai-subcategory:<id>`, `ai-severity:…`, `ai-status:…`.
 */
import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { type Interval } from '../core/source';

export const INCIDENT_TAG = 'ai-incident';
export const CATEGORY_TAG_PREFIX = 'ai-category:';

/** An incident annotation as the app uses it. Times in Unix milliseconds, as Grafana stores them. */
export interface IncidentAnnotation {
  id: number;
  time: number;
  /** Equal to `time` for a point annotation; after it for a region. */
  timeEnd: number;
  /** Free text someone typed: hostile input, render as text only. */
  text: string;
  tags: string[];
  /** null for an organisation-wide annotation. */
  dashboardUID: string | null;
}

export interface IncidentQuery {
  /** Unix milliseconds; Grafana returns annotations overlapping [from, to]. */
  from: number;
  to: number;
  /** Default 100, Grafana's own default. */
  limit?: number;
  /** Default [ai-incident]; several tags must all be present. */
  tags?: string[];
}

/** Grafana refused or failed the annotations request. */
export class AnnotationReadError extends Error {
  constructor(
    message: string,
    readonly status?: number
  ) {
    super(message);
    this.name = 'AnnotationReadError';
  }
}

interface AnnotationJSON {
  id?: number;
  time?: number;
  timeEnd?: number;
  text?: string;
  tags?: string[] | null;
  dashboardUID?: string | null;
}

/** The `ai-incident` annotations overlapping a time range, oldest first. */
export async function fetchIncidentAnnotations(query: IncidentQuery): Promise<IncidentAnnotation[]> {
  let items: AnnotationJSON[];
  try {
    const response = await lastValueFrom(
      getBackendSrv().fetch<AnnotationJSON[]>({
        url: '/api/annotations',
        method: 'GET',
        params: {
          tags: query.tags ?? [INCIDENT_TAG],
          type: 'annotation',
          from: Math.floor(query.from),
          to: Math.ceil(query.to),
          limit: query.limit ?? 100,
        },
        showErrorAlert: false,
      })
    );
    items = Array.isArray(response.data) ? response.data : [];
  } catch (error) {
    if (isFetchError(error) && error.status > 0) {
      const detail = (error.data as { message?: string } | undefined)?.message || error.statusText || 'no details';
      throw new AnnotationReadError(`Grafana answered ${error.status} for the incident annotations: ${detail}`, error.status);
    }
    throw new AnnotationReadError(
      `cannot read the incident annotations: ${error instanceof Error ? error.message : String(error)}`
    );
  }
  return items
    .filter((item): item is AnnotationJSON & { id: number; time: number } => typeof item.id === 'number' && typeof item.time === 'number')
    .map((item) => ({
      id: item.id,
      time: item.time,
      timeEnd: typeof item.timeEnd === 'number' && item.timeEnd > 0 ? item.timeEnd : item.time,
      text: item.text ?? '',
      tags: item.tags ?? [],
      dashboardUID: item.dashboardUID ?? null,
    }))
    .sort((a, b) => a.time - b.time || a.id - b.id);
}

/** A region (a window) rather than a point in time. */
export function isRegion(annotation: IncidentAnnotation): boolean {
  return annotation.timeEnd > annotation.time;
}

/** The annotation's window in Unix seconds, widened to whole seconds (PromQL ranges are written in seconds). */
export function incidentInterval(annotation: IncidentAnnotation): Interval {
  return { from: Math.floor(annotation.time / 1000), to: Math.ceil(annotation.timeEnd / 1000) };
}

/** The `ai-category:<id>` of a classified incident, or undefined before classification. */
export function categoryOf(annotation: IncidentAnnotation): string | undefined {
  const tag = annotation.tags.find((t) => t.startsWith(CATEGORY_TAG_PREFIX));
  return tag ? tag.slice(CATEGORY_TAG_PREFIX.length) : undefined;
}
