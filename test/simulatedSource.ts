/**
 * A MetricsSource that answers the report's queries straight from the simulator's generation model, in memory:
 * `sum by (<labels>) (increase(<metric>{<matchers>}[<n>s]))`, instant or range. The counters are the ones a
 * scrape would read, so on sample-aligned windows the answers are what Prometheus' increase() returns
 * (extrapolation factor 1, no resets). Weeks of telemetry answer in milliseconds, which is what the
 * calibration benchmark needs: thousands of reports on data no backfill could load in time.
 */
import { type RangeSeries, type MetricsSource, type SampleRow } from '../src/core/source';
import { type Simulation, simulateRange, type SimulatedRange } from '../src/simulator/generator';
import { parseMatchers } from '../src/simulator/series';

const QUERY =
  /^sum by \(([^)]*)\) \(increase\(([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}\[(\d+)s\](?: offset (\d+)(s|ms))?\)\)$/;

/** One series as a set of slots whose values add up to it (a cumulative bucket sums the buckets below). */
interface SlotSeries {
  endpoint: number;
  labels: Record<string, string>;
  slots: number[];
}

/** One `sum by` group: its labels and its counter at every sample. */
interface GroupSeries {
  labels: Record<string, string>;
  counter: Float64Array;
}

export class SimulatedSource implements MetricsSource {
  private readonly range: SimulatedRange;
  private readonly groupCache = new Map<string, GroupSeries[]>();
  private readonly sampleCache = new Map<string, Map<number, Array<Readonly<{ time: number; value: number }>>>>();
  queries = 0;

  constructor(
    readonly simulation: Simulation,
    sampleCount: number
  ) {
    if (
      simulation.schedule.counterResetsBetween(
        simulation.origin,
        simulation.origin + sampleCount * simulation.stepSeconds
      ).length > 0
    ) {
      throw new Error('SimulatedSource: the scenario restarts a process; increase() across a reset is not modelled');
    }
    this.range = simulateRange(simulation, sampleCount);
  }

  async instantQuery(expr: string, time: number): Promise<SampleRow[]> {
    this.queries++;
    return this.evaluate(expr, [time]).map((series) => ({ labels: series.labels, value: series.samples[0].value }));
  }

  async rangeQuery(expr: string, start: number, end: number, step: number): Promise<RangeSeries[]> {
    this.queries++;
    const times: number[] = [];
    for (let t = start; t <= end; t += step) {
      times.push(t);
    }
    return this.evaluate(expr, times);
  }

  private evaluate(expr: string, times: number[]): RangeSeries[] {
    const match = QUERY.exec(expr);
    if (!match) {
      throw new Error(`SimulatedSource cannot evaluate ${expr}`);
    }
    const rangeSteps = Number(match[4]) / this.simulation.stepSeconds;
    const offset = match[5] === undefined ? 0 : Number(match[5]) / (match[6] === 'ms' ? 1000 : 1);
    const { sampleCount } = this.range;
    if (!Number.isInteger(rangeSteps)) {
      throw new Error('SimulatedSource answers only windows on sample timestamps');
    }
    const groups = this.groupsOf(match[2], match[3], match[1]);
    // Reports an hour apart ask for the same times again: each (query, time)'s samples are made once, frozen
    // (the report only reads them) and shared by every answer that asks for them.
    let byTime = this.sampleCache.get(expr);
    if (!byTime) {
      byTime = new Map();
      this.sampleCache.set(expr, byTime);
    }
    const columns = times.map((time) => {
      let column = byTime.get(time);
      if (!column) {
        const end = (time - offset - this.simulation.origin) / this.simulation.stepSeconds;
        if (!Number.isInteger(end)) {
          throw new Error('SimulatedSource answers only windows on sample timestamps');
        }
        const last = Math.min(end, sampleCount - 1);
        const first = Math.max(0, end - rangeSteps);
        column = groups.map(({ counter }) =>
          Object.freeze({ time, value: last > first ? counter[last] - counter[first] : 0 })
        );
        byTime.set(time, column);
      }
      return column;
    });
    return groups.map(({ labels }, g) => ({ labels, samples: columns.map((column) => column[g]) }));
  }

  /**
   * The `sum by` groups of a metric's matching series, each with its counter at every sample (summed over its
   * series and their slots once): the report asks the same few queries thousands of times.
   */
  private groupsOf(metric: string, matcherText: string, byText: string): GroupSeries[] {
    const key = `${metric}{${matcherText}} by (${byText})`;
    const cached = this.groupCache.get(key);
    if (cached) {
      return cached;
    }
    const by = byText
      .split(',')
      .map((label) => label.trim())
      .filter(Boolean);
    const { sampleCount, values } = this.range;
    const grouped = new Map<string, GroupSeries>();
    for (const series of this.seriesOf(metric, matcherText)) {
      const labels = Object.fromEntries(by.map((label) => [label, series.labels[label] ?? '']));
      const groupKey = JSON.stringify(labels);
      let group = grouped.get(groupKey);
      if (!group) {
        group = { labels, counter: new Float64Array(sampleCount) };
        grouped.set(groupKey, group);
      }
      const perEndpoint = values[series.endpoint];
      for (const slot of series.slots) {
        for (let sample = 0; sample < sampleCount; sample++) {
          group.counter[sample] += perEndpoint[slot * sampleCount + sample];
        }
      }
    }
    const groups = [...grouped.values()];
    this.groupCache.set(key, groups);
    return groups;
  }

  private seriesOf(metric: string, matcherText: string): SlotSeries[] {
    const matchers = parseMatchers(matcherText);
    const keep = (labels: Record<string, string>) => matchers.every(([name, value]) => labels[name] === value);
    const found: SlotSeries[] = [];
    this.simulation.layouts.forEach((layout, endpoint) => {
      for (const counter of layout.counters) {
        if (counter.metric === metric && keep(counter.labels)) {
          found.push({ endpoint, labels: counter.labels, slots: [counter.slot] });
        }
      }
      for (const histogram of layout.histograms) {
        if (`${histogram.metric}_bucket` !== metric || !keep(histogram.labels)) {
          continue;
        }
        const bounds = [...histogram.bounds.map(String), '+Inf'];
        bounds.forEach((le, i) => {
          found.push({
            endpoint,
            labels: { ...histogram.labels, le },
            slots: Array.from({ length: i + 1 }, (_, b) => histogram.slot + b),
          });
        });
      }
    });
    return found;
  }
}
