/**
 * The `ai-incident` region annotations (the incident windows SREs mark on dashboards) through Grafana's
 * annotations HTTP API (https://grafana.com/docs/grafana/latest/developer-resources/api-reference/http-api/annotations/).
 * The impact panel reads the incidents in a range; the Incidents pages list them all, read one, mark new ones and
 * write classifications back as tags.
 *
 * What Grafana does, and what this module relies on (grafana/grafana pkg/api/annotations.go and
 * pkg/services/annotations/annotationsimpl/xorm_store.go):
 * - `GET /api/annotations?tags=ai-incident&type=annotation&from=<ms>&to=<ms>&limit=<n>` returns the annotations
 *   carrying every tag that overlap [from, to] (`time <= to AND timeEnd >= from`, applied only when both are > 0),
 *   at most `limit` (default 100), ordered by timeEnd then time, newest first. There is no offset: we page by
 *   moving `to` back (see listIncidents).
 * - `GET /api/annotations/:id` returns one annotation (404 when it does not exist; pkg/api/api.go registers it in
 *   the Grafana versions this app supports, >= 12.4).
 * - `POST /api/annotations {time, timeEnd, tags, text, dashboardUID?}` -> `{id, message}`; `text` is required.
 * - `PATCH /api/annotations/:id {tags}` changes only what it is given: the text, times and dashboard stay.
 *   Grafana has no conditional update (no version or ETag), so a read-modify-write is the best a client can do:
 *   updateIncidentTags re-reads right before it writes and refuses to write over a change it did not see.
 * Tag scheme (docs/DESIGN.md; codec in src/core/tags.ts): `ai-incident`, `ai-category:<id>`, `ai-subcategory:<id>`,
 * `ai-severity:…`, `ai-status:…`, `team:<name>`; every other tag is someone else's and is written back unchanged.
 * An ongoing incident (not ended yet) is a point annotation at its start tagged `ai-ongoing` (src/core/tags.ts says
 * why); the app reads it as a window up to now, and closeIncident gives it its end.
 */
import { INCIDENT_TAG, mergeTags, ONGOING_TAG, type TagConflict } from '../core/tags';
import { type Interval } from '../core/source';
import { GrafanaApiError, grafanaRequest } from './grafanaApi';
import { logger } from './logger';

export { GrafanaApiError, isPermissionError } from './grafanaApi';

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
  /** The panel it was marked on (Grafana's panel id on that dashboard), when it was marked on one. */
  panelId?: number;
  /** When Grafana last changed it (Unix ms), when it says. */
  updated?: number;
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

interface AnnotationJSON {
  id?: number;
  time?: number;
  timeEnd?: number;
  text?: string;
  tags?: string[] | null;
  dashboardUID?: string | null;
  panelId?: number;
  updated?: number;
}

/** Where a request goes, how long it may take, and what cancels it. */
interface RequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

function isAnnotation(item: AnnotationJSON | null | undefined): item is AnnotationJSON & { id: number; time: number } {
  return typeof item?.id === 'number' && typeof item.time === 'number';
}

function toIncident(item: AnnotationJSON & { id: number; time: number }): IncidentAnnotation {
  const incident: IncidentAnnotation = {
    id: item.id,
    time: item.time,
    timeEnd: typeof item.timeEnd === 'number' && item.timeEnd > 0 ? item.timeEnd : item.time,
    text: item.text ?? '',
    tags: item.tags ?? [],
    dashboardUID: item.dashboardUID || null,
    updated: typeof item.updated === 'number' ? item.updated : undefined,
  };
  // Set, not spread in: a list reads 10,000 of these.
  if (typeof item.panelId === 'number' && item.panelId > 0) {
    incident.panelId = item.panelId;
  }
  return incident;
}

