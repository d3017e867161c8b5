import { createSimulation, simulateRange } from './generator';
import { parseExposition } from '../../test/parseExposition';
import { SCENARIOS } from './scenario';
import {
  type HistogramCount,
  type Interval,
  type ProportionCount,
  type WindowCounts,
  groundTruth,
  windowCounts,
} from './truth';
import { fileExposition } from './writers';

const ORIGIN = Date.UTC(2024, 4, 1) / 1000;
const HOUR = 3600;

// The contract restated from docs/DESIGN.md's table on purpose: this oracle must not share the simulator's mapping.
const PROPORTIONS: Record<string, { metric: string; label: string; events: string[]; totalMetric?: string }> = {
  refusal_rate: { metric: 'llm_requests_total', label: 'outcome', events: ['refused'] },
  error_rate: { metric: 'llm_requests_total', label: 'outcome', events: ['error'] },
  timeout_rate: { metric: 'llm_requests_total', label: 'outcome', events: ['timeout'] },
  empty_retrieval_rate: { metric: 'rag_retrievals_total', label: 'result', events: ['empty', 'error', 'timeout'] },
  injection_rate: {
    metric: 'llm_injection_detections_total',
    label: 'source',
    events: ['user', 'retrieved', 'tool'],
    totalMetric: 'llm_requests_total',
  },
  tool_error_rate: { metric: 'agent_tool_calls_total', label: 'status', events: ['error'] },
};
const DISTRIBUTIONS: Record<string, { metric: string; tokenType?: string }> = {
  semantic_similarity: { metric: 'llm_response_semantic_similarity' },
  confidence: { metric: 'llm_response_confidence' },
  response_length: { metric: 'gen_ai_client_token_usage', tokenType: 'output' },
  model_latency: { metric: 'gen_ai_client_operation_duration_seconds' },
  retrieval_latency: { metric: 'rag_retrieval_duration_seconds' },
  agent_steps: { metric: 'agent_steps' },
};

interface Series {
  name: string;
  labels: Record<string, string>;
  points: Array<[number, number]>;
}

function readSeries(text: string): Series[] {
  const byKey = new Map<string, Series>();
  for (const line of parseExposition(text)) {
    if (line.kind !== 'sample') {
      continue;
    }
    const key = `${line.name}${JSON.stringify(line.labels)}`;
    const series = byKey.get(key) ?? { name: line.name, labels: line.labels, points: [] };
    series.points.push([line.timestamp! / 1000, line.value]);
    byKey.set(key, series);
  }
  return [...byKey.values()];
}

/** Counter increase over (from, to] as Prometheus counts it: a drop is a reset, after which the value is new. */
function increase(series: Series, window: Interval): number {
  let total = 0;
  for (let i = 1; i < series.points.length; i++) {
    const [t, value] = series.points[i];
    const previous = series.points[i - 1][1];
    if (t > window.from && t <= window.to) {
      total += value >= previous ? value - previous : value;
    }
  }
  return total;
}

/** Window counts read back from the emitted series, the way a report over a backfill would read them. */
function countsFromSeries(all: Series[], window: Interval): WindowCounts {
  const counts: WindowCounts = {};
  for (const endpoint of new Set(all.map((s) => s.labels.endpoint))) {
    const mine = all.filter((s) => s.labels.endpoint === endpoint);
    const sum = (keep: (s: Series) => boolean) => mine.filter(keep).reduce((n, s) => n + increase(s, window), 0);
    const perEndpoint: Record<string, ProportionCount | HistogramCount> = {};
    for (const [id, p] of Object.entries(PROPORTIONS)) {
      if (mine.some((s) => s.name === p.metric)) {
        perEndpoint[id] = {
          events: sum((s) => s.name === p.metric && p.events.includes(s.labels[p.label])),
          total: sum((s) => s.name === (p.totalMetric ?? p.metric)),
        };
      }
    }
    for (const [id, d] of Object.entries(DISTRIBUTIONS)) {
      const buckets = mine.filter(
        (s) => s.name === `${d.metric}_bucket` && (!d.tokenType || s.labels.gen_ai_token_type === d.tokenType)
      );
      if (buckets.length > 0) {
        const les = [...new Set(buckets.map((s) => s.labels.le))].sort((a, b) => Number(a) - Number(b));
        perEndpoint[id] = {
          le: les.map((le) => (le === '+Inf' ? '+Inf' : Number(le))),
          cumulative: les.map((le) =>
            buckets.filter((s) => s.labels.le === le).reduce((n, s) => n + increase(s, window), 0)
          ),
        };
      }
    }
    counts[endpoint] = perEndpoint;
  }
  return counts;
}

