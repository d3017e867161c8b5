/**
 * The annotation tag codec (docs/DESIGN.md "Annotation tags"): an incident's classification is stored as tags
 * on its Grafana region annotation, so every dashboard shows it. The plugin reads the tags it owns, changes
 * only those, and writes back the union: a tag someone else wrote is never dropped, even one the plugin
 * cannot read. Tags are case-sensitive, as Grafana stores them; surrounding whitespace is ignored.
 *
 *   ai-incident                      marks the incident window
 *   ai-ongoing                       the incident has not ended: a point annotation at its start, closed later
 *   ai-category:<category id>        taxonomy.ts
 *   ai-subcategory:<kebab-case id>
 *   ai-severity:investigate|page
 *   ai-status:open|classified|resolved
 *   team:<name>                      read, added, never removed by the plugin
 */
import { type CategoryId, isCategoryId } from './taxonomy';

export const INCIDENT_TAG = 'ai-incident';
/**
 * An incident that has not ended yet. Grafana has no open-ended region (its store makes `timeEnd` = `time` when
 * none is given: annotationsimpl/xorm_store.go validateTimeRange), so it is a point annotation at the start, which
 * every dashboard draws as a marker there, with this tag; closing it sets `timeEnd` and drops the tag.
 */
export const ONGOING_TAG = 'ai-ongoing';

export type Severity = 'investigate' | 'page';
export type IncidentStatus = 'open' | 'classified' | 'resolved';

const SEVERITIES: readonly Severity[] = ['investigate', 'page'];
const INCIDENT_STATUSES: readonly IncidentStatus[] = ['open', 'classified', 'resolved'];

export interface Classification {
  category?: CategoryId;
  subcategory?: string;
  severity?: Severity;
  status?: IncidentStatus;
  team?: string;
}

type Field = keyof Classification;

/** Tag prefix of each field, in the order new tags are written. */
const TAG_PREFIX: Readonly<Record<Field, string>> = {
  category: 'ai-category:',
  subcategory: 'ai-subcategory:',
  severity: 'ai-severity:',
  status: 'ai-status:',
  team: 'team:',
};

const FIELDS = Object.keys(TAG_PREFIX) as Field[];

/** The team tag as a dashboard asks for it: Grafana interpolates `${team}` in an annotation query's tags. */
export const TEAM_TAG_VARIABLE = `${TAG_PREFIX.team}\${team}`;

const KEBAB_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
// Team names as Grafana teams and Prometheus label values spell them; no whitespace, ':' or ',' (Grafana
// splits tag lists on commas and key:value pairs on the first colon), no quotes or backslashes.
const TEAM_NAME = /^[A-Za-z0-9][A-Za-z0-9._@/-]*$/;

const VALID: Readonly<Record<Field, (value: string) => boolean>> = {
  category: isCategoryId,
  subcategory: (value) => KEBAB_ID.test(value),
  severity: (value) => (SEVERITIES as readonly string[]).includes(value),
  status: (value) => (INCIDENT_STATUSES as readonly string[]).includes(value),
  team: (value) => TEAM_NAME.test(value),
};

/** A value that cannot be written into the tag scheme (it would not read back as itself). */
export class TagValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TagValueError';
  }
}

/** Which field a tag belongs to, or null for a foreign tag. `ai-category` without a value is still ours. */
function fieldOf(tag: string): Field | null {
  for (const field of FIELDS) {
    const prefix = TAG_PREFIX[field];
    if (tag.startsWith(prefix) || tag === prefix.slice(0, -1)) {
      return field;
    }
  }
  return null;
}

function valueOf(tag: string, field: Field): string {
  return tag.slice(TAG_PREFIX[field].length).trim();
}

/** Trimmed, empty ones left out (they are not tags), each once, first occurrence kept. */
function normalised(tags: string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim()).filter((tag) => tag !== ''))];
}

/** The tags of each owned field, as written (trimmed). */
function tagsByField(tags: string[]): Record<Field, string[]> {
  const byField = Object.fromEntries(FIELDS.map((field) => [field, [] as string[]])) as Record<Field, string[]>;
  for (const tag of tags) {
    const field = fieldOf(tag);
    if (field) {
      byField[field].push(tag);
    }
  }
  return byField;
}

/**
 * Reads what the plugin owns. A field is read when exactly one valid value is tagged (the same value
 * twice, or with different whitespace, is one value); tags it cannot read (`ai-category:nonsense`, two
 * different `ai-severity` tags, `ai-status:` with no value) are listed in `malformed`, never dropped.
 * One pass over the tags, no copies: the Incidents list reads 10,000 incidents' tags on every page load.
 */
