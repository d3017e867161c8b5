/**
 * The Prometheus recording rules of the SLIs, derived from the metrics contract (src/core/metrics.ts),
 * named `level:metric:operations` (https://prometheus.io/docs/practices/rules/). The level is
 * `team_service_endpoint_model`, the contract's common labels, so every rule can be filtered the way
 * the dashboards' variables filter.
 *
 * Windows: 5m (dashboards), 30m / 1h / 6h (alerts and burn rates) and 1d, the baseline. The baseline is
 * a trailing day rather than `offset 7d` so that it exists minutes after telemetry starts (the demo
 * stack starts from nothing); while a regression lasts it is diluted into the day only slowly.
 */
import {
  COMMON_LABELS,
  type DistributionSli,
  eventMatchers,
  type ProportionSli,
  SLI_DEFINITIONS,
  type SliId,
} from '../core/metrics';
import { type Recording, selector } from './promql';

export const LEVEL = COMMON_LABELS.join('_');
export const BY_SEGMENT = COMMON_LABELS.join(', ');

/** Rate windows of the recording rules; `1d` is the baseline, `3d` only the slowest burn-rate tier's long window. */
export const RATE_WINDOWS = ['5m', '30m', '1h', '2h', '6h'] as const;
export const BASELINE_WINDOW = '1d';
export const LONGEST_WINDOW = '3d';
export type Window = (typeof RATE_WINDOWS)[number] | typeof BASELINE_WINDOW | typeof LONGEST_WINDOW;
export const ALL_WINDOWS: readonly Window[] = [...RATE_WINDOWS, BASELINE_WINDOW, LONGEST_WINDOW];
/** Windows evaluated in the slow group: they move slowly and cost the most. */
const SLOW_WINDOWS: readonly Window[] = [BASELINE_WINDOW, LONGEST_WINDOW];
/** Step of the subquery that samples the alert window's ratio across the trailing day for the dispersion. */
export const DISPERSION_STEP = '5m';

/** Windows of the histogram rules: buckets for heatmaps and quantiles over a selection, quantiles for alerts. */
export const BUCKET_WINDOWS: readonly Window[] = ['5m', BASELINE_WINDOW];
export const QUANTILE_WINDOWS: readonly Window[] = ['30m', BASELINE_WINDOW];
/** The window the investigate/page alerts compare with the baseline. */
export const ALERT_WINDOW = '30m' satisfies Window;
export const WINDOW_SECONDS: Readonly<Record<string, number>> = { '5m': 300, '30m': 1800, '1h': 3600, '6h': 21600 };

/** Name of each proportion SLI's ratio rules: what is counted, in the contract's words. */
const RATIO_NAMES: Record<string, string> = {
  refusal_rate: 'llm_requests_refused',
  error_rate: 'llm_requests_error',
  timeout_rate: 'llm_requests_timeout',
  empty_retrieval_rate: 'rag_retrievals_empty_or_failed',
  injection_rate: 'llm_injection_detections_per_request',
  tool_error_rate: 'agent_tool_calls_error',
};

const stripTotal = (metric: string) => metric.replace(/_total$/, '');

