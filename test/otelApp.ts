/**
 * A fake LLM app instrumented the standard way, with the real OpenTelemetry JS SDK: `@opentelemetry/sdk-metrics`
 * with the GenAI semantic conventions' advised bucket boundaries as views, and `@opentelemetry/exporter-prometheus`'s
 * own serialiser. Its schedule is known call by call (an incident with timeouts and slow calls from minute 60 to
 * 90), so a test knows every count; each minute's exposition is stamped with its simulated time and written as
 * OpenMetrics for `promtool tsdb create-blocks-from openmetrics`: the Prometheus holds exactly what the exporter
 * served at each scrape.
 *
 * Namings: `js` is what the JS exporter serves (no unit suffix), `suffixed` what the Collector, the Python
 * exporter and Prometheus' OTLP receiver write (`_seconds` added to second-valued histograms), `openlit` OpenLIT's
 * attributes (service.name, telemetry.sdk.name on every point) and its vector-store reads and writes on
 * db.client.operation.duration, through a Collector (suffixed).
 */
import { writeFile } from 'node:fs/promises';

import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { AggregationType, MeterProvider } from '@opentelemetry/sdk-metrics';

export type OtelNaming = 'js' | 'suffixed' | 'openlit';

/** Advised boundaries of the GenAI semantic conventions (gen-ai-metrics.md). */
const DURATION_BOUNDARIES = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TOKEN_BOUNDARIES = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** db.client.operation.duration's advised boundaries (database-metrics.md). */
const DB_BOUNDARIES = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];

export const START = Date.UTC(2026, 10, 20, 0, 0, 0) / 1000;
export const STEP = 60;
export const MINUTES = 120;
/** The incident: minutes [60, 90), so the window is (START+60m, START+90m] and its baseline the 30 minutes before. */
export const INCIDENT = { from: START + 60 * STEP, to: START + 90 * STEP };

export const MODELS = [
  { model: 'gpt-4o', provider: 'openai', server: 'api.openai.com', timeoutType: 'APITimeoutError' },
  { model: 'claude-sonnet-4', provider: 'anthropic', server: 'api.anthropic.com', timeoutType: 'TimeoutError' },
] as const;

export interface Call {
  minute: number;
  model: string;
  operation: 'chat' | 'execute_tool';
  errorType?: string;
  seconds: number;
  outputTokens?: number;
}

const inIncident = (minute: number) => minute >= 60 && minute < 90;

/** Every call the app makes, minute by minute: the test's ground truth. */
export function schedule(): Call[] {
  const calls: Call[] = [];
  for (let minute = 0; minute < MINUTES; minute++) {
    for (const m of MODELS) {
      for (let i = 0; i < 30; i++) {
        const timeout = inIncident(minute) ? i % 5 === 1 : minute % 3 === 0 && i === 2;
        const errorType = timeout ? m.timeoutType : i === 0 ? 'RateLimitError' : undefined;
        const seconds = errorType ? (timeout ? 30 : 0.05) : (0.2 + (i % 10) * 0.15) * (inIncident(minute) ? 3 : 1);
        calls.push({
          minute,
          model: m.model,
          operation: 'chat',
          errorType,
          seconds,
          outputTokens: errorType ? undefined : 100 + i * 20,
        });
      }
      for (let i = 0; i < 10; i++) {
        const errorType =
          inIncident(minute) && i === 0 ? 'ToolError' : minute % 10 === 0 && i === 1 ? 'ToolError' : undefined;
        calls.push({ minute, model: m.model, operation: 'execute_tool', errorType, seconds: 0.03 + i * 0.01 });
      }
    }
  }
  return calls;
}

/** Families of one Prometheus text exposition, their sample lines stamped with `time`. */
function collectFamilies(text: string, time: number, into: Map<string, { type: string; lines: string[] }>) {
  let family: string | undefined;
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      family = type[1];
      if (!into.has(family)) {
        into.set(family, { type: type[2], lines: [] });
      }
    } else if (line && !line.startsWith('#') && family) {
      into.get(family)!.lines.push(`${line} ${time}`);
    }
  }
}