export function readClassification(tags: string[]): { classification: Classification; malformed: string[] } {
  const values: Partial<Record<Field, string>> = {};
  let unreadable: Set<Field> | undefined;
  const owned: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim();
    const field = tag === '' ? null : fieldOf(tag);
    if (!field) {
      continue;
    }
    owned.push(tag);
    const value = valueOf(tag, field);
    const seen = values[field];
    if (seen === undefined) {
      values[field] = value;
    } else if (seen !== value) {
      (unreadable ??= new Set()).add(field);
    }
  }
  const classification: Classification = {};
  for (const field of FIELDS) {
    const value = values[field];
    if (value === undefined || unreadable?.has(field)) {
      continue;
    }
    if (VALID[field](value)) {
      (classification as Record<Field, string>)[field] = value;
    } else {
      (unreadable ??= new Set()).add(field);
    }
  }
  if (!unreadable) {
    return { classification, malformed: [] };
  }
  const bad = unreadable;
  // In the order they were tagged, each once, so the UI lists them as the annotation shows them.
  const malformed = [...new Set(owned.filter((tag) => bad.has(fieldOf(tag)!)))];
  return { classification, malformed };
}

function tagFor(field: Field, value: string): string {
  if (!VALID[field](value)) {
    throw new TagValueError(`'${value}' is not a valid ${field} for the tag ${TAG_PREFIX[field]}<${field}>`);
  }
  return `${TAG_PREFIX[field]}${value}`;
}

/**
 * The tags with `c` applied. The rule for each field of `c`:
 * - key absent: the field's tags stay as they are (readable or not);
 * - key present with a value: every tag of the field is replaced by `<prefix><value>`, in the place of the
 *   first one (or appended);
 * - key present and `undefined` (`{ subcategory: undefined }`): the field's tags are removed.
 * `team` is the exception: the plugin adds `team:<name>` when missing and never removes a team tag.
 * Every foreign tag is kept in its order, `ai-incident` is added first when missing, and no tag appears
 * twice. Idempotent: applying the same `c` again changes nothing. Throws TagValueError for a value the
 * scheme cannot hold (whitespace, ':' or ',', an unknown category).
 */
export function applyClassification(tags: string[], c: Classification): string[] {
  let result = normalised(tags);
  for (const field of FIELDS) {
    if (!Object.prototype.hasOwnProperty.call(c, field)) {
      continue;
    }
    const value = c[field];
    if (field === 'team') {
      if (value !== undefined && !result.includes(tagFor(field, value))) {
        result.push(tagFor(field, value));
      }
      continue;
    }
    const replacement = value === undefined ? [] : [tagFor(field, value)];
    const first = result.findIndex((tag) => fieldOf(tag) === field);
    const others = result.filter((tag) => fieldOf(tag) !== field);
    const at = first === -1 ? others.length : result.slice(0, first).filter((tag) => fieldOf(tag) !== field).length;
    result = [...others.slice(0, at), ...replacement, ...others.slice(at)];
  }
  return result.includes(INCIDENT_TAG) ? result : [INCIDENT_TAG, ...result];
}

export interface TagConflict {
  field: Field;
  /** The value the user chose, undefined when they removed it (unreadable tags are listed joined by ", "). */
  mine?: string;
  /** The value now on the server. */
  theirs?: string;
}

function sameTags(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

/** What a field's tags say, for showing a conflict: the value, or the raw tags when unreadable. */
function describeField(tags: string[], field: Field): string | undefined {
  if (tags.length === 0) {
    return undefined;
  }
  const read = readClassification(tags).classification[field];
  return read ?? tags.join(', ');
}

/**
 * A three-way merge for a concurrent edit: `base` = the tags when the annotation was loaded, `mine` = the
 * tags the user wants, `theirs` = the tags on the server now.
 * - Every other tag (foreign tags, `ai-incident`): kept if it is in `theirs`, unless the user removed it
 *   from `base`; added if the user added it.
 * - Each owned field (category, subcategory, severity, status, team), as a whole: the side that changed it
 *   wins; when both changed it to different things, that is a conflict: the merged tags keep `theirs`
 *   (what is on the server stays until the user decides) and the conflict carries both values for the UI.
 * Order: `theirs` order, then the user's additions in their order.
 */
export function mergeTags(
  base: string[],
  mine: string[],
  theirs: string[]
): { tags: string[]; conflicts: TagConflict[] } {
  const [b, m, t] = [normalised(base), normalised(mine), normalised(theirs)];
  const [bFields, mFields, tFields] = [tagsByField(b), tagsByField(m), tagsByField(t)];
  const conflicts: TagConflict[] = [];
  const keep = new Set<string>();

  for (const tag of new Set([...t, ...m])) {
    if (fieldOf(tag) === null) {
      const removedByMe = b.includes(tag) && !m.includes(tag);
      const addedByMe = m.includes(tag) && !b.includes(tag);
      if ((t.includes(tag) && !removedByMe) || addedByMe) {
        keep.add(tag);
      }
    }
  }
  for (const field of FIELDS) {
    const [bTags, mTags, tTags] = [bFields[field], mFields[field], tFields[field]];
    let chosen = tTags;
    if (sameTags(tTags, bTags)) {
      chosen = mTags;
    } else if (!sameTags(mTags, bTags) && !sameTags(mTags, tTags)) {
      conflicts.push({ field, mine: describeField(mTags, field), theirs: describeField(tTags, field) });
    }
    chosen.forEach((tag) => keep.add(tag));
  }
  const tags = [...t, ...m].filter((tag, i, all) => keep.has(tag) && all.indexOf(tag) === i);
  return { tags, conflicts };
}
