/**
 * `POST /api/ds/query` for Prometheus instant queries, answered from a real Prometheus in the shape
 * Grafana 12 gives (pkg/api/ds_query.go, pkg/promlib with the dataplane flag on, its default):
 *   {"results": {"<refId>": {"status": 200, "frames": [<one frame per series>]}}}
 * Each frame: `schema.meta` {type: "numeric-multi", typeVersion: [0, 1], custom: {resultType: "vector"}},
 * fields Time (time, ms) and a number field named `__name__` or "Value" carrying the series labels and
 * `config.displayNameFromDS` (Grafana's legend for an empty legendFormat); `data.values` [[ms], [value]],
 * with NaN/±Inf as null plus `entities` {NaN|Inf|NegInf: [row]} (pkg/promlib/converter testdata
 * prom-vector-frame.jsonc). An empty vector gives one empty frame without fields. A Prometheus error gives that query
 * `{"error": "<errorType>: <error>", "errorSource": "downstream", "status": <Prometheus' HTTP status>}`
 * and the whole response HTTP 400. The query runs at the request's `to` (or the query's own
 * `timeRange.to`), exactly, as promlib's QueryInstant does; `$__range`, `$__range_s` and `$__range_ms`
 * are interpolated from the same range. A range query (`range: true`) runs `/api/v1/query_range` with the
 * step `intervalMs` and start and end floored to a multiple of it (promlib models/query.go AlignTimeRange, UTC),
 * one frame per series with a row per sample. Not reproduced: `$__interval`, field config `interval`, meta
 * `executedQueryString`, exemplars.
 */
import { type HostDataSource } from './protocol';

export interface DsQueryResult {
  status: number;
  body: unknown;
}

interface DsQuery {
  refId?: string;
  datasource?: { uid?: string; type?: string } | string;
  expr?: string;
  instant?: boolean;
  range?: boolean;
  intervalMs?: number;
  timeRange?: { from?: string | number; to?: string | number };
  legendFormat?: string;
}

interface PrometheusAnswer {
  httpStatus: number;
  body: {
    status?: string;
    errorType?: string;
    error?: string;
    data?: { resultType?: string; result?: unknown };
  };
}

/** Grafana's time strings: epoch milliseconds, `now`, or `now-<n><unit>`. */
function parseGrafanaTime(value: string | number | undefined, now = Date.now()): number {
  if (typeof value === 'number') {
    return value;
  }
  const text = (value ?? '').trim();
  if (/^\d+$/.test(text)) {
    return Number(text);
  }
  const relative = text.match(/^now(?:-(\d+)(ms|s|m|h|d|w))?$/);
  if (relative) {
    const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
    return relative[1] ? now - Number(relative[1]) * units[relative[2]] : now;
  }
  throw new Error(`unparsable time ${JSON.stringify(value)}`);
}

function interpolateRange(expr: string, rangeMs: number): string {
  const seconds = String(Math.round(rangeMs / 1000));
  return expr
    .replaceAll('${__range_ms}', String(rangeMs))
    .replaceAll('${__range_s}', seconds)
    .replaceAll('${__range}', `${seconds}s`)
    .replaceAll('$__range_ms', String(rangeMs))
    .replaceAll('$__range_s', seconds)
    .replaceAll('$__range', `${seconds}s`);
}

/** Grafana's legend for an empty legendFormat: `name{a="x", b="y"}` with sorted labels, `{}` -> the expr. */
function displayName(labels: Record<string, string>, expr: string): string {
  const name = labels.__name__ ?? '';
  const pairs = Object.entries(labels)
    .filter(([key]) => key !== '__name__')
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .sort();
  if (pairs.length === 0) {
    return name || expr;
  }
  return `${name}{${pairs.join(', ')}}`;
}

/** Prometheus writes sample values as strings: "12.5", "NaN", "+Inf", "-Inf" (which Number() does not read). */
function numberCell(raw: string): { value: number | null; entity?: 'NaN' | 'Inf' | 'NegInf' } {
  const value = /^[+-]?Inf$/i.test(raw) ? (raw.startsWith('-') ? -Infinity : Infinity) : Number(raw);
  if (Number.isNaN(value)) {
    return { value: null, entity: 'NaN' };
  }
  if (value === Infinity) {
    return { value: null, entity: 'Inf' };
  }
  if (value === -Infinity) {
    return { value: null, entity: 'NegInf' };
  }
  return { value };
}

/** promlib adds one empty frame when Prometheus returned none (no series, or an error). */
const EMPTY_FRAME = { schema: { meta: { typeVersion: [0, 0] }, fields: [] }, data: { values: [] } };

const FRAME_META = (resultType: string) => ({ type: 'numeric-multi', typeVersion: [0, 1], custom: { resultType } });

function seriesFrame(labels: Record<string, string>, sample: [number, string], resultType: string, expr: string) {
  const cell = numberCell(sample[1]);
  const values = [[Math.round(sample[0] * 1000)], [cell.value]];
  const valueField: Record<string, unknown> = {
    name: labels.__name__ ?? 'Value',
    type: 'number',
    typeInfo: { frame: 'float64' },
    config: { displayNameFromDS: displayName(labels, expr) },
  };
  if (Object.keys(labels).length > 0) {
    valueField.labels = labels;
  }
  const data: Record<string, unknown> = { values };
  if (cell.entity) {
    data.entities = [null, { [cell.entity]: [0] }];
  }
  return {
    schema: {
      meta: FRAME_META(resultType),
      fields: [{ name: 'Time', type: 'time', typeInfo: { frame: 'time.Time' } }, valueField],
    },
    data,
  };
}