/**
 * Runs the schedule through the SDK and writes the OpenMetrics file (seconds, for promtool) and, when asked,
 * the same samples as Prometheus text with millisecond timestamps (for VictoriaMetrics' import); returns the calls.
 */
export async function writeOtelApp(file: string, naming: OtelNaming, prometheusTextFile?: string): Promise<Call[]> {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({
    readers: [exporter],
    views: [
      {
        instrumentName: 'gen_ai.client.operation.duration',
        aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: DURATION_BOUNDARIES } },
      },
      {
        instrumentName: 'gen_ai.client.token.usage',
        aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: TOKEN_BOUNDARIES } },
      },
      {
        instrumentName: 'db.client.operation.duration',
        aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: DB_BOUNDARIES } },
      },
    ],
  });
  const meter = provider.getMeter('fake-llm-app');
  const duration = meter.createHistogram('gen_ai.client.operation.duration', {
    unit: 's',
    description: 'GenAI operation duration.',
  });
  const tokens = meter.createHistogram('gen_ai.client.token.usage', {
    unit: '{token}',
    description: 'Number of input and output tokens used.',
  });
  const db = meter.createHistogram('db.client.operation.duration', {
    unit: 's',
    description: 'Duration of database client operations.',
  });
  const openlit = naming === 'openlit' ? { 'service.name': 'support-bot', 'telemetry.sdk.name': 'openlit' } : {};
  const serializer = new PrometheusSerializer();
  const families = new Map<string, { type: string; lines: string[] }>();
  const calls = schedule();
  let next = 0;
  for (let minute = 0; minute < MINUTES; minute++) {
    for (; next < calls.length && calls[next].minute === minute; next++) {
      const call = calls[next];
      const m = MODELS.find((x) => x.model === call.model)!;
      const attributes = {
        'gen_ai.operation.name': call.operation,
        'gen_ai.provider.name': m.provider,
        'gen_ai.request.model': m.model,
        'server.address': m.server,
        ...openlit,
        ...(call.errorType ? { 'error.type': call.errorType } : {}),
      };
      duration.record(call.seconds, attributes);
      if (call.outputTokens !== undefined) {
        tokens.record(call.outputTokens, { ...attributes, 'gen_ai.token.type': 'output' });
        tokens.record(500, { ...attributes, 'gen_ai.token.type': 'input' });
      }
    }
    if (naming === 'openlit') {
      // Reads (the retrieval) are fast, writes slow: a mix would move retrieval latency with every ingest.
      for (let i = 0; i < 20; i++) {
        db.record(inIncident(minute) ? 0.2 : 0.02, {
          'db.operation.name': 'QUERY',
          'db.system.name': 'chroma',
          ...openlit,
        });
      }
      for (let i = 0; i < 5; i++) {
        db.record(minute % 2 ? 4 : 0.02, { 'db.operation.name': 'INSERT', 'db.system.name': 'chroma', ...openlit });
      }
    }
    const { resourceMetrics, errors } = await exporter.collect();
    if (errors.length > 0) {
      throw new Error(`OpenTelemetry collect failed: ${errors.map(String).join('; ')}`);
    }
    collectFamilies(serializer.serialize(resourceMetrics), START + minute * STEP, families);
  }
  await provider.shutdown();
  const rename = (text: string) =>
    naming === 'js'
      ? text
      : text.replace(/\b(gen_ai_client_operation_duration|db_client_operation_duration)(?=_|\b)/g, '$1_seconds');
  const out: string[] = [];
  const text: string[] = [];
  for (const [name, { type, lines }] of families) {
    if (name === 'target_info') {
      continue;
    }
    out.push(rename(`# TYPE ${name} ${type}\n`), ...lines.map((l) => `${rename(l)}\n`));
    text.push(
      rename(`# TYPE ${name} ${type}\n`),
      ...lines.map((l) => `${rename(l).replace(/ (\d+)$/, (_m, seconds: string) => ` ${Number(seconds) * 1000}`)}\n`)
    );
  }
  out.push('# EOF\n');
  await writeFile(file, out.join(''));
  if (prometheusTextFile) {
    await writeFile(prometheusTextFile, text.join(''));
  }
  return calls;
}
