/**
 * What every benchmark prints the same way: the spread of repeated runs (min / median / max), ratios to a
 * reference measured in the same run, and the conditions the numbers were taken under (the machine is shared,
 * so a figure without its load average and engine version says little).
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

import { httpRequest } from '../../test/http';

/** Benchmarks repeat each measurement at least this often. */
export const MIN_RUNS = 5;

export interface Spread {
  min: number;
  median: number;
  max: number;
  runs: number;
}

export function spread(values: number[]): Spread {
  if (values.length === 0) {
    throw new Error('spread of no runs');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1], runs: sorted.length };
}

/** Milliseconds, with a decimal only where it matters. */
export function ms(value: number): string {
  return value < 10 ? value.toFixed(1) : value.toFixed(0);
}

/** `412 ms (min 398, max 460; 5 runs)` */
export function formatSpread(s: Spread): string {
  return `${ms(s.median)} ms (min ${ms(s.min)}, max ${ms(s.max)}; ${s.runs} runs)`;
}

/** `2.31×`, or `n/a` when the reference is missing or zero. */
export function ratio(value: number | undefined, reference: number | undefined): string {
  if (value === undefined || reference === undefined || !(reference > 0)) {
    return 'n/a';
  }
  const r = value / reference;
  return `${r < 10 ? r.toFixed(2) : r.toFixed(0)}×`;
}

/** Runs `fn` `runs` times one after another; the wall time of each, in ms. */
export async function timeRuns(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const timings: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    timings.push(performance.now() - start);
  }
  return timings;
}

/** The running engine's own version, as its build-info endpoint states it. */
export async function prometheusVersion(url: string): Promise<string> {
  const res = await httpRequest(`${url}/api/v1/status/buildinfo`);
  const version = (JSON.parse(res.body) as { data?: { version?: string } }).data?.version;
  return `Prometheus ${version ?? 'unknown version'}`;
}

/**
 * One line of conditions: node, the machine's load (1/5/15-minute averages over its cores) and whatever the
 * bench adds (engine, series, data span, blocks).
 */
export function conditions(details: Record<string, string | number>): string {
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  const parts = [`node ${process.version}`, `load average ${load} on ${cpus().length} cores`];
  for (const [name, value] of Object.entries(details)) {
    parts.push(`${name} ${typeof value === 'number' ? value.toLocaleString('en-US') : value}`);
  }
  return `conditions: ${parts.join(', ')}`;
}
