/**
 * The Prometheus recording rules of the SLIs, derived from a telemetry profile (src/core/profile.ts: the
 * contract by default, or an OpenTelemetry / OpenLIT preset), named `level:metric:operations`
 * (https://prometheus.io/docs/practices/rules/). The full level is the profile's labels for team, service,
 * endpoint and model (`team_service_endpoint_model` on the contract), so every rule can be filtered the way
 * the dashboards' variables filter; rollups by `team` and by nothing (each with `le` or the split label) are
 * what the dashboards' All view reads, so its cost does not grow with the number of segments.
 *
 * Windows: 5m (dashboards), 30m / 1h / 6h (alerts and burn rates) and 1d, the baseline. The baseline is
 * a trailing day rather than `offset 7d` so that it exists minutes after telemetry starts (the demo
 * stack starts from nothing); while a regression lasts it is diluted into the day only slowly.
 */
import {
  COMMON_LABELS,
  type DistributionSli,
  escapeRegex,
  eventMatchers,
  type ProportionSli,
  SLI_DEFINITIONS,
  type SliId,
} from '../core/metrics';
import { profileFromSettings, type TelemetryProfile } from '../core/profile';
import { type Recording, selector } from './promql';

/** Rate windows of the recording rules; `1d` is the baseline, `3d` only the slowest burn-rate tier's long window. */
const RATE_WINDOWS = ['5m', '30m', '1h', '2h', '6h'] as const;
export const BASELINE_WINDOW = '1d';
const LONGEST_WINDOW = '3d';
export type Window = (typeof RATE_WINDOWS)[number] | typeof BASELINE_WINDOW | typeof LONGEST_WINDOW;
const ALL_WINDOWS: readonly Window[] = [...RATE_WINDOWS, BASELINE_WINDOW, LONGEST_WINDOW];
/** Windows evaluated in the slow group: they move slowly and cost the most. */
const SLOW_WINDOWS: readonly Window[] = [BASELINE_WINDOW, LONGEST_WINDOW];
/** Step of the subquery that samples the alert window's ratio across the trailing day for the dispersion. */
const DISPERSION_STEP = '5m';

/** Windows of the histogram rules: buckets for heatmaps and quantiles over a selection, quantiles for alerts. */
const BUCKET_WINDOWS: readonly Window[] = ['5m', BASELINE_WINDOW];
const QUANTILE_WINDOWS: readonly Window[] = ['30m', BASELINE_WINDOW];
/** The window of the dashboards' current values. */
export const CURRENT_WINDOW = '5m' satisfies Window;
/** Windows the dashboards aggregate over a selection: these get the team and global rollups. */
const ROLLUP_WINDOWS: readonly Window[] = ['5m', BASELINE_WINDOW];
/** Segments a ranking rule keeps: the by-segment panels draw the ones that moved most, whatever the fleet. */
export const RANKED_SEGMENTS = 10;
/** The window the investigate/page alerts compare with the baseline. */
export const ALERT_WINDOW = '30m' satisfies Window;
export const WINDOW_SECONDS: Readonly<Record<string, number>> = { '5m': 300, '30m': 1800, '1h': 3600, '6h': 21600 };

/** The contract's profile: what the rules and dashboards are built for unless a preset or settings say otherwise. */
const CONTRACT_PROFILE: TelemetryProfile = profileFromSettings({});

/** Name of each contract proportion SLI's ratio rules: what is counted, in the contract's words. */
const RATIO_NAMES: Record<string, string> = {
  refusal_rate: 'llm_requests_refused',
  error_rate: 'llm_requests_error',
  timeout_rate: 'llm_requests_timeout',
  empty_retrieval_rate: 'rag_retrievals_empty_or_failed',
  injection_rate: 'llm_injection_detections_per_request',
  tool_error_rate: 'agent_tool_calls_error',
};

const stripTotal = (metric: string) => metric.replace(/_total$/, '');
/** Words as a metric-name part: `model calls` -> `model_calls`. */
const slug = (words: string) => words.replace(/[^a-zA-Z0-9]+/g, '_').replace(/^_|_$/g, '');

/**
 * A name part for a selection within a shared series (`gen_ai_token_type="output"` -> `output`): the matcher
 * values when they read as names, otherwise what the SLI counts (`model_calls`).
 */
