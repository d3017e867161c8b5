/**
 * Reads an OpenMetrics / Prometheus text file just enough to know what a server should serve after
 * loading it: how many samples, and the first and last timestamps. Used to wait until data is queryable.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ExpositionSummary {
  /** Sample lines in the file (every value, NaN included). */
  samples: number;
  /** Per metric name: sample lines, and those whose value is not NaN. */
  byMetric: Record<string, { samples: number; notNaN: number }>;
  /** First and last sample timestamps, in seconds. */
  minTimestamp: number;
  maxTimestamp: number;
}

/** Splits a sample line into value and timestamp, skipping a label set that may contain spaces or braces. */
export function parseSampleLine(line: string): { name: string; value: number; timestamp: number | undefined } {
  let index = 0;
  const brace = line.indexOf('{');
  const space = line.search(/\s/);
  if (brace >= 0 && (space < 0 || brace < space)) {
    let inQuotes = false;
    for (index = brace + 1; index < line.length; index++) {
      const char = line[index];
      if (inQuotes && char === '\\') {
        index++;
      } else if (char === '"') {
        inQuotes = !inQuotes;
      } else if (char === '}' && !inQuotes) {
        break;
      }
    }
    index++;
  } else {
    index = space;
  }
  const name = line.slice(0, brace >= 0 && (space < 0 || brace < space) ? brace : space);
  const rest = line.slice(index).split('#')[0].trim().split(/\s+/);
  return { name, value: Number(rest[0]), timestamp: rest[1] === undefined ? undefined : Number(rest[1]) };
}

/** Summarises a file whose timestamps are in `unit` (OpenMetrics: seconds; VM's import: milliseconds). */
export async function summariseExposition(file: string, unit: 'seconds' | 'milliseconds'): Promise<ExpositionSummary> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  const summary: ExpositionSummary = { samples: 0, byMetric: {}, minTimestamp: Infinity, maxTimestamp: -Infinity };
  const scale = unit === 'seconds' ? 1 : 1000;
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const { name, value, timestamp } = parseSampleLine(line);
    if (timestamp === undefined || !Number.isFinite(timestamp)) {
      throw new Error(`${file}: sample without a timestamp, cannot backfill it: ${line.slice(0, 200)}`);
    }
    summary.samples++;
    const metric = (summary.byMetric[name] ??= { samples: 0, notNaN: 0 });
    metric.samples++;
    if (!Number.isNaN(value)) {
      metric.notNaN++;
    }
    summary.minTimestamp = Math.min(summary.minTimestamp, timestamp / scale);
    summary.maxTimestamp = Math.max(summary.maxTimestamp, timestamp / scale);
  }
  if (summary.samples === 0) {
    throw new Error(`${file}: no samples`);
  }
  return summary;
}

/**
 * PromQL that counts the stored samples of one metric in [min, max], evaluated at `maxTimestamp`.
 * One query per metric name: count_over_time drops the name, so series of different metrics with
 * the same labels would collide in a single query over all of them.
 */
export function sampleCountQuery(metric: string, summary: ExpositionSummary): string {
  const rangeSeconds = Math.ceil(summary.maxTimestamp - summary.minTimestamp) + 1;
  return `sum(count_over_time(${metric}[${rangeSeconds}s]))`;
}