/** One GET; without `from`/`to` Grafana applies no time filter at all. */
async function findAnnotations(
  query: Omit<IncidentQuery, 'from' | 'to'> & { from?: number; to?: number },
  options: RequestOptions = {}
): Promise<IncidentAnnotation[]> {
  const range =
    query.from !== undefined && query.to !== undefined ? { from: Math.floor(query.from), to: Math.ceil(query.to) } : {};
  const items = await grafanaRequest<AnnotationJSON[]>({
    url: '/api/annotations',
    method: 'GET',
    params: { tags: query.tags ?? [INCIDENT_TAG], type: 'annotation', ...range, limit: query.limit ?? 100 },
    what: 'the incident annotations',
    ...options,
  });
  return (Array.isArray(items) ? items : []).filter(isAnnotation).map(toIncident);
}

/** The `ai-incident` annotations overlapping a time range, oldest first (one request: at most `limit`). */
export async function fetchIncidentAnnotations(query: IncidentQuery): Promise<IncidentAnnotation[]> {
  const items = await findAnnotations(query);
  return items.sort((a, b) => a.time - b.time || a.id - b.id);
}

export interface ListIncidentsOptions extends RequestOptions {
  /** Unix ms; with `to`, the incidents overlapping [from, to]. Default: every incident, past and future. */
  from?: number;
  to?: number;
  /** Annotations per request (default 500; Grafana's own default is 100 and it does not cap `limit`). */
  pageSize?: number;
  /** Stop after this many incidents, the newest (default 10,000). */
  maxIncidents?: number;
  /** Leave point annotations in (default: regions only, as an incident is a window). */
  includePoints?: boolean;
  /** Requests in flight at once after the first page (default 4), so a big list does not flood Grafana. */
  concurrency?: number;
  /**
   * Called once with the first page, before the rest is read (first rows early); the rest is read once what it
   * returns resolves (the Incidents page draws the first rows first). Once only: a list of 10,000 re-sorted and
   * re-rendered after each request costs more than the requests themselves.
   */
  onProgress?: (partial: IncidentList) => void | Promise<void>;
}

export interface IncidentList {
  /** Newest first: by start, then end, then id. */
  incidents: IncidentAnnotation[];
  /** More incidents exist than `maxIncidents`: only the newest are listed. */
  truncated: boolean;
  maxIncidents: number;
  /** `ai-incident` point annotations left out (an incident is a window). */
  pointsIgnored: number;
  /** Requests it took (for the docs' numbers, and tests). */
  requests: number;
  /** false while more pages are still being read (only in onProgress). */
  complete: boolean;
}

/** Widening a stalled page: at most this many times the page size in one request. */
const MAX_STALL_GROWTH = 64;

/** What the pages of a listing have read so far, de-duplicated by id. */
class Listing {
  readonly seen = new Map<number, IncidentAnnotation>();
  requests = 0;
  /** Incidents among the annotations seen (what the cap counts). */
  listed = 0;

  constructor(private readonly options: ListIncidentsOptions & { maxIncidents: number }) {}

  /** Adds a page; returns the annotations it had not seen. */
  add(page: IncidentAnnotation[]): IncidentAnnotation[] {
    this.requests++;
    const fresh = page.filter((item) => !this.seen.has(item.id));
    for (const item of fresh) {
      this.seen.set(item.id, item);
      if (this.options.includePoints || isRegion(item)) {
        this.listed++;
      }
    }
    return fresh;
  }

  get full(): boolean {
    return this.listed > this.options.maxIncidents;
  }

  list(complete: boolean): IncidentList {
    const all = [...this.seen.values()];
    const regions = this.options.includePoints ? all : all.filter(isRegion);
    const incidents = regions.sort(newestFirst);
    const { maxIncidents } = this.options;
    const truncated = incidents.length > maxIncidents;
    if (truncated) {
      incidents.length = maxIncidents;
    }
    return {
      incidents,
      truncated,
      maxIncidents,
      pointsIgnored: all.length - regions.length,
      requests: this.requests,
      complete,
    };
  }
}

/**
 * Every annotation overlapping [from, to], one request after another (Grafana has `limit` but no offset, and
 * returns the annotations with the latest `timeEnd` first). After each full page we ask again with `to` = the
 * earliest `timeEnd` on that page: every annotation not yet seen ends at or before it, hence starts at or before
 * it, hence still overlaps the new range. Annotations seen before come again (ties, long regions) and are
 * de-duplicated by id. A page shorter than asked ends it. A full page that gets no earlier (more than a page of
 * annotations ending at the same instant) is asked again with a doubled limit.
 */
