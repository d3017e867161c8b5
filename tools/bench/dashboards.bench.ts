/**
 * `npm run bench -- dashboards`: what one load of each bundled dashboard costs a real Prometheus at about
 * 2,500, 20,000 and 200,000 series, reading the recording rules and reading the raw series, on a TSDB that
 * Prometheus has compacted (as in service), never on fresh backfill.
 *
 * A load is every panel query of the dashboard with its variables at their defaults (All), issued as Grafana
 * issues it: a range query over the dashboard's default time range, ending now (the data's end), at Grafana's
 * step. The figure is the query time: the queries' wall times, one after another (the engine's work for one
 * load; Grafana runs them in parallel, so a viewer waits less on an idle server and as long on a busy one).
 *
 * Data: the simulator's segments copied under numbered service names (tools/bench/series.ts). Up to the raw
 * form's limit (AISRE_BENCH_RAW_MAX_SERIES, default 2500) the raw series cover the dashboards' range plus the
 * longest window their raw queries read (the 1-day baseline), so every baseline is full; above it only the
 * dashboards' range at one sample in 15 min (SPARSE_RAW_SECONDS), since no recorded query reads raw samples:
 * the series are there for the index a fleet of that size has. The recording rules' first level (the ones
 * that read raw series, all per segment) is evaluated once over one copy with promtool and copied like the raw
 * series (every copy holds the same numbers); the levels above it (rollups, rankings) read only recorded
 * series and are backfilled with promtool over the copies. Everything is cached by content (tools/bench/tsdb.ts)
 * and compacted by Prometheus once, raw and recorded together, before timing; the conditions line says where
 * a size's generation spent its time. Sizes: AISRE_BENCH_SERIES (comma-separated, default 2500,20000;
 * 2500,20000,200000 for the whole curve). Each load is timed beside its floor (as many `vector(1)` queries over
 * the same range): on a shared machine the ratio to it says more than the milliseconds. The raw form costs
 * a minute per load at 2,500 series already: it is measured up to AISRE_BENCH_RAW_MAX_SERIES, with a time
 * budget per dashboard, and the table says so where it stops.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse, stringify } from 'yaml';

import { RECORDING_RULES_FILE } from '../../src/alerting/artifacts';
import { buildDashboards, type QueryForm } from '../../src/dashboards/build';
import { dashboardExpressions, defaultSelection, substituteVariables } from '../../src/dashboards/dashboardPromql';
import { REPO_ROOT } from '../../test/aisre';
import { httpRequest } from '../../test/http';
import { runOrThrow } from '../../test/processes';
import { conditions, formatSpread, MIN_RUNS, ms, prometheusVersion, ratio, type Spread, spread } from './measure';
import {
  type BaseExposition,
  copiesFor,
  readExposition,
  seriesCount,
  simulateOpenMetrics,
  writeCopies,
} from './series';
import {
  backfillOpenMetrics,
  backfillRules,
  cached,
  compactTsdb,
  contentKey,
  dumpOpenMetrics,
  listBlocks,
  serveCopy,
  type ServedTsdb,
} from './tsdb';

/** The simulator's scrape interval, which is also the data source's (Grafana's `timeInterval`). */
const SCRAPE_SECONDS = 60;
/** Grafana asks for about one point per pixel; a half-width panel on a 1920-px screen is ~900 px wide. */
const MAX_DATA_POINTS = 900;
/** Prometheus' lookback: a recorded series must exist this long before the range for its first point. */
const LOOKBACK_SECONDS = 300;
/**
 * Above the raw form's limit, the raw series are held at one sample in this many seconds: no recorded query
 * reads their samples, but each must be in the TSDB (its index entry, postings and label values are what a
 * fleet of that size costs every query); a sample in 15 min keeps each one in every block at a fifteenth of
 * the text to write, parse and compact.
 */
const SPARSE_RAW_SECONDS = 900;
/** Lines per generated OpenMetrics file (~1.5 GB): bounds the disk a large size needs at once. */
const LINES_PER_FILE = 10_000_000;
const DATA_START = Date.UTC(2026, 0, 10) / 1000;

/**
 * Where a size's generation spends its time (writing OpenMetrics text, promtool's backfills, the rule engine,
 * Prometheus' compaction), summed per phase: the figure says what to make faster.
 */