describe('ground truth counts', () => {
  // Three hours of the compressed scenario: six incidents, a /chat restart at +85 min and a zero-traffic gap.
  const simulation = createSimulation({
    seed: 5,
    scenario: SCENARIOS.compressed,
    origin: ORIGIN,
    stepSeconds: 60,
    rateMultiplier: 0.5,
  });
  const to = ORIGIN + 3 * HOUR;
  const series = readSeries([...fileExposition(simulateRange(simulation, 181), 'prometheus')].join(''));
  const truth = groundTruth(simulation, to);

  it('equal the increments of the emitted series in every truth window, restarts included', () => {
    expect(truth.windows.map((w) => w.name)).toEqual(
      expect.arrayContaining(['incident:infrastructure-2', 'baseline:prompt-1', 'counter-reset:1', 'zero-traffic:1'])
    );
    for (const window of truth.windows) {
      const interval = { from: Date.parse(window.from) / 1000, to: Date.parse(window.to) / 1000 };
      expect({ name: window.name, counts: countsFromSeries(series, interval) }).toEqual({
        name: window.name,
        counts: window.counts,
      });
    }
  });

  it('equal the emitted increments for a window of any aligned bounds', () => {
    const window = { from: ORIGIN + 7 * 60, to: ORIGIN + 101 * 60 };
    expect(windowCounts(simulation, window)).toEqual(countsFromSeries(series, window));
  });

  it('see the restart: /chat requests over it are what was counted before plus after', () => {
    const reset = truth.windows.find((w) => w.name === 'counter-reset:1')!;
    const chatRequests = series.filter((s) => s.name === 'llm_requests_total' && s.labels.endpoint === '/chat');
    const restartSample = Date.parse(truth.counterResets[0].time) / 1000;
    expect(chatRequests.every((s) => s.points.find(([t]) => t === restartSample)?.[1] === 0)).toBe(true);
    const naive = chatRequests.reduce((n, s) => {
      const at = (t: number) => s.points.find(([time]) => time === t)![1];
      return n + at(Date.parse(reset.to) / 1000) - at(Date.parse(reset.from) / 1000);
    }, 0);
    const counted = (reset.counts['/chat'].refusal_rate as ProportionCount).total;
    expect(counted).toBeGreaterThan(naive);
  });
});

describe('default scenario', () => {
  const light = createSimulation({
    seed: 1,
    scenario: SCENARIOS.default,
    origin: ORIGIN,
    stepSeconds: 60,
    rateMultiplier: 0.02,
  });
  const truth = groundTruth(light, ORIGIN + 24 * HOUR);
  const seconds = (time: string) => Date.parse(time) / 1000;

  it('has one 60-minute incident per category, each after a clean hour of its own', () => {
    expect(truth.incidents.map((i) => i.category).sort()).toEqual(
      [
        'agentic-coordination',
        'data-retrieval',
        'infrastructure',
        'model-degradation',
        'prompt',
        'security-surface',
      ].sort()
    );
    const spans = truth.incidents.map((i) => ({ from: seconds(i.from) - HOUR, to: seconds(i.to) }));
    truth.incidents.forEach((incident, i) => {
      expect(seconds(incident.to) - seconds(incident.from)).toBe(HOUR);
      const baseline = truth.windows.find((w) => w.name === `baseline:${incident.id}`)!;
      expect(seconds(baseline.to)).toBe(seconds(incident.from));
      expect(seconds(baseline.from)).toBe(seconds(incident.from) - HOUR);
      // No other incident (or its baseline) touches this incident or its baseline.
      spans.forEach((other, j) => {
        if (j !== i) {
          expect(other.to <= spans[i].from || other.from >= spans[i].to).toBe(true);
        }
      });
    });
    const quiet = (from: number, to: number) => spans.every((s) => to <= s.from || from >= s.to);
    expect(truth.counterResets).toEqual([{ time: '2024-05-01T19:30:00Z', endpoint: '/chat' }]);
    expect(quiet(seconds(truth.counterResets[0].time) - 60, seconds(truth.counterResets[0].time))).toBe(true);
    expect(truth.zeroTraffic).toEqual([
      { from: '2024-05-01T21:00:00Z', to: '2024-05-01T22:00:00Z', endpoint: '/agent' },
    ]);
    expect(quiet(seconds(truth.zeroTraffic[0].from), seconds(truth.zeroTraffic[0].to))).toBe(true);
  });

  it('records the deployments: a response_model change for model-degradation, a prompt_version change for prompt', () => {
    const changesOf = (category: string) => truth.incidents.find((i) => i.category === category)!.changeEvents;
    const [providerUpdate] = changesOf('model-degradation');
    expect(providerUpdate.time).toBe(truth.incidents.find((i) => i.category === 'model-degradation')!.from);
    expect(providerUpdate.after.response_model).not.toBe(providerUpdate.before.response_model);
    expect(providerUpdate.after.prompt_version).toBe(providerUpdate.before.prompt_version);
    const [promptChange] = changesOf('prompt');
    expect(promptChange.after.prompt_version).not.toBe(promptChange.before.prompt_version);
    expect(promptChange.after.response_model).toBe(promptChange.before.response_model);
    for (const category of ['infrastructure', 'data-retrieval', 'security-surface', 'agentic-coordination']) {
      expect(changesOf(category)).toEqual([]);
    }
  });

  it('leaves SLIs out of the counts where the endpoint has no such series, and counts nothing on /agent in its gap', () => {
    const range = truth.windows.find((w) => w.name === 'range')!.counts;
    expect(Object.keys(range['/chat']).sort()).toEqual(
      [
        'confidence',
        'error_rate',
        'injection_rate',
        'model_latency',
        'refusal_rate',
        'response_length',
        'semantic_similarity',
        'timeout_rate',
      ].sort()
    );
    expect(range['/search'].agent_steps).toBeUndefined();
    expect(range['/agent'].tool_error_rate).toBeDefined();
    const gap = truth.windows.find((w) => w.name === 'zero-traffic:1')!.counts;
    expect(gap['/agent'].refusal_rate).toEqual({ events: 0, total: 0 });
    expect((gap['/chat'].refusal_rate as ProportionCount).total).toBeGreaterThan(0);
    expect(JSON.stringify(truth)).toContain('"+Inf"');
  });
});