async function pageThrough(
  listing: Listing,
  range: { from: number; to?: number },
  pageSize: number,
  options: ListIncidentsOptions,
  firstPage?: IncidentAnnotation[]
): Promise<void> {
  let to = range.to;
  let limit = pageSize;
  for (let page = firstPage; ; page = undefined) {
    if (!page) {
      page = await findAnnotations(to === undefined ? { limit } : { from: range.from, to, limit }, options);
      listing.add(page);
    }
    if (page.length < limit || listing.full) {
      return;
    }
    const earliest = earliestEnd(page);
    if (to === undefined || earliest < to) {
      limit = pageSize;
      to = earliest;
    } else if (limit < pageSize * MAX_STALL_GROWTH) {
      limit *= 2;
    } else {
      throw new GrafanaApiError(
        `more than ${limit} incident annotations end at the same time: cannot page past them`,
        undefined,
        'server'
      );
    }
  }
}

/** A loop, not Math.min(...page): a page can hold more annotations than a call can take arguments. */
function earliestEnd(page: IncidentAnnotation[]): number {
  let earliest = Infinity;
  for (const item of page) {
    earliest = Math.min(earliest, item.timeEnd);
  }
  return earliest;
}

/** The rest is read in slices of about this many first pages' worth of incidents: few requests, each one quick. */
const SLICE_PAGES = 4;

/**
 * Every `ai-incident` annotation overlapping [from, to], newest first, past Grafana's per-request limit. The first
 * page says how densely incidents lie (its span of `timeEnd`s); with `onProgress` it is shown before the rest is read.
 * The rest is read at once in at most `concurrency` slices: `concurrency - 1` slices of SLICE_PAGES times the first
 * page's span, newest first, and one with everything older (a gap of years, or the start of the history, costs
 * nothing more). Each slice is paged through (pageThrough) with a limit twice what it should hold, so most are read
 * in one request. A slice's query returns what overlaps it: long regions from newer slices come again and are
 * de-duplicated by id. With a `from`, one more request beside the first page lists the incidents still ongoing that
 * started before it (ongoingBefore), so an open incident shows in every range.
 */
export async function listIncidents(options: ListIncidentsOptions = {}): Promise<IncidentList> {
  const pageSize = options.pageSize ?? 500;
  const maxIncidents = options.maxIncidents ?? 10_000;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  // Grafana filters on time only when both ends are > 0: 1 ms stands for "since the epoch" once paging needs a `to`.
  const from = Math.max(1, Math.floor(options.from ?? 1));
  const to = options.to === undefined ? undefined : Math.ceil(options.to);
  const listing = new Listing({ ...options, maxIncidents });

  const [first, ongoing] = await Promise.all([
    findAnnotations(to === undefined ? { limit: pageSize } : { from, to, limit: pageSize }, options),
    options.from === undefined ? undefined : ongoingBefore({ from, to }, options),
  ]);
  listing.add(first);
  if (ongoing) {
    listing.add(ongoing);
  }
  if (first.length < pageSize) {
    return listing.list(true);
  }
  await options.onProgress?.(listing.list(false));
  const newest = Math.max(...first.map((item) => item.timeEnd));
  let cursor = earliestEnd(first);
  if (cursor >= newest) {
    // The whole first page ends at one instant: no density to slice by, page through one request after another.
    await pageThrough(listing, { from, to }, pageSize, options, first);
    return listing.list(true);
  }
  const span = (newest - cursor) * SLICE_PAGES;
  const slices: Array<{ from: number; to: number }> = [];
  while (cursor > from && slices.length < concurrency - 1) {
    slices.push({ from: Math.max(from, cursor - span), to: cursor });
    cursor -= span;
  }
  if (cursor > from) {
    slices.push({ from, to: cursor });
  }
  await Promise.all(slices.map((slice) => pageThrough(listing, slice, pageSize * SLICE_PAGES * 2, options)));
  return listing.list(true);
}

