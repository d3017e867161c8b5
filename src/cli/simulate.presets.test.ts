/**
 * `aisre simulate --preset otel-genai|openlit` end to end: the simulator writes the same scenario under a
 * convention's names (errors and timeouts as `error_type` on the duration histogram, token usage by type, tool
 * calls as execute_tool operations, OpenLIT's vector-store reads and writes on db_client_operation_duration), the
 * real Prometheus (or VictoriaMetrics) holds it, and the real `aisre impact --preset …` (a process) reproduces the
 * truth's exact counts for every incident: window and baseline, per service, every SLI the convention measures,
 * and no other. Once per naming: the Collector's suffixed names, the JS exporter's unsuffixed ones, OpenLIT's.
 *
 * Counts are exact for the reason given in impact.integration.test.ts: every window starts and ends on a sample.
 */
import { SLI_DEFINITIONS, type SliId } from '../core/metrics';
import { type ImpactReport } from '../core/report';
import { parseJsonOutput, runAisre } from '../../test/aisre';
import { instantQuery } from '../../test/http';
import { type StartedEngine, startPrometheus } from '../../test/prometheus';
import { type SimulatedFixture, simulateFixture } from '../../test/simulateFixture';
import { findWindow, type TruthIncident } from '../../test/truth';
import { countMismatches, derivedMismatches, verdictMismatches } from '../../test/truthChecks';
import { startVictoriaMetrics } from '../../test/victoriaMetrics';

jest.setTimeout(240_000);

/** Six hours of the default scenario: the provider outage on /chat (+2 h) and the retrieval drift on /search (+5 h). */
const FROM = Date.UTC(2026, 1, 2, 0, 0, 0) / 1000;
const TO = FROM + 6 * 3600;

const CASES = [
  {
    name: 'contract (the default names)',
    args: [],
    preset: 'contract',
    duration: 'gen_ai_client_operation_duration_seconds',
    engine: 'prometheus',
  },
  {
    name: 'otel-genai, suffixed (Collector, Python exporter, OTLP receiver)',
    args: ['--preset', 'otel-genai'],
    preset: 'otel-genai',
    duration: 'gen_ai_client_operation_duration_seconds',
    engine: 'prometheus',
  },
  {
    name: 'otel-genai, unsuffixed (JS exporter), on VictoriaMetrics',
    args: ['--preset', 'otel-genai', '--unsuffixed'],
    preset: 'otel-genai',
    duration: 'gen_ai_client_operation_duration',
    engine: 'victoriametrics',
  },
  {
    name: 'openlit',
    args: ['--preset', 'openlit'],
    preset: 'openlit',
    duration: 'gen_ai_client_operation_duration_seconds',
    engine: 'prometheus',
  },
] as const;

const MEASURED: Record<string, SliId[]> = {
  contract: SLI_DEFINITIONS.map((d) => d.id),
  'otel-genai': ['error_rate', 'timeout_rate', 'tool_error_rate', 'response_length', 'model_latency'],
  openlit: ['error_rate', 'timeout_rate', 'tool_error_rate', 'response_length', 'model_latency', 'retrieval_latency'],
};

/** The report with each finding's segment named by endpoint, through the truth's segments (service -> endpoint). */
function byEndpoint(report: ImpactReport, fixture: SimulatedFixture): ImpactReport {
  const serviceLabel = (fixture.truth.labels as Record<string, string>).service;
  const segments = fixture.truth.segments as Array<{ service: string; endpoint: string }>;
  return {
    ...report,
    findings: report.findings.map((f) => ({
      ...f,
      segment: { endpoint: segments.find((s) => s.service === f.segment[serviceLabel])?.endpoint ?? '?' },
    })),
  };
}

