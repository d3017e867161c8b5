/**
 * (The JS naming also runs on VictoriaMetrics: the same report, number for number, from a second engine.)
 *
 * Standard telemetry end to end: a fake app instrumented with the real OpenTelemetry JS SDK and its Prometheus
 * exporter (test/otelApp.ts) records GenAI calls with a known schedule and an incident (timeouts, 3×
 * slower calls); promtool backfills exactly what the exporter served each minute into a real Prometheus; the real
 * `aisre doctor` must pick the preset and `aisre impact --preset …` (processes) reproduce the counts and rates,
 * the quantiles of the engine's own histogram_quantile, and flag the incident. Once per naming: the JS
 * exporter's (no unit suffix), the Collector's (`_seconds`), and OpenLIT's.
 *
 * Counts are exact: every window starts and ends on a sample (see impact.integration.test.ts).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type ImpactReport, type ProportionFinding, type DistributionFinding } from '../core/report';
import { parseJsonOutput, runAisre } from '../../test/aisre';
import { instantQuery } from '../../test/http';
import { type Call, INCIDENT, MODELS, type OtelNaming, schedule, START, STEP, writeOtelApp } from '../../test/otelApp';
import { type StartedEngine, startPrometheus } from '../../test/prometheus';
import { startVictoriaMetrics } from '../../test/victoriaMetrics';

jest.setTimeout(240_000);

const WINDOW_SECONDS = INCIDENT.to - INCIDENT.from;
const BASELINE = { from: INCIDENT.from - WINDOW_SECONDS, to: INCIDENT.from };
const TIMEOUT_TYPES = new Set<string>(MODELS.map((m) => m.timeoutType));

/** Calls whose minute's sample falls in (from, to]: what increase() over that range counts. */
function callsIn(calls: Call[], range: { from: number; to: number }, model: string) {
  return calls.filter((c) => {
    const t = START + c.minute * STEP;
    return c.model === model && t > range.from && t <= range.to;
  });
}

function expectedCounts(calls: Call[], range: { from: number; to: number }, model: string) {
  const inRange = callsIn(calls, range, model);
  const chat = inRange.filter((c) => c.operation === 'chat');
  const tools = inRange.filter((c) => c.operation === 'execute_tool');
  return {
    total: chat.length,
    timeouts: chat.filter((c) => c.errorType && TIMEOUT_TYPES.has(c.errorType)).length,
    errors: chat.filter((c) => c.errorType && !TIMEOUT_TYPES.has(c.errorType)).length,
    tools: tools.length,
    toolErrors: tools.filter((c) => c.errorType).length,
    responses: chat.filter((c) => c.outputTokens !== undefined).length,
  };
}

/** `aisre impact` over the incident window. */
const impactArgs = (url: string, preset: string, by: string, format: 'json' | 'markdown') => [
  'impact',
  ...['--prometheus', url, '--preset', preset, '--by', by, '--format', format],
  ...['--from', String(INCIDENT.from), '--to', String(INCIDENT.to)],
];

const CASES: Array<{ naming: OtelNaming; preset: string; duration: string }> = [
  { naming: 'js', preset: 'otel-genai', duration: 'gen_ai_client_operation_duration' },
  { naming: 'suffixed', preset: 'otel-genai', duration: 'gen_ai_client_operation_duration_seconds' },
  { naming: 'openlit', preset: 'openlit', duration: 'gen_ai_client_operation_duration_seconds' },
];

const OTEL_COMPUTABLE = ['error_rate', 'timeout_rate', 'tool_error_rate', 'response_length', 'model_latency'];

