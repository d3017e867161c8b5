/**
 * Grafana's annotations HTTP API, in memory, for the fake backend. The semantics follow Grafana 12's
 * pkg/api/annotations.go and pkg/services/annotations/annotationsimpl/xorm_store.go, including the parts
 * a client can trip over:
 * - GET filters by overlap (`time <= to AND timeEnd >= from`, only when both are given), `type`
 *   (annotation: alertId = 0, alert: alertId > 0), dashboardUID, panelId, userId, and tags: every tag must
 *   match unless `matchAny=true`; a filter tag `key` matches any stored `key:value`; default `limit` 100;
 *   newest first (timeEnd, then time, descending).
 * - Tags are parsed as Grafana's tag.ParseTagPairs does: split on ':' keeping the first two parts, trimmed,
 *   empty keys and duplicates dropped. POST stores the normalised tags; PUT/PATCH store the tags as sent but
 *   index the parsed ones for filtering.
 * - POST needs `text` (400 otherwise); time defaults to now, timeEnd to time, and time/timeEnd are swapped
 *   when reversed. PUT replaces text, tags and data (omitted tags clear the shown tags but, as in Grafana,
 *   not the filter index) and keeps time/timeEnd when they are 0. PATCH changes only what it is given.
 * - `updated` increases on every change (milliseconds, strictly), so a client can detect concurrent edits.
 * - Answers leave out zero-valued fields, as Grafana's ItemDTO (`omitempty` on every field) does.
 */

export interface Annotation {
  id: number;
  alertId: number;
  alertName: string;
  dashboardId: number;
  dashboardUID: string;
  panelId: number;
  userId: number;
  newState: string;
  prevState: string;
  created: number;
  updated: number;
  time: number;
  timeEnd: number;
  text: string;
  tags: string[];
  login: string;
  email: string;
  avatarUrl: string;
  /** Absent unless a client sent data. */
  data?: Record<string, unknown>;
}

/** What a test seeds: anything not given gets Grafana's defaults. */
export type AnnotationSeed = Partial<Annotation> & { time: number; text: string };

export interface ApiResult {
  status: number;
  body: unknown;
}

interface StoredAnnotation extends Annotation {
  /** The parsed tags Grafana filters on (its annotation_tag rows), as `key` or `key:value`. */
  tagIndex: Array<{ key: string; value: string }>;
}

/** Grafana's tag.ParseTagPairs: `a:b:c` is key a, value b; trimmed; empty keys and duplicates dropped. */
export function parseTagPairs(tags: string[]): Array<{ key: string; value: string }> {
  const parsed: Array<{ key: string; value: string }> = [];
  for (const pair of tags) {
    const parts = pair.includes(':') ? pair.split(':') : [pair, ''];
    const key = parts[0].trim();
    const value = (parts[1] ?? '').trim();
    if (key === '' || parsed.some((t) => t.key === key && t.value === value)) {
      continue;
    }
    parsed.push({ key, value });
  }
  return parsed;
}

const joinTagPairs = (tags: Array<{ key: string; value: string }>) =>
  tags.map((t) => (t.value ? `${t.key}:${t.value}` : t.key));

const message = (status: number, text: string): ApiResult => ({ status, body: { message: text } });

function asNumber(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : 0;
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

function asTags(value: unknown): string[] | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  return Array.isArray(value) ? value.map(String) : undefined;
}

export class AnnotationStore {
  private readonly items = new Map<number, StoredAnnotation>();
  private nextId = 1;
  private lastStamp = 0;

  constructor(
    seed: AnnotationSeed[] = [],
    private readonly now: () => number = Date.now
  ) {
    for (const item of seed) {
      this.insert(item);
    }
  }

  /** Every annotation, in id order, with every field (zero values included), for assertions. */
  all(): Annotation[] {
    return [...this.items.values()].map(({ tagIndex: _tagIndex, ...shown }) => ({ ...shown, tags: [...shown.tags] }));
  }

  /** Replaces every annotation with `seed` (ids restart after the highest seeded one): per-test data. */
  reset(seed: AnnotationSeed[] = []): void {
    this.items.clear();
    this.nextId = 1;
    for (const item of seed) {
      this.insert(item);
    }
  }

  get size(): number {
    return this.items.size;
  }

  private stamp(): number {
    this.lastStamp = Math.max(this.now(), this.lastStamp + 1);
    return this.lastStamp;
  }

  private insert(seed: AnnotationSeed): StoredAnnotation {
    const id = seed.id ?? this.nextId;
    this.nextId = Math.max(this.nextId, id + 1);
    const created = seed.created ?? this.stamp();
    const tagIndex = parseTagPairs(seed.tags ?? []);
    let time = seed.time || created;
    let timeEnd = seed.timeEnd || time;
    if (timeEnd < time) {
      [time, timeEnd] = [timeEnd, time];
    }
    const item: StoredAnnotation = {
      alertId: 0,
      alertName: '',
      dashboardId: 0,
      dashboardUID: '',
      panelId: 0,
      userId: 1,
      newState: '',
      prevState: '',
      login: 'admin',
      email: 'admin@localhost',
      avatarUrl: '/avatar/46d229b033af06a191ff2267bca9ae56',
      ...seed,
      id,
      created,
      updated: seed.updated ?? created,
      time,
      timeEnd,
      tags: joinTagPairs(tagIndex),
      tagIndex,
    };
    this.items.set(id, item);
    return item;
  }

