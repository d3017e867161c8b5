/**
 * Ground truth: the simulator's own exact counts for a window — the sum of the increments of every step
 * whose sample time t has from < t <= to, which is what Prometheus' increase() returns when from and to
 * fall on sample timestamps. Counts are read per endpoint and SLI following the naming's SLI definitions (what
 * the report reads under that preset), never through the statistics code in src/core, so the two can be checked
 * against each other.
 */
import { rfc3339 } from '../core/format';
import { type COMMON_LABELS, isEventValue, type SliDefinition, type SliId } from '../core/metrics';
import { type CommonLabel, type PresetId } from '../core/settings';

import { type Simulation, stepIncrements } from './generator';
import { BUILD_LABEL, type BuildInfo, type ScheduledIncident } from './scenario';
import { seriesMatches } from './naming';
import { type EndpointLayout } from './series';

/** Unix seconds; the window holds the samples t with from < t <= to. */
export interface Interval {
  from: number;
  to: number;
}

export interface ProportionCount {
  events: number;
  total: number;
}

export interface HistogramCount {
  /** Bucket upper bounds; the last is the string "+Inf" (JSON has no Infinity). */
  le: Array<number | '+Inf'>;
  /** Observations at or below each bound (the last is the total). */
  cumulative: number[];
}

type SliCounts = Partial<Record<SliId, ProportionCount | HistogramCount>>;

/** Per endpoint (`/chat`), per SLI id: only the SLIs the endpoint has series for. */
export type WindowCounts = Record<string, SliCounts>;

/** The sample steps s with from < t(s) <= to, as [first, last] (empty when first > last). */
function stepsIn(simulation: Simulation, window: Interval): [number, number] {
  const first = Math.max(1, Math.floor((window.from - simulation.origin) / simulation.stepSeconds) + 1);
  const last = Math.floor((window.to - simulation.origin) / simulation.stepSeconds);
  return [first, last];
}

/** Summed slot increments per endpoint over the window. */
function slotTotals(simulation: Simulation, window: Interval): Float64Array[] {
  const [first, last] = stepsIn(simulation, window);
  return simulation.layouts.map((layout, e) => {
    const totals = new Float64Array(layout.slotCount);
    const increments = new Float64Array(layout.slotCount);
    for (let step = first; step <= last; step++) {
      stepIncrements(simulation, e, step, increments);
      for (let slot = 0; slot < totals.length; slot++) {
        totals[slot] += increments[slot];
      }
    }
    return totals;
  });
}

/** Per series, its count over the window: a counter's slot, or every bucket of a histogram (its `_count`). */
function seriesCounts(layout: EndpointLayout, totals: Float64Array, metric: string, matchers: string | undefined) {
  const counters = layout.counters
    .filter((series) => series.metric === metric && seriesMatches(series.labels, matchers))
    .map((series) => ({ labels: series.labels, count: totals[series.slot] }));
  const histograms = layout.histograms
    .filter((series) => `${series.metric}_count` === metric && seriesMatches(series.labels, matchers))
    .map((series) => {
      let count = 0;
      for (let bucket = 0; bucket <= series.bounds.length; bucket++) {
        count += totals[series.slot + bucket];
      }
      return { labels: series.labels, count };
    });
  return [...counters, ...histograms];
}

function countsForEndpoint(
  layout: EndpointLayout,
  totals: Float64Array,
  definitions: readonly SliDefinition[]
): SliCounts {
  const counts: SliCounts = {};
  const sum = (series: Array<{ count: number }>) => series.reduce((n, s) => n + s.count, 0);

  for (const definition of definitions) {
    if (definition.kind === 'proportion') {
      const read = seriesCounts(layout, totals, definition.metric, definition.matchers);
      if (read.length === 0) {
        continue;
      }
      counts[definition.id] = {
        events: sum(read.filter((s) => isEventValue(definition, s.labels[definition.eventLabel] ?? ''))),
        total: definition.totalMetric
          ? sum(seriesCounts(layout, totals, definition.totalMetric, undefined))
          : sum(read),
      };
      continue;
    }
    const histograms = layout.histograms.filter(
      (series) => series.metric === definition.metric && seriesMatches(series.labels, definition.matchers)
    );
    if (histograms.length === 0) {
      continue;
    }
    const bounds = histograms[0].bounds;
    const cumulative = new Array<number>(bounds.length + 1).fill(0);
    for (const series of histograms) {
      let running = 0;
      for (let bucket = 0; bucket <= bounds.length; bucket++) {
        running += totals[series.slot + bucket];
        cumulative[bucket] += running;
      }
    }
    counts[definition.id] = { le: [...bounds, '+Inf'], cumulative };
  }
  return counts;
}

/** Exact counts for any window (unix seconds, from < t <= to), per endpoint and SLI. */
export function windowCounts(simulation: Simulation, window: Interval): WindowCounts {
  const totals = slotTotals(simulation, window);
  const counts: WindowCounts = {};
  simulation.segments.forEach((segment, e) => {
    counts[segment.endpoint] = countsForEndpoint(simulation.layouts[e], totals[e], simulation.naming.definitions);
  });
  return counts;
}

export { rfc3339 };

type BuildLabels = Record<string, string>;

interface TruthIncident {
  id: string;
  category: string;
  subcategory: string;
  endpoint: string;
  from: string;
  to: string;
  description: string;
  /** SLIs of `endpoint` that should page, of those this naming measures. */
  expectedShifts: SliId[];
  /** Shifts the scenario makes that this naming has no series for (OpenTelemetry has no refusals…). */
  unmeasuredShifts?: SliId[];
  /** `llm_build_info` label changes of this incident: the deployment at `from`, the rollback or fix at `to`. */
  changeEvents: Array<{ time: string; before: BuildLabels; after: BuildLabels }>;
}