/** Ongoing incidents one request lists, whatever their start: far more than a team keeps open at once. */
const ONGOING_LIMIT = 1000;

/**
 * The ongoing incidents that started before `from` yet overlap [from, to]. Grafana matches a range by overlap
 * (`epoch <= to AND epoch_end >= from`, xorm_store.go), and an ongoing incident is a point at its start, so the
 * range's own requests miss it once it started before `from`; without from/to Grafana applies no time filter, and
 * both tags must match. The others come with the range's pages (de-duplicated by id).
 */
async function ongoingBefore(
  range: { from: number; to?: number },
  options: RequestOptions
): Promise<IncidentAnnotation[]> {
  const now = Date.now();
  const found = await findAnnotations({ tags: [INCIDENT_TAG, ONGOING_TAG], limit: ONGOING_LIMIT }, options);
  return found.filter(
    (a) =>
      isOngoing(a) &&
      a.time < range.from &&
      incidentWindow(a, now).timeEnd >= range.from &&
      (range.to === undefined || a.time <= range.to)
  );
}

/** Newest first: by start, then end, then id (stable for equal windows). */
function newestFirst(a: IncidentAnnotation, b: IncidentAnnotation): number {
  return b.time - a.time || b.timeEnd - a.timeEnd || b.id - a.id;
}

/**
 * One annotation by id: `GET /api/annotations/:id`. Where that answers 404 and the window is known (the incident
 * page's URL carries it), the annotation is looked for in that window by tag, which also serves a Grafana (or a
 * proxy in front of it) without the GET by id route. Throws a GrafanaApiError of kind `not_found` when neither finds it.
 */
export async function getIncident(
  id: number,
  window?: { time: number; timeEnd: number },
  timeoutMs?: number
): Promise<IncidentAnnotation> {
  try {
    const item = await grafanaRequest<AnnotationJSON>({
      url: `/api/annotations/${encodeURIComponent(String(id))}`,
      method: 'GET',
      what: `incident annotation ${id}`,
      timeoutMs,
    });
    if (!isAnnotation(item)) {
      throw new GrafanaApiError(`Grafana gave an unreadable answer for incident annotation ${id}`, 200, 'server');
    }
    return toIncident(item);
  } catch (error) {
    if (!(error instanceof GrafanaApiError && error.kind === 'not_found' && window)) {
      throw error;
    }
  }
  const found = await findAnnotations(
    { from: Math.max(1, window.time), to: Math.max(1, window.timeEnd), limit: 1000 },
    { timeoutMs }
  );
  const item = found.find((a) => a.id === id);
  if (!item) {
    throw new GrafanaApiError(`incident annotation ${id} was not found: it may have been deleted`, 404, 'not_found');
  }
  return item;
}

export interface NewIncident {
  /** Unix ms. */
  time: number;
  /** Unix ms; ignored for an ongoing incident. */
  timeEnd: number;
  /** Not ended yet: stored as a point at `time` tagged `ai-ongoing`, closed later with closeIncident. */
  ongoing?: boolean;
  text: string;
  tags: string[];
  /** Shown on that dashboard only when set; organisation-wide (every dashboard with an `ai-incident` query) when not. */
  dashboardUID?: string;
}

/** Marks an incident window: `POST /api/annotations`. Resolves with the new annotation as Grafana stores it. */
export async function createIncident(incident: NewIncident, timeoutMs?: number): Promise<IncidentAnnotation> {
  if (!incident.ongoing && !(incident.timeEnd > incident.time)) {
    throw new GrafanaApiError('an incident window must end after it starts', undefined, 'invalid');
  }
  if (!incident.text.trim()) {
    // Grafana answers 400 "Failed to save annotation" without text; say what is missing instead.
    throw new GrafanaApiError('an incident needs a description', undefined, 'invalid');
  }
  const withIncident = incident.tags.includes(INCIDENT_TAG) ? incident.tags : [INCIDENT_TAG, ...incident.tags];
  const tags = incident.ongoing && !withIncident.includes(ONGOING_TAG) ? [...withIncident, ONGOING_TAG] : withIncident;
  const time = Math.floor(incident.time);
  const body = {
    time,
    timeEnd: incident.ongoing ? time : Math.ceil(incident.timeEnd),
    tags,
    text: incident.text,
    ...(incident.dashboardUID ? { dashboardUID: incident.dashboardUID } : {}),
  };
  const answer = await grafanaRequest<{ id?: number }>({
    url: '/api/annotations',
    method: 'POST',
    data: body,
    what: 'marking the incident',
    timeoutMs,
  });
  if (typeof answer?.id !== 'number') {
    throw new GrafanaApiError('Grafana did not say which annotation it created', 200, 'server');
  }
  return {
    id: answer.id,
    time: body.time,
    timeEnd: body.timeEnd,
    text: body.text,
    tags,
    dashboardUID: incident.dashboardUID ?? null,
  };
}