describe.each(CASES)('$name', ({ args, preset, duration, engine }) => {
  let fixture: SimulatedFixture;
  let store: StartedEngine;
  const reports = new Map<string, ImpactReport>();

  beforeAll(async () => {
    fixture = await simulateFixture({
      from: FROM,
      to: TO,
      step: 60,
      seed: 11,
      formats: [engine === 'prometheus' ? 'openmetrics' : 'prometheus'],
      args: [...args],
    });
    store =
      engine === 'prometheus'
        ? await startPrometheus({ openMetricsFile: fixture.openMetricsFile, readyTimeoutMs: 90_000 })
        : await startVictoriaMetrics({ prometheusTextFile: fixture.prometheusTextFile });
    for (const incident of fixture.truth.incidents) {
      const result = await runAisre([
        'impact',
        ...['--prometheus', store.url, '--preset', preset, '--by', 'service', '--format', 'json'],
        ...['--from', String(incident.from), '--to', String(incident.to)],
      ]);
      if (result.code !== 0) {
        throw new Error(`aisre impact for ${incident.id} exited ${result.code}: ${result.stderr}`);
      }
      reports.set(incident.id, parseJsonOutput<ImpactReport>(result));
    }
  }, 600_000);

  afterAll(async () => {
    await store?.stop();
    await fixture?.cleanup();
  });

  const incidents = (): TruthIncident[] => fixture.truth.incidents;

  test('the truth is named by the preset, and counts only what the convention measures', () => {
    expect(fixture.truth.preset).toBe(preset);
    expect(incidents().map((i) => i.category)).toEqual(['infrastructure', 'data-retrieval']);
    const measured = new Set(
      fixture.truth.windows.flatMap((w) => Object.values(w.counts).flatMap((slis) => Object.keys(slis)))
    );
    expect([...measured].sort()).toEqual([...MEASURED[preset]].sort());
    // The retrieval drift moves empty retrievals and similarity: neither convention has a signal for them.
    const drift = incidents().find((i) => i.category === 'data-retrieval')!;
    const shifted = ['empty_retrieval_rate', 'semantic_similarity'];
    if (preset === 'contract') {
      expect(drift.expectedShifts).toEqual(shifted);
      expect(drift).not.toHaveProperty('unmeasuredShifts');
    } else {
      expect(drift.expectedShifts).toEqual([]);
      expect(drift).toMatchObject({ unmeasuredShifts: shifted });
    }
  });

  test(`reads ${duration}`, () => {
    const report = reports.get(incidents()[0].id)!;
    const read = report.queries.map((q) => q.expr).join('\n');
    if (preset !== 'contract') {
      // Errors and timeouts are the duration histogram's _count split by error_type.
      expect(read).toContain(`${duration}_count{`);
    }
    expect(read).toContain(`${duration}_bucket{`);
    const unmeasured = SLI_DEFINITIONS.map((d) => d.id).filter((id) => !MEASURED[preset].includes(id));
    expect([...report.missingSlis].sort()).toEqual(unmeasured.sort());
  });

  test('doctor picks the preset, names the metric it found, and lists exactly the computable SLIs', async () => {
    const result = await runAisre(['doctor', '--prometheus', store.url, '--at', String(TO), '--format', 'json']);
    expect(result.code).toBe(0);
    const detection = JSON.parse(result.stdout) as {
      preset: string;
      pinnedNames: Record<string, string>;
      slis: Array<{ sli: SliId; computable: boolean }>;
    };
    expect(detection.preset).toBe(preset);
    const computable = detection.slis.filter((s) => s.computable).map((s) => s.sli);
    expect(computable.sort()).toEqual([...MEASURED[preset]].sort());
    expect(detection.pinnedNames).toEqual(
      duration.endsWith('_seconds') ? {} : { gen_ai_client_operation_duration_seconds: duration }
    );
  });

  test('window and baseline counts equal the truth exactly, for every incident, SLI and service', () => {
    for (const incident of incidents()) {
      const mismatches = countMismatches(
        byEndpoint(reports.get(incident.id)!, fixture),
        findWindow(fixture.truth, `incident:${incident.id}`),
        findWindow(fixture.truth, `baseline:${incident.id}`)
      );
      expect({ incident: incident.id, mismatches }).toEqual({ incident: incident.id, mismatches: [] });
    }
  });

  test('rates are events/total with their Wilson intervals', () => {
    for (const incident of incidents()) {
      const mismatches = derivedMismatches(reports.get(incident.id)!);
      expect({ incident: incident.id, mismatches }).toEqual({ incident: incident.id, mismatches: [] });
    }
  });

  test('the outage pages timeouts, errors and model latency on /chat; nothing pages that the truth does not justify', () => {
    const outage = incidents().find((i) => i.category === 'infrastructure')!;
    expect(outage.expectedShifts.sort()).toEqual(['error_rate', 'model_latency', 'timeout_rate']);
    for (const incident of incidents()) {
      const mismatches = verdictMismatches(byEndpoint(reports.get(incident.id)!, fixture), fixture.truth, incident);
      expect({ incident: incident.id, mismatches }).toEqual({ incident: incident.id, mismatches: [] });
    }
  });

  if (preset === 'openlit') {
    test('the vector store’s writes are in the data, and left out of retrieval latency', async () => {
      const increase = (op: string) =>
        instantQuery(
          store.url,
          `sum(increase(db_client_operation_duration_seconds_count{db_operation_name="${op}"}[${TO - FROM}s]))`,
          TO
        );
      const [[writes], [reads]] = await Promise.all([increase('upsert'), increase('query')]);
      const range = findWindow(fixture.truth, 'range');
      const truthReads = Object.values(range.counts).reduce((n, slis) => {
        const latency = slis.retrieval_latency;
        return n + (latency && 'cumulative' in latency ? latency.cumulative[latency.cumulative.length - 1] : 0);
      }, 0);
      expect(writes.value).toBeGreaterThan(1000);
      expect(reads.value).toBe(truthReads);
    });
  }
});