describe.each(CASES)('$naming naming', ({ naming, preset, duration }) => {
  let dir: string;
  let prometheus: StartedEngine;
  let calls: Call[];
  let report: ImpactReport;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `aisre-otel-${naming}-`));
    const file = join(dir, 'otel.om');
    calls = await writeOtelApp(file, naming);
    prometheus = await startPrometheus({ openMetricsFile: file, readyTimeoutMs: 90_000 });
    const result = await runAisre(impactArgs(prometheus.url, preset, 'model', 'json'));
    expect(result.stderr).toBe('');
    report = parseJsonOutput<ImpactReport>(result);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('doctor picks the preset and lists exactly the computable SLIs', async () => {
    const result = await runAisre([
      'doctor',
      '--prometheus',
      prometheus.url,
      '--at',
      String(INCIDENT.to),
      '--format',
      'json',
    ]);
    expect(result.code).toBe(0);
    const detection = JSON.parse(result.stdout) as {
      preset: string;
      pinnedNames: Record<string, string>;
      slis: Array<{ sli: string; computable: boolean }>;
      segmentLabels: Array<{ label: string; values: number }>;
    };
    expect(detection.preset).toBe(preset);
    expect(
      detection.slis
        .filter((s) => s.computable)
        .map((s) => s.sli)
        .sort()
    ).toEqual([...OTEL_COMPUTABLE, ...(naming === 'openlit' ? ['retrieval_latency'] : [])].sort());
    expect(detection.pinnedNames).toEqual(
      naming === 'js' ? { gen_ai_client_operation_duration_seconds: 'gen_ai_client_operation_duration' } : {}
    );
    expect(detection.segmentLabels).toEqual(
      expect.arrayContaining([
        { label: 'gen_ai_request_model', values: 2 },
        { label: 'gen_ai_provider_name', values: 2 },
      ])
    );
  });

  test('counts and rates per model are the schedule’s, read from error_type on the duration histogram', () => {
    for (const { model } of MODELS) {
      const segment = { gen_ai_request_model: model };
      const find = (sli: string) =>
        report.findings.find(
          (f) => f.sli === sli && JSON.stringify(f.segment) === JSON.stringify(segment)
        ) as ProportionFinding;
      const w = expectedCounts(calls, INCIDENT, model);
      const b = expectedCounts(calls, BASELINE, model);
      expect(find('timeout_rate').window).toMatchObject({ events: w.timeouts, total: w.total });
      expect(find('timeout_rate').baseline).toMatchObject({ events: b.timeouts, total: b.total });
      expect(find('error_rate').window).toMatchObject({ events: w.errors, total: w.total });
      expect(find('error_rate').baseline).toMatchObject({ events: b.errors, total: b.total });
      expect(find('tool_error_rate').window).toMatchObject({ events: w.toolErrors, total: w.tools });
      expect(find('timeout_rate').window.rate).toBeCloseTo(w.timeouts / w.total, 12);
      expect(find('timeout_rate').verdict).toBe('page');
      // The report counts what the convention counts: model calls, not the contract's requests.
      expect(find('timeout_rate').totalNoun).toBe('model calls');
      expect(find('error_rate').verdict).toBe('ok');
      const length = report.findings.find(
        (f) => f.sli === 'response_length' && f.segment.gen_ai_request_model === model
      ) as DistributionFinding;
      expect(length.window.count).toBe(w.responses);
    }
  });

  test('model latency is the successful model calls’, with the engine’s own quantiles, and pages', async () => {
    for (const { model } of MODELS) {
      const latency = report.findings.find(
        (f) => f.sli === 'model_latency' && f.segment.gen_ai_request_model === model
      ) as DistributionFinding;
      const success = callsIn(calls, INCIDENT, model).filter((c) => c.operation === 'chat' && !c.errorType);
      expect(latency.window.count).toBe(success.length);
      const [engine] = await instantQuery(
        prometheus.url,
        `histogram_quantile(0.95, sum by (le) (increase(${duration}_bucket{gen_ai_request_model="${model}",gen_ai_operation_name="chat",error_type=""}[${WINDOW_SECONDS}s])))`,
        INCIDENT.to
      );
      expect(latency.window.p95).toBeCloseTo(engine.value, 9);
      expect(latency.verdict).toBe('page');
    }
  });

  test('SLIs the convention has no signal for are not measured, and a label no series carries is named', async () => {
    expect(report.missingSlis).toEqual(
      expect.arrayContaining(['refusal_rate', 'semantic_similarity', 'confidence', 'injection_rate'])
    );
    const markdown = await runAisre(impactArgs(prometheus.url, preset, 'endpoint', 'markdown'));
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain('**Not measured:** Refusals');
    expect(markdown.stdout).toMatch(/No series of Errors, Timeouts, .* carries the label 'endpoint'/);
  });

  if (naming === 'openlit') {
    test('retrieval latency reads the vector store’s queries, not its writes', () => {
      const retrieval = report.findings.find((f) => f.sli === 'retrieval_latency') as DistributionFinding;
      // 20 reads a minute over the 30 minutes of the window; the 5 slow writes a minute are left out.
      expect(retrieval.window.count).toBe(20 * 30);
      expect(retrieval.baseline.p95).toBeLessThanOrEqual(0.05);
      expect(retrieval.verdict).toBe('page');
    });
  }
});

