import { createSimulation, simulateRange, stepIncrements, type SimulatedRange } from './generator';
import { SCENARIOS } from './scenario';
import { METRIC } from './series';

const ORIGIN = Date.UTC(2024, 4, 1) / 1000;

function compressed(seed: number, stepSeconds = 60, rateMultiplier = 0.3) {
  return createSimulation({ seed, scenario: SCENARIOS.compressed, origin: ORIGIN, stepSeconds, rateMultiplier });
}

/** Samples of one counter series of an endpoint, found by metric and one label. */
function counterSamples(range: SimulatedRange, endpoint: string, metric: string, label: [string, string]) {
  const e = range.simulation.segments.findIndex((s) => s.endpoint === endpoint);
  const series = range.simulation.layouts[e].counters.find(
    (c) => c.metric === metric && c.labels[label[0]] === label[1]
  );
  if (!series) {
    throw new Error(`no ${metric}{${label.join('=')}} on ${endpoint}`);
  }
  return Array.from(range.values[e].subarray(series.slot * range.sampleCount, (series.slot + 1) * range.sampleCount));
}

describe('simulator generator', () => {
  it('gives the same samples for the same seed and different ones for another seed', () => {
    const first = simulateRange(compressed(7), 100);
    const again = simulateRange(compressed(7), 100);
    const other = simulateRange(compressed(8), 100);
    // Byte comparison: a deep toEqual over typed arrays is slow.
    const bytes = (values: Float64Array[]) => Buffer.concat(values.map((v) => Buffer.from(v.buffer)));
    expect(bytes(again.values).equals(bytes(first.values))).toBe(true);
    expect(bytes(other.values).equals(bytes(first.values))).toBe(false);
    expect(first.values[0].some((v) => v > 0)).toBe(true);
  });

  it('regenerates any single step exactly as the running simulation produced it', () => {
    const simulation = compressed(3);
    const range = simulateRange(simulation, 60);
    simulation.layouts.forEach((layout, e) => {
      const increments = new Float64Array(layout.slotCount);
      for (const step of [1, 17, 59]) {
        stepIncrements(simulation, e, step, increments);
        for (let slot = 0; slot < layout.slotCount; slot++) {
          const before = range.values[e][slot * range.sampleCount + step - 1];
          const after = range.values[e][slot * range.sampleCount + step];
          expect(increments[slot]).toBeCloseTo(after - before, 6);
        }
      }
    });
  });

  it('drops every /chat counter to 0 at the restart sample and counts up again, while other endpoints carry on', () => {
    // compressed: /chat restarts at +85 min; 60 s steps put the restart exactly on sample 85.
    const range = simulateRange(compressed(1, 60, 1), 95);
    const chatIndex = range.simulation.segments.findIndex((s) => s.endpoint === '/chat');
    const chat = range.values[chatIndex];
    const n = range.sampleCount;
    for (let slot = 0; slot < range.simulation.layouts[chatIndex].slotCount; slot++) {
      expect(chat[slot * n + 85]).toBe(0);
    }
    const answered = counterSamples(range, '/chat', METRIC.requests, ['outcome', 'answered']);
    expect(answered[84]).toBeGreaterThan(10_000);
    expect(answered[86]).toBeGreaterThan(0);
    expect(answered[94]).toBeGreaterThan(answered[86]);
    const search = counterSamples(range, '/search', METRIC.requests, ['outcome', 'answered']);
    expect(search[85]).toBeGreaterThan(search[84]);
  });

  it('has no /agent increments at all in its zero-traffic interval, and traffic around it', () => {
    // compressed: no /agent traffic from +38 to +41 min, i.e. samples 39, 40 and 41 add nothing.
    const range = simulateRange(compressed(1, 60, 1), 45);
    const e = range.simulation.segments.findIndex((s) => s.endpoint === '/agent');
    const n = range.sampleCount;
    for (let slot = 0; slot < range.simulation.layouts[e].slotCount; slot++) {
      const flat = range.values[e].subarray(slot * n + 38, slot * n + 42);
      expect(new Set(flat).size).toBe(1);
    }
    const answered = counterSamples(range, '/agent', METRIC.requests, ['outcome', 'answered']);
    expect(answered[38]).toBeGreaterThan(answered[37]);
    expect(answered[42]).toBeGreaterThan(answered[41]);
  });

  it('gives /chat no retrieval or agent series, and /agent all of them', () => {
    const simulation = compressed(1);
    const metricsOf = (endpoint: string) => {
      const layout = simulation.layouts[simulation.segments.findIndex((s) => s.endpoint === endpoint)];
      return new Set([...layout.counters, ...layout.histograms].map((s) => s.metric));
    };
    const chat = metricsOf('/chat');
    for (const metric of [METRIC.retrievals, METRIC.retrievalLatency, METRIC.agentSteps, METRIC.toolCalls]) {
      expect(chat.has(metric)).toBe(false);
      expect(metricsOf('/agent').has(metric)).toBe(true);
    }
    expect(metricsOf('/search').has(METRIC.retrievals)).toBe(true);
    expect(metricsOf('/search').has(METRIC.agentSteps)).toBe(false);
  });

  it('keeps every histogram count consistent: no bucket ever decreases outside a restart', () => {
    const range = simulateRange(compressed(5), 100);
    const decreases: string[] = [];
    range.simulation.layouts.forEach((layout, e) => {
      for (const histogram of layout.histograms) {
        for (let bucket = 0; bucket <= histogram.bounds.length; bucket++) {
          const slot = histogram.slot + bucket;
          for (let sample = 1; sample < range.sampleCount; sample++) {
            const now = range.values[e][slot * range.sampleCount + sample];
            const before = range.values[e][slot * range.sampleCount + sample - 1];
            if (now < before && now !== 0) {
              decreases.push(`${histogram.metric} bucket ${bucket} of endpoint ${e} at sample ${sample}`);
            }
          }
        }
      }
    });
    expect(decreases).toEqual([]);
  });
});