const generationPhases = new Map<string, number>();
async function timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    generationPhases.set(phase, (generationPhases.get(phase) ?? 0) + (performance.now() - start) / 1000);
  }
}
function phasesLine(): string {
  return [...generationPhases].map(([phase, seconds]) => `${phase} ${seconds.toFixed(0)} s`).join(', ');
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/** A Prometheus duration (`5m`, `1d`, `1h30m`) in seconds. */
export function durationSeconds(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`not a duration: ${text}`);
  }
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_SECONDS[unit], 0);
}

/** How far back an expression reads: its longest range (or subquery range) plus its longest offset. */
export function lookbackSeconds(expr: string): number {
  const ranges = [...expr.matchAll(/\[(\w+)(?::\w*)?\]/g)].map((m) => durationSeconds(m[1]));
  const offsets = [...expr.matchAll(/\boffset\s+(\w+)/g)].map((m) => durationSeconds(m[1]));
  return Math.max(0, ...ranges) + Math.max(0, ...offsets);
}

/**
 * Grafana's step for a range query: the range over the panel's data points, never below the data source's
 * scrape interval (pkg/promlib/models/query.go, calculatePrometheusInterval: GetIntervalFrom(timeInterval, …)
 * then Calculate(range, minInterval, maxDataPoints)); start and end aligned down to the step (AlignTimeRange).
 */
export function grafanaRange(end: number, rangeSeconds: number): { start: number; end: number; step: number } {
  const step = Math.max(SCRAPE_SECONDS, Math.ceil(rangeSeconds / MAX_DATA_POINTS));
  const alignedEnd = Math.floor(end / step) * step;
  return { start: Math.floor((end - rangeSeconds) / step) * step, end: alignedEnd, step };
}

interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}
interface RuleGroup {
  name: string;
  interval?: string;
  rules: RecordingRule[];
}

