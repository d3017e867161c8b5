/** `aisre impact`: the postmortem impact section for a window, read from a Prometheus-compatible API. */
import { buildImpactReport, ImpactOptionsError, type BaselineSpec } from '../core/impact';
import { PrometheusHttpSource } from '../core/prometheus';
import { renderMarkdown } from '../core/render';
import { type SliId } from '../core/metrics';
import { profiledImpactOptions } from '../core/profile';
import { parseFlags, UsageError } from './errors';
import { PROFILE_FLAGS, PROFILE_USAGE, profileFromFlags } from './profileFlags';
import { parseTime } from './time';

export const IMPACT_USAGE = `Usage: aisre impact --prometheus <url> --from <time> --to <time> [options]

Writes the impact section of a postmortem for the window [from, to]: every SLI of the metrics contract
compared with a baseline, as Markdown (default) or JSON.

Options:
  --prometheus <url>     Prometheus-compatible API (Prometheus, Mimir, Thanos, VictoriaMetrics)
  --from <time>          Window start: RFC 3339 (2026-11-24T14:00:00Z), Unix seconds, or now-<duration>
  --to <time>            Window end, same forms (also: now)
  --baseline <spec>      preceding (default: the interval of equal length before the window),
                         <N>d (the same window N days earlier), or <from>..<to>
  --selector <matchers>  PromQL label matchers for every query, e.g. 'team="search",endpoint="/chat"'
  --by <labels>          Split findings by these labels, comma-separated (e.g. endpoint,model; team, service,
                         endpoint and model read the label the preset maps them to)
  --sli <ids>            Only these SLIs, comma-separated (default: all)
  --format <format>      markdown (default) or json
  --min-volume <n>       Fewest requests/observations in window and baseline for a verdict (default 100)
  --timeout <seconds>    Give up on a query after this long (default 30)
${PROFILE_USAGE}
  -h, --help             Show this help

Exit codes: 0 report written, 1 the metrics API failed, 2 the command line is wrong.`;

function parseBaseline(spec: string | undefined): BaselineSpec {
  if (spec === undefined || spec === 'preceding') {
    return { mode: 'preceding' };
  }
  const days = /^(\d+)d$/.exec(spec);
  if (days) {
    return { mode: 'days_earlier', days: Number(days[1]) };
  }
  const range = spec.split('..');
  if (range.length === 2) {
    return { mode: 'fixed', from: parseTime(range[0], '--baseline start'), to: parseTime(range[1], '--baseline end') };
  }
  throw new UsageError(`--baseline must be 'preceding', '<N>d' or '<from>..<to>', not '${spec}'`);
}

function parsePositive(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) {
    return fallback;
  }
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${flag} must be a positive number, not '${value}'`);
  }
  return n;
}

function list(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function parseImpactArgs(args: string[]) {
  const values = parseFlags(
    args,
    {
      prometheus: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      baseline: { type: 'string' },
      selector: { type: 'string' },
      by: { type: 'string' },
      sli: { type: 'string' },
      format: { type: 'string' },
      'min-volume': { type: 'string' },
      timeout: { type: 'string' },
      ...PROFILE_FLAGS,
      help: { type: 'boolean', short: 'h' },
    },
    IMPACT_USAGE
  );
  if (values.help) {
    return undefined;
  }
  for (const flag of ['prometheus', 'from', 'to'] as const) {
    if (!values[flag]) {
      throw new UsageError(`--${flag} is required\n\n${IMPACT_USAGE}`);
    }
  }
  const format = values.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'json') {
    throw new UsageError(`--format must be markdown or json, not '${format}'`);
  }
  let url: URL;
  try {
    url = new URL(values.prometheus!);
  } catch {
    throw new UsageError(`--prometheus must be a URL such as http://localhost:9090, not '${values.prometheus}'`);
  }
  const { settings, profile } = profileFromFlags(values);
  const now = Date.now() / 1000;
  const window = { from: parseTime(values.from!, '--from', now), to: parseTime(values.to!, '--to', now) };
  if (window.to <= window.from) {
    throw new UsageError(`--to (${values.to}) must be after --from (${values.from})`);
  }
  return {
    url: url.toString(),
    format,
    settings,
    timeoutMs: parsePositive(values.timeout, '--timeout', 30) * 1000,
    options: {
      window,
      baseline: parseBaseline(values.baseline),
      selector: values.selector,
      groupBy: list(values.by),
      slis: list(values.sli) as SliId[] | undefined,
      thresholds: { minVolume: parsePositive(values['min-volume'], '--min-volume', profile.thresholds.minVolume) },
    },
  };
}

export async function impactCommand(args: string[]): Promise<void> {
  const parsed = parseImpactArgs(args);
  if (!parsed) {
    process.stdout.write(`${IMPACT_USAGE}\n`);
    return;
  }
  const source = new PrometheusHttpSource(parsed.url, { timeoutMs: parsed.timeoutMs });
  let report;
  try {
    report = await buildImpactReport(source, await profiledImpactOptions(source, parsed.settings, parsed.options));
  } catch (error) {
    if (error instanceof ImpactOptionsError) {
      throw new UsageError(error.message);
    }
    throw error;
  }
  process.stdout.write(parsed.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderMarkdown(report));
  if (report.findings.length === 0) {
    process.stderr.write(
      `aisre impact: no SLI had data for this window and scope (${report.missingSlis.length} missing)\n`
    );
  }
}
