/**
 * MetricsSource over the Prometheus HTTP API (`POST /api/v1/query` and `/api/v1/query_range`), as Prometheus, Mimir, Thanos and
 * VictoriaMetrics serve it. Uses the platform's fetch by default, so it runs in Node and in the browser;
 * the CLI passes its own transport (TLS CA files).
 */
import {
  MetricsSourceError,
  parsePrometheusFloat,
  type MetricsSource,
  type RangeSeries,
  type SampleRow,
} from './source';

/** One HTTP exchange as the source needs it; `post` must not follow redirects. */
export interface HttpAnswer {
  status: number;
  statusText: string;
  /** The Location header of a redirect. */
  location: string | null;
  body: string;
}

export interface HttpPost {
  (
    url: string,
    request: { headers: Record<string, string>; body: string; signal: AbortSignal; maxBytes: number }
  ): Promise<HttpAnswer>;
}

/** The answer was larger than `maxBytes`: reading on would hold it all in memory. */
export class AnswerTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`answer larger than ${maxBytes} bytes`);
    this.name = 'AnswerTooLargeError';
  }
}

/** An answer over the series limit: the query asks for more than the report may hold. */
export class SeriesLimitError extends MetricsSourceError {
  constructor(message: string) {
    super(message);
    this.name = 'SeriesLimitError';
  }
}

export interface PrometheusHttpOptions {
  /** Give up on a query after this long (default 30 s). */
  timeoutMs?: number;
  /** Extra headers, e.g. `X-Scope-OrgID` for Mimir or an Authorization header. Never written into a message. */
  headers?: Record<string, string>;
  /** Cancels every query in flight and every later one (a whole-run deadline, a failed sibling query). */
  signal?: AbortSignal;
  /** Most series one answer may hold (default 20,000); more is an error naming the query, not a slow report. */
  maxSeries?: number;
  /** The HTTP transport (default: fetch). */
  post?: HttpPost;
}

export const DEFAULT_MAX_SERIES = 20_000;
/** Bytes an answer may take per series allowed: generous for long label sets, bounded for memory. */
const BYTES_PER_SERIES = 4096;
const MAX_REDIRECTS = 3;

interface PrometheusResponse {
  status?: string;
  error?: string;
  errorType?: string;
  data?: { resultType?: string; result?: unknown };
}

/** `url` without user name and password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) {
      return url;
    }
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

export class PrometheusHttpSource implements MetricsSource {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;
  private readonly maxSeries: number;
  private readonly signal?: AbortSignal;
  private readonly transport: HttpPost;

  constructor(baseUrl: string, options: PrometheusHttpOptions = {}) {
    this.baseUrl = redactUrl(baseUrl).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.headers = options.headers ?? {};
    this.maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
    this.signal = options.signal;
    this.transport = options.post ?? fetchPost;
  }

  async instantQuery(expr: string, time: number): Promise<SampleRow[]> {
    const parsed = await this.post('query', { query: expr, time: String(time) });
    return toSampleRows(parsed, this.baseUrl, this.maxSeries, expr);
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
    return checkedSeries(data.result, this.baseUrl, this.maxSeries, expr).map(({ labels, series }) => ({
      labels,
      samples: (Array.isArray(series.values) ? series.values : []).map((sample: unknown) => {
        const [time, value] = Array.isArray(sample) ? sample : [NaN, undefined];
        return { time: Number(time), value: parsePrometheusFloat(value) };
      }),
    }));
  }

  /** One API call, redirects handled, the answer checked for `status: success`. */
  private async post(endpoint: 'query' | 'query_range', params: Record<string, string>): Promise<PrometheusResponse> {
    const body = new URLSearchParams(params).toString();
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded', ...this.headers };
    let url = `${this.baseUrl}/api/v1/${endpoint}`;
    let answer: HttpAnswer;
    for (let hop = 0; ; hop++) {
      // POST keeps long selectors out of the URL, where proxies cut them.
      answer = await this.exchange(url, headers, body);
      if (![301, 302, 303, 307, 308].includes(answer.status)) {
        break;
      }
      url = this.redirectTarget(url, answer, hop);
    }
    let parsed: PrometheusResponse | undefined;
    try {
      parsed = JSON.parse(answer.body) as PrometheusResponse;
    } catch {
      parsed = undefined;
    }
    if (answer.status < 200 || answer.status > 299 || parsed?.status !== 'success') {
      const detail = parsed?.error ?? (answer.body.trim().slice(0, 200) || answer.statusText);
      if (answer.status < 200 || answer.status > 299) {
        throw new MetricsSourceError(
          `Prometheus at ${this.baseUrl} answered ${answer.status}: ${detail}`,
          answer.status
        );
      }
      throw new MetricsSourceError(`Prometheus at ${this.baseUrl} gave an unreadable answer: ${detail}`);
    }
    return parsed;
  }

  /**
   * 307 and 308 keep the method and body, so they are followed on the same origin (the headers may carry
   * credentials). 301, 302 and 303 would turn the POST into a GET without its query: refused, naming the new URL.
   */
  private redirectTarget(url: string, answer: HttpAnswer, hop: number): string {
    const here = `Prometheus at ${this.baseUrl} redirected ${answer.status}`;
    if (!answer.location) {
      throw new MetricsSourceError(`${here} without a Location`, answer.status);
    }
    const target = new URL(answer.location, url);
    const shown = redactUrl(target.toString());
    const base = shown.replace(/\/api\/v1\/[a-z_]+$/, '');
    if (answer.status !== 307 && answer.status !== 308) {
      throw new MetricsSourceError(
        `${here} to ${shown}, which would turn the query's POST into a GET; use --prometheus ${base}`,
        answer.status
      );
    }
    if (target.origin !== new URL(url).origin) {
      throw new MetricsSourceError(
        `${here} to another host, ${shown}; not followed (it would receive the request's headers): use --prometheus ${base}`,
        answer.status
      );
    }
    if (hop + 1 >= MAX_REDIRECTS) {
      throw new MetricsSourceError(`${here} more than ${MAX_REDIRECTS} times; last to ${shown}`, answer.status);
    }
    return target.toString();
  }

  /** One POST, cancelled by the per-query timeout or the run's signal, whichever comes first. */
  private async exchange(url: string, headers: Record<string, string>, body: string): Promise<HttpAnswer> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const cancel = () => controller.abort();
    this.signal?.addEventListener('abort', cancel);
    try {
      if (this.signal?.aborted) {
        throw this.cancelled();
      }
      return await this.transport(url, {
        headers,
        body,
        signal: controller.signal,
        maxBytes: this.maxSeries * BYTES_PER_SERIES,
      });
    } catch (error) {
      if (error instanceof MetricsSourceError) {
        throw error;
      }
      if (timedOut) {
        throw new MetricsSourceError(`Prometheus at ${this.baseUrl} did not answer within ${this.timeoutMs / 1000} s`);
      }
      if (this.signal?.aborted) {
        throw this.cancelled();
      }
      if (error instanceof AnswerTooLargeError) {
        throw new SeriesLimitError(
          `Prometheus at ${this.baseUrl} sent an answer larger than ${formatBytes(error.maxBytes)} ` +
            `(more than ${this.maxSeries} series): narrow the selector, or raise the series limit`
        );
      }
      throw new MetricsSourceError(`cannot reach Prometheus at ${this.baseUrl}: ${describeFailure(error)}`);
    } finally {
      clearTimeout(timer);
      this.signal?.removeEventListener('abort', cancel);
    }
  }

  private cancelled(): MetricsSourceError {
    const reason = this.signal?.reason;
    return reason instanceof MetricsSourceError
      ? reason
      : new MetricsSourceError(`query to Prometheus at ${this.baseUrl} cancelled: ${describeFailure(reason)}`);
  }
}

