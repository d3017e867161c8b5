/**
 * A real Prometheus that serves backfilled data AND the recording rules evaluated over it, for the
 * tests and the benchmark of the dashboards and alerts. The rules are backfilled with
 * `promtool tsdb create-blocks-from rules` against a first start of the server, then the server is
 * restarted so that it opens the new blocks (a running server only picks them up a minute later).
 */
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

import { httpRequest } from './http';
import { runOrThrow, type ServerProcess } from './processes';
import { startPrometheusServer } from './prometheus';

export interface PrometheusWithRules {
  url: string;
  stop(): Promise<void>;
}

export interface PrometheusWithRulesOptions {
  openMetricsFile: string;
  ruleFiles: string[];
  /** Unix seconds: the span to evaluate the rules over (the data's span). */
  from: number;
  to: number;
  /** Rule evaluation step of the backfill (default 60 s). */
  evalIntervalSeconds?: number;
  timeoutMs?: number;
}

/** Recording rules over a wide span read more samples than the default 50 million. */
const MAX_SAMPLES = ['--query.max-samples=200000000'];

export async function startPrometheusWithRules(options: PrometheusWithRulesOptions): Promise<PrometheusWithRules> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const dir = await mkdtemp(join(tmpdir(), 'aisre-rules-'));
  const dataDir = join(dir, 'data');
  const rulesOut = join(dir, 'rules-blocks');
  const configFile = join(dir, 'prometheus.yml');
  let running: ServerProcess | undefined;
  try {
    await runOrThrow('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', options.openMetricsFile, dataDir], {
      timeoutMs: 600_000,
    });
    // promtool's rule backfill reads every rule's inputs from the running server, so a rule that reads another
    // recording (the rollups sum the per-segment rules) sees nothing on the first pass: a second pass over the
    // first pass's blocks backfills those alone.
    const passes = [options.ruleFiles, await dependentRuleFiles(options.ruleFiles, dir)];
    for (const [index, ruleFiles] of passes.entries()) {
      if (ruleFiles.length === 0) {
        continue;
      }
      const out = `${rulesOut}-${index}`;
      const first = await startPrometheusServer({ configFile, dataDir, timeoutMs, extraArgs: MAX_SAMPLES });
      running = first.server;
      await runOrThrow(
        'promtool',
        [
          'tsdb',
          'create-blocks-from',
          'rules',
          `--start=${options.from}`,
          `--end=${options.to}`,
          `--url=${first.url}`,
          `--output-dir=${out}`,
          `--eval-interval=${options.evalIntervalSeconds ?? 60}s`,
          ...ruleFiles,
        ],
        { timeoutMs: 1_800_000 }
      );
      await first.server.stop();
      running = undefined;
      for (const block of await readdir(out)) {
        await rename(join(out, block), join(dataDir, block));
      }
    }
    const second = await startPrometheusServer({ configFile, dataDir, timeoutMs, extraArgs: MAX_SAMPLES });
    running = second.server;
    const server = second.server;
    return {
      url: second.url,
      stop: async () => {
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await running?.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The rules of `files` that read another recording (a `level:metric:operation` name), as files in `dir`. */
async function dependentRuleFiles(files: string[], dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const [index, file] of files.entries()) {
    const parsed = parseYaml(await readFile(file, 'utf8')) as { groups?: Array<{ rules?: Array<{ expr?: string }> }> };
    const groups = (parsed.groups ?? [])
      .map((g) => ({ ...g, rules: (g.rules ?? []).filter((r) => RECORDED_NAME.test(r.expr ?? '')) }))
      .filter((g) => g.rules.length > 0);
    if (groups.length > 0) {
      const path = join(dir, `dependent-${index}.yaml`);
      await writeFile(path, stringifyYaml({ groups }));
      out.push(path);
    }
  }
  return out;
}

const RECORDED_NAME = /\b[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_:]+/;

/** One series of a range answer. */
export interface RangeSeries {
  metric: Record<string, string>;
  values: Array<[number, number]>;
}

/** query_range over [from, to]; throws with the engine's error text. */
export async function rangeQuery(
  url: string,
  expr: string,
  from: number,
  to: number,
  step: number
): Promise<RangeSeries[]> {
  const query = `query=${encodeURIComponent(expr)}&start=${from}&end=${to}&step=${step}`;
  const res = await httpRequest(`${url}/api/v1/query_range?${query}`, { timeoutMs: 120_000 });
  let parsed: { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  try {
    parsed = JSON.parse(res.body);
  } catch {
    throw new Error(`query_range ${expr}: HTTP ${res.status}, not JSON: ${res.body.slice(0, 500)}`);
  }
  if (res.status !== 200 || parsed.status !== 'success' || !Array.isArray(parsed.data?.result)) {
    throw new Error(`query_range ${expr}: HTTP ${res.status}: ${parsed.error ?? res.body.slice(0, 500)}`);
  }
  return (parsed.data.result as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>).map(
    (s) => ({
      metric: s.metric,
      values: s.values.map(([t, v]) => [t, Number(v)]),
    })
  );
}

/** Values of a label over [from, to] among the series a selector matches, as Grafana's label_values() asks. */
export async function labelValues(
  url: string,
  label: string,
  match: string,
  from: number,
  to: number
): Promise<string[]> {
  const query = `match[]=${encodeURIComponent(match)}&start=${from}&end=${to}`;
  const res = await httpRequest(`${url}/api/v1/label/${encodeURIComponent(label)}/values?${query}`);
  const parsed = JSON.parse(res.body) as { status?: string; error?: string; data?: string[] };
  if (res.status !== 200 || parsed.status !== 'success' || !Array.isArray(parsed.data)) {
    throw new Error(`label values ${label} of ${match}: HTTP ${res.status}: ${parsed.error ?? res.body.slice(0, 500)}`);
  }
  return parsed.data;
}
