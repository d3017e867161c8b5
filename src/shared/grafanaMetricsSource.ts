/**
 * MetricsSource over a Grafana Prometheus data source (`POST /api/ds/query`), for the panel and the pages.
 * It answers with the same SampleRow[] as PrometheusHttpSource (src/core/prometheus.ts), so the report — and
 * its Markdown — is byte for byte what `aisre impact` prints for the same window, data and options.
 *
 * What we send and what we read (see also src/shared/README-ds-query.md, written for the fake Grafana backend
 * of the Chromium harness):
 *
 *   POST /api/ds/query
 *   { "queries": [{ "refId": "A", "datasource": { "uid": "<uid>", "type": "prometheus" }, "expr": "<PromQL>",
 *                   "instant": true, "range": false, "exemplar": false, "format": "time_series",
 *                   "intervalMs": 15000, "maxDataPoints": 1 }],
 *     "from": "<ms - 60000>", "to": "<ms>" }                 // strings: Grafana's MetricRequest reads them as text
 *
 *   -> 200 { "results": { "A": { "status": 200, "frames": [
 *        { "schema": { "meta": { "type": "numeric-multi", "custom": { "resultType": "vector" } },
 *                      "fields": [ { "name": "Time", "type": "time" },
 *                                  { "name": "Value", "type": "number", "labels": { "outcome": "refused" } } ] },
 *          "data": { "values": [[<ms>], [481]], "entities": [null, { "NaN": [0], "Inf": [], "NegInf": [] }] } },
 *        … one frame per series of the instant vector … ] } } }
 *   -> 400 (or 207 with the datasourceQueryMultiStatus feature) { "results": { "A": { "error": "…", "status": 400 } } }
 *   -> 401/403/5xx { "message": "…" } from Grafana itself.
 *
 * Sources: Grafana's HTTP API, "Query a data source" (POST /api/ds/query,
 * https://grafana.com/docs/grafana/latest/developer-resources/api-reference/http-api/data_source/#query-a-data-source);
 * the Prometheus backend (grafana/grafana pkg/promlib): models/query.go (instant, range, format, intervalMs),
 * client/client.go (an instant query runs `/api/v1/query` with `time` = the request's `to`, not aligned to a step),
 * converter/prom.go and converter/testdata/prom-vector-frame.jsonc (one frame per series, labels on the value field,
 * NaN/+Inf/-Inf as null values with their row indexes in `data.entities`). `format: "table"` merges series into
 * one long frame (converter/testdata/prom-vector-frame_format_table.jsonc) and is not what we ask for.
 */
import { MetricsSourceError, type MetricsSource, type RangeSeries, type SampleRow } from '../core/source';
import { type GrafanaApiError, grafanaFetch } from './grafanaApi';

/** The data source a report reads, as Grafana knows it. */
export interface GrafanaDataSourceRef {
  uid: string;
  type: string;
  /** For messages ("data source 'Prometheus' answered 500: …"). */
  name?: string;
}

export interface GrafanaMetricsSourceOptions {
  /** Give up on a query after this long (default 30 s, as `aisre impact --timeout`). */
  timeoutMs?: number;
}

const REF_ID = 'A';
/** The instant query's `from`: unused by an instant query, but Grafana derives an interval from it, so not zero-length. */
const FROM_BEFORE_MS = 60_000;

/** A data frame as Grafana serialises it (grafana-plugin-sdk-go data.Frame JSON). */
export interface DataFrameJSON {
  schema?: {
    name?: string;
    meta?: { type?: string; custom?: Record<string, unknown>; notices?: Array<{ severity?: string; text?: string }> };
    fields?: Array<{ name?: string; type?: string; labels?: Record<string, string> | null }>;
  };
  data?: {
    values?: unknown[][];
    /** Per field: rows whose value is NaN / +Inf / -Inf (their value in `values` is null). */
    entities?: Array<{ NaN?: number[]; Inf?: number[]; NegInf?: number[] } | null> | null;
  };
}

interface DsQueryResult {
  status?: number;
  error?: string;
  errorSource?: string;
  frames?: DataFrameJSON[];
}

export interface DsQueryResponse {
  results?: Record<string, DsQueryResult>;
  message?: string;
}

export class GrafanaMetricsSource implements MetricsSource {
  private readonly timeoutMs: number;

