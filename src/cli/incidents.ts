/**
 * Other incidents to leave out of the baseline, for `aisre impact`: `--exclude <from>..<to>` windows, and with
 * `--exclude-incidents` the `ai-incident` region annotations Grafana holds, read as the panel and the incident
 * page read them (src/shared/annotations.ts): those overlapping the baseline, regions only, widened to whole
 * seconds. Grafana's API (pkg/api/annotations.go, GetAnnotations): `GET /api/annotations?tags=ai-incident&
 * type=annotation&from=<ms>&to=<ms>&limit=<n>` answers a JSON array of items with `time` and `timeEnd` in Unix ms,
 * filtered by overlap (`time <= to AND timeEnd >= from`) and every tag given; 401 without a valid token, 403
 * without annotations:read. The token is sent as `Authorization: Bearer` and never printed.
 */
import { type Interval } from '../core/source';
import { INCIDENT_TAG } from '../core/tags';
import { readSecretFile, withoutSecrets } from './connection';
import { UsageError } from './errors';
import { parseTime } from './time';

/** The environment variable the Grafana token is read from when no `--grafana-token-file` is given. */
export const GRAFANA_TOKEN_ENV = 'GRAFANA_TOKEN';
/** Incidents read in one request: as many as the panel reads for its baseline (src/shared/annotations.ts). */
const INCIDENT_LIMIT = 1000;

/** `--exclude <from>..<to>`, each side any time `--from` takes. */
export function parseExclude(spec: string, now: number): Interval {
  const sides = spec.split('..');
  if (sides.length !== 2) {
    throw new UsageError(
      `--exclude must be <from>..<to>, e.g. 2026-11-20T01:00:00Z..2026-11-20T01:30:00Z, not '${spec}'`
    );
  }
  const from = parseTime(sides[0], '--exclude start', now);
  const to = parseTime(sides[1], '--exclude end', now);
  if (to <= from) {
    throw new UsageError(`--exclude ${spec}: the end must be after the start`);
  }
  return { from, to };
}

export interface GrafanaIncidentSource {
  url: string;
  token?: string;
  timeoutMs: number;
}

/** `--grafana`, its token (file, else $GRAFANA_TOKEN), checked; nothing is sent yet. */
export function parseGrafana(
  values: { grafana?: string; 'grafana-token-file'?: string },
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env
): GrafanaIncidentSource {
  if (!values.grafana) {
    throw new UsageError('--exclude-incidents needs --grafana <url> (the Grafana that holds the incident annotations)');
  }
  let url: URL;
  try {
    url = new URL(values.grafana);
  } catch {
    throw new UsageError(`--grafana must be a URL such as https://grafana.example.com, not '${values.grafana}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--grafana must be an http or https URL, not ${url.protocol}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new UsageError(
      '--grafana must be the base URL only: no credentials (use --grafana-token-file or $GRAFANA_TOKEN), no ?query or #fragment'
    );
  }
  const file = values['grafana-token-file'];
  const token = file !== undefined ? readSecretFile(file, '--grafana-token-file') : env[GRAFANA_TOKEN_ENV] || undefined;
  return { url: url.toString().replace(/\/+$/, ''), token, timeoutMs };
}

/** Grafana did not give the incidents: the report is not written (exit 1), rather than written without them. */
class IncidentReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncidentReadError';
  }
}

/** The windows of the `ai-incident` regions overlapping `range`, oldest first. */
export async function fetchIncidentWindows(grafana: GrafanaIncidentSource, range: Interval): Promise<Interval[]> {
  const query = new URLSearchParams({
    tags: INCIDENT_TAG,
    type: 'annotation',
    from: String(Math.floor(range.from * 1000)),
    to: String(Math.ceil(range.to * 1000)),
    limit: String(INCIDENT_LIMIT),
  });
  const where = `${grafana.url}/api/annotations`;
  const secrets = grafana.token ? [grafana.token] : [];
  const fail = (why: string) =>
    new IncidentReadError(withoutSecrets(`cannot read the incident annotations from ${where}: ${why}`, secrets));
  let response: Response;
  try {
    response = await fetch(`${where}?${query}`, {
      headers: { Accept: 'application/json', ...(grafana.token ? { Authorization: `Bearer ${grafana.token}` } : {}) },
      redirect: 'error',
      signal: AbortSignal.timeout(grafana.timeoutMs),
    });
  } catch (error) {
    const name = (error as { name?: string })?.name;
    throw fail(
      name === 'TimeoutError'
        ? `no answer within ${grafana.timeoutMs / 1000} s`
        : `${error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)}`
    );
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    let detail = '';
    try {
      detail = String((JSON.parse(text) as { message?: unknown }).message ?? '');
    } catch {
      detail = '';
    }
    const hint =
      response.status === 401
        ? ' (give a service account token with --grafana-token-file or $GRAFANA_TOKEN)'
        : response.status === 403
          ? ' (the token needs annotations:read)'
          : '';
    throw fail(`Grafana answered ${response.status}${detail ? `: ${detail.slice(0, 200)}` : ''}${hint}`);
  }
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch {
    throw fail('the answer is not JSON');
  }
  if (!Array.isArray(items)) {
    throw fail('the answer is not a list of annotations');
  }
  return items
    .flatMap((item: { time?: unknown; timeEnd?: unknown; tags?: unknown }) => {
      const { time, timeEnd, tags } = item ?? {};
      // Regions only (an instant marks a moment, not a window to leave out), as the panel reads them.
      const region = typeof time === 'number' && typeof timeEnd === 'number' && timeEnd > time;
      const incident = Array.isArray(tags) && tags.includes(INCIDENT_TAG);
      return region && incident ? [{ from: Math.floor(time / 1000), to: Math.ceil(timeEnd / 1000) }] : [];
    })
    .sort((a, b) => a.from - b.from);
}
