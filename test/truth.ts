/**
 * The simulator's ground truth (what `aisre simulate --truth <file>` writes), typed for the tests.
 * Written from the simulator's own exact counts, never by the core under test.
 */
import { type SliId } from '../src/core/metrics';

interface ProportionTruth {
  events: number;
  total: number;
}

/** Cumulative bucket counts in the window; `le` has "+Inf" for the last bucket. */
export interface HistogramTruth {
  le: Array<number | '+Inf'>;
  cumulative: number[];
}

export type SliTruth = ProportionTruth | HistogramTruth;

export interface TruthIncident {
  id: string;
  category: string;
  endpoint: string;
  /** RFC 3339 (or Unix seconds). */
  from: string | number;
  to: string | number;
  /** SLI ids that should page for this incident on its endpoint. */
  expectedShifts: SliId[];
}

export interface TruthWindow {
  /** `incident:<id>` or `baseline:<id>` (or another named window such as the zero-traffic one). */
  name: string;
  from: string | number;
  to: string | number;
  counts: Record<string, Partial<Record<SliId, SliTruth>>>;
}

export interface SimulationTruth {
  incidents: TruthIncident[];
  windows: TruthWindow[];
  counterResets?: unknown;
  zeroTraffic?: unknown;
  [key: string]: unknown;
}

export function isHistogramTruth(truth: SliTruth): truth is HistogramTruth {
  return 'cumulative' in truth;
}

/** Times in the truth file may be Unix seconds or RFC 3339; the tests work in Unix seconds. */
export function toUnixSeconds(time: number | string): number {
  if (typeof time === 'number') {
    return time;
  }
  const parsed = Date.parse(time);
  if (Number.isNaN(parsed)) {
    throw new Error(`truth file: unparsable time ${time}`);
  }
  return parsed / 1000;
}

export function findWindow(truth: SimulationTruth, name: string): TruthWindow {
  const window = truth.windows.find((w) => w.name === name);
  if (!window) {
    throw new Error(`truth file has no window '${name}' (has: ${truth.windows.map((w) => w.name).join(', ')})`);
  }
  return window;
}