  constructor(
    private readonly datasource: GrafanaDataSourceRef,
    options: GrafanaMetricsSourceOptions = {}
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async instantQuery(expr: string, time: number): Promise<SampleRow[]> {
    const toMs = Math.round(time * 1000);
    const query = { instant: true, range: false, intervalMs: 15_000, maxDataPoints: 1 };
    return framesToSampleRows(await this.query(expr, query, toMs - FROM_BEFORE_MS, toMs));
  }

  /**
   * A range query (`range: true`). Grafana's promlib aligns the start to a multiple of the step
   * (models/query.go AlignTimeRange), so the samples may sit on another grid than asked: the core pairs
   * them by their own timestamps. `interval` is the minimum step, so the step is the one asked for.
   */
  async rangeQuery(expr: string, start: number, end: number, step: number): Promise<RangeSeries[]> {
    const query = {
      instant: false,
      range: true,
      interval: `${step}s`,
      intervalMs: step * 1000,
      maxDataPoints: Math.ceil((end - start) / step) + 1,
    };
    return framesToRangeSeries(await this.query(expr, query, Math.round(start * 1000), Math.round(end * 1000)));
  }

  private async query(
    expr: string,
    shape: Record<string, unknown>,
    fromMs: number,
    toMs: number
  ): Promise<DataFrameJSON[]> {
    const body = {
      queries: [
        {
          refId: REF_ID,
          datasource: { uid: this.datasource.uid, type: this.datasource.type },
          expr,
          ...shape,
          exemplar: false,
          format: 'time_series',
        },
      ],
      from: String(fromMs),
      to: String(toMs),
    };
    const result = await grafanaFetch<DsQueryResponse>({
      url: '/api/ds/query',
      method: 'POST',
      data: body,
      what: this.label,
      timeoutMs: this.timeoutMs,
    });
    if (!result.ok) {
      throw this.describeFailure(result.error);
    }
    return this.framesOf(result.data, 200);
  }

  private get label(): string {
    return `data source '${this.datasource.name ?? this.datasource.uid}'`;
  }

  /**
   * A failed request as the core's MetricsSourceError (what the report machinery reads): the query's own error
   * when Grafana sent one in the result, else the request's failure as the one Grafana client worded it.
   */
  private describeFailure(error: GrafanaApiError): MetricsSourceError {
    const result = (error.body as DsQueryResponse | undefined)?.results?.[REF_ID];
    if (result?.error) {
      const status = result.status ?? error.status;
      return new MetricsSourceError(`${this.label} answered ${status}: ${result.error}`, status);
    }
    return new MetricsSourceError(error.message, error.status);
  }

  private framesOf(data: DsQueryResponse | undefined, status: number): DataFrameJSON[] {
    const result = data?.results?.[REF_ID];
    if (!result) {
      throw new MetricsSourceError(`${this.label} gave an unreadable answer: no result for query ${REF_ID}`, status);
    }
    // With the datasourceQueryMultiStatus feature a query error arrives with HTTP 207, the error in the result.
    if (result.error) {
      throw new MetricsSourceError(
        `${this.label} answered ${result.status ?? status}: ${result.error}`,
        result.status ?? status
      );
    }
    return result.frames ?? [];
  }
}

type Entities = NonNullable<NonNullable<DataFrameJSON['data']>['entities']>[number];

/** A frame value as a number: JSON has no NaN or ±Inf, so Grafana writes null and names the row in `entities`. */
function decodeValue(raw: unknown, entities: Entities | undefined, row: number): number {
  if (typeof raw === 'number') {
    return raw;
  }
  if (entities?.Inf?.includes(row)) {
    return Infinity;
  }
  if (entities?.NegInf?.includes(row)) {
    return -Infinity;
  }
  // NaN, or a value the frame does not have: either way not a number to count.
  return NaN;
}

/**
 * Frames of an instant vector -> one SampleRow per series and sample, in the order Grafana sent them (which is the
 * order Prometheus answered). Frames without a number field (warnings, an empty vector) give no rows. String fields
 * (a table-shaped frame) are read as labels of their row.
 */
export function framesToSampleRows(frames: DataFrameJSON[]): SampleRow[] {
  const rows: SampleRow[] = [];
  for (const frame of frames) {
    const fields = frame.schema?.fields ?? [];
    const values = frame.data?.values ?? [];
    const entities = frame.data?.entities ?? [];
    const labelColumns = fields.flatMap((field, i) =>
      field.type === 'string' && field.name ? [{ name: field.name, i }] : []
    );
    fields.forEach((field, fieldIndex) => {
      if (field.type !== 'number') {
        return;
      }
      const column = values[fieldIndex] ?? [];
      column.forEach((raw, row) => {
        const labels: Record<string, string> = { ...(field.labels ?? {}) };
        for (const { name, i } of labelColumns) {
          const value = values[i]?.[row];
          if (typeof value === 'string') {
            labels[name] = value;
          }
        }
        rows.push({ labels, value: decodeValue(raw, entities[fieldIndex] ?? undefined, row) });
      });
    });
  }
  return rows;
}

/** Frames of a range query -> one RangeSeries per number field, its samples timed by the frame's time field. */
function framesToRangeSeries(frames: DataFrameJSON[]): RangeSeries[] {
  const series: RangeSeries[] = [];
  for (const frame of frames) {
    const fields = frame.schema?.fields ?? [];
    const values = frame.data?.values ?? [];
    const entities = frame.data?.entities ?? [];
    const timeColumn = values[fields.findIndex((field) => field.type === 'time')] ?? [];
    fields.forEach((field, fieldIndex) => {
      if (field.type !== 'number') {
        return;
      }
      const column = values[fieldIndex] ?? [];
      series.push({
        labels: { ...(field.labels ?? {}) },
        samples: column.map((raw, row) => ({
          time: Number(timeColumn[row]) / 1000,
          value: decodeValue(raw, entities[fieldIndex] ?? undefined, row),
        })),
      });
    });
  }
  return series;
}