describe('doctor on a Prometheus without LLM telemetry', () => {
  let dir: string;
  let prometheus: StartedEngine;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aisre-unrelated-'));
    const file = join(dir, 'unrelated.om');
    const lines = ['# TYPE http_requests counter'];
    for (let minute = 0; minute <= 30; minute++) {
      lines.push(`http_requests_total{code="200"} ${minute * 10} ${START + minute * STEP}`);
    }
    await writeFile(file, `${lines.join('\n')}\n# EOF\n`);
    prometheus = await startPrometheus({ openMetricsFile: file, readyTimeoutMs: 90_000 });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('says nothing is there and exits 1', async () => {
    const result = await runAisre(['doctor', '--prometheus', prometheus.url, '--at', String(START + 30 * STEP)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Telemetry: none of the conventions this app reads');
    expect(result.stderr).toMatch(/nothing this app reads at 2026-11-20T00:30:00.000Z/);
  });

  test('with no series at all at that time (an empty Prometheus to its queries), says so and exits 1', async () => {
    const later = START + 30 * 86400;
    const result = await runAisre(['doctor', '--prometheus', prometheus.url, '--at', String(later)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Telemetry: none of the conventions this app reads');
    expect(result.stdout).toMatch(/Labels that can segment \(distinct values\):\n {2}none/);
    expect(result.stderr).toMatch(/nothing this app reads at 2026-12-20T00:00:00.000Z/);
  });

  test('on a preset it was told, says which SLIs are not computable and exits 1', async () => {
    const result = await runAisre([
      'doctor',
      '--prometheus',
      prometheus.url,
      '--at',
      String(START + 30 * STEP),
      '--preset',
      'otel-genai',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /not computable\s+model_latency\s+no series gen_ai_client_operation_duration_seconds_bucket/
    );
  });
});

describe('on VictoriaMetrics', () => {
  let dir: string;
  let victoria: StartedEngine;
  let prometheus: StartedEngine;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aisre-otel-vm-'));
    const file = join(dir, 'otel.om');
    const text = join(dir, 'otel.prom');
    await writeOtelApp(file, 'js', text);
    [victoria, prometheus] = await Promise.all([
      startVictoriaMetrics({ prometheusTextFile: text }),
      startPrometheus({ openMetricsFile: file, readyTimeoutMs: 90_000 }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([victoria?.stop(), prometheus?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  test('doctor and impact --preset otel-genai give the same answers as on Prometheus', async () => {
    const doctor = await runAisre([
      'doctor',
      '--prometheus',
      victoria.url,
      '--at',
      String(INCIDENT.to),
      '--format',
      'json',
    ]);
    expect(doctor.code).toBe(0);
    expect(JSON.parse(doctor.stdout).preset).toBe('otel-genai');
    const [onVictoria, onPrometheus] = await Promise.all([
      runAisre(impactArgs(victoria.url, 'otel-genai', 'model', 'json')),
      runAisre(impactArgs(prometheus.url, 'otel-genai', 'model', 'json')),
    ]);
    const counts = (report: ImpactReport) =>
      report.findings.map((f) =>
        f.kind === 'proportion'
          ? [f.sli, f.segment, f.window.events, f.window.total, f.baseline.events, f.baseline.total, f.verdict]
          : [f.sli, f.segment, f.window.count, f.baseline.count, f.verdict]
      );
    const vm = parseJsonOutput<ImpactReport>(onVictoria);
    expect(counts(vm)).toEqual(counts(parseJsonOutput<ImpactReport>(onPrometheus)));
    expect(vm.findings.filter((f) => f.verdict === 'page').map((f) => f.sli)).toEqual(
      expect.arrayContaining(['timeout_rate', 'model_latency'])
    );
  });
});

// The schedule itself: the incident is in the data the test reasons about (a test of the fixture, not the product).
test('the schedule has an incident the baseline does not', () => {
  const calls = schedule();
  const w = expectedCounts(calls, INCIDENT, 'gpt-4o');
  const b = expectedCounts(calls, BASELINE, 'gpt-4o');
  expect(w.timeouts / w.total).toBeGreaterThan(5 * (b.timeouts / b.total));
});
