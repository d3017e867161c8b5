/**
 * One bundled dashboard made into one team's copy: its own uid, the team in the title, the `team`
 * variable pinned to that team, the data source variable defaulting to the provisioned data source,
 * and links rewritten to the team's copies. Pure and browser-safe, so the app can reuse it.
 */
import { escapeRegex } from '../core/metrics';
import { isRecord } from '../core/settings';
import { INCIDENT_TAG, TEAM_TAG_VARIABLE } from '../core/tags';
import { type Team } from './teams';

/** A dashboard model as Grafana stores it; only the fields this module reads are typed. */
export interface DashboardJson {
  uid: string;
  title: string;
  id?: number | null;
  tags?: string[];
  links?: DashboardLink[];
  templating?: { list?: TemplateVariable[] };
  [key: string]: unknown;
}

interface DashboardLink {
  type?: string;
  tags?: string[];
  url?: string;
  [key: string]: unknown;
}

interface VariableOption {
  text: string | string[];
  value: string | string[];
  selected?: boolean;
}

export interface TemplateVariable {
  name: string;
  type: string;
  query?: unknown;
  regex?: string;
  hide?: number;
  current?: VariableOption | Record<string, never>;
  options?: VariableOption[];
  includeAll?: boolean;
  [key: string]: unknown;
}

export interface DataSourceRef {
  uid: string;
  name: string;
}

export interface TeamDashboardOptions {
  /** The data source the `datasource` variable defaults to. */
  datasource: DataSourceRef;
  /** Bundled uid -> this team's uid, for every dashboard provisioned alongside (rewrites `/d/<uid>` links). */
  uidMap: ReadonlyMap<string, string>;
}

/** The problem with a dashboard that stops it from being provisioned. */
export class DashboardSourceError extends Error {}

/** Grafana rejects longer dashboard uids. */
export const GRAFANA_UID_MAX_LENGTH = 40;
const UID_PATTERN = /^[a-zA-Z0-9_-]+$/;

/** Tag that marks a team's copy; dashboard links that search by tag also get it, so they stay in the team. */
function teamTag(team: Pick<Team, 'name'>): string {
  return `team:${team.name}`;
}

/**
 * `<uid>-<team>`, or when that exceeds Grafana's 40 characters, its first 31 characters and a hash of the
 * whole, so two long names that share a prefix still get different, stable uids.
 */
export function teamDashboardUid(uid: string, teamName: string): string {
  const full = `${uid}-${teamName}`;
  if (full.length <= GRAFANA_UID_MAX_LENGTH) {
    return full;
  }
  const hash = fnv1a32(full);
  return `${full.slice(0, GRAFANA_UID_MAX_LENGTH - hash.length - 1)}-${hash}`;
}

/** Check that a parsed file is a dashboard this generator can copy; `source` names it in messages. */
export function assertDashboard(value: unknown, source: string): asserts value is DashboardJson {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DashboardSourceError(`${source}: not a dashboard (expected a JSON object)`);
  }
  const { uid, title, templating } = value as Record<string, unknown>;
  if (typeof uid !== 'string' || !UID_PATTERN.test(uid) || uid.length > GRAFANA_UID_MAX_LENGTH) {
    throw new DashboardSourceError(`${source}: 'uid' must be 1-40 letters, digits, '-' or '_'`);
  }
  if (typeof title !== 'string' || title.trim() === '') {
    throw new DashboardSourceError(`${source}: 'title' is missing`);
  }
  const list = (templating as { list?: unknown } | undefined)?.list;
  const hasTeam = Array.isArray(list) && list.some((v) => (v as { name?: unknown })?.name === 'team');
  if (!hasTeam) {
    throw new DashboardSourceError(
      `${source}: has no 'team' template variable to pin, so a team copy would show every team`
    );
  }
}

/** The team's copy of `dashboard`; the input is not modified. */
export function dashboardForTeam(dashboard: DashboardJson, team: Team, options: TeamDashboardOptions): DashboardJson {
  const uid = options.uidMap.get(dashboard.uid) ?? teamDashboardUid(dashboard.uid, team.name);
  let copy = resolveImportInputs(JSON.parse(JSON.stringify(dashboard)) as DashboardJson, options.datasource);
  copy = rewriteDashboardUrls(copy, options.uidMap) as DashboardJson;

  copy.id = null;
  copy.uid = uid;
  copy.title = `${dashboard.title} (${team.title})`;
  copy.tags = unique([...(copy.tags ?? []), teamTag(team)]);
  copy.links = (copy.links ?? []).map((link) =>
    link.type === 'dashboards' && link.tags && link.tags.length > 0
      ? { ...link, tags: unique([...link.tags, teamTag(team)]) }
      : link
  );
  if (isRecord(copy.annotations) && Array.isArray(copy.annotations.list)) {
    copy.annotations = {
      ...copy.annotations,
      list: copy.annotations.list
        .filter((query) => !isSelectedTeamQuery(query))
        .map((query) => incidentsOfTeam(query, team)),
    };
  }
  const variables = copy.templating?.list ?? [];
  copy.templating = {
    ...copy.templating,
    list: variables.map((variable) => pinVariable(variable, team, options.datasource)),
  };
  return copy;
}

