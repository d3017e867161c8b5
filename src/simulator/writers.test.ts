import { PassThrough } from 'node:stream';

import { createSimulation, RunningCounters, simulateRange } from './generator';
import { type ExpositionLine, parseExposition, seriesKey } from '../../test/parseExposition';
import { SCENARIOS } from './scenario';
import { fileExposition, scrapeExposition, writeChunks } from './writers';

const ORIGIN = Date.UTC(2024, 4, 1) / 1000;
const SAMPLES = 121; // two hours at 60 s: the compressed scenario's restart and zero-traffic gap included

function range() {
  const simulation = createSimulation({
    seed: 11,
    scenario: SCENARIOS.compressed,
    origin: ORIGIN,
    stepSeconds: 60,
    rateMultiplier: 0.2,
  });
  return simulateRange(simulation, SAMPLES);
}

const simulated = range();
const text = (format: 'openmetrics' | 'prometheus') => [...fileExposition(simulated, format)].join('');

type Sample = Extract<ExpositionLine, { kind: 'sample' }>;
const samplesOf = (lines: ExpositionLine[]) => lines.filter((l): l is Sample => l.kind === 'sample');

/** Which family a sample belongs to, the way OpenMetrics names it. */
function sampleBelongs(name: string, family: string, type: string): boolean {
  switch (type) {
    case 'counter':
      return name === `${family}_total`;
    case 'histogram':
      return [`${family}_bucket`, `${family}_sum`, `${family}_count`].includes(name);
    default:
      return name === family;
  }
}

describe('OpenMetrics output', () => {
  const output = text('openmetrics');
  const lines = parseExposition(output);
  // Problems are collected and checked once: an expect() per sample would take most of the test's time.

  it('ends with exactly one # EOF, as the last line', () => {
    expect(output.endsWith('\n# EOF\n')).toBe(true);
    expect(lines.filter((l) => l.kind === 'eof')).toHaveLength(1);
    expect(lines[lines.length - 1].kind).toBe('eof');
  });

  it('declares each family once, keeps its samples contiguous under it, and names counters as OpenMetrics does', () => {
    const problems: string[] = [];
    const declared = new Set<string>();
    let family: { name: string; type: string } | null = null;
    for (const line of lines) {
      if (line.kind === 'type') {
        if (declared.has(line.family)) {
          problems.push(`${line.family} declared twice`);
        }
        if (line.type === 'counter' && line.family.endsWith('_total')) {
          problems.push(`counter family ${line.family} keeps _total`);
        }
        declared.add(line.family);
        family = { name: line.family, type: line.type };
      } else if (line.kind === 'help' && line.family !== family?.name) {
        problems.push(`HELP for ${line.family} under ${family?.name}`);
      } else if (line.kind === 'sample' && (!family || !sampleBelongs(line.name, family.name, family.type))) {
        problems.push(`${line.name} under family ${family?.name}`);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect([...declared]).toEqual(
      expect.arrayContaining(['llm_requests', 'llm_response_semantic_similarity', 'agent_tool_calls', 'llm_build_info'])
    );
  });

  it('writes every series in time order, with timestamps in whole seconds inside the range', () => {
    const problems: string[] = [];
    const lastSeen = new Map<string, number>();
    const end = ORIGIN + (SAMPLES - 1) * 60;
    for (const sample of samplesOf(lines)) {
      const key = seriesKey(sample.name, sample.labels);
      const t = sample.timestamp ?? NaN;
      if (!Number.isInteger(t) || t < ORIGIN || t > end || t <= (lastSeen.get(key) ?? -Infinity)) {
        problems.push(`${key} at ${t} after ${lastSeen.get(key)}`);
      }
      lastSeen.set(key, t);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(lastSeen.size).toBeGreaterThan(300);
  });

  it('writes each histogram point as cumulative buckets up to +Inf, then a _count equal to +Inf', () => {
    const problems: string[] = [];
    let bucketsOfPoint: number[] = [];
    let infinite: number | null = null;
    let points = 0;
    for (const sample of samplesOf(lines)) {
      if (sample.name.endsWith('_bucket')) {
        if (sample.value < (bucketsOfPoint[bucketsOfPoint.length - 1] ?? 0)) {
          problems.push(`${sample.name} le=${sample.labels.le} decreases at ${sample.timestamp}`);
        }
        bucketsOfPoint.push(sample.value);
        infinite = sample.labels.le === '+Inf' ? sample.value : infinite;
      } else if (sample.name.endsWith('_count')) {
        if (bucketsOfPoint.length === 0 || sample.value !== infinite) {
          problems.push(`${sample.name} ${sample.value} != +Inf bucket ${infinite} at ${sample.timestamp}`);
        }
        points++;
        bucketsOfPoint = [];
        infinite = null;
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(points).toBeGreaterThan(1000);
  });

  it('carries the common labels on every series', () => {
    const missing = samplesOf(lines).filter((s) => ['team', 'service', 'endpoint', 'model'].some((l) => !s.labels[l]));
    expect(missing.slice(0, 3)).toEqual([]);
  });
});

describe('Prometheus text output', () => {
  it('holds the same samples as the OpenMetrics output, with millisecond timestamps and _total families', () => {
    const prometheus = text('prometheus');
    const sampleLines = (output: string) => output.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    const openMetricsSamples = sampleLines(text('openmetrics'));
    const prometheusSamples = sampleLines(prometheus);
    expect(prometheusSamples.length).toBe(openMetricsSamples.length);
    const mismatches = prometheusSamples.filter((line, i) => {
      const milliseconds = /^(.*) (\d+)$/.exec(line);
      return !milliseconds || `${milliseconds[1]} ${Number(milliseconds[2]) / 1000}` !== openMetricsSamples[i];
    });
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(parseExposition(prometheus.split('\n').slice(0, 2).join('\n'))).toContainEqual({
      kind: 'type',
      family: 'llm_requests_total',
      type: 'counter',
    });
    expect(prometheus.includes('# EOF')).toBe(false);
  });

  it('writes a live scrape without timestamps', () => {
    const counters = new RunningCounters(simulated.simulation);
    counters.advance();
    const scrape = samplesOf(
      parseExposition(scrapeExposition(counters.simulation, counters.values, counters.builds()))
    );
    expect(scrape.length).toBeGreaterThan(100);
    expect(scrape.every((s) => s.timestamp === null)).toBe(true);
  });
});

describe('writeChunks', () => {
  it('waits for a slow sink and delivers every chunk in order', async () => {
    const sink = new PassThrough({ highWaterMark: 16 });
    const received: string[] = [];
    sink.on('data', (chunk: Buffer) => received.push(chunk.toString()));
    await writeChunks(['a'.repeat(40), 'b'.repeat(40), '', 'c'], sink);
    expect(received.join('')).toBe(`${'a'.repeat(40)}${'b'.repeat(40)}c`);
  });
});