/** One series of a range query: the Time and Value columns hold a row per sample. */
function matrixFrame(labels: Record<string, string>, samples: Array<[number, string]>, expr: string) {
  const frames = samples.map((sample) => seriesFrame(labels, sample, 'matrix', expr));
  const entities: Record<string, number[]> = {};
  frames.forEach((frame, row) => {
    const entity = (frame.data.entities as Array<Record<string, number[]> | null> | undefined)?.[1];
    for (const kind of Object.keys(entity ?? {})) {
      entities[kind] = [...(entities[kind] ?? []), row];
    }
  });
  const column = (i: number) => frames.map((frame) => (frame.data.values as unknown[][])[i][0]);
  const data: Record<string, unknown> = { values: [column(0), column(1)] };
  if (Object.keys(entities).length > 0) {
    data.entities = [null, entities];
  }
  const schema = frames[0]?.schema ?? seriesFrame(labels, [0, '0'], 'matrix', expr).schema;
  return { schema, data };
}

/** Converts a Prometheus instant-query answer into Grafana's DataResponse JSON for one refId. */
function toDataResponse(answer: PrometheusAnswer, expr: string): Record<string, unknown> {
  const { body, httpStatus } = answer;
  if (body.status !== 'success') {
    return {
      error: `${body.errorType ?? 'unknown'}: ${body.error ?? `HTTP ${httpStatus}`}`,
      errorSource: 'downstream',
      status: httpStatus,
      frames: [EMPTY_FRAME],
    };
  }
  const resultType = body.data?.resultType ?? 'vector';
  let frames: unknown[] = [];
  if (resultType === 'matrix') {
    const result = (body.data?.result ?? []) as Array<{
      metric: Record<string, string>;
      values: Array<[number, string]>;
    }>;
    frames = result.map((series) => matrixFrame(series.metric, series.values, expr));
  } else if (resultType === 'vector') {
    const result = (body.data?.result ?? []) as Array<{ metric: Record<string, string>; value: [number, string] }>;
    frames = result.map((series) => seriesFrame(series.metric, series.value, resultType, expr));
  } else if (resultType === 'scalar') {
    frames = [seriesFrame({}, body.data?.result as [number, string], resultType, expr)];
  } else {
    return { error: `the test backend does not convert ${resultType} results`, status: 500 };
  }
  if (frames.length === 0) {
    frames = [EMPTY_FRAME];
  }
  return { status: httpStatus, frames };
}

async function queryPrometheus(
  prometheusUrl: string,
  expr: string,
  timeMs: number,
  range?: { fromMs: number; stepMs: number }
): Promise<PrometheusAnswer> {
  // promlib's default HTTP method is POST with a form body; time in seconds with the milliseconds kept.
  const align = (ms: number) => (range ? Math.floor(ms / range.stepMs) * range.stepMs : ms) / 1000;
  const form = range
    ? new URLSearchParams({
        query: expr,
        start: String(align(range.fromMs)),
        end: String(align(timeMs)),
        step: String(range.stepMs / 1000),
      })
    : new URLSearchParams({ query: expr, time: String(timeMs / 1000) });
  const response = await fetch(`${prometheusUrl}/api/v1/${range ? 'query_range' : 'query'}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  const text = await response.text();
  try {
    return { httpStatus: response.status, body: JSON.parse(text) };
  } catch {
    return {
      httpStatus: response.status,
      body: { status: 'error', errorType: 'bad_response', error: text.slice(0, 500) },
    };
  }
}

export interface DsQueryContext {
  dataSources: HostDataSource[];
  /** The Prometheus behind data sources of type `prometheus`; undefined: no metrics in this test. */
  prometheusUrl: string | undefined;
  now?: () => number;
}

export async function handleDsQuery(body: unknown, context: DsQueryContext): Promise<DsQueryResult> {
  const request = body as { queries?: DsQuery[]; from?: string; to?: string };
  if (!request || !Array.isArray(request.queries) || request.queries.length === 0) {
    return { status: 400, body: { message: 'bad request data', error: 'no queries found' } };
  }
  const now = context.now?.() ?? Date.now();
  const results: Record<string, unknown> = {};
  let failed = false;
  for (const query of request.queries) {
    const refId = query.refId ?? 'A';
    const uid = typeof query.datasource === 'string' ? query.datasource : query.datasource?.uid;
    const source = context.dataSources.find((ds) => ds.uid === uid);
    if (!source) {
      return { status: 404, body: { message: 'Data source not found' } };
    }
    let fromMs: number;
    let toMs: number;
    try {
      fromMs = parseGrafanaTime(query.timeRange?.from ?? request.from, now);
      toMs = parseGrafanaTime(query.timeRange?.to ?? request.to, now);
    } catch (error) {
      return { status: 400, body: { message: 'bad request data', error: (error as Error).message } };
    }
    let response: Record<string, unknown>;
    if (source.type !== 'prometheus' || !context.prometheusUrl) {
      response = {
        error: `the test backend runs only Prometheus queries (data source ${source.uid} is ${source.type})`,
        status: 500,
      };
    } else if (query.range && query.intervalMs) {
      const expr = interpolateRange(query.expr ?? '', toMs - fromMs);
      const range = { fromMs, stepMs: query.intervalMs };
      response = toDataResponse(await queryPrometheus(context.prometheusUrl, expr, toMs, range), expr);
    } else if (!query.instant) {
      response = { error: 'the test backend runs instant queries and range queries with intervalMs', status: 500 };
    } else {
      const expr = interpolateRange(query.expr ?? '', toMs - fromMs);
      response = toDataResponse(await queryPrometheus(context.prometheusUrl, expr, toMs), expr);
    }
    if (response.error) {
      failed = true;
    }
    results[refId] = response;
  }
  return { status: failed ? 400 : 200, body: { results } };
}