function mentions(expr: string, record: string): boolean {
  const escaped = record.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w:])${escaped}($|[^\\w:])`).test(expr);
}

/**
 * The recording rules that `exprs` read, directly or through other rules, as one rules file per dependency
 * level (a level reads only the raw series and the levels below it).
 */
export function rulesRead(groups: RuleGroup[], exprs: string[]): string[] {
  const all = groups.flatMap((g) => g.rules.filter((r) => r.record));
  const needed = new Set(all.filter((r) => exprs.some((e) => mentions(e, r.record))).map((r) => r.record));
  for (let grew = true; grew;) {
    grew = false;
    for (const rule of all.filter((r) => needed.has(r.record))) {
      for (const dep of all.filter((d) => !needed.has(d.record) && mentions(rule.expr, d.record))) {
        needed.add(dep.record);
        grew = true;
      }
    }
  }
  const level = new Map<string, number>();
  const levelOf = (rule: RecordingRule, path: string[]): number => {
    const known = level.get(rule.record);
    if (known !== undefined) {
      return known;
    }
    if (path.includes(rule.record)) {
      throw new Error(`recording rules depend on each other in a cycle: ${[...path, rule.record].join(' -> ')}`);
    }
    const deps = all.filter((d) => d.record !== rule.record && mentions(rule.expr, d.record));
    const value = Math.max(-1, ...deps.map((d) => levelOf(d, [...path, rule.record]))) + 1;
    level.set(rule.record, value);
    return value;
  };
  all.filter((r) => needed.has(r.record)).forEach((r) => levelOf(r, []));
  const levels = Math.max(-1, ...level.values()) + 1;
  return Array.from({ length: levels }, (_, n) =>
    stringify({
      groups: groups
        .map((g) => ({ ...g, rules: g.rules.filter((r) => needed.has(r.record) && level.get(r.record) === n) }))
        .filter((g) => g.rules.length > 0),
    })
  );
}

/**
 * The two forms of a dashboard, and its floor: as many queries of `vector(1)`, which read no series, over the
 * same range and step, so a figure taken on a busy machine is read against what the HTTP round trips and the
 * range evaluation cost in the same minute.
 */
type Form = QueryForm | 'floor';
const FLOOR_QUERY = 'vector(1)';

interface DashboardLoad {
  uid: string;
  title: string;
  /** Panel queries, variables resolved as for a user who changed nothing. */
  queries: Record<Form, Array<{ where: string; expr: string }>>;
  rangeSeconds: number;
}

function dashboardLoads(): DashboardLoad[] {
  const forms: QueryForm[] = ['recorded', 'raw'];
  const built = Object.fromEntries(forms.map((form) => [form, buildDashboards(form)])) as Record<
    QueryForm,
    ReturnType<typeof buildDashboards>
  >;
  return built.raw.map((dashboard) => {
    const json = dashboard.json as { title?: string; time?: { from?: string } };
    const range = /^now-(\w+)$/.exec(json.time?.from ?? '');
    if (!range) {
      throw new Error(`${dashboard.uid}: default time range ${json.time?.from} is not now-<duration>`);
    }
    const queriesOf = (form: QueryForm) => {
      const same = built[form].find((d) => d.uid === dashboard.uid);
      if (!same) {
        throw new Error(`${dashboard.uid}: no ${form} form`);
      }
      const selection = defaultSelection(same.json);
      return dashboardExpressions(same.json)
        .filter((e) => e.kind === 'panel')
        .map((e) => ({ where: e.where, expr: substituteVariables(e.expr, selection) }));
    };
    const recorded = queriesOf('recorded');
    return {
      uid: dashboard.uid,
      title: json.title ?? dashboard.uid,
      queries: { recorded, raw: queriesOf('raw'), floor: recorded.map((q) => ({ where: q.where, expr: FLOOR_QUERY })) },
      rangeSeconds: durationSeconds(range[1]),
    };
  });
}

interface QueryTiming {
  where: string;
  ms: number;
  series: number;
}

/** One load: every query of the form, one after another. */
async function loadOnce(url: string, queries: DashboardLoad['queries'][Form], end: number, rangeSeconds: number) {
  const { start, end: alignedEnd, step } = grafanaRange(end, rangeSeconds);
  const timings: QueryTiming[] = [];
  for (const { where, expr } of queries) {
    const query = `query=${encodeURIComponent(expr)}&start=${start}&end=${alignedEnd}&step=${step}`;
    const begin = performance.now();
    const res = await httpRequest(`${url}/api/v1/query_range?${query}`, { timeoutMs: 900_000 });
    const elapsed = performance.now() - begin;
    const parsed = JSON.parse(res.body) as { status?: string; error?: string; data?: { result?: unknown[] } };
    if (res.status !== 200 || parsed.status !== 'success') {
      throw new Error(`${where}: HTTP ${res.status}: ${parsed.error ?? res.body.slice(0, 300)}\n${expr}`);
    }
    timings.push({ where, ms: elapsed, series: parsed.data?.result?.length ?? 0 });
  }
  return timings;
}

interface Cell {
  load?: Spread;
  /** Each query's median over the timed loads, in the dashboard's order. */
  perQuery: number[];
  /** Series the load returned (what the browser draws). */
  series: number;
  slowest: QueryTiming[];
  note?: string;
}

/** A warm-up load, then MIN_RUNS loads, or fewer (at least one) once `budgetMs` is spent. */
async function measure(
  url: string,
  dashboard: DashboardLoad,
  form: Form,
  end: number,
  budgetMs: number
): Promise<Cell> {
  const started = performance.now();
  const warmup = await loadOnce(url, dashboard.queries[form], end, dashboard.rangeSeconds);
  const totals: number[] = [];
  const perQuery: number[][] = warmup.map(() => []);
  let last = warmup;
  while (totals.length < MIN_RUNS && (totals.length === 0 || performance.now() - started < budgetMs)) {
    last = await loadOnce(url, dashboard.queries[form], end, dashboard.rangeSeconds);
    totals.push(last.reduce((sum, q) => sum + q.ms, 0));
    last.forEach((q, i) => perQuery[i].push(q.ms));
  }
  return {
    load: spread(totals),
    perQuery: perQuery.map((runs) => spread(runs).median),
    series: last.reduce((sum, q) => sum + q.series, 0),
    slowest: [...last].sort((a, b) => b.ms - a.ms).slice(0, 3),
    note:
      totals.length < MIN_RUNS
        ? `${totals.length} of ${MIN_RUNS} runs: over the ${budgetMs / 1000} s budget`
        : undefined,
  };
}

function sizesFromEnvironment(): number[] {
  const sizes = (process.env.AISRE_BENCH_SERIES ?? '2500,20000').split(',').map((s) => Number(s.trim()));
  if (sizes.some((s) => !Number.isInteger(s) || s <= 0)) {
    throw new Error(
      `AISRE_BENCH_SERIES: expected comma-separated series counts, got ${process.env.AISRE_BENCH_SERIES}`
    );
  }
  return sizes;
}

/** promtool processes parsing at once: promtool is the slowest step (~300,000 lines/s a core), one core each. */
const PARALLEL_BACKFILLS = 2;

/** Writes `copies` copies of `base` as OpenMetrics files in `dir` and backfills them into `dataDir` as large blocks. */
async function backfillCopies(base: BaseExposition, copies: number, dir: string, dataDir: string): Promise<void> {
  const perFile = Math.max(1, Math.floor(LINES_PER_FILE / base.sampleLines));
  const backfilling: Array<Promise<void>> = [];
  for (let first = 0; first < copies; first += perFile) {
    const file = join(dir, `copies-${first}.om`);
    await timed('writing OpenMetrics', () => writeCopies(base, first, Math.min(copies, first + perFile), file));
    // promtool reads the files written before while the next is written; each writes its own block.
    if (backfilling.length >= PARALLEL_BACKFILLS) {
      const oldest = backfilling.shift();
      await timed('waiting for promtool openmetrics', async () => oldest);
    }
    backfilling.push(backfillOpenMetrics(file, dataDir).then(() => rm(file)));
  }
  await timed('waiting for promtool openmetrics', () => Promise.all(backfilling));
}

/**
 * Raw series for `copies` copies as promtool writes them (one block per file); cached by the simulation's
 * content, its span and the copy count. Not compacted here: they are only ever served inside recordedTsdb,
 * which compacts them with the recorded series, so compacting them twice would only cost time.
 */
async function rawTsdb(base: BaseExposition, baseKey: string, copies: number) {
  return cached(`dashboards-raw-${copies}x-${baseKey}`, async (dir) => {
    const dataDir = join(dir, 'data');
    await mkdir(dataDir);
    await backfillCopies(base, copies, dir, dataDir);
  });
}

/** The names of the recording rules in one level's rules file. */
function recordsOf(level: string): string[] {
  return (parse(level) as { groups: RuleGroup[] }).groups.flatMap((g) => g.rules.map((r) => r.record));
}

/**
 * The first level of recording rules (the ones that read raw series, all per segment) evaluated over one copy
 * and dumped as OpenMetrics: every copy's raw series are the same numbers under other service names, so its
 * recorded series are too, and are copied the way the raw ones are instead of evaluating a day's rates over
 * every copy (which takes hours at 200,000 series).
 */
async function recordedBase(base: BaseExposition, baseKey: string, level: string, span: { from: number; to: number }) {
  const raw = await rawTsdb(base, baseKey, 1);
  const made = await cached(
    `dashboards-recorded-1x-${contentKey(baseKey, level, JSON.stringify(span))}`,
    async (dir) => {
      const dataDir = join(dir, 'data');
      await mkdir(dataDir);
      const blocks = await listBlocks(join(raw.dir, 'data'));
      await runOrThrow('cp', ['-al', ...blocks.map((b) => join(raw.dir, 'data', b.dir)), dataDir]);
      await backfillRules(dataDir, [level], span);
      await dumpOpenMetrics(dataDir, `{__name__=~"${recordsOf(level).join('|')}"}`, join(dir, 'recorded.om'));
      await rm(dataDir, { recursive: true, force: true });
    }
  );
  return readExposition(join(made.dir, 'recorded.om'), { copyZero: true });
}

/**
 * The raw series plus the recorded series the dashboards read, compacted together: the first level copied
 * from one copy's (recordedBase), the levels above it (rollups and rankings, which read only recorded series)
 * backfilled with promtool.
 */
async function recordedTsdb(
  raw: { dir: string; key: string },
  recorded: { base: BaseExposition; key: string },
  copies: number,
  levels: string[],
  span: { from: number; to: number }
) {
  return cached(
    `dashboards-${contentKey(raw.key, recorded.key, String(copies), ...levels, JSON.stringify(span))}`,
    async (dir) => {
      const dataDir = join(dir, 'data');
      await mkdir(dataDir);
      const blocks = await listBlocks(join(raw.dir, 'data'));
      await runOrThrow('cp', ['-al', ...blocks.map((b) => join(raw.dir, 'data', b.dir)), dataDir]);
      await backfillCopies(recorded.base, copies, dir, dataDir);
      await timed('promtool rules (levels above the first)', () => backfillRules(dataDir, levels, span));
      await timed('compaction', () => compactTsdb(dataDir));
    }
  );
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |\n`;
}