/** The outcome of a tag write: written, or not written because someone else changed the annotation. */
export type TagUpdate =
  | { kind: 'saved'; incident: IncidentAnnotation }
  | {
      kind: 'conflict';
      /** The annotation as it was loaded (what the user's edit started from). */
      loaded: IncidentAnnotation;
      /** The annotation as Grafana has it now. */
      current: IncidentAnnotation;
      /** The tags the user wants. */
      mine: string[];
      /** Both changes merged by src/core/tags.ts; `conflicts` lists the fields both changed differently. */
      merged: string[];
      conflicts: TagConflict[];
      /** What changed under the user: tags, text or both. */
      changed: Array<'tags' | 'text'>;
    };

function sameTags(a: string[], b: string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((tag, i) => tag === right[i]);
}

/**
 * Writes `tags` to the annotation `loaded` describes, by read-modify-write: re-reads it right before the
 * `PATCH /api/annotations/:id {tags}`, and writes only when its tags and text are still what was loaded. If not,
 * nothing is written and the conflict carries both versions and their merge, for the user to confirm (then call
 * again with `current` as the base). PATCH leaves the text and window alone.
 */
export async function updateIncidentTags(
  loaded: IncidentAnnotation,
  tags: string[],
  timeoutMs?: number
): Promise<TagUpdate> {
  const current = await getIncident(loaded.id, loaded, timeoutMs);
  const changed: Array<'tags' | 'text'> = [];
  if (!sameTags(current.tags, loaded.tags)) {
    changed.push('tags');
  }
  if (current.text !== loaded.text) {
    changed.push('text');
  }
  if (changed.length > 0) {
    const { tags: merged, conflicts } = mergeTags(loaded.tags, tags, current.tags);
    return { kind: 'conflict', loaded, current, mine: tags, merged, conflicts, changed };
  }
  await grafanaRequest<unknown>({
    url: `/api/annotations/${encodeURIComponent(String(loaded.id))}`,
    method: 'PATCH',
    data: { tags },
    what: `saving the classification of incident ${loaded.id}`,
    timeoutMs,
  });
  return { kind: 'saved', incident: { ...current, tags: [...tags] } };
}

/**
 * Not ended yet: tagged `ai-ongoing` and still a point. A region that kept the tag (its end set by dragging it on
 * a dashboard) has ended.
 */
export function isOngoing(annotation: Pick<IncidentAnnotation, 'time' | 'timeEnd' | 'tags'>): boolean {
  return annotation.tags.includes(ONGOING_TAG) && !(annotation.timeEnd > annotation.time);
}

/** A region (a window) rather than a point in time; an ongoing incident is a window up to now. */
export function isRegion(annotation: IncidentAnnotation): boolean {
  return annotation.timeEnd > annotation.time || isOngoing(annotation);
}

/** The incident's window in Unix ms: an ongoing one ends `now`. */
export function incidentWindow(annotation: IncidentAnnotation, now = Date.now()): { time: number; timeEnd: number } {
  return {
    time: annotation.time,
    timeEnd: isOngoing(annotation) ? Math.max(now, annotation.time) : annotation.timeEnd,
  };
}

/**
 * The annotation's window in Unix seconds, widened to whole seconds (PromQL ranges are written in seconds); an
 * ongoing incident's ends `now`.
 */