/** Quantile by linear interpolation inside the bucket, as histogram_quantile does (test's own copy). */
function quantile(h: HistogramCount, q: number): number {
  const total = h.cumulative[h.cumulative.length - 1];
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (let i = 0; i < h.le.length; i++) {
    const upper = h.le[i];
    if (h.cumulative[i] >= rank) {
      if (upper === '+Inf') {
        return lower;
      }
      return lower + (upper - lower) * ((rank - below) / (h.cumulative[i] - below));
    }
    lower = upper === '+Inf' ? lower : upper;
    below = h.cumulative[i];
  }
  return lower;
}

describe('default scenario shifts', () => {
  // What the incident templates themselves do, so without the realistic noise (checked in noise.test.ts), whose
  // wandering rates would make the binomial |z| < 3.5 below fail on SLIs nothing happened to.
  const simulation = createSimulation({
    seed: 1,
    scenario: SCENARIOS.default,
    origin: ORIGIN,
    stepSeconds: 60,
    rateMultiplier: 1,
    noise: 'none',
  });
  const incidents = simulation.schedule.incidentsBetween(ORIGIN, ORIGIN + 24 * HOUR);
  const headline: Record<string, { q: number; bad: 'up' | 'down' | 'either' }> = {
    semantic_similarity: { q: 0.5, bad: 'down' },
    confidence: { q: 0.5, bad: 'down' },
    response_length: { q: 0.5, bad: 'either' },
    model_latency: { q: 0.95, bad: 'up' },
    retrieval_latency: { q: 0.95, bad: 'up' },
    agent_steps: { q: 0.95, bad: 'up' },
  };

  it.each(incidents.map((incident) => [incident.id, incident] as const))(
    '%s moves the SLIs it names a page-level amount, and the rest of its endpoint only by noise',
    (_id, incident) => {
      const length = incident.to - incident.from;
      const during = windowCounts(simulation, { from: incident.from, to: incident.to })[incident.endpoint];
      const before = windowCounts(simulation, { from: incident.from - length, to: incident.from })[incident.endpoint];
      const report: string[] = [];
      for (const [id, window] of Object.entries(during)) {
        const baseline = before[id as keyof typeof before]!;
        const expected = incident.expectedShifts.includes(id as never);
        if ('events' in window) {
          const b = baseline as ProportionCount;
          const rateWindow = window.events / window.total;
          const rateBaseline = b.events / b.total;
          const pooled = (window.events + b.events) / (window.total + b.total);
          const z = (rateWindow - rateBaseline) / Math.sqrt(pooled * (1 - pooled) * (1 / window.total + 1 / b.total));
          const relative = (rateWindow - rateBaseline) / rateBaseline;
          const ok = expected ? relative >= 0.3 && z > 5 : Math.abs(z) < 3.5;
          report.push(
            `${ok ? 'ok' : 'WRONG'} ${id} ${rateBaseline.toFixed(4)} -> ${rateWindow.toFixed(4)} z=${z.toFixed(1)}`
          );
        } else {
          const { q, bad } = headline[id];
          const qWindow = quantile(window, q);
          const qBaseline = quantile(baseline as HistogramCount, q);
          const relative = (qWindow - qBaseline) / qBaseline;
          const worse = bad === 'up' ? relative : bad === 'down' ? -relative : Math.abs(relative);
          const ok = expected ? worse >= 0.1 : Math.abs(relative) < 0.05;
          report.push(`${ok ? 'ok' : 'WRONG'} ${id} p${q * 100} ${qBaseline.toFixed(3)} -> ${qWindow.toFixed(3)}`);
        }
      }
      expect(report.filter((line) => line.startsWith('WRONG'))).toEqual([]);
      expect(report.filter((line) => line.startsWith('ok')).length).toBe(Object.keys(during).length);
    }
  );
});