/** The default transport: fetch, redirects handed back, the body read up to `maxBytes`. */
const fetchPost: HttpPost = async (url, { headers, body, signal, maxBytes }) => {
  const response = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'manual' });
  let text: string;
  if (response.body && typeof response.body.getReader === 'function') {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let bytes = 0;
    text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      bytes += value.byteLength;
      if (bytes > maxBytes) {
        await reader.cancel();
        throw new AnswerTooLargeError(maxBytes);
      }
      text += decoder.decode(value, { stream: true });
    }
    text += decoder.decode();
  } else {
    text = await response.text();
  }
  return {
    status: response.status,
    statusText: response.statusText,
    location: response.headers.get('location'),
    body: text,
  };
};

function toSampleRows(parsed: PrometheusResponse, baseUrl: string, maxSeries: number, expr: string): SampleRow[] {
  const data = parsed.data;
  if (data?.resultType !== 'vector' || !Array.isArray(data.result)) {
    throw new MetricsSourceError(
      `Prometheus at ${baseUrl} returned ${data?.resultType ?? 'no result'} where an instant vector was expected`
    );
  }
  return checkedSeries(data.result, baseUrl, maxSeries, expr).map(({ labels, series }) => {
    // Prometheus writes sample values as strings, including "NaN", "+Inf" and "-Inf"; an unreadable value
    // becomes NaN, which the report marks insufficient_data for that segment.
    const sample = Array.isArray(series.value) ? series.value[1] : undefined;
    return { labels, value: parsePrometheusFloat(sample) };
  });
}

/** The series of an answer, within the limit, each an object with a label set of strings. */
function checkedSeries(
  result: unknown[],
  baseUrl: string,
  maxSeries: number,
  expr: string
): Array<{ labels: Record<string, string>; series: { value?: unknown; values?: unknown } }> {
  if (result.length > maxSeries) {
    throw new SeriesLimitError(
      `Prometheus at ${baseUrl} returned ${result.length} series for one query, more than the limit of ` +
        `${maxSeries}: narrow the selector or --by, or raise the limit (${expr})`
    );
  }
  return result.map((series: unknown, i: number) => {
    const object = typeof series === 'object' && series !== null ? (series as Record<string, unknown>) : undefined;
    const labels = object?.metric ?? {};
    if (
      !object ||
      typeof labels !== 'object' ||
      labels === null ||
      Array.isArray(labels) ||
      Object.values(labels).some((v) => typeof v !== 'string')
    ) {
      throw new MetricsSourceError(
        `Prometheus at ${baseUrl} gave an unreadable answer: series ${i + 1} has no label set (${expr})`
      );
    }
    return { labels: labels as Record<string, string>, series: object };
  });
}

function formatBytes(bytes: number): string {
  return bytes >= 1e6 ? `${Math.round(bytes / 1e6)} MB` : `${Math.round(bytes / 1e3)} kB`;
}

function describeFailure(error: unknown): string {
  const own = error as { code?: string; cause?: { code?: string; message?: string } } | undefined;
  const reason =
    own?.cause?.code ?? own?.code ?? own?.cause?.message ?? (error instanceof Error ? error.message : String(error));
  return redactUrl(reason);
}