function matcherValues(matchers: string | undefined): string[] {
  return [...(matchers ?? '').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
}

function matcherList(matchers: string | undefined): string[] {
  return matchers ? [matchers] : [];
}

/** A counter and the label that splits it into events (outcome, result, status, source). */
export interface CounterFamily {
  metric: string;
  splitLabel: string;
  /** Per-second rate by segment and split label, per window. */
  rate: Record<Window, Recording>;
}

export interface ProportionRecordings {
  sli: ProportionSli;
  /** Counter of the events, and of the total (the same counter unless the SLI says otherwise). */
  events: CounterFamily;
  total: CounterFamily;
  /** Matcher that picks the events out of `events` (`outcome="refused"`). */
  eventMatcher: string;
  /** events / total per segment, per window. */
  ratio: Record<Window, Recording>;
  /**
   * Dispersion factor of the alert window's ratio over the trailing day: the observed variance of
   * ratio_rate30m (sampled every DISPERSION_STEP, from its interquartile range) over the binomial variance
   * p̄(1 − p̄)/n̄ that independent
   * requests would give, floored at 1. The day ends one alert window ago, so the window judged is not
   * part of its own yardstick. Segments with no events in the day get 1.
   */
  dispersion: Recording;
}

export interface DistributionRecordings {
  sli: DistributionSli;
  /** Base of the rule names (`gen_ai_client_token_usage_output` for the output-token histogram). */
  base: string;
  /** Bucket rates by segment and `le`. */
  buckets: Partial<Record<Window, Recording>>;
  /** Observations per second by segment, over the alert window: the alerts' minimum-volume guard. */
  count: Recording;
  /** The headline quantile (p95 where higher is worse, p50 otherwise) by segment. */
  quantile: Partial<Record<Window, Recording>>;
}

function sumBySegment(extraLabels: string[], inner: string): string {
  return `sum by (${[BY_SEGMENT, ...extraLabels].join(', ')}) (${inner})`;
}

function counterFamily(metric: string, splitLabel: string): CounterFamily {
  const rate = {} as Record<Window, Recording>;
  for (const window of ALL_WINDOWS) {
    rate[window] = {
      name: `${LEVEL}_${splitLabel}:${stripTotal(metric)}:rate${window}`,
      rawWith: (matchers) => sumBySegment([splitLabel], `rate(${selector(metric, matchers)}[${window}])`),
    };
  }
  return { metric, splitLabel, rate };
}

function buildRecordings() {
  const families = new Map<string, CounterFamily>();
  const familyOf = (metric: string, splitLabel: string) => {
    const existing = families.get(metric) ?? counterFamily(metric, splitLabel);
    families.set(metric, existing);
    return existing;
  };
  const proportions: ProportionRecordings[] = [];
  const distributions: DistributionRecordings[] = [];
  const proportionSlis = SLI_DEFINITIONS.filter((d): d is ProportionSli => d.kind === 'proportion');
  // Register the counters that are split by their own label first, so a counter read as a total
  // (llm_requests_total for injections) keeps its split label.
  for (const sli of proportionSlis) {
    familyOf(sli.metric, sli.eventLabel);
  }
  for (const sli of proportionSlis) {
    const events = familyOf(sli.metric, sli.eventLabel);
    const total = sli.totalMetric ? (families.get(sli.totalMetric) ?? familyOf(sli.totalMetric, 'outcome')) : events;
    const eventMatcher = eventMatchers(sli).join(', ');
    const name = RATIO_NAMES[sli.id] ?? `${stripTotal(sli.metric)}_${sli.eventValues.join('_or_')}`;
    const ratio = {} as Record<Window, Recording>;
    for (const window of ALL_WINDOWS) {
      ratio[window] = {
        name: `${LEVEL}:${name}:ratio_rate${window}`,
        rawWith: (matchers) =>
          `${sumBySegment([], `rate(${selector(events.metric, [eventMatcher, ...matchers])}[${window}])`)}\n/\n` +
          sumBySegment([], `rate(${selector(total.metric, matchers)}[${window}])`),
      };
    }
    const current = ratio[ALERT_WINDOW];
    const totalRate = (matchers: readonly string[]) =>
      `sum without (${total.splitLabel}) (${total.rate[ALERT_WINDOW].rawWith(matchers)})`;
    /** `call` (`avg_over_time(`, `quantile_over_time(0.75, `) of `inner` sampled over the day before the alert window. */
    const overDay = (call: string, inner: string) =>
      `${call}(${inner})[${BASELINE_WINDOW}:${DISPERSION_STEP}] offset ${ALERT_WINDOW})`;
    const dispersion: Recording = {
      name: `${LEVEL}:${name}:ratio_dispersion${BASELINE_WINDOW}`,
      rawWith: (matchers) => {
        const mean = overDay('avg_over_time(', current.rawWith(matchers));
        const requests = `(${overDay('avg_over_time(', totalRate(matchers))} * ${WINDOW_SECONDS[ALERT_WINDOW]})`;
        // The spread is the interquartile range (σ ≈ IQR / 1.349), so a regression that fills less than a
        // quarter of the day does not widen its own yardstick the way a standard deviation would.
        const quartile = (q: number) => overDay(`quantile_over_time(${q}, `, current.rawWith(matchers));
        const observed = `((${quartile(0.75)} - ${quartile(0.25)}) / 1.349) ^ 2`;
        // `>= 1 or … * 0 + 1` floors at 1 and also answers 1 where the ratio is 0/0 (no events all day).
        return `(\n  ${observed}\n  /\n  (${mean} * (1 - ${mean}) / ${requests})\n) >= 1\nor\n${requests} * 0 + 1`;
      },
    };
    proportions.push({ sli, events, total, eventMatcher, ratio, dispersion });
  }
  for (const sli of SLI_DEFINITIONS.filter((d): d is DistributionSli => d.kind === 'distribution')) {
    const base = [sli.metric, ...matcherValues(sli.matchers)].join('_');
    const fixed = matcherList(sli.matchers);
    const buckets: Partial<Record<Window, Recording>> = {};
    for (const window of BUCKET_WINDOWS) {
      buckets[window] = {
        name: `${LEVEL}_le:${base}_bucket:rate${window}`,
        rawWith: (matchers) =>
          sumBySegment(['le'], `rate(${selector(`${sli.metric}_bucket`, [...fixed, ...matchers])}[${window}])`),
      };
    }
    const count: Recording = {
      name: `${LEVEL}:${base}_count:rate${ALERT_WINDOW}`,
      rawWith: (matchers) =>
        sumBySegment([], `rate(${selector(`${sli.metric}_count`, [...fixed, ...matchers])}[${ALERT_WINDOW}])`),
    };
    const percent = Math.round(sli.headlineQuantile * 100);
    const quantile: Partial<Record<Window, Recording>> = {};
    for (const window of QUANTILE_WINDOWS) {
      quantile[window] = {
        name: `${LEVEL}:${base}:p${percent}_rate${window}`,
        rawWith: (matchers) =>
          `histogram_quantile(${sli.headlineQuantile}, ${sumBySegment(
            ['le'],
            `rate(${selector(`${sli.metric}_bucket`, [...fixed, ...matchers])}[${window}])`
          )})`,
      };
    }
    distributions.push({ sli, base, buckets, count, quantile });
  }
  return { families: [...families.values()], proportions, distributions };
}

export const RECORDINGS = buildRecordings();

export function proportion(id: SliId): ProportionRecordings {
  const found = RECORDINGS.proportions.find((p) => p.sli.id === id);
  if (!found) {
    throw new Error(`no proportion SLI '${id}' in the metrics contract`);
  }
  return found;
}

export function distribution(id: SliId): DistributionRecordings {
  const found = RECORDINGS.distributions.find((d) => d.sli.id === id);
  if (!found) {
    throw new Error(`no distribution SLI '${id}' in the metrics contract`);
  }
  return found;
}

export function counterFamilyOf(metric: string): CounterFamily {
  const found = RECORDINGS.families.find((f) => f.metric === metric);
  if (!found) {
    throw new Error(`no counter '${metric}' among the proportion SLIs`);
  }
  return found;
}

/** Rule groups: the 1-day baselines are evaluated less often, they move slowly and cost the most. */
export interface RecordingGroup {
  name: string;
  interval: string;
  rules: Recording[];
}

export function recordingGroups(): RecordingGroup[] {
  const fast: Recording[] = [];
  const baseline: Recording[] = [];
  const place = (window: Window, recording: Recording | undefined) => {
    if (recording) {
      (SLOW_WINDOWS.includes(window) ? baseline : fast).push(recording);
    }
  };
  for (const family of RECORDINGS.families) {
    ALL_WINDOWS.forEach((w) => place(w, family.rate[w]));
  }
  for (const p of RECORDINGS.proportions) {
    ALL_WINDOWS.forEach((w) => place(w, p.ratio[w]));
    baseline.push(p.dispersion);
  }
  for (const d of RECORDINGS.distributions) {
    ALL_WINDOWS.forEach((w) => place(w, d.buckets[w]));
    fast.push(d.count);
    ALL_WINDOWS.forEach((w) => place(w, d.quantile[w]));
  }
  return [
    { name: 'aisre-sli-recordings', interval: '1m', rules: fast },
    { name: 'aisre-sli-baselines', interval: '2m', rules: baseline },
  ];
}

/** Every recording rule by name, for expanding a recorded expression to its raw form. */
export function allRecordings(): Recording[] {
  return recordingGroups().flatMap((g) => g.rules);
}

/** Splits the inside of `{...}` into matchers, at commas outside double quotes. */
function splitMatchers(inside: string): string[] {
  const matchers: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < inside.length; i++) {
    const char = inside[i];
    if (quoted && char === '\\') {
      current += char + inside[++i];
      continue;
    }
    if (char === '"') {
      quoted = !quoted;
    }
    if (char === ',' && !quoted) {
      matchers.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim()) {
    matchers.push(current.trim());
  }
  return matchers;
}

/**
 * Rewrites an expression that reads recording rules into one that reads the raw series: every
 * `level:metric:operations{matchers}` becomes the rule's expression with the matchers pushed into its
 * selectors. Throws on a recorded name that is not one of ours.
 */
export function expandRecordings(expr: string): string {
  const byName = new Map(allRecordings().map((r) => [r.name, r]));
  return expr.replace(
    /\b([a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_:]+)(\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\})?/g,
    (_m, name: string, _b, inside?: string) => {
      const recording = byName.get(name);
      if (!recording) {
        throw new Error(`'${name}' is not one of the recording rules`);
      }
      return `(${recording.rawWith(inside ? splitMatchers(inside) : [])})`;
    }
  );
}
