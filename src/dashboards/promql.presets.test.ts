/**
 * The bundled dashboards of the OpenTelemetry GenAI and OpenLIT presets return data from telemetry as those
 * instrumentations emit it, on a Prometheus with no recording rule and on VictoriaMetrics: an app instrumented
 * with the real OpenTelemetry JS SDK (test/otelApp.ts), served under the JS exporter's unsuffixed names,
 * the Collector's suffixed names, and OpenLIT's attributes. As a scrape would, every series gets the `job`
 * label, and the app also emits `llm_build_info` (what docs/opentelemetry.md asks for the "what changed" events).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { presetRecordings } from '../alerting/artifacts';
import { labelValues, rangeQuery } from '../../test/ruleEngines';
import { type PresetId } from '../core/settings';
import { INCIDENT, MINUTES, type OtelNaming, START, STEP, writeOtelApp } from '../../test/otelApp';
import { type StartedEngine, startPrometheus } from '../../test/prometheus';
import { startVictoriaMetrics } from '../../test/victoriaMetrics';
import { buildDashboards } from './build';
import { dashboardExpressions, defaultSelection, parseLabelValues, substituteVariables } from './dashboardPromql';

jest.setTimeout(300_000);

const JOB = 'fake-llm-app';
const NAMINGS: Array<[OtelNaming, PresetId]> = [
  ['js', 'otel-genai'],
  ['suffixed', 'otel-genai'],
  ['openlit', 'openlit'],
];
const END = START + MINUTES * STEP;
/** Dashboards look at the app's last hour, which holds the incident. */
const VIEW_FROM = INCIDENT.from - 30 * 60;

/** Adds the scrape's `job` label to every sample, and one build-info series per model with a change mid-run. */
function asScraped(text: string, stamp: (seconds: number) => string, eof: string): string {
  const labelled = text
    .split('\n')
    .map((line) =>
      line === '' || line.startsWith('#')
        ? line
        : line.includes('{')
          ? line.replace('{', `{job="${JOB}",`)
          : line.replace(/^(\S+) /, `$1{job="${JOB}"} `)
    )
    .filter((line) => line !== eof)
    .join('\n');
  const info: string[] = ['# TYPE llm_build_info gauge'];
  for (let minute = 0; minute < MINUTES; minute++) {
    for (const model of ['gpt-4o', 'claude-sonnet-4']) {
      const prompt = minute < 60 ? 'v1' : 'v2';
      info.push(
        `llm_build_info{job="${JOB}",gen_ai_request_model="${model}",response_model="${model}",prompt_version="${prompt}"} 1 ${stamp(START + minute * STEP)}`
      );
    }
  }
  return `${labelled.replace(/\n*$/, '\n')}${info.join('\n')}\n${eof ? `${eof}\n` : ''}`;
}

interface Engines {
  prometheus: StartedEngine;
  victoria: StartedEngine;
}

const engines = new Map<OtelNaming, Engines>();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aisre-dash-presets-'));
  await Promise.all(
    NAMINGS.map(async ([naming]) => {
      const om = join(dir, `${naming}.om`);
      const text = join(dir, `${naming}.prom`);
      await writeOtelApp(om, naming, text);
      await writeFile(om, asScraped(await readFile(om, 'utf8'), String, '# EOF'));
      await writeFile(
        text,
        asScraped(await readFile(text, 'utf8'), (s) => String(s * 1000), '')
      );
      const [prometheus, victoria] = await Promise.all([
        startPrometheus({ openMetricsFile: om, readyTimeoutMs: 120_000 }),
        startVictoriaMetrics({ prometheusTextFile: text }),
      ]);
      engines.set(naming, { prometheus, victoria });
    })
  );
});

afterAll(async () => {
  await Promise.all([...engines.values()].flatMap((e) => [e.prometheus.stop(), e.victoria.stop()]));
  await rm(dir, { recursive: true, force: true });
});

const hasData = (series: Array<{ values: Array<[number, number]> }>) =>
  series.some((s) => s.values.some(([, v]) => Number.isFinite(v)));

const cases = NAMINGS.flatMap(([naming, preset]) => {
  const recordings = presetRecordings(preset);
  return buildDashboards('raw', recordings).flatMap((d) => {
    const values = defaultSelection(d.json);
    return dashboardExpressions(d.json).map((e) => ({
      naming,
      preset,
      recordings,
      file: d.file,
      ...e,
      resolved: substituteVariables(e.expr, values),
    }));
  });
});

describe.each(NAMINGS)('%s naming, %s preset', (naming, preset) => {
  const mine = cases.filter((c) => c.naming === naming);

  it('has dashboards with panels for what the convention measures, and none for what it cannot', () => {
    const recordings = presetRecordings(preset);
    const dashboards = buildDashboards('raw', recordings);
    const titles = dashboards.flatMap((d) => (d.json.panels ?? []).map((p) => p.title));
    expect(titles).toEqual(
      expect.arrayContaining(['Errors (share of model calls)', 'Timeouts (share of model calls)'])
    );
    expect(titles.some((t) => /Refusals|similarity|Confidence|Agent steps|Injection/.test(t ?? ''))).toBe(false);
    expect(titles.filter((t) => t === 'Not measured')).toHaveLength(dashboards.length);
    expect(dashboards.some((d) => d.file === 'retrieval.json')).toBe(preset === 'openlit');
  });

  it.each(mine.filter((c) => c.kind !== 'variable').map((c) => [`${c.file} ${c.where}`, c]))(
    '%s returns data on Prometheus without recording rules, and on VictoriaMetrics',
    async (_n, c) => {
      const { prometheus, victoria } = engines.get(naming)!;
      for (const url of [prometheus.url, victoria.url]) {
        const series = await rangeQuery(url, c.resolved, c.kind === 'annotation' ? START : VIEW_FROM, END, 60);
        expect([url, hasData(series)]).toEqual([url, true]);
      }
    }
  );

  it.each(mine.filter((c) => c.kind === 'variable').map((c) => [`${c.file} ${c.where}`, c]))(
    '%s lists values on both engines when the convention has that label',
    async (_n, c) => {
      const parsed = parseLabelValues(c.resolved)!;
      const { prometheus, victoria } = engines.get(naming)!;
      // team and endpoint are not OpenTelemetry attributes, and OpenLIT's vector-store series carry no model:
      // those variables list nothing, and their All value matches every series.
      const carried = (
        c.file === 'retrieval.json' ? ['job', 'service_name'] : ['job', 'service_name', 'gen_ai_request_model']
      ).includes(parsed.label);
      for (const url of [prometheus.url, victoria.url]) {
        const values = await labelValues(url, parsed.label, parsed.match, START, END);
        expect([url, parsed.label, values.length > 0]).toEqual([url, parsed.label, carried]);
      }
    }
  );
});