interface TruthWindow {
  /** `incident:<id>`, `baseline:<id>` (the preceding interval of equal length), `range`,
   *  `counter-reset:<n>` (30 min either side of a restart), `zero-traffic:<n>`. */
  name: string;
  from: string;
  to: string;
  counts: WindowCounts;
}

export interface GroundTruth {
  seed: number;
  scenario: string;
  from: string;
  to: string;
  stepSeconds: number;
  rateMultiplier: number;
  /** 'realistic' (over-dispersed, the default) or 'none' (independent requests). */
  noise: string;
  /** The telemetry convention the samples are named by (`aisre simulate --preset`), and the metric of each role. */
  preset: PresetId;
  /** Common label -> the label the series carry it as (only the common labels they carry). */
  labels: Partial<Record<CommonLabel, string>>;
  segments: Array<Record<(typeof COMMON_LABELS)[number], string>>;
  incidents: TruthIncident[];
  counterResets: Array<{ time: string; endpoint: string }>;
  zeroTraffic: Array<{ from: string; to: string; endpoint: string }>;
  windows: TruthWindow[];
}

function buildLabels(model: string, build: BuildInfo): BuildLabels {
  return { model, [BUILD_LABEL.responseModel]: build.responseModel, [BUILD_LABEL.promptVersion]: build.promptVersion };
}

/** Incidents of the range whose window and equal-length baseline both lie inside it. */
export function incidentsWithCleanBaseline(simulation: Simulation, to: number): ScheduledIncident[] {
  return simulation.schedule
    .incidentsBetween(simulation.origin, to)
    .filter((incident) => incident.from - (incident.to - incident.from) >= simulation.origin && incident.to <= to);
}

const RESET_WINDOW_SECONDS = 1800;

/** The incident's expected shifts split into those the naming has series for on its endpoint, and the rest. */
function shiftsMeasured(simulation: Simulation, incident: ScheduledIncident) {
  // An empty window still lists every SLI the endpoint has series for.
  const measured = new Set(Object.keys(windowCounts(simulation, { from: 0, to: 0 })[incident.endpoint] ?? {}));
  const expectedShifts = incident.expectedShifts.filter((sli) => measured.has(sli));
  const unmeasured = incident.expectedShifts.filter((sli) => !measured.has(sli));
  return { expectedShifts, ...(unmeasured.length ? { unmeasuredShifts: unmeasured } : {}) };
}

/** The ground truth of a file-mode range (origin, to]: schedule, change events and exact window counts. */
export function groundTruth(simulation: Simulation, to: number): GroundTruth {
  const from = simulation.origin;
  const incidents = incidentsWithCleanBaseline(simulation, to);
  const counterResets = simulation.schedule.counterResetsBetween(from, to);
  const zeroTraffic = simulation.schedule
    .zeroTrafficBetween(from, to)
    .filter((gap) => gap.from >= from && gap.to <= to);

  const windows: Array<{ name: string } & Interval> = [];
  for (const incident of incidents) {
    const length = incident.to - incident.from;
    windows.push({ name: `baseline:${incident.id}`, from: incident.from - length, to: incident.from });
    windows.push({ name: `incident:${incident.id}`, from: incident.from, to: incident.to });
  }
  counterResets.forEach((reset, i) =>
    windows.push({
      name: `counter-reset:${i + 1}`,
      from: Math.max(from, reset.time - RESET_WINDOW_SECONDS),
      to: Math.min(to, reset.time + RESET_WINDOW_SECONDS),
    })
  );
  zeroTraffic.forEach((gap, i) => windows.push({ name: `zero-traffic:${i + 1}`, from: gap.from, to: gap.to }));
  windows.push({ name: 'range', from, to });

  return {
    seed: simulation.seed,
    scenario: simulation.scenario.name,
    from: rfc3339(from),
    to: rfc3339(to),
    stepSeconds: simulation.stepSeconds,
    rateMultiplier: simulation.rateMultiplier,
    noise: simulation.noise,
    preset: simulation.naming.preset,
    labels: simulation.naming.labels,
    segments: simulation.segments.map(({ team, service, endpoint, model }) => ({ team, service, endpoint, model })),
    incidents: incidents.map((incident) => {
      const segment = simulation.segments.find((s) => s.endpoint === incident.endpoint);
      const changeEvents = segment
        ? simulation.schedule
            .buildChangesUntil(segment, incident.to)
            .filter((change) => change.time === incident.from || change.time === incident.to)
            .map((change) => ({
              time: rfc3339(change.time),
              before: buildLabels(segment.model, change.before),
              after: buildLabels(segment.model, change.after),
            }))
        : [];
      return {
        id: incident.id,
        category: incident.category,
        subcategory: incident.subcategory,
        endpoint: incident.endpoint,
        from: rfc3339(incident.from),
        to: rfc3339(incident.to),
        description: incident.description,
        ...shiftsMeasured(simulation, incident),
        changeEvents,
      };
    }),
    counterResets: counterResets.map((reset) => ({ time: rfc3339(reset.time), endpoint: reset.endpoint })),
    zeroTraffic: zeroTraffic.map((gap) => ({ from: rfc3339(gap.from), to: rfc3339(gap.to), endpoint: gap.endpoint })),
    windows: windows.map((window) => ({
      name: window.name,
      from: rfc3339(window.from),
      to: rfc3339(window.to),
      counts: windowCounts(simulation, window),
    })),
  };
}
