/**
 * MetricsSource over the Prometheus HTTP API (`POST /api/v1/query` and `/api/v1/query_range`), as Prometheus, Mimir, Thanos and
 * VictoriaMetrics serve it. Uses the platform's fetch, so it runs in Node and in the browser.
 */
import {
  MetricsSourceError,
  parsePrometheusFloat,
  type MetricsSource,
  type RangeSeries,
  type SampleRow,
} from './source';

export interface PrometheusHttpOptions {
  /** Give up on a query after this long (default 30 s). */
  timeoutMs?: number;
  /** Extra headers, e.g. `X-Scope-OrgID` for Mimir or an Authorization header. */
  headers?: Record<string, string>;
}

interface PrometheusResponse {
  status?: string;
  error?: string;
  errorType?: string;
  data?: {
    resultType?: string;
    result?: Array<{ metric?: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> }>;
  };
}

export class PrometheusHttpSource implements MetricsSource {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;

  constructor(baseUrl: string, options: PrometheusHttpOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.headers = options.headers ?? {};
  }

  async instantQuery(expr: string, time: number): Promise<SampleRow[]> {
    return toSampleRows(await this.post('query', { query: expr, time: String(time) }), this.baseUrl);
  }

  async rangeQuery(expr: string, start: number, end: number, step: number): Promise<RangeSeries[]> {
    const parsed = await this.post('query_range', {
      query: expr,
      start: String(start),
      end: String(end),
      step: String(step),
    });
    const data = parsed.data;
    if (data?.resultType !== 'matrix' || !Array.isArray(data.result)) {
      throw new MetricsSourceError(
        `Prometheus at ${this.baseUrl} returned ${data?.resultType ?? 'no result'} where a range vector was expected`
      );
    }
    return data.result.map((series) => ({
      labels: series.metric ?? {},
      samples: (series.values ?? []).map(([time, value]) => ({
        time: Number(time),
        value: parsePrometheusFloat(value),
      })),
    }));
  }

  private async post(endpoint: 'query' | 'query_range', params: Record<string, string>): Promise<PrometheusResponse> {
    const url = `${this.baseUrl}/api/v1/${endpoint}`;
    const body = new URLSearchParams(params);
    let response: Response;
    let text: string;
    try {
      // POST keeps long selectors out of the URL, where proxies cut them.
      response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...this.headers },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new MetricsSourceError(describeFetchFailure(error, this.baseUrl, this.timeoutMs));
    }
    let parsed: PrometheusResponse | undefined;
    try {
      parsed = JSON.parse(text) as PrometheusResponse;
    } catch {
      parsed = undefined;
    }
    if (!response.ok || parsed?.status !== 'success') {
      const detail = parsed?.error ?? (text.trim().slice(0, 200) || response.statusText);
      if (!response.ok) {
        throw new MetricsSourceError(
          `Prometheus at ${this.baseUrl} answered ${response.status}: ${detail}`,
          response.status
        );
      }
      throw new MetricsSourceError(`Prometheus at ${this.baseUrl} gave an unreadable answer: ${detail}`);
    }
    return parsed;
  }
}

function toSampleRows(parsed: PrometheusResponse, baseUrl: string): SampleRow[] {
  const data = parsed.data;
  if (data?.resultType !== 'vector' || !Array.isArray(data.result)) {
    throw new MetricsSourceError(
      `Prometheus at ${baseUrl} returned ${data?.resultType ?? 'no result'} where an instant vector was expected`
    );
  }
  return data.result.map((series) => ({
    labels: series.metric ?? {},
    // Prometheus writes sample values as strings, including "NaN", "+Inf" and "-Inf".
    value: parsePrometheusFloat(series.value?.[1]),
  }));
}

function describeFetchFailure(error: unknown, baseUrl: string, timeoutMs: number): string {
  const name = (error as { name?: string })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `Prometheus at ${baseUrl} did not answer within ${timeoutMs / 1000} s`;
  }
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `cannot reach Prometheus at ${baseUrl}: ${reason}`;
}