  /**
   * An annotation as Grafana's API writes it: its ItemDTO marks every field `omitempty`, so zero values are
   * absent (no `alertId` for a user annotation, no `dashboardUID` for an organisation one, no `tags` when
   * there are none, no `data` unless some was sent). Clients must not expect them.
   */
  private shown(item: StoredAnnotation): Partial<Annotation> {
    const shown: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(item)) {
      const empty =
        value === undefined ||
        value === null ||
        value === 0 ||
        value === '' ||
        (Array.isArray(value) && value.length === 0);
      if (key !== 'tagIndex' && !empty) {
        shown[key] = Array.isArray(value) ? [...value] : value;
      }
    }
    return shown as Partial<Annotation>;
  }

  /** GET /api/annotations */
  find(query: URLSearchParams): ApiResult {
    const from = asNumber(query.get('from'));
    const to = asNumber(query.get('to'));
    const limit = asNumber(query.get('limit')) || 100;
    const type = query.get('type');
    const dashboardUID = query.get('dashboardUID');
    const dashboardId = asNumber(query.get('dashboardId'));
    const panelId = asNumber(query.get('panelId'));
    const userId = asNumber(query.get('userId'));
    const alertId = asNumber(query.get('alertId'));
    const matchAny = ['true', '1'].includes(query.get('matchAny') ?? '');
    const filterTags = parseTagPairs(query.getAll('tags'));
    const matches = [...this.items.values()].filter((item) => {
      if (from > 0 && to > 0 && !(item.time <= to && item.timeEnd >= from)) {
        return false;
      }
      if ((type === 'alert' && item.alertId <= 0) || (type === 'annotation' && item.alertId !== 0)) {
        return false;
      }
      if (dashboardUID && item.dashboardUID !== dashboardUID) {
        return false;
      }
      if ((dashboardId && item.dashboardId !== dashboardId) || (panelId && item.panelId !== panelId)) {
        return false;
      }
      if ((userId && item.userId !== userId) || (alertId && item.alertId !== alertId)) {
        return false;
      }
      if (filterTags.length > 0) {
        // Grafana counts the annotation's tags that match any filter tag (SUM(1) over annotation_tag).
        const hits = item.tagIndex.filter((t) =>
          filterTags.some((f) => f.key === t.key && (f.value === '' || f.value === t.value))
        ).length;
        return matchAny ? hits > 0 : hits === filterTags.length;
      }
      return true;
    });
    matches.sort((a, b) => b.timeEnd - a.timeEnd || b.time - a.time || b.id - a.id);
    return { status: 200, body: matches.slice(0, limit).map((item) => this.shown(item)) };
  }

  /** GET /api/annotations/:id */
  getOne(id: number): ApiResult {
    const item = this.items.get(id);
    return item ? { status: 200, body: this.shown(item) } : message(404, 'Annotation not found');
  }

  /** POST /api/annotations */
  add(body: Record<string, unknown>): ApiResult {
    if (typeof body.text !== 'string' || body.text === '') {
      return message(400, 'Failed to save annotation');
    }
    const item = this.insert({
      text: body.text,
      time: asNumber(body.time),
      timeEnd: asNumber(body.timeEnd),
      tags: asTags(body.tags) ?? [],
      dashboardUID: typeof body.dashboardUID === 'string' ? body.dashboardUID : '',
      dashboardId: asNumber(body.dashboardId),
      panelId: asNumber(body.panelId),
      data: body.data as Record<string, unknown> | undefined,
    });
    return { status: 200, body: { message: 'Annotation added', id: item.id } };
  }

  private update(
    item: StoredAnnotation,
    change: { text: string; time: number; timeEnd: number; tags: string[] | undefined; data?: Record<string, unknown> }
  ) {
    item.text = change.text;
    if (change.time !== 0) {
      item.time = change.time;
    }
    if (change.timeEnd !== 0) {
      item.timeEnd = change.timeEnd;
    }
    if (change.data !== undefined) {
      item.data = change.data;
    }
    if (change.tags !== undefined) {
      item.tagIndex = parseTagPairs(change.tags);
    }
    item.tags = change.tags ?? [];
    if (item.timeEnd < item.time) {
      [item.time, item.timeEnd] = [item.timeEnd, item.time];
    }
    item.updated = this.stamp();
  }

  /** PUT /api/annotations/:id */
  replace(id: number, body: Record<string, unknown>): ApiResult {
    const item = this.items.get(id);
    if (!item) {
      return message(404, 'Annotation not found');
    }
    this.update(item, {
      text: typeof body.text === 'string' ? body.text : '',
      time: asNumber(body.time),
      timeEnd: asNumber(body.timeEnd),
      tags: asTags(body.tags),
      data: body.data as Record<string, unknown> | undefined,
    });
    return message(200, 'Annotation updated');
  }

  /** PATCH /api/annotations/:id */
  patch(id: number, body: Record<string, unknown>): ApiResult {
    const item = this.items.get(id);
    if (!item) {
      return message(404, 'Annotation not found');
    }
    const text = typeof body.text === 'string' && body.text !== '' ? body.text : item.text;
    const time = asNumber(body.time) > 0 ? asNumber(body.time) : item.time;
    const timeEnd = asNumber(body.timeEnd) > 0 ? asNumber(body.timeEnd) : item.timeEnd;
    this.update(item, {
      text,
      time,
      timeEnd,
      tags: asTags(body.tags) ?? item.tags,
      data: body.data as Record<string, unknown> | undefined,
    });
    return message(200, 'Annotation patched');
  }

  /** DELETE /api/annotations/:id */
  remove(id: number): ApiResult {
    if (!this.items.delete(id)) {
      return message(404, 'Annotation not found');
    }
    return message(200, 'Annotation deleted');
  }
}
