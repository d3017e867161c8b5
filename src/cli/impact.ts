/** `aisre impact`: the postmortem impact section for a window, read from a Prometheus-compatible API. */
import {
  buildImpactReport,
  DEFAULT_MEDIAN_WEEKS,
  ImpactOptionsError,
  resolveBaseline,
  type BaselineSpec,
} from '../core/impact';
import { type SliId } from '../core/metrics';
import { profiledImpactOptions } from '../core/profile';
import { DEFAULT_MAX_SERIES, SeriesLimitError } from '../core/prometheus';
import { renderMarkdown } from '../core/render';
import { type ImpactReport } from '../core/report';
import { type Interval } from '../core/source';
import { CONNECTION_FLAGS, CONNECTION_USAGE, parseConnection, withPrometheus } from './connection';
import { parseFlags, parseNumber, UsageError } from './errors';
import { fetchIncidentWindows, GRAFANA_TOKEN_ENV, parseExclude, parseGrafana } from './incidents';
import { PROFILE_FLAGS, PROFILE_USAGE, profileFromFlags } from './profileFlags';
import { parseTime } from './time';

const DEFAULT_MAX_SEGMENTS = 1000;
const MAX_LIMIT = 10_000_000;

const IMPACT_USAGE = `Usage: aisre impact --prometheus <url> --from <time> --to <time> [options]

Writes the impact section of a postmortem for the window [from, to]: every SLI of the metrics contract
compared with a baseline, as Markdown (default) or JSON.

Options:
  --from <time>          Window start: RFC 3339 (2026-11-24T14:00:00Z), Unix seconds, or now-<duration>
  --to <time>            Window end, same forms (also: now, the current whole second)
  --baseline <spec>      preceding (default: the interval of equal length before the window),
                         <N>d (the same window N days earlier, N >= 1), <from>..<to>, or
                         median (per count, the median of the same window 1..3 weeks earlier; median-<N>w: N weeks)
  --exclude <from>..<to> Leave this interval out of the baseline and of the history (another incident); repeatable
  --exclude-incidents    Leave out the ai-incident regions Grafana holds over the baseline (needs --grafana)
  --grafana <url>        The Grafana whose annotations --exclude-incidents reads (its base URL)
  --grafana-token-file <file>
                         Grafana token (a service account's, with annotations:read); default: $${GRAFANA_TOKEN_ENV}
  --selector <matchers>  PromQL label matchers for every query, e.g. 'team="search",endpoint="/chat"'
  --by <labels>          Split findings by these labels, comma-separated (e.g. endpoint,model; team, service,
                         endpoint and model read the label the preset maps them to)
  --sli <ids>            Only these SLIs, comma-separated (default: all)
  --format <format>      markdown (default) or json
  --min-volume <n>       Fewest requests/observations in window and baseline for a verdict (default 100)
  --max-series <n>       Most series one query may return (default ${DEFAULT_MAX_SERIES})
  --max-segments <n>     Most segments (combinations of --by values) a report may hold (default ${DEFAULT_MAX_SEGMENTS})
${PROFILE_USAGE}
  -h, --help             Show this help

${CONNECTION_USAGE}

Exit codes: 0 report written; 3 report written, but no SLI could be judged (no data, or no traffic, in the
window or the baseline: never read it as an all-clear); 1 the metrics API failed; 2 the command line is
wrong or asks for more than the limits allow.`;

/** Exit code of a report that was written but judges nothing: an outage with no data must not read as exit 0. */
const EXIT_NOTHING_JUDGED = 3;

const IMPACT_FLAGS = {
  ...CONNECTION_FLAGS,
  from: { type: 'string' },
  to: { type: 'string' },
  baseline: { type: 'string' },
  exclude: { type: 'string', multiple: true },
  'exclude-incidents': { type: 'boolean' },
  grafana: { type: 'string' },
  'grafana-token-file': { type: 'string' },
  selector: { type: 'string' },
  by: { type: 'string' },
  sli: { type: 'string' },
  format: { type: 'string' },
  'min-volume': { type: 'string' },
  'max-series': { type: 'string' },
  'max-segments': { type: 'string' },
  ...PROFILE_FLAGS,
  help: { type: 'boolean', short: 'h' },
} as const;

function parseBaseline(spec: string | undefined, window: Interval): BaselineSpec {
  if (spec === undefined || spec === 'preceding') {
    return { mode: 'preceding' };
  }
  const median = /^median(?:-(\d+)w)?$/.exec(spec);
  if (median) {
    const weeks = median[1] === undefined ? DEFAULT_MEDIAN_WEEKS : Number(median[1]);
    if (weeks < 1 || weeks > 52) {
      throw new UsageError(`--baseline ${spec}: give 1 to 52 weeks`);
    }
    if (window.to - window.from > 7 * 86_400) {
      throw new UsageError(
        `--baseline ${spec} compares the same window in past weeks: the window must be a week or shorter`
      );
    }
    return { mode: 'median_weeks', weeks };
  }
  const days = /^(\d+)d$/.exec(spec);
  if (days) {
    const n = Number(days[1]);
    if (n < 1) {
      throw new UsageError(`--baseline ${spec} would compare the window with itself: give 1d or more`);
    }
    if (n * 86_400 < window.to - window.from) {
      throw new UsageError(`--baseline ${spec} overlaps the window (it is longer than ${n} d): give more days`);
    }
    return { mode: 'days_earlier', days: n };
  }
  const range = spec.split('..');
  if (range.length === 2) {
    const from = parseTime(range[0], '--baseline start');
    const to = parseTime(range[1], '--baseline end');
    if (to <= from) {
      throw new UsageError(`--baseline end (${range[1]}) must be after its start (${range[0]})`);
    }
    if (from < window.to && to > window.from) {
      throw new UsageError(`--baseline ${spec} overlaps the window: a baseline must be outside it`);
    }
    return { mode: 'fixed', from, to };
  }
  throw new UsageError(`--baseline must be 'preceding', '<N>d', '<from>..<to>' or 'median[-<N>w]', not '${spec}'`);
}

