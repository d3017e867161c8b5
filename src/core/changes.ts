/**
 * "What changed": deployments, prompt and model changes and provider-side model updates, read from the
 * `llm_build_info{model, response_model, prompt_version} 1` info metric through the core's MetricsSource.
 * The Incidents page shows them as evidence next to the impact report, and suggest.ts weighs them.
 *
 * How: a build (label set) "appears" at a step where it is present and was absent one step earlier. Three
 * instant queries over a subquery give, per build, how often it appeared in the range and its first and
 * last appearance; a build that appeared more than twice (A -> B -> A -> B …) is looked at again in
 * halves until every appearance is known. Appearances, not first-seen times, because a rollback brings
 * back a build that was already seen. Standard PromQL only (subqueries, `unless`, `offset`,
 * `timestamp`, `*_over_time`), so it runs on Prometheus, Mimir, Thanos and VictoriaMetrics.
 */
import { BUILD_INFO_METRIC, isMetricName, validateSelector } from './metrics';
import { type Interval, type MetricsSource, type SampleRow } from './source';

export interface BuildInfo {
  model: string;
  response_model: string;
  prompt_version: string;
}

export interface ChangeEvent {
  /** Unix seconds: the first step at which the new build was seen (the change happened within the step before). */
  time: number;
  /** team, service, endpoint of the build-info series. */
  segment: Record<string, string>;
  /** The build this one replaced; null when the segment had no build before (a first deployment). */
  before: BuildInfo | null;
  after: BuildInfo;
  changed: Array<keyof BuildInfo>;
}

export interface ChangeEventOptions {
  window: Interval;
  /** How far before the window to look for changes (default 1 h): a deployment just before it counts. */
  lookbackSeconds?: number;
  /** PromQL label matchers without braces, e.g. `endpoint="/chat"`. */
  selector?: string;
  /** Resolution of the change times (default 60 s); at least the scrape interval. */
  stepSeconds?: number;
  /** The build-info metric's name where the app's configuration remaps it (default llm_build_info). */
  metric?: string;
}

const SEGMENT_LABELS = ['team', 'service', 'endpoint'] as const;
const BUILD_LABELS: ReadonlyArray<keyof BuildInfo> = ['model', 'response_model', 'prompt_version'];

const DEFAULT_LOOKBACK_SECONDS = 3600;
const DEFAULT_STEP_SECONDS = 60;

// ---------------------------------------------------------------------------------------------------
// PromQL

const BY_BUILD = [...SEGMENT_LABELS, ...BUILD_LABELS].join(', ');

/** One series per segment and build, whatever the number of replicas (instance, pod) reporting it. */
function buildsQuery(series: string, offsetSeconds = 0): string {
  const offset = offsetSeconds > 0 ? ` offset ${offsetSeconds}s` : '';
  return `count by (${BY_BUILD}) (${series}${offset})`;
}

/** The build-info series to read: the metric (default or remapped) with the caller's matchers. */
function buildInfoSeries(selector: string, metric: string = BUILD_INFO_METRIC): string {
  if (!isMetricName(metric)) {
    throw new RangeError(`'${metric}' is not a metric name`);
  }
  return `${metric}{${validateSelector(selector)}}`;
}

/** Builds present at a step and absent one step earlier. */
function buildAppearancesQuery(series: string, stepSeconds: number): string {
  return `${buildsQuery(series)} unless ${buildsQuery(series, stepSeconds)}`;
}

/**
 * Per build, over the steps in (end − rangeSeconds, end]: how many appearances, and the first and last.
 * The subquery range is one second short of the interval, so the step at its start is left out on engines
 * whose ranges are closed on the left and on those whose ranges are open.
 */
function appearanceQueries(
  series: string,
  rangeSeconds: number,
  stepSeconds: number
): { count: string; first: string; last: string } {
  const appearances = buildAppearancesQuery(series, stepSeconds);
  const range = `[${rangeSeconds - 1}s:${stepSeconds}s]`;
  return {
    count: `count_over_time((${appearances})${range})`,
    first: `min_over_time(timestamp(${appearances})${range})`,
    last: `max_over_time(timestamp(${appearances})${range})`,
  };
}

/** The newest sample time of each build at a moment: which build was current when the range starts. */
function latestSampleQuery(series: string): string {
  return `max by (${BY_BUILD}) (timestamp(${series}))`;
}

// ---------------------------------------------------------------------------------------------------
// Reading

interface BuildSeries {
  segment: Record<string, string>;
  build: BuildInfo;
}

function seriesOf(labels: Record<string, string>): BuildSeries {
  return {
    segment: Object.fromEntries(SEGMENT_LABELS.map((label) => [label, labels[label] ?? ''])),
    build: {
      model: labels.model ?? '',
      response_model: labels.response_model ?? '',
      prompt_version: labels.prompt_version ?? '',
    },
  };
}

function segmentKey(segment: Record<string, string>): string {
  return JSON.stringify(SEGMENT_LABELS.map((label) => segment[label]));
}

function buildKey(series: BuildSeries): string {
  return JSON.stringify([segmentKey(series.segment), ...BUILD_LABELS.map((label) => series.build[label])]);
}

