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
  /** The series' counter at every sample, summed over its slots once. */
  counter?: Float64Array;
}

export class SimulatedSource implements MetricsSource {
  private readonly range: SimulatedRange;
  private readonly seriesCache = new Map<string, SlotSeries[]>();
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
    const by = match[1]
      .split(',')
      .map((label) => label.trim())
      .filter(Boolean);
    const rangeSteps = Number(match[4]) / this.simulation.stepSeconds;
    const offset = match[5] === undefined ? 0 : Number(match[5]) / (match[6] === 'ms' ? 1000 : 1);
    const grouped = new Map<string, RangeSeries>();
    for (const series of this.seriesOf(match[2], match[3])) {
      const labels = Object.fromEntries(by.map((label) => [label, series.labels[label] ?? '']));
      const key = JSON.stringify(labels);
      let out = grouped.get(key);
      if (!out) {
        out = { labels, samples: times.map((time) => ({ time, value: 0 })) };
        grouped.set(key, out);
      }
      times.forEach((time, i) => {
        out!.samples[i].value += this.increase(series, time - offset, rangeSteps);
      });
    }
    // A series with no samples at any asked time is absent, as in Prometheus.
    return [...grouped.values()].filter((series) => series.samples.length > 0);
  }

  private increase(series: SlotSeries, time: number, rangeSteps: number): number {
    const { sampleCount, values } = this.range;
    const end = (time - this.simulation.origin) / this.simulation.stepSeconds;
    if (!Number.isInteger(end) || !Number.isInteger(rangeSteps)) {
      throw new Error('SimulatedSource answers only windows on sample timestamps');
    }
    const last = Math.min(end, sampleCount - 1);
    const first = Math.max(0, end - rangeSteps);
    if (last <= first) {
      return 0;
    }
    if (!series.counter) {
      const perEndpoint = values[series.endpoint];
      series.counter = new Float64Array(sampleCount);
      for (const slot of series.slots) {
        for (let sample = 0; sample < sampleCount; sample++) {
          series.counter[sample] += perEndpoint[slot * sampleCount + sample];
        }
      }
    }
    return series.counter[last] - series.counter[first];
  }

  private seriesOf(metric: string, matcherText: string): SlotSeries[] {
    const key = `${metric}{${matcherText}}`;
    const cached = this.seriesCache.get(key);
    if (cached) {
      return cached;
    }
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
    this.seriesCache.set(key, found);
    return found;
  }
}
