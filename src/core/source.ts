/**
 * The one interface through which the core reads metrics: an instant PromQL query at a time.
 * Implemented over the Prometheus HTTP API (CLI, tests) and over a Grafana data source (panel, pages),
 * so the same queries give the same report byte for byte.
 */

/** An interval in Unix seconds, `from` exclusive and `to` inclusive, as increase() reads it. */
export interface Interval {
  from: number;
  to: number;
}

/** One series of an instant vector: its labels and its value (NaN and ±Inf kept as numbers). */
export interface SampleRow {
  labels: Record<string, string>;
  value: number;
}

/** One series of a range query: its labels and its samples in time order (NaN and ±Inf kept). */
export interface RangeSeries {
  labels: Record<string, string>;
  samples: Array<{ time: number; value: number }>;
}

export interface MetricsSource {
  /** Evaluate `expr` as an instant query at `time` (Unix seconds); resolve to its vector. */
  instantQuery(expr: string, time: number): Promise<SampleRow[]>;
  /**
   * Evaluate `expr` at start, start + step, … up to end (Unix seconds); resolve to its matrix. The report reads
   * the traffic's history with it (one query per metric); a source without it gets the fallback dispersion.
   */
  rangeQuery?(expr: string, start: number, end: number, step: number): Promise<RangeSeries[]>;
}

/** The metrics backend could not answer: unreachable, an error status, a timeout, or an unreadable answer. */
export class MetricsSourceError extends Error {
  constructor(
    message: string,
    /** HTTP status when the backend answered, for callers that treat 403 differently. */
    readonly status?: number
  ) {
    super(message);
    this.name = 'MetricsSourceError';
  }
}

/**
 * Prometheus' text for a float ("1.5", "+Inf", "-Inf", "NaN") as a number; JavaScript's Number() reads "+Inf"
 * as NaN. Anything else a broken server sends (null, a number, "abc") is NaN: not a number we can trust.
 */
export function parsePrometheusFloat(text: unknown): number {
  if (typeof text !== 'string') {
    return NaN;
  }
  switch (text) {
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    default:
      return text.trim() === '' ? NaN : Number(text);
  }
}