function selectionName(matchers: string | undefined, noun: string): string {
  const values = [...(matchers ?? '').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
  return values.every((v) => /^[a-zA-Z0-9_]+$/.test(v)) ? values.join('_') : slug(noun);
}

function matcherList(matchers: string | undefined): string[] {
  return matchers ? [matchers] : [];
}

/**
 * One recorded quantity at three levels, coarse to fine: summed over everything, by team, by segment (team,
 * service, endpoint, model). Each keeps `extra` labels (`le`, the split label). The finer levels are the
 * rule; the two rollups sum it, so they cost the ruler little and the dashboards' All view reads a handful
 * of series whatever the number of segments.
 */
export interface Leveled {
  /** [global, team, segment] */
  levels: [Recording, Recording, Recording];
  /** The labels each level keeps besides `extra` (global: none; team: the team label; segment: all four). */
  labels: [string[], string[], string[]];
  extra: string[];
}

/** A counter (with the matchers that pick its SLI's operations) and the label that splits it into events. */
export interface CounterFamily {
  metric: string;
  matchers?: string;
  splitLabel: string;
  /** Per-second rate by segment and split label, per window. */
  rate: Record<Window, Recording>;
  /** The same with its rollups, for the windows the dashboards aggregate. */
  leveled: Partial<Record<Window, Leveled>>;
}

export interface ProportionRecordings {
  sli: ProportionSli;
  /** Counter of the events, and of the total (the same counter unless the SLI says otherwise). */
  events: CounterFamily;
  total: CounterFamily;
  /** Matchers that pick the events out of `events` (`outcome="refused"`). */
  eventMatchers: string[];
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
  /** The RANKED_SEGMENTS segments whose 5m ratio rose most against their day: what the All view's by-segment panel draws. */
  worst: Ranking;
}

/**
 * The segments that moved most in the bad direction (`topk` or `bottomk` of current / baseline − 1), recorded
 * so that a dashboard's All view reads RANKED_SEGMENTS series instead of ranking every segment at each load:
 * the ruler pays for the ranking once a minute, not each viewer at each refresh.
 */
export interface Ranking {
  rule: Recording;
  current: Recording;
  baseline: Recording;
  /** `topk` where higher is worse, `bottomk` where lower is. */
  worst: 'topk' | 'bottomk';
}

export interface DistributionRecordings {
  sli: DistributionSli;
  /** Base of the rule names (`gen_ai_client_token_usage_output` for the output-token histogram). */
  base: string;
  /** Bucket rates by segment and `le`. */
  buckets: Partial<Record<Window, Recording>>;
  /** The same with its rollups by team and `le`, and by `le`. */
  leveledBuckets: Partial<Record<Window, Leveled>>;
  /** Observations per second by segment, over the alert window: the alerts' minimum-volume guard. */
  count: Recording;
  /** The headline quantile (p95 where higher is worse, p50 otherwise) by segment. */
  quantile: Partial<Record<Window, Recording>>;
  /** The RANKED_SEGMENTS segments whose headline quantile over 30m moved most against their day. */
  worst: Ranking;
}

/** Rule groups: the 1-day baselines are evaluated less often, they move slowly and cost the most. */
export interface RecordingGroup {
  name: string;
  interval: string;
  rules: Recording[];
}

/** Every recording rule of one profile, and the ways to read them. */
export interface Recordings {
  profile: TelemetryProfile;
  /** The segment labels as the profile's series spell them (team, service, endpoint, model). */
  segmentLabels: string[];
  /** `sum by` list of the segment level: `team, service, endpoint, model` on the contract. */
  bySegment: string;
  families: CounterFamily[];
  proportions: ProportionRecordings[];
  distributions: DistributionRecordings[];
}

/**
 * A selector of `metric` (a name, or a name with a `_count`/`_bucket` suffix) with matchers. Where the profile
 * leaves a name to be settled between candidates (OpenTelemetry's `..._duration_seconds`, as the Collector
 * writes it, or `..._duration`, as the JS exporter does), it selects every candidate by `__name__`: a bundled
 * dashboard or rule then reads whichever the Prometheus has, without anyone editing it.
 */
export function seriesSelector(profile: TelemetryProfile, metric: string, matchers: readonly string[]): string {
  for (const names of Object.values(profile.candidates)) {
    const base = [...(names ?? [])]
      .sort((a, b) => b.length - a.length)
      .find((n) => metric === n || metric.startsWith(`${n}_`));
    if (names && base && names.length > 1) {
      const suffix = metric.slice(base.length);
      return `{${[`__name__=~"${names.map((n) => escapeRegex(n + suffix)).join('|')}"`, ...matchers].join(', ')}}`;
    }
  }
  return selector(metric, matchers);
}

function sumBy(labels: string[], inner: string): string {
  return `sum by (${labels.join(', ')}) (${inner})`;
}

/** The two rollups of a per-segment rule, cheap to evaluate: they sum the rule's own series. */
function leveled(rule: Recording, segment: string[], team: string, extra: string[], name: (level: string) => string) {
  const rollup = (labels: string[], level: string): Recording => ({
    name: name(level),
    rawWith: (matchers) => sumBy([...labels, ...extra], rule.rawWith(matchers)),
    ruleExpr: sumBy([...labels, ...extra], rule.name),
  });
  const levelName = (labels: string[]) => [...labels, ...extra].join('_');
  return {
    levels: [rollup([], levelName([])), rollup([team], levelName([team])), rule],
    labels: [[], [team], segment],
    extra,
  } satisfies Leveled;
}

/** `worst(N, current / baseline − 1)` per segment, recorded as `name`: it reads the two per-segment rules. */
function ranking(name: string, current: Recording, baseline: Recording, worst: Ranking['worst']): Ranking {
  const change = (a: string, b: string) => `${worst}(${RANKED_SEGMENTS}, ${a} / ${b} - 1)`;
  return {
    rule: {
      name,
      rawWith: (matchers) => change(`(${current.rawWith(matchers)})`, `(${baseline.rawWith(matchers)})`),
      ruleExpr: change(current.name, baseline.name),
    },
    current,
    baseline,
    worst,
  };
}

/** The recording rules of a profile's measured SLIs (the contract's unless told otherwise). */
export function recordingsFor(profile: TelemetryProfile): Recordings {
  const segmentLabels = [...new Set(COMMON_LABELS.map((l) => profile.labels[l]))];
  const level = segmentLabels.join('_');
  const bySegment = segmentLabels.join(', ');
  const team = profile.labels.team;
  const sumBySegment = (extraLabels: string[], inner: string) => sumBy([...segmentLabels, ...extraLabels], inner);
  const series = (metric: string, matchers: readonly string[]) => seriesSelector(profile, metric, matchers);
  const measured = profile.definitions.filter((d) => !profile.unmeasured.includes(d.id));
  const contract = (sli: { id: SliId; metric: string }) =>
    SLI_DEFINITIONS.some((d) => d.id === sli.id && d.metric === sli.metric);

  const families = new Map<string, CounterFamily>();
  const familyOf = (metric: string, matchers: string | undefined, splitLabel: string, noun: string) => {
    const key = `${metric}{${matchers ?? ''}}`;
    const known = families.get(key);
    if (known) {
      return known;
    }
    const base = matchers ? `${stripTotal(metric)}_${selectionName(matchers, noun)}` : stripTotal(metric);
    const rate = {} as Record<Window, Recording>;
    const leveledRates: Partial<Record<Window, Leveled>> = {};
    for (const window of ALL_WINDOWS) {
      rate[window] = {
        name: `${level}_${splitLabel}:${base}:rate${window}`,
        rawWith: (extra) =>
          sumBySegment([splitLabel], `rate(${series(metric, [...matcherList(matchers), ...extra])}[${window}])`),
      };
      if (ROLLUP_WINDOWS.includes(window)) {
        leveledRates[window] = leveled(
          rate[window],
          segmentLabels,
          team,
          [splitLabel],
          (l) => `${l}:${base}:rate${window}`
        );
      }
    }
    const family: CounterFamily = { metric, matchers, splitLabel, rate, leveled: leveledRates };
    families.set(key, family);
    return family;
  };
  const proportionSlis = measured.filter((d): d is ProportionSli => d.kind === 'proportion');
  // Register the counters that are split by their own label first, so a counter read as a total
  // (llm_requests_total for injections) keeps its split label.
  for (const sli of proportionSlis) {
    familyOf(sli.metric, sli.matchers, sli.eventLabel, sli.totalNoun);
  }
  const proportions: ProportionRecordings[] = proportionSlis.map((sli) => {
    const events = familyOf(sli.metric, sli.matchers, sli.eventLabel, sli.totalNoun);
    const total = sli.totalMetric
      ? ([...families.values()].find((f) => f.metric === sli.totalMetric) ??
        familyOf(sli.totalMetric, undefined, 'outcome', sli.totalNoun))
      : events;
    const matchers = eventMatchers(sli);
    const name = contract(sli)
      ? (RATIO_NAMES[sli.id] ?? `${stripTotal(sli.metric)}_${sli.eventValues.join('_or_')}`)
      : `${events.rate['5m'].name.split(':')[1]}_${slug(sli.eventNoun)}`;
    const totalSelector = (extra: readonly string[]) =>
      series(total.metric, [...matcherList(total.matchers), ...extra]);
    const ratio = {} as Record<Window, Recording>;
    for (const window of ALL_WINDOWS) {
      ratio[window] = {
        name: `${level}:${name}:ratio_rate${window}`,
        rawWith: (extra) =>
          `${sumBySegment([], `rate(${series(events.metric, [...matcherList(events.matchers), ...matchers, ...extra])}[${window}])`)}\n/\n` +
          sumBySegment([], `rate(${totalSelector(extra)}[${window}])`),
      };
    }
    const current = ratio[ALERT_WINDOW];
    const totalRate = (extra: readonly string[]) =>
      `sum without (${total.splitLabel}) (${total.rate[ALERT_WINDOW].rawWith(extra)})`;
    /** `call` (`avg_over_time(`, `quantile_over_time(0.75, `) of `inner` sampled over the day before the alert window. */
    const overDay = (call: string, inner: string) =>
      `${call}(${inner})[${BASELINE_WINDOW}:${DISPERSION_STEP}] offset ${ALERT_WINDOW})`;
    const dispersion: Recording = {
      name: `${level}:${name}:ratio_dispersion${BASELINE_WINDOW}`,
      rawWith: (extra) => {
        const mean = overDay('avg_over_time(', current.rawWith(extra));
        const requests = `(${overDay('avg_over_time(', totalRate(extra))} * ${WINDOW_SECONDS[ALERT_WINDOW]})`;
        // The spread is the interquartile range (σ ≈ IQR / 1.349), so a regression that fills less than a
        // quarter of the day does not widen its own yardstick the way a standard deviation would.
        const quartile = (q: number) => overDay(`quantile_over_time(${q}, `, current.rawWith(extra));
        const observed = `((${quartile(0.75)} - ${quartile(0.25)}) / 1.349) ^ 2`;
        // `>= 1 or … * 0 + 1` floors at 1 and also answers 1 where the ratio is 0/0 (no events all day).
        return `(\n  ${observed}\n  /\n  (${mean} * (1 - ${mean}) / ${requests})\n) >= 1\nor\n${requests} * 0 + 1`;
      },
    };
    const worst = ranking(
      `${level}:${name}:ratio_rate${CURRENT_WINDOW}_vs_${BASELINE_WINDOW}_top${RANKED_SEGMENTS}`,
      ratio[CURRENT_WINDOW],
      ratio[BASELINE_WINDOW],
      'topk'
    );
    return { sli, events, total, eventMatchers: matchers, ratio, dispersion, worst };
  });
  const distributions = measured
    .filter((d): d is DistributionSli => d.kind === 'distribution')
    .map((sli): DistributionRecordings => {
      const base = sli.matchers ? `${sli.metric}_${selectionName(sli.matchers, sli.totalNoun)}` : sli.metric;
      const fixed = matcherList(sli.matchers);
      const bucketRate = (window: Window, extra: readonly string[]) =>
        sumBySegment(['le'], `rate(${series(`${sli.metric}_bucket`, [...fixed, ...extra])}[${window}])`);
      const buckets: Partial<Record<Window, Recording>> = {};
      const leveledBuckets: Partial<Record<Window, Leveled>> = {};
      for (const window of BUCKET_WINDOWS) {
        const rule: Recording = {
          name: `${level}_le:${base}_bucket:rate${window}`,
          rawWith: (extra) => bucketRate(window, extra),
        };
        buckets[window] = rule;
        leveledBuckets[window] = leveled(rule, segmentLabels, team, ['le'], (l) => `${l}:${base}_bucket:rate${window}`);
      }
      const count: Recording = {
        name: `${level}:${base}_count:rate${ALERT_WINDOW}`,
        rawWith: (extra) =>
          sumBySegment([], `rate(${series(`${sli.metric}_count`, [...fixed, ...extra])}[${ALERT_WINDOW}])`),
      };
      const percent = Math.round(sli.headlineQuantile * 100);
      const quantile: Partial<Record<Window, Recording>> = {};
      for (const window of QUANTILE_WINDOWS) {
        quantile[window] = {
          name: `${level}:${base}:p${percent}_rate${window}`,
          rawWith: (extra) => `histogram_quantile(${sli.headlineQuantile}, ${bucketRate(window, extra)})`,
        };
      }
      const [current, baseline] = QUANTILE_WINDOWS.map((w) => quantile[w]!);
      const direction = sli.badDirection === 'lower' ? 'bottomk' : 'topk';
      const worst = ranking(
        `${level}:${base}:p${percent}_rate${QUANTILE_WINDOWS[0]}_vs_${BASELINE_WINDOW}_${direction === 'topk' ? 'top' : 'bottom'}${RANKED_SEGMENTS}`,
        current,
        baseline,
        direction
      );
      return { sli, base, buckets, leveledBuckets, count, quantile, worst };
    });
  return { profile, segmentLabels, bySegment, families: [...families.values()], proportions, distributions };
}

export const RECORDINGS = recordingsFor(CONTRACT_PROFILE);

export function proportion(id: SliId, recordings: Recordings = RECORDINGS): ProportionRecordings {
  const found = recordings.proportions.find((p) => p.sli.id === id);
  if (!found) {
    throw new Error(`no measured proportion SLI '${id}' in the ${recordings.profile.preset} profile`);
  }
  return found;
}

export function distribution(id: SliId, recordings: Recordings = RECORDINGS): DistributionRecordings {
  const found = recordings.distributions.find((d) => d.sli.id === id);
  if (!found) {
    throw new Error(`no measured distribution SLI '${id}' in the ${recordings.profile.preset} profile`);
  }
  return found;
}

export function recordingGroups(recordings: Recordings = RECORDINGS): RecordingGroup[] {
  const fast: Recording[] = [];
  const baseline: Recording[] = [];
  // A rollup follows its rule in the same group: rules of a group run in order, so it sums this evaluation's values.
  const place = (window: Window, recording: Recording | undefined, rollups?: Leveled) => {
    if (recording) {
      const group = SLOW_WINDOWS.includes(window) ? baseline : fast;
      group.push(recording, ...(rollups ? [rollups.levels[1], rollups.levels[0]] : []));
    }
  };
  for (const family of recordings.families) {
    ALL_WINDOWS.forEach((w) => place(w, family.rate[w], family.leveled[w]));
  }
  for (const p of recordings.proportions) {
    ALL_WINDOWS.forEach((w) => place(w, p.ratio[w]));
    baseline.push(p.dispersion);
    fast.push(p.worst.rule);
  }
  for (const d of recordings.distributions) {
    ALL_WINDOWS.forEach((w) => place(w, d.buckets[w], d.leveledBuckets[w]));
    fast.push(d.count);
    ALL_WINDOWS.forEach((w) => place(w, d.quantile[w]));
    fast.push(d.worst.rule);
  }
  return [
    { name: 'aisre-sli-recordings', interval: '1m', rules: fast },
    { name: 'aisre-sli-baselines', interval: '2m', rules: baseline },
  ];
}

/** Every recording rule by name, for expanding a recorded expression to its raw form. */
export function allRecordings(recordings: Recordings = RECORDINGS): Recording[] {
  return recordingGroups(recordings).flatMap((g) => g.rules);
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
export function expandRecordings(expr: string, recordings: Recordings = RECORDINGS): string {
  const byName = new Map(allRecordings(recordings).map((r) => [r.name, r]));
  // Quoted strings are skipped: a matcher's value may spell a rule's name (the All view's gates do); a rule
  // named by a `__name__` matcher is read as `name{…}` first.
  return expr
    .replace(/\{__name__="([a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_:]+)",\s*/g, '$1{')
    .replace(
      /"(?:[^"\\]|\\.)*"|\b([a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_:]+)(\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\})?/g,
      (match, name: string | undefined, _b, inside?: string) => {
        if (name === undefined) {
          return match;
        }
        const recording = byName.get(name);
        if (!recording) {
          throw new Error(`'${name}' is not one of the recording rules`);
        }
        return `(${recording.rawWith(inside ? splitMatchers(inside) : [])})`;
      }
    );
}
