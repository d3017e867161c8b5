/**
 * The teams file: which teams get their own folder of dashboards, and the services and endpoints each owns.
 * Parsed and validated here, with messages that name the team and the field, before anything is written.
 */
import { parse as parseYaml } from 'yaml';
import { isRecord } from '../core/settings';

export interface Team {
  /** The `team` label value in the metrics; also the slug in dashboard uids. */
  name: string;
  /** Folder name in Grafana and the suffix of each dashboard title. */
  title: string;
  /** When set, the dashboards' `service` variable offers only these services. */
  services?: string[];
  /** When set, the dashboards' `endpoint` variable offers only these endpoints. */
  endpoints?: string[];
}

/** The teams file says something that cannot be provisioned; the message says what and where. */
export class TeamsFileError extends Error {}

/** Lower-case letters, digits, `-` and `_`, starting and ending with a letter or digit. */
const TEAM_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;

const TEAM_KEYS = new Set(['name', 'title', 'services', 'endpoints']);
const FILE_KEYS = new Set(['teams']);

/** Parse and validate a teams file (YAML or JSON text). `source` names the file in messages. */
export function parseTeamsFile(text: string, source = 'teams file'): Team[] {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new TeamsFileError(`${source}: not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isRecord(document)) {
    throw new TeamsFileError(
      `${source}: expected a mapping with a 'teams' list, e.g. "teams: [{ name: search, title: Search }]"`
    );
  }
  const unknownKeys = Object.keys(document).filter((key) => !FILE_KEYS.has(key));
  if (unknownKeys.length > 0) {
    throw new TeamsFileError(`${source}: unknown key(s) ${unknownKeys.map(quote).join(', ')}; only 'teams' is read`);
  }
  const list = document.teams;
  if (!Array.isArray(list)) {
    throw new TeamsFileError(`${source}: 'teams' must be a list of { name, title, services?, endpoints? }`);
  }
  if (list.length === 0) {
    throw new TeamsFileError(`${source}: 'teams' is empty; list at least one team`);
  }
  const teams = list.map((entry, index) => parseTeam(entry, `${source}: teams[${index}]`));
  rejectDuplicates(teams, source);
  return teams;
}

function parseTeam(entry: unknown, where: string): Team {
  if (!isRecord(entry)) {
    throw new TeamsFileError(`${where}: expected a mapping like { name: search, title: Search }`);
  }
  const unknownKeys = Object.keys(entry).filter((key) => !TEAM_KEYS.has(key));
  if (unknownKeys.length > 0) {
    throw new TeamsFileError(
      `${where}: unknown key(s) ${unknownKeys.map(quote).join(', ')}; a team has name, title, services, endpoints`
    );
  }
  const { name } = entry;
  if (typeof name !== 'string' || name.length === 0) {
    throw new TeamsFileError(`${where}: 'name' is required (the team label value, e.g. search)`);
  }
  if (!TEAM_NAME_PATTERN.test(name)) {
    throw new TeamsFileError(
      `${where}: name ${quote(name)} is not a valid slug: use 1-63 lower-case letters, digits, '-' or '_', ` +
        'starting and ending with a letter or digit'
    );
  }
  const title = entry.title === undefined ? name : entry.title;
  const titleProblem = folderTitleProblem(title);
  if (titleProblem) {
    throw new TeamsFileError(`${where} (${name}): title ${titleProblem}`);
  }
  const team: Team = { name, title: (title as string).trim() };
  const services = stringList(entry.services, `${where} (${name}): services`);
  const endpoints = stringList(entry.endpoints, `${where} (${name}): endpoints`);
  if (services) {
    team.services = services;
  }
  if (endpoints) {
    team.endpoints = endpoints;
  }
  return team;
}

/** The title becomes a directory name that Grafana turns into a folder: it must be one path segment. */
function folderTitleProblem(title: unknown): string | undefined {
  if (typeof title !== 'string' || title.trim().length === 0) {
    return 'must be a non-empty string';
  }
  const trimmed = title.trim();
  if (trimmed.length > 100) {
    return `${quote(trimmed)} is longer than 100 characters`;
  }
  if (/[/\\\u0000-\u001f]/.test(trimmed) || trimmed === '.' || trimmed === '..') {
    return `${quote(trimmed)} cannot be a folder name (no '/', '\\', control characters, '.' or '..')`;
  }
  if (/\.ya?ml$/i.test(trimmed)) {
    // Grafana reads every *.yaml beside the dashboards provider as a provider config.
    return `${quote(trimmed)} cannot end in .yaml or .yml`;
  }
  return undefined;
}

function stringList(value: unknown, where: string): string[] | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw new TeamsFileError(`${where} must be a non-empty list of names, or left out`);
  }
  const names = value.map((item) => (typeof item === 'number' ? String(item) : item));
  const bad = names.find((item) => typeof item !== 'string' || item.length === 0);
  if (bad !== undefined) {
    throw new TeamsFileError(`${where}: ${JSON.stringify(bad)} is not a name`);
  }
  const seen = new Set<string>();
  for (const item of names as string[]) {
    if (seen.has(item)) {
      throw new TeamsFileError(`${where}: ${quote(item)} is listed twice`);
    }
    seen.add(item);
  }
  return names as string[];
}

function rejectDuplicates(teams: Team[], source: string) {
  const byName = new Map<string, number>();
  const byTitle = new Map<string, number>();
  teams.forEach((team, index) => {
    const sameName = byName.get(team.name);
    if (sameName !== undefined) {
      throw new TeamsFileError(`${source}: teams[${sameName}] and teams[${index}] are both named ${quote(team.name)}`);
    }
    byName.set(team.name, index);
    // Folder names compare case-insensitively on macOS and Windows checkouts, and in Grafana's folder search.
    const titleKey = team.title.toLowerCase();
    const sameTitle = byTitle.get(titleKey);
    if (sameTitle !== undefined) {
      throw new TeamsFileError(
        `${source}: teams[${sameTitle}] and teams[${index}] have the same folder title ${quote(team.title)}`
      );
    }
    byTitle.set(titleKey, index);
  });
}

function quote(value: string): string {
  return `'${value}'`;
}