function byBuild(rows: SampleRow[]): Map<string, { series: BuildSeries; value: number }> {
  const found = new Map<string, { series: BuildSeries; value: number }>();
  for (const row of rows) {
    const series = seriesOf(row.labels);
    if (Number.isFinite(row.value)) {
      found.set(buildKey(series), { series, value: row.value });
    }
  }
  return found;
}

/** Every appearance time of every build in (from, to], both step-aligned. */
async function appearancesBetween(
  source: MetricsSource,
  series: string,
  from: number,
  to: number,
  step: number
): Promise<Map<string, { series: BuildSeries; times: number[] }>> {
  const queries = appearanceQueries(series, to - from, step);
  const [counts, firsts, lasts] = await Promise.all([
    source.instantQuery(queries.count, to).then(byBuild),
    source.instantQuery(queries.first, to).then(byBuild),
    source.instantQuery(queries.last, to).then(byBuild),
  ]);
  const result = new Map<string, { series: BuildSeries; times: number[] }>();
  const ambiguous: string[] = [];
  for (const [key, { series, value: count }] of counts) {
    const first = firsts.get(key)?.value;
    const last = lasts.get(key)?.value;
    if (first === undefined || last === undefined || count < 1) {
      continue;
    }
    if (count <= 2 || to - from <= step) {
      result.set(key, { series, times: [...new Set([first, last])] });
    } else {
      ambiguous.push(key);
    }
  }
  if (ambiguous.length > 0) {
    // More than two appearances: min and max miss the ones in between, so look at each half.
    const middle = from + Math.floor((to - from) / step / 2) * step;
    const halves = await Promise.all([
      appearancesBetween(source, series, from, middle, step),
      appearancesBetween(source, series, middle, to, step),
    ]);
    for (const key of ambiguous) {
      const parts = halves.map((half) => half.get(key));
      const series = (parts[0] ?? parts[1])?.series ?? counts.get(key)!.series;
      result.set(key, { series, times: parts.flatMap((part) => part?.times ?? []) });
    }
  }
  return result;
}

/** Per segment, the build with the newest sample at `time` (what was running when the range starts). */
async function currentBuilds(source: MetricsSource, series: string, time: number): Promise<Map<string, BuildSeries>> {
  const rows = await source.instantQuery(latestSampleQuery(series), time);
  const current = new Map<string, { series: BuildSeries; newest: number; key: string }>();
  for (const row of rows) {
    const series = seriesOf(row.labels);
    const key = buildKey(series);
    const segment = segmentKey(series.segment);
    const known = current.get(segment);
    // Ties (two builds side by side, a canary) go to the smaller key, so the answer does not depend on row order.
    if (!known || row.value > known.newest || (row.value === known.newest && key < known.key)) {
      current.set(segment, { series, newest: row.value, key });
    }
  }
  return new Map([...current].map(([segment, { series }]) => [segment, series]));
}

function changedLabels(before: BuildInfo | null, after: BuildInfo): Array<keyof BuildInfo> {
  return BUILD_LABELS.filter((label) => before === null || before[label] !== after[label]);
}

/**
 * The build changes of every segment in (window.from − lookback, window.to], oldest first. `before` is the
 * build the segment ran until then: the one current when the range started, or the previous change's.
 */
export async function readChangeEvents(source: MetricsSource, options: ChangeEventOptions): Promise<ChangeEvent[]> {
  const step = options.stepSeconds ?? DEFAULT_STEP_SECONDS;
  const lookback = options.lookbackSeconds ?? DEFAULT_LOOKBACK_SECONDS;
  if (!(step > 0) || !Number.isFinite(step) || !(lookback >= 0)) {
    throw new RangeError(`step (${step} s) must be positive and the lookback (${lookback} s) not negative`);
  }
  if (!(options.window.to > options.window.from)) {
    throw new RangeError('the window must end after it starts');
  }
  const series = buildInfoSeries(options.selector ?? '', options.metric);
  // Subquery steps fall on multiples of the step: widen the range to the steps around it.
  const from = Math.floor((options.window.from - lookback) / step) * step;
  const to = Math.ceil(options.window.to / step) * step;

  const [appearances, startBuilds] = await Promise.all([
    appearancesBetween(source, series, from, to, step),
    currentBuilds(source, series, from),
  ]);

  const timeline = [...appearances.values()]
    .flatMap(({ series, times }) => times.map((time) => ({ time, series })))
    .sort((a, b) => a.time - b.time || buildKey(a.series).localeCompare(buildKey(b.series)));

  const running = new Map<string, BuildInfo>([...startBuilds].map(([segment, series]) => [segment, series.build]));
  const events: ChangeEvent[] = [];
  for (const { time, series } of timeline) {
    const segment = segmentKey(series.segment);
    const before = running.get(segment) ?? null;
    const changed = changedLabels(before, series.build);
    running.set(segment, series.build);
    // The same build again (a gap in scraping longer than the lookback) is not a change.
    if (changed.length > 0) {
      events.push({ time, segment: series.segment, before, after: series.build, changed });
    }
  }
  return events;
}