/** A comma-separated list; given but empty is a mistake (it would silently mean "none" or "all"). */
function list(value: string | undefined, flag: string): string[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) {
    throw new UsageError(`${flag} is empty: give at least one name, or leave the flag out`);
  }
  return items;
}

function parseImpactArgs(args: string[]) {
  const values = parseFlags(args, IMPACT_FLAGS, IMPACT_USAGE);
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
  const { settings, profile } = profileFromFlags(values);
  const now = Math.floor(Date.now() / 1000);
  const window = { from: parseTime(values.from!, '--from', now), to: parseTime(values.to!, '--to', now) };
  if (window.to <= window.from) {
    throw new UsageError(`--to (${values.to}) must be after --from (${values.from})`);
  }
  if (values.selector !== undefined && values.selector.trim() === '') {
    throw new UsageError(
      '--selector is empty: leave it out to read all series, or give matchers such as team="search"'
    );
  }
  const baseline = parseBaseline(values.baseline, window);
  if (resolveBaseline(window, baseline).from < 0) {
    throw new UsageError(`--baseline ${values.baseline ?? 'preceding'} would start before 1970-01-01`);
  }
  const connection = parseConnection(values);
  if (values.grafana !== undefined && !values['exclude-incidents']) {
    throw new UsageError('--grafana is only read with --exclude-incidents');
  }
  return {
    connection,
    exclude: (values.exclude ?? []).map((spec) => parseExclude(spec, now)),
    grafana: values['exclude-incidents'] ? parseGrafana(values, connection.timeoutMs) : undefined,
    format,
    settings,
    maxSeries: parseNumber(values['max-series'], '--max-series', DEFAULT_MAX_SERIES, { max: MAX_LIMIT, integer: true }),
    maxSegments: parseNumber(values['max-segments'], '--max-segments', DEFAULT_MAX_SEGMENTS, {
      max: MAX_LIMIT,
      integer: true,
    }),
    options: {
      window,
      baseline,
      selector: values.selector,
      groupBy: list(values.by, '--by'),
      slis: list(values.sli, '--sli') as SliId[] | undefined,
      thresholds: {
        minVolume: parseNumber(values['min-volume'], '--min-volume', profile.thresholds.minVolume, {
          max: Number.MAX_SAFE_INTEGER,
        }),
      },
    },
  };
}

/** The report, under the connection's deadline; over-limit answers are the command line's to fix (exit 2). */
async function runReport(parsed: NonNullable<ReturnType<typeof parseImpactArgs>>): Promise<ImpactReport> {
  // Grafana first: without the incidents it was asked to leave out, no report (and no query) at all.
  const incidents = parsed.grafana
    ? await fetchIncidentWindows(parsed.grafana, resolveBaseline(parsed.options.window, parsed.options.baseline))
    : [];
  const options = { ...parsed.options, excludeFromBaseline: [...parsed.exclude, ...incidents] };
  return withPrometheus(parsed.connection, 'report', { maxSeries: parsed.maxSeries }, async (source) => {
    try {
      return await buildImpactReport(source, await profiledImpactOptions(source, parsed.settings, options));
    } catch (error) {
      if (error instanceof ImpactOptionsError || error instanceof SeriesLimitError) {
        throw new UsageError(error.message);
      }
      throw error;
    }
  });
}

/** Exit code 0, or EXIT_NOTHING_JUDGED with the reason on stderr. */
export async function impactCommand(args: string[]): Promise<number | void> {
  const parsed = parseImpactArgs(args);
  if (!parsed) {
    process.stdout.write(`${IMPACT_USAGE}\n`);
    return;
  }
  const report = await runReport(parsed);
  const segments = new Set(report.findings.map((f) => JSON.stringify(f.segment))).size;
  if (segments > parsed.maxSegments) {
    throw new UsageError(
      `the report has ${segments} segments, more than --max-segments ${parsed.maxSegments}: ` +
        'narrow --selector or --by, or raise --max-segments'
    );
  }
  process.stdout.write(parsed.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderMarkdown(report));
  const judged = report.findings.filter((f) => f.verdict !== 'insufficient_data' && f.verdict !== 'no_data').length;
  if (judged > 0) {
    return;
  }
  process.stderr.write(
    report.findings.length === 0
      ? `aisre impact: no SLI had data for this window and scope (${report.missingSlis.length} missing); exit ${EXIT_NOTHING_JUDGED}\n`
      : `aisre impact: no SLI could be judged: all ${report.findings.length} findings are insufficient_data or ` +
          `no_data (no or too little traffic); exit ${EXIT_NOTHING_JUDGED}\n`
  );
  return EXIT_NOTHING_JUDGED;
}