async function run(): Promise<void> {
  const sizes = sizesFromEnvironment();
  const rawMaxSeries = Number(process.env.AISRE_BENCH_RAW_MAX_SERIES ?? 2_500);
  const budgetMs = Number(process.env.AISRE_BENCH_BUDGET_S ?? 180) * 1000;
  const dashboards = dashboardLoads();
  const rangeSeconds = Math.max(...dashboards.map((d) => d.rangeSeconds));
  const groups = (parse(await readFile(join(REPO_ROOT, RECORDING_RULES_FILE), 'utf8')) as { groups: RuleGroup[] })
    .groups;
  const levels = rulesRead(
    groups,
    dashboards.flatMap((d) => d.queries.recorded.map((q) => q.expr))
  );
  const ruleExprs = levels.flatMap((l) =>
    (parse(l) as { groups: RuleGroup[] }).groups.flatMap((g) => g.rules.map((r) => r.expr))
  );
  const history = Math.max(
    ...[...dashboards.flatMap((d) => d.queries.raw.map((q) => q.expr)), ...ruleExprs].map(lookbackSeconds)
  );
  // Whole hours of history before the range, so every baseline window is full at the range's first point.
  const to = DATA_START + Math.ceil((history + LOOKBACK_SECONDS) / 3600) * 3600 + rangeSeconds;
  const span = { from: to - rangeSeconds - LOOKBACK_SECONDS, to };
  const { step } = grafanaRange(to, rangeSeconds);

  const work = await mkdtemp(join(tmpdir(), 'aisre-bench-dashboards-'));
  const results = new Map<string, Cell>();
  const seriesBySize: number[] = [];
  try {
    const setupStart = performance.now();
    const baseFile = join(work, 'simulated.om');
    await simulateOpenMetrics(baseFile, { from: DATA_START, to, step: SCRAPE_SECONDS });
    const base = await readExposition(baseFile);
    // Above the raw form's limit nothing reads the raw series' day of history (the recorded queries read rules,
    // whose first level is copied): those sizes hold every raw series over the dashboards' range only, sparse.
    const recent = await readExposition(baseFile, { since: span.from, every: SPARSE_RAW_SECONDS });
    const baseKey = contentKey(await readFile(baseFile));
    await rm(baseFile);
    const recordedStart = performance.now();
    const recordedCopy = {
      base: await recordedBase(base, baseKey, levels[0], span),
      key: contentKey(baseKey, levels[0]),
    };
    const recordedSeconds = (performance.now() - recordedStart) / 1000;
    process.stdout.write(
      `Each load: every panel query of the dashboard (variables at All), a range query over its default ` +
        `${rangeSeconds / 3600} h ending at the data's end, step ${step} s (Grafana's for a ${SCRAPE_SECONDS} s scrape ` +
        `interval), one after another; a warm-up load first, then ${MIN_RUNS} timed. Recording rules read: ` +
        `${ruleExprs.length} in ${levels.length} level(s). Simulated in ${((performance.now() - setupStart) / 1000).toFixed(0)} s: ` +
        `${base.copiedSeries + base.sharedSeries} series over ${((to - DATA_START) / 3600).toFixed(0)} h at ${SCRAPE_SECONDS} s.\n`
    );
    for (const size of sizes) {
      const fullHistory = size <= rawMaxSeries;
      const copied = fullHistory ? base : recent;
      const copies = copiesFor(copied, size);
      const series = seriesCount(copied, copies);
      seriesBySize.push(series);
      const rawKey = fullHistory ? baseKey : `${baseKey}-since${span.from}-every${SPARSE_RAW_SECONDS}`;
      generationPhases.clear();
      const buildStart = performance.now();
      const raw = await rawTsdb(copied, rawKey, copies);
      const rawSeconds = (performance.now() - buildStart) / 1000;
      const recorded = await recordedTsdb({ dir: raw.dir, key: rawKey }, recordedCopy, copies, levels.slice(1), span);
      const built = raw.built || recorded.built;
      const generation = built
        ? `generated in ${((performance.now() - buildStart) / 1000).toFixed(0)} s (raw ${rawSeconds.toFixed(0)} s, ` +
          `recorded ${((performance.now() - buildStart) / 1000 - rawSeconds).toFixed(0)} s; one copy's first rule level ${recordedSeconds.toFixed(0)} s; ${phasesLine()})`
        : 'from the cache';
      const served: ServedTsdb = await serveCopy(join(recorded.dir, 'data'));
      try {
        const samples = served.blocks.reduce((sum, b) => sum + b.numSamples, 0);
        process.stdout.write(
          `\n### ${series.toLocaleString('en-US')} series (${copies} copies)\n` +
            `${conditions({
              engine: await prometheusVersion(served.url),
              series,
              'raw data span': `${((fullHistory ? to - DATA_START : to - span.from) / 3600).toFixed(fullHistory ? 0 : 1)} h at ${SCRAPE_SECONDS} s`,
              'TSDB blocks (compacted)': served.blocks.length,
              samples,
              data: generation,
            })}\n\n` +
            row([
              'dashboard',
              'queries',
              'recorded',
              `floor (as many ${FLOOR_QUERY})`,
              'recorded / floor',
              'raw',
              'raw / recorded',
              'series drawn (recorded / raw)',
            ]) +
            row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:'])
        );
        for (const dashboard of dashboards) {
          const rec = await measure(served.url, dashboard, 'recorded', to, budgetMs);
          results.set(`${dashboard.uid} recorded ${series}`, rec);
          const floor = await measure(served.url, dashboard, 'floor', to, budgetMs);
          results.set(`${dashboard.uid} floor ${series}`, floor);
          const rawCell: Cell =
            size <= rawMaxSeries
              ? await measure(served.url, dashboard, 'raw', to, budgetMs)
              : {
                  series: 0,
                  perQuery: [],
                  slowest: [],
                  note: `raw not measured above ${rawMaxSeries.toLocaleString('en-US')} series`,
                };
          results.set(`${dashboard.uid} raw ${series}`, rawCell);
          process.stdout.write(
            row([
              dashboard.uid,
              String(dashboard.queries.recorded.length),
              rec.load ? formatSpread(rec.load) : 'n/a',
              floor.load ? formatSpread(floor.load) : 'n/a',
              ratio(rec.load?.median, floor.load?.median),
              rawCell.load ? formatSpread(rawCell.load) : (rawCell.note ?? 'n/a'),
              ratio(rawCell.load?.median, rec.load?.median),
              `${rec.series} / ${rawCell.load ? rawCell.series : 'n/a'}`,
            ])
          );
          for (const note of [rec.note, rawCell.load ? rawCell.note : undefined].filter(Boolean)) {
            process.stdout.write(`  (${dashboard.uid}: ${note})\n`);
          }
        }
        process.stdout.write('\nSlowest recorded queries (last load):\n');
        for (const dashboard of dashboards) {
          const slowest = results.get(`${dashboard.uid} recorded ${series}`)?.slowest ?? [];
          process.stdout.write(
            `- ${dashboard.uid}: ${slowest.map((q) => `${q.where} ${ms(q.ms)} ms (${q.series} series)`).join('; ')}\n`
          );
        }
      } finally {
        await served.stop();
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  process.stdout.write(
    `\n### Growth with series (median load; in brackets, against the size before)\n\n` +
      row(['dashboard', 'form', ...seriesBySize.map((s) => `${s.toLocaleString('en-US')} series`)]) +
      row(['---', '---', ...seriesBySize.map(() => '---:')])
  );
  const growth = (medians: Array<number | undefined>) =>
    medians.map((m, i) =>
      m === undefined
        ? 'n/a'
        : i === 0
          ? `${ms(m)} ms`
          : `${ms(m)} ms (${ratio(m, medians[i - 1])} for ${ratio(seriesBySize[i], seriesBySize[i - 1])} series)`
    );
  for (const dashboard of dashboards) {
    for (const form of ['recorded', 'floor', 'raw'] as const) {
      const medians = seriesBySize.map((s) => results.get(`${dashboard.uid} ${form} ${s}`)?.load?.median);
      process.stdout.write(row([dashboard.uid, form, ...growth(medians)]));
    }
  }
  // Which query grows: each recorded query's median apart, so a growing load is traced to the panel that grows.
  process.stdout.write(
    `\n### Each recorded query's median load, by size\n\n` +
      row(['dashboard', 'query', ...seriesBySize.map((s) => `${s.toLocaleString('en-US')} series`)]) +
      row(['---', '---', ...seriesBySize.map(() => '---:')])
  );
  for (const dashboard of dashboards) {
    dashboard.queries.recorded.forEach((query, i) => {
      const medians = seriesBySize.map((s) => results.get(`${dashboard.uid} recorded ${s}`)?.perQuery[i]);
      process.stdout.write(row([dashboard.uid, `${i + 1}. ${query.where}`, ...growth(medians)]));
    });
  }
}

export const dashboardsBenchmark = { name: 'dashboards', run };
