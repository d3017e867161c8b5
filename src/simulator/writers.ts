/**
 * Text expositions of simulated series: OpenMetrics for `promtool tsdb create-blocks-from openmetrics`
 * (timestamps in seconds, counter families declared without `_total`, `# EOF`), Prometheus text format
 * with millisecond timestamps for VictoriaMetrics' `/api/v1/import/prometheus`, and the timestamp-less
 * Prometheus text a live `/metrics` scrape returns. Output is produced in chunks, family by family.
 */
import { once } from 'node:events';

import { type Simulation, type SimulatedRange, sampleTime } from './generator';
import { BUILD_LABEL, type BuildInfo } from './scenario';
import { type HistogramSeries, type Labels, type MetricFamily } from './series';

export type FileFormat = 'openmetrics' | 'prometheus';
export const FILE_FORMATS: readonly FileFormat[] = ['openmetrics', 'prometheus'];

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatLabels(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  if (extra) {
    pairs.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  }
  return `{${pairs.join(',')}}`;
}

function formatNumber(value: number): string {
  if (value === Infinity) {
    return '+Inf';
  }
  return String(value);
}

/** Where the sample values come from: a whole file-mode range, or the live counters right now. */
interface SampleSource {
  simulation: Simulation;
  sampleCount: number;
  value(endpointIndex: number, slot: number, sample: number): number;
  build(endpointIndex: number, sample: number): BuildInfo;
  /** ' <timestamp>' in the output's unit, or '' for a live scrape. */
  timestamp(sample: number): string;
}

type Style = 'openmetrics' | 'prometheus';

function familyHeader(family: MetricFamily, style: Style): string {
  if (style === 'openmetrics') {
    // OpenMetrics names the counter family without `_total`; its samples keep the suffix.
    const name = family.type === 'counter' ? family.name.replace(/_total$/, '') : family.name;
    return `# TYPE ${name} ${family.type}\n# HELP ${name} ${family.help.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}\n`;
  }
  return `# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\')}\n# TYPE ${family.name} ${family.type}\n`;
}

const CHUNK_LINES = 4000;

/** Lines of one histogram series, one MetricPoint (buckets, count, sum) per sample, in time order. */
function* histogramLines(source: SampleSource, endpointIndex: number, series: HistogramSeries): Generator<string> {
  const bucketSelectors = [...series.bounds.map(String), '+Inf'].map(
    (le) => `${series.metric}_bucket${formatLabels(series.labels, ['le', le])} `
  );
  const labels = formatLabels(series.labels);
  const countSelector = `${series.metric}_count${labels} `;
  const sumSelector = `${series.metric}_sum${labels} `;
  const sumSlot = series.slot + series.bounds.length + 1;
  let lines: string[] = [];
  for (let sample = 0; sample < source.sampleCount; sample++) {
    const timestamp = source.timestamp(sample);
    let cumulative = 0;
    for (let bucket = 0; bucket < bucketSelectors.length; bucket++) {
      cumulative += source.value(endpointIndex, series.slot + bucket, sample);
      lines.push(`${bucketSelectors[bucket]}${cumulative}${timestamp}\n`);
    }
    lines.push(`${countSelector}${cumulative}${timestamp}\n`);
    lines.push(`${sumSelector}${formatNumber(source.value(endpointIndex, sumSlot, sample))}${timestamp}\n`);
    if (lines.length >= CHUNK_LINES) {
      yield lines.join('');
      lines = [];
    }
  }
  yield lines.join('');
}

function* counterLines(source: SampleSource, endpointIndex: number, metric: string, labels: Labels, slot: number) {
  const selector = `${metric}${formatLabels(labels)} `;
  let lines: string[] = [];
  for (let sample = 0; sample < source.sampleCount; sample++) {
    lines.push(`${selector}${source.value(endpointIndex, slot, sample)}${source.timestamp(sample)}\n`);
    if (lines.length >= CHUNK_LINES) {
      yield lines.join('');
      lines = [];
    }
  }
  yield lines.join('');
}

/** `llm_build_info` series: one per distinct label set, each with the samples where it was current. */
function* buildInfoLines(source: SampleSource, endpointIndex: number, family: MetricFamily): Generator<string> {
  const common = source.simulation.layouts[endpointIndex].commonLabels;
  const samplesByLabels = new Map<string, number[]>();
  for (let sample = 0; sample < source.sampleCount; sample++) {
    const build = source.build(endpointIndex, sample);
    const labels = formatLabels({
      ...common,
      [BUILD_LABEL.responseModel]: build.responseModel,
      [BUILD_LABEL.promptVersion]: build.promptVersion,
    });
    const samples = samplesByLabels.get(labels) ?? [];
    samples.push(sample);
    samplesByLabels.set(labels, samples);
  }
  for (const [labels, samples] of samplesByLabels) {
    yield samples.map((sample) => `${family.name}${labels} 1${source.timestamp(sample)}\n`).join('');
  }
}

function* exposition(source: SampleSource, style: Style): Generator<string> {
  const { layouts, families } = source.simulation;
  for (const family of families) {
    const hasSeries =
      family.type === 'gauge' ||
      layouts.some((layout) =>
        (family.type === 'counter' ? layout.counters : layout.histograms).some((s) => s.metric === family.name)
      );
    if (!hasSeries) {
      continue;
    }
    yield familyHeader(family, style);
    for (let e = 0; e < layouts.length; e++) {
      if (family.type === 'gauge') {
        yield* buildInfoLines(source, e, family);
      } else if (family.type === 'counter') {
        for (const series of layouts[e].counters.filter((s) => s.metric === family.name)) {
          yield* counterLines(source, e, series.metric, series.labels, series.slot);
        }
      } else {
        for (const series of layouts[e].histograms.filter((s) => s.metric === family.name)) {
          yield* histogramLines(source, e, series);
        }
      }
    }
  }
  if (style === 'openmetrics') {
    yield '# EOF\n';
  }
}

/** The whole range as OpenMetrics (seconds) or Prometheus text (milliseconds), in chunks. */
export function fileExposition(range: SimulatedRange, format: FileFormat): Generator<string> {
  const { simulation, sampleCount, values, builds } = range;
  const timestamps: string[] = [];
  for (let sample = 0; sample < sampleCount; sample++) {
    const seconds = sampleTime(simulation, sample);
    timestamps.push(format === 'openmetrics' ? ` ${seconds}` : ` ${Math.round(seconds * 1000)}`);
  }
  return exposition(
    {
      simulation,
      sampleCount,
      value: (e, slot, sample) => values[e][slot * sampleCount + sample],
      build: (e, sample) => builds[e][sample],
      timestamp: (sample) => timestamps[sample],
    },
    format
  );
}

/** A `/metrics` scrape: Prometheus text format, current values, no timestamps. */
export function scrapeExposition(simulation: Simulation, values: Float64Array[], builds: BuildInfo[]): string {
  return [
    ...exposition(
      {
        simulation,
        sampleCount: 1,
        value: (e, slot) => values[e][slot],
        build: (e) => builds[e],
        timestamp: () => '',
      },
      'prometheus'
    ),
  ].join('');
}

/** Writes chunks to a stream, waiting whenever it asks to (a day of data is tens of MB). */
export async function writeChunks(chunks: Iterable<string>, sink: NodeJS.WritableStream): Promise<void> {
  for (const chunk of chunks) {
    if (chunk.length > 0 && !sink.write(chunk)) {
      await once(sink, 'drain');
    }
  }
}