export function incidentInterval(annotation: IncidentAnnotation, now = Date.now()): Interval {
  const window = incidentWindow(annotation, now);
  return { from: Math.floor(window.time / 1000), to: Math.ceil(window.timeEnd / 1000) };
}

/** Other incidents' windows, to leave out of a baseline: every region but the one being reported on. */
export function otherIncidentWindows(incidents: IncidentAnnotation[], current?: IncidentAnnotation): Interval[] {
  return incidents.filter((a) => isRegion(a) && a.id !== current?.id).map(incidentInterval);
}

/** Incidents read for baseline exclusions: far more than a baseline ever overlaps, in one request. */
const EXCLUSION_LIMIT = 1000;

/**
 * The windows of the other incidents that overlap `baseline`, to leave out of it (the panel and the incident page).
 * When annotations cannot be read the report is still right, only less careful: no exclusions, and a note saying so.
 */
export async function baselineExclusions(
  baseline: Interval,
  current?: IncidentAnnotation
): Promise<{ excluded: Interval[]; note?: string }> {
  try {
    const overlapping = await fetchIncidentAnnotations({
      from: baseline.from * 1000,
      to: baseline.to * 1000,
      limit: EXCLUSION_LIMIT,
    });
    return { excluded: otherIncidentWindows(overlapping, current) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.warn('incident annotations unreadable: baseline without exclusions', { error: message });
    return {
      excluded: [],
      note: `Other incidents could not be read, so none is left out of the baseline (${message}).`,
    };
  }
}

/**
 * Moves an incident's window or rewrites its text: `PATCH /api/annotations/:id {time, timeEnd, text}` without
 * tags, so Grafana keeps every tag it holds (pkg/api/annotations.go PatchAnnotation replaces tags only when
 * given), including any written since the page loaded. Grafana ignores an empty text, so one is refused here.
 * An ongoing incident moves as a point (`timeEnd` = `time`) and stays ongoing: closeIncident ends it.
 */
export async function editIncident(
  incident: IncidentAnnotation,
  edit: { time: number; timeEnd: number; text: string },
  timeoutMs?: number
): Promise<IncidentAnnotation> {
  if (!edit.text.trim()) {
    throw new GrafanaApiError('An incident needs a description: the text cannot be empty.', undefined, 'invalid');
  }
  const ongoing = isOngoing(incident);
  if (!ongoing && !(edit.timeEnd > edit.time)) {
    throw new GrafanaApiError('The window must end after it starts.', undefined, 'invalid');
  }
  const data = ongoing ? { ...edit, timeEnd: edit.time } : edit;
  await grafanaRequest<unknown>({
    url: `/api/annotations/${encodeURIComponent(String(incident.id))}`,
    method: 'PATCH',
    data,
    what: `saving the window and text of incident ${incident.id}`,
    timeoutMs,
  });
  return getIncident(incident.id, data, timeoutMs);
}

/**
 * Closes an ongoing incident: re-reads it, then `PATCH /api/annotations/:id {timeEnd, tags}` with the tags it has
 * now less `ai-ongoing`, so every other tag (classification, team, anyone's, even one written since the page
 * loaded) is kept. Grafana's PatchAnnotation sets `timeEnd` when it is given and > 0, and the tags when given.
 */
export async function closeIncident(
  incident: IncidentAnnotation,
  end: number,
  timeoutMs?: number
): Promise<IncidentAnnotation> {
  const current = await getIncident(incident.id, incident, timeoutMs);
  const timeEnd = Math.ceil(end);
  if (!(timeEnd > current.time)) {
    throw new GrafanaApiError('The incident must end after it started.', undefined, 'invalid');
  }
  const tags = current.tags.filter((tag) => tag !== ONGOING_TAG);
  await grafanaRequest<unknown>({
    url: `/api/annotations/${encodeURIComponent(String(incident.id))}`,
    method: 'PATCH',
    data: { timeEnd, tags },
    what: `closing incident ${incident.id}`,
    timeoutMs,
  });
  return getIncident(incident.id, { time: current.time, timeEnd }, timeoutMs);
}