function pinVariable(variable: TemplateVariable, team: Team, datasource: DataSourceRef): TemplateVariable {
  if (variable.name === 'team') {
    return pinnedTeamVariable(variable, team);
  }
  if (variable.type === 'datasource') {
    return {
      ...variable,
      current: { selected: true, text: datasource.name, value: datasource.uid },
    };
  }
  if (variable.name === 'service' && team.services) {
    return restrictVariable(variable, team.services);
  }
  if (variable.name === 'endpoint' && team.endpoints) {
    return restrictVariable(variable, team.endpoints);
  }
  return variable;
}

/** The bundled dashboards' "incidents of the selected team" query: a team's copy pins the first query instead. */
function isSelectedTeamQuery(query: unknown): boolean {
  return (
    isRecord(query) &&
    isRecord(query.target) &&
    Array.isArray(query.target.tags) &&
    query.target.tags.includes(TEAM_TAG_VARIABLE)
  );
}

/**
 * The `ai-incident` tag query shows every team's incidents; a team's copy shows those that also carry the
 * team's tag, which the app keeps on every incident it classifies. A query that ORs several tags is left as is.
 */
function incidentsOfTeam(query: unknown, team: Team): unknown {
  if (
    !isRecord(query) ||
    !isRecord(query.target) ||
    query.target.type !== 'tags' ||
    !Array.isArray(query.target.tags)
  ) {
    return query;
  }
  const { tags, matchAny } = query.target as { tags: unknown[]; matchAny?: boolean };
  if (!tags.includes(INCIDENT_TAG) || (matchAny && tags.length > 1)) {
    return query;
  }
  return {
    ...query,
    target: { ...query.target, tags: unique([...(tags as string[]), teamTag(team)]), matchAny: false },
  };
}

/**
 * A constant variable: Grafana documents constants as hidden values that users cannot change from the
 * dashboard, and skipUrlSync keeps a `var-team=` in a shared link from overriding it.
 */
function pinnedTeamVariable(variable: TemplateVariable, team: Team): TemplateVariable {
  const option = { selected: true, text: team.name, value: team.name };
  return {
    name: 'team',
    label: variable.label ?? 'Team',
    description: `Pinned to ${team.title} by aisre provision`,
    type: 'constant',
    query: team.name,
    hide: 2,
    skipUrlSync: true,
    current: option,
    options: [option],
  };
}

/** Offer only the team's own values: a regex filter on a query variable, the list itself on a custom one. */
function restrictVariable(variable: TemplateVariable, values: string[]): TemplateVariable {
  if (variable.type === 'custom') {
    const options = values.map((value, index) => ({
      selected: !variable.includeAll && index === 0,
      text: value,
      value,
    }));
    const current = variable.includeAll
      ? { selected: true, text: 'All', value: '$__all' }
      : { selected: true, text: values[0], value: values[0] };
    return { ...variable, query: values.join(','), options, current };
  }
  // Grafana reads the variable's regex between slashes.
  return { ...variable, regex: `/^(?:${values.map((v) => escapeRegex(v).replace(/\//g, '\\/')).join('|')})$/` };
}

/**
 * Dashboards exported for sharing use `${DS_…}` placeholders from `__inputs`, which file provisioning does
 * not fill in: put the provisioned data source's uid in their place.
 */
function resolveImportInputs(dashboard: DashboardJson, datasource: DataSourceRef): DashboardJson {
  const inputs = Array.isArray(dashboard.__inputs) ? (dashboard.__inputs as Array<Record<string, unknown>>) : [];
  const placeholders = inputs
    .filter((input) => input.type === 'datasource' && typeof input.name === 'string')
    .map((input) => `\${${input.name as string}}`);
  const { __inputs: _inputs, __requires: _requires, __elements: _elements, ...rest } = dashboard;
  if (placeholders.length === 0) {
    return rest as DashboardJson;
  }
  return mapStrings(rest, (text) =>
    placeholders.reduce((result, placeholder) => result.split(placeholder).join(datasource.uid), text)
  ) as DashboardJson;
}

/** Point `/d/<bundled uid>` links (dashboard links, panel links, data links) at the team's copies. */
function rewriteDashboardUrls(value: unknown, uidMap: ReadonlyMap<string, string>): unknown {
  if (uidMap.size === 0) {
    return value;
  }
  const pattern = new RegExp(`/d/(${[...uidMap.keys()].map(escapeRegex).join('|')})(?=[/?#"]|$)`, 'g');
  return mapStrings(value, (text) => text.replace(pattern, (_match, uid: string) => `/d/${uidMap.get(uid)}`));
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') {
    return map(value);
  }
  if (Array.isArray(value)) {
    return value.map((item) => mapStrings(item, map));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)]));
  }
  return value;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** 32-bit FNV-1a as 8 hex digits: a stable short hash without Node's crypto, so this runs in the browser too. */
function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
