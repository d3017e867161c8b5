/**
 * Test fixtures: a small fake Prometheus that answers the core's instant queries as the HTTP API would (values as
 * strings, NaN/+Inf included), and the same answer framed the way Grafana's Prometheus backend frames it for
 * `/api/ds/query` (grafana/grafana pkg/promlib/converter: one frame per series, labels on the value field,
 * special floats as null + `data.entities`). Both faces of one answer, so tests can compare the two sources.
 */
import { type DataFrameJSON } from '../grafanaMetricsSource';

export interface PromSeries {
  metric: Record<string, string>;
  value: [number, string];
}

/** The window the fixtures hold an incident in, and its preceding baseline (Unix seconds). */
export const FIXTURE_WINDOW = { from: 1_795_140_000, to: 1_795_143_600 };
export const FIXTURE_BASELINE_END = FIXTURE_WINDOW.from;

export interface FixtureOptions {
  /** Values of the `endpoint` label when the query groups by it. */
  endpoints?: string[];
  /** Every query answers an empty vector. */
  empty?: boolean;
}

const OUTCOMES_WINDOW: Record<string, number> = { answered: 9000.000000000002, refused: 300, error: 600, timeout: 100 };
const OUTCOMES_BASELINE: Record<string, number> = { answered: 9500, refused: 290, error: 100, timeout: 110 };
const LATENCY_LE = ['0.5', '1', '2', '5', '10', '+Inf'];
const LATENCY_WINDOW = [2000, 5000, 8000, 9400, 9900, 10000];
const LATENCY_BASELINE = [5000, 8500, 9500, 9900, 9990, 10000];

function byLabels(expr: string): string[] {
  const match = /^sum by \(([^)]*)\)/.exec(expr);
  return match ? match[1].split(',').map((s) => s.trim()) : [];
}

function prometheusText(value: number): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (value === Infinity) {
    return '+Inf';
  }
  if (value === -Infinity) {
    return '-Inf';
  }
  return String(value);
}

/** The instant vector the fake Prometheus answers for `expr` evaluated at `time`. */
export function fakeVector(expr: string, time: number, options: FixtureOptions = {}): PromSeries[] {
  if (options.empty) {
    return [];
  }
  const inWindow = time === FIXTURE_WINDOW.to;
  const segments = byLabels(expr).includes('endpoint') ? (options.endpoints ?? ['/chat']) : [undefined];
  const series: PromSeries[] = [];
  segments.forEach((endpoint, s) => {
    const extra: Record<string, string> = endpoint === undefined ? {} : { endpoint };
    const scale = 1 + s;
    if (expr.includes('llm_requests_total')) {
      for (const [outcome, count] of Object.entries(inWindow ? OUTCOMES_WINDOW : OUTCOMES_BASELINE)) {
        series.push({ metric: { outcome, ...extra }, value: [time, prometheusText(count * scale)] });
      }
    } else if (expr.includes('gen_ai_client_operation_duration_seconds_bucket')) {
      const counts = inWindow ? LATENCY_WINDOW : LATENCY_BASELINE;
      LATENCY_LE.forEach((le, i) =>
        series.push({ metric: { le, ...extra }, value: [time, prometheusText(counts[i] * scale)] })
      );
    } else if (expr.includes('llm_response_confidence_bucket')) {
      // A histogram that went NaN in the window: its segment must come out insufficient_data through both sources.
      LATENCY_LE.forEach((le, i) =>
        series.push({
          metric: { le, ...extra },
          value: [time, prometheusText(inWindow && i === 2 ? NaN : (i + 1) * 100 * scale)],
        })
      );
    } else if (expr.includes('agent_steps_bucket')) {
      // +Inf as a value (not a label): also a tainted segment.
      LATENCY_LE.forEach((le, i) =>
        series.push({
          metric: { le, ...extra },
          value: [time, prometheusText(inWindow && i === 5 ? Infinity : (i + 1) * 50 * scale)],
        })
      );
    }
  });
  return series;
}

/** The body Prometheus' HTTP API answers for an instant query. */
export function prometheusBody(series: PromSeries[]): string {
  return JSON.stringify({ status: 'success', data: { resultType: 'vector', result: series } });
}

/** The same vector as Grafana's Prometheus backend frames it for /api/ds/query (format time_series). */
export function grafanaFrames(series: PromSeries[]): DataFrameJSON[] {
  return series.map((s) => {
    const value = Number(s.value[1] === '+Inf' ? Infinity : s.value[1] === '-Inf' ? -Infinity : s.value[1]);
    const special = Number.isNaN(value)
      ? 'NaN'
      : value === Infinity
        ? 'Inf'
        : value === -Infinity
          ? 'NegInf'
          : undefined;
    return {
      schema: {
        meta: { type: 'numeric-multi', custom: { resultType: 'vector' } },
        fields: [
          { name: 'Time', type: 'time' },
          { name: 'Value', type: 'number', labels: s.metric },
        ],
      },
      data: {
        values: [[s.value[0] * 1000], [special ? null : value]],
        ...(special ? { entities: [null, { [special]: [0] }] } : {}),
      },
    };
  });
}

export interface PromMatrixSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/** The range vector the fake Prometheus answers: the instant answer at every step from start to end. */
export function fakeMatrix(
  expr: string,
  start: number,
  end: number,
  step: number,
  options: FixtureOptions = {}
): PromMatrixSeries[] {
  const byKey = new Map<string, PromMatrixSeries>();
  for (let time = start; time <= end; time += step) {
    for (const series of fakeVector(expr, time, options)) {
      const key = JSON.stringify(series.metric);
      const entry = byKey.get(key) ?? { metric: series.metric, values: [] };
      entry.values.push(series.value);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()];
}

/** The body Prometheus' HTTP API answers for a range query. */
export function prometheusMatrixBody(series: PromMatrixSeries[]): string {
  return JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: series } });
}

/** The same matrix as Grafana's Prometheus backend frames it: one frame per series, a row per sample. */
export function grafanaMatrixFrames(series: PromMatrixSeries[]): DataFrameJSON[] {
  return series.map((s) => {
    const frames = grafanaFrames(s.values.map((value) => ({ metric: s.metric, value })));
    const entities: Record<string, number[]> = {};
    frames.forEach((frame, row) => {
      for (const [kind, rows] of Object.entries(frame.data?.entities?.[1] ?? {})) {
        entities[kind] = [...(entities[kind] ?? []), ...(rows as number[]).map(() => row)];
      }
    });
    return {
      schema: { ...frames[0].schema, meta: { type: 'numeric-multi', custom: { resultType: 'matrix' } } },
      data: {
        values: [frames.flatMap((f) => f.data!.values![0]), frames.flatMap((f) => f.data!.values![1])],
        ...(Object.keys(entities).length ? { entities: [null, entities] } : {}),
      },
    };
  });
}
