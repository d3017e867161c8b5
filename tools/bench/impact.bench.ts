/**
 * Impact report at scale: 500 segments × 12 SLIs × 30 buckets (and the curve up to 5,000 segments), read from a
 * MetricsSource that answers from rows built in memory beforehand, so the figure is the core's own work (reading
 * rows, statistics, judging, rendering), not a backend's nor the bench's.
 *
 * Beside it, in the same process and interleaved run by run, its floor: one tight loop that reads the same rows,
 * does the same arithmetic (the same functions of ./stats, on flat per-segment arrays) and writes the same findings
 * table with the same formatting functions, with no report objects in between. The bench checks that the floor's
 * table is byte for byte the report's, so the floor cannot quietly do less. The ratio core / floor is what the core's
 * data handling costs on top of the work itself.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  escapeMarkdown,
  formatCount,
  formatPercent,
  formatPoints,
  formatSignedPercent,
  formatStatistic,
  formatValue,
} from '../../src/core/format';
import { buildImpactReport } from '../../src/core/impact';
import {
  bucketIncreaseQuery,
  counterIncreaseQuery,
  isEventValue,
  SLI_DEFINITIONS,
  splitLabelOf,
  type DistributionSli,
  type ProportionSli,
} from '../../src/core/metrics';
import {
  findingsTable,
  formatQValue,
  LARGE_SECONDARY_CHANGE,
  p99Note,
  renderMarkdown,
  VERDICT_WORD,
} from '../../src/core/render';
import { DEFAULT_THRESHOLDS, type Verdict } from '../../src/core/report';
import { parsePrometheusFloat, type MetricsSource, type SampleRow } from '../../src/core/source';
import { benjaminiYekutieli, FALLBACK_WANDER, testShift, type ShiftTest } from '../../src/core/stats/dispersion';
import {
  Histogram,
  histogramQuantile,
  jensenShannonDistance,
  ksStatistic,
  populationStabilityIndex,
  quantileShift,
  tailShareShift,
} from '../../src/core/stats/histogram';
import { proportionShift, wilsonInterval } from '../../src/core/stats/proportions';

const SIZES = [500, 1_000, 2_000, 5_000];
/** The size the goal is stated for (≤ 2× the floor). */
const HEADLINE_SEGMENTS = 500;
const BUCKETS = 30;
const WINDOW = { from: 1_800_000_000, to: 1_800_010_800 };
/** Runs per size; the headline size gets more, its median being the one the goal is judged on. */
const RUNS = 5;
const HEADLINE_RUNS = 15;

const upperBounds = [...Array.from({ length: BUCKETS - 1 }, (_, i) => String(0.01 * 1.35 ** i)), '+Inf'];
/** Values of each counter's split label: the first is the ordinary outcome, the others are events of some SLI. */
const SPLIT_VALUES: Record<string, string[]> = {
  outcome: ['answered', 'refused', 'error', 'timeout'],
  result: ['found', 'empty'],
  source: ['user', 'retrieved'],
  status: ['ok', 'error'],
};

/** Rows of every query, by split label and side: deterministic, different per segment, 5% of segments regressing. */
function dataset(segments: number): Map<string, SampleRow[]> {
  const rows = new Map<string, SampleRow[]>();
  for (const inWindow of [false, true]) {
    const histogram: SampleRow[] = [];
    for (let s = 0; s < segments; s++) {
      let cumulative = 0;
      upperBounds.forEach((le, i) => {
        cumulative += 100 + ((s * 7 + i * 13 + (inWindow ? i * i : 0)) % 97);
        histogram.push({ labels: { le, endpoint: `/endpoint-${s}` }, value: cumulative });
      });
    }
    rows.set(`le ${inWindow}`, histogram);
    for (const [label, values] of Object.entries(SPLIT_VALUES)) {
      const counter: SampleRow[] = [];
      for (let s = 0; s < segments; s++) {
        values.forEach((value, i) => {
          const regressed = inWindow && s % 20 === 0 ? 4 : 1;
          const count = i === 0 ? 10_000 + ((s * 7) % 1_000) : Math.round((100 + ((s * 31 + i * 17) % 50)) * regressed);
          counter.push({ labels: { [label]: value, endpoint: `/endpoint-${s}` }, value: count });
        });
      }
      rows.set(`${label} ${inWindow}`, counter);
    }
  }
  return rows;
}

function memorySource(rows: Map<string, SampleRow[]>): MetricsSource & { queries: number; series: number } {
  const source = {
    queries: 0,
    series: 0,
    async instantQuery(expr: string, time: number): Promise<SampleRow[]> {
      const split = /sum by \((\w+)/.exec(expr)?.[1] ?? '';
      const answer = rows.get(`${split} ${time === WINDOW.to}`) ?? [];
      source.queries++;
      source.series += answer.length;
      return answer;
    },
  };
  return source;
}

// ---------------------------------------------------------------------------------------------------
// The floor.

const RANK: Verdict[] = ['ok', 'investigate', 'page'];

/** What the floor keeps of a finding until the q-values are known: its cells, volumes and tests. */
interface FloorRow {
  head: string;
  /** The Change cell's parts, and the p99 note it adds when the verdict is OK. */
  change: string[];
  p99: string;
  volumes: [number, number];
  /** The regression's level, and (distributions) PSI's when the tail backs it: each with its test's index. */
  routes: Array<{ level: Verdict; test: number }>;
}

async function floor(source: MetricsSource, segments: number): Promise<{ table: string; checksum: number }> {
  const t = DEFAULT_THRESHOLDS;
  const rows: FloorRow[] = [];
  const tests: Array<ShiftTest | null> = [];
  let checksum = 0;
  const levelOf = (regression: number): Verdict =>
    regression >= t.page ? 'page' : regression >= t.investigate ? 'investigate' : 'ok';
  const read = (query: (range: number) => string) =>
    Promise.all([source.instantQuery(query(10_800), WINDOW.to), source.instantQuery(query(10_800), WINDOW.from)]);
  const cell = (endpoint: string) => `endpoint=${escapeMarkdown(endpoint)}`;
  const names = Array.from({ length: segments }, (_, s) => `/endpoint-${s}`).sort();
  const index = new Map(names.map((name, i) => [name, i]));

  for (const sli of SLI_DEFINITIONS) {
    if (sli.kind === 'proportion') {
      const eventQuery = (range: number) =>
        counterIncreaseQuery(sli.metric, sli.eventLabel, '', ['endpoint'], range, sli.matchers);
      const totalSplit = sli.totalMetric ? splitLabelOf(sli.totalMetric, SLI_DEFINITIONS) : sli.eventLabel;
      const totalQuery = sli.totalMetric
        ? (range: number) => counterIncreaseQuery(sli.totalMetric!, totalSplit, '', ['endpoint'], range)
        : eventQuery;
      const [eventRows, totalRows] = await Promise.all([read(eventQuery), read(totalQuery)]);
      const sides = [0, 1].map((side) => {
        const e = new Float64Array(segments);
        const n = new Float64Array(segments);
        for (const row of eventRows[side]) {
          if (isEventValue(sli as ProportionSli, row.labels[sli.eventLabel] ?? '')) {
            e[index.get(row.labels.endpoint)!] += row.value;
          }
        }
        for (const row of totalRows[side]) {
          n[index.get(row.labels.endpoint)!] += row.value;
        }
        return { e, n };
      });
      const title = escapeMarkdown(sli.title);
      for (let s = 0; s < segments; s++) {
        const [we, wn, be, bn] = [sides[0].e[s], sides[0].n[s], sides[1].e[s], sides[1].n[s]];
        const [wr, br] = [wn > 0 ? we / wn : null, bn > 0 ? be / bn : null];
        checksum += (wn > 0 ? wilsonInterval(we, wn)[0] : 0) + (bn > 0 ? wilsonInterval(be, bn)[0] : 0);
        const shift = wr !== null && br !== null ? proportionShift(we, wn, be, bn, FALLBACK_WANDER.relative) : null;
        tests.push(shift ? testShift(shift, []) : null);
        const absolute = wr !== null && br !== null ? wr - br : null;
        const relative = absolute !== null && br ? absolute / br : null;
        const side = (rate: number | null, e: number, n: number) =>
          rate === null ? 'n/a' : `${formatPercent(rate)} (${formatCount(e)}/${formatCount(n)})`;
        const relativeText =
          relative !== null ? formatSignedPercent(relative) : absolute === 0 ? 'no change' : 'from a zero baseline';
        const change = absolute === null ? 'n/a' : `${formatPoints(absolute)} (${relativeText})`;
        const regression = wr === null || br === null ? 0 : br === 0 ? (wr > 0 ? Infinity : 0) : (wr - br) / br;
        rows.push({
          head: `| ${title} | ${cell(names[s])} | ${side(wr, we, wn)} | ${side(br, be, bn)} |`,
          change: [change],
          p99: '',
          volumes: [wn, bn],
          routes: [{ level: levelOf(regression), test: tests.length - 1 }],
        });
      }
      continue;
    }
    const definition: DistributionSli = sli;
    const [windowRows, baselineRows] = await read((range) => bucketIncreaseQuery(definition, '', ['endpoint'], range));
    // `le` parsed once per distinct bound; per segment a flat array of cumulative counts.
    const bucketOf = new Map<string, number>();
    const bounds: number[] = [];
    const sides = [windowRows, baselineRows].map((side) => {
      const counts = Array.from({ length: segments }, () => new Array<number>(BUCKETS).fill(0));
      for (const row of side) {
        let b = bucketOf.get(row.labels.le);
        if (b === undefined) {
          b = bounds.push(parsePrometheusFloat(row.labels.le)) - 1;
          bucketOf.set(row.labels.le, b);
        }
        counts[index.get(row.labels.endpoint)!][b] += row.value;
      }
      return counts;
    });
    const title = escapeMarkdown(definition.title);
    const headline = definition.headlineQuantile === 0.95 ? 'p95' : 'p50';
    const value = (v: number) => (Number.isFinite(v) ? formatValue(v, definition.unit) : 'n/a');
    for (let s = 0; s < segments; s++) {
      const [w, b] = [
        Histogram.fromBuckets(bounds.slice(), sides[0][s]),
        Histogram.fromBuckets(bounds.slice(), sides[1][s]),
      ];
      const quantiles = [w, b].map((h) => [0.5, 0.95, 0.99].map((q) => histogramQuantile(q, h)));
      const [nw, nb] = [w.cumulative[BUCKETS - 1], b.cumulative[BUCKETS - 1]];
      const quantile = quantileShift(definition.headlineQuantile, w, b, FALLBACK_WANDER.logQuantile);
      const tail = tailShareShift(definition.badDirection, w, b, FALLBACK_WANDER.relative);
      tests.push(quantile ? testShift(quantile, []) : null, tail ? testShift(tail.shift, []) : null);
      const [wc, bc] = [w.counts().counts, b.counts().counts];
      const psi = populationStabilityIndex(wc, bc);
      checksum += ksStatistic(wc, bc) + jensenShannonDistance(wc, bc);
      const [qw, qb] = [quantiles[0][headline === 'p95' ? 1 : 0], quantiles[1][headline === 'p95' ? 1 : 0]];
      const change = Number.isFinite(qw) && Number.isFinite(qb) && qb !== 0 ? (qw - qb) / qb : null;
      const side = (n: number, [p50, p95, p99]: number[]) =>
        n === 0 ? 'no data' : `p50 ${value(p50)}, p95 ${value(p95)}, p99 ${value(p99)} (n=${formatCount(n)})`;
      const [pw, pb] = [quantiles[0][2], quantiles[1][2]];
      const p99Change = Number.isFinite(pw) && Number.isFinite(pb) && pb > 0 ? (pw - pb) / pb : 0;
      const signed = change ?? 0;
      const regression =
        definition.badDirection === 'higher'
          ? signed
          : definition.badDirection === 'lower'
            ? -signed
            : Math.abs(signed);
      const routes = [{ level: levelOf(regression), test: tests.length - 2 }];
      if (Number.isFinite(psi) && tail && tail.windowShare > 0.05) {
        routes.push({
          level: psi >= t.psiPage ? 'page' : psi >= t.psiInvestigate ? 'investigate' : 'ok',
          test: tests.length - 1,
        });
      }
      rows.push({
        head: `| ${title} | ${cell(names[s])} | ${side(nw, quantiles[0])} | ${side(nb, quantiles[1])} |`,
        change: [
          change === null ? '' : `${headline} ${formatSignedPercent(change)}`,
          Number.isFinite(psi) ? `PSI ${formatStatistic(psi)}` : '',
        ],
        p99: Math.abs(p99Change) >= LARGE_SECONDARY_CHANGE ? p99Note(p99Change, headline) : '',
        volumes: [nw, nb],
        routes,
      });
    }
  }

  const qValues = benjaminiYekutieli(tests.map((test) => (test && Number.isFinite(test.pValue) ? test.pValue : NaN)));
  const lines = [
    '| SLI | Segment | Window | Baseline | Change | q | Dispersion | Verdict |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const { head, change, p99, volumes, routes } of rows) {
    // The verdict: volume first, then the route whose q supports the highest verdict (ties: the higher level).
    let verdict: Verdict;
    let decided = routes[0];
    if (volumes[0] === 0 && volumes[1] > 0) {
      verdict = 'no_data';
    } else if (volumes[0] < t.minVolume || volumes[1] < t.minVolume) {
      verdict = 'insufficient_data';
    } else {
      const earned = (route: { level: Verdict; test: number }) => {
        const q = qValues[route.test];
        const supports = !Number.isFinite(q) ? 0 : q < t.pageFdr ? 2 : q < t.fdr ? 1 : 0;
        return Math.min(RANK.indexOf(route.level), supports);
      };
      for (const route of routes) {
        const [a, b] = [earned(route), earned(decided)];
        if (a > b || (a === b && RANK.indexOf(route.level) > RANK.indexOf(decided.level))) {
          decided = route;
        }
      }
      verdict = RANK[earned(decided)];
    }
    const judged = verdict !== 'no_data' && verdict !== 'insufficient_data';
    const q = qValues[decided.test];
    const test = tests[decided.test];
    const qText = judged && Number.isFinite(q) ? formatQValue(q) : 'n/a';
    const noise = judged && test ? `${formatStatistic(test.dispersion.phi)} (assumed)` : 'n/a';
    const changeCell = [...change, verdict === 'ok' ? p99 : ''].filter(Boolean).join(', ') || 'n/a';
    lines.push(`${head} ${changeCell} | ${qText} | ${noise} | ${VERDICT_WORD[verdict]} |`);
  }
  return { table: lines.join('\n'), checksum };
}

// ---------------------------------------------------------------------------------------------------

type Spread = { min: number; median: number; max: number };
type Timing = { cpu: number; wall: number };

/** This process's CPU time (ms), which a busy machine disturbs far less than the wall clock, and the wall time. */
async function timed(task: () => Promise<unknown>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await task();
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / 1000, wall: performance.now() - start };
}

function spread(times: number[]): Spread {
  const sorted = [...times].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
}

const ms = (x: number) => x.toFixed(x < 10 ? 1 : 0);
const spreadText = ({ min, median, max }: Spread) => `${ms(min)} / ${ms(median)} / ${ms(max)}`;

async function measure(segments: number) {
  const source = memorySource(dataset(segments));
  const core = async () => {
    const report = await buildImpactReport(source, { window: WINDOW, groupBy: ['endpoint'] });
    return { report, markdown: renderMarkdown(report) };
  };
  // The check that the floor writes the very table the report does, then the warm-up (longer before the first size,
  // while the JIT is still compiling both).
  const { report, markdown } = await core();
  const queries = source.queries;
  const series = source.series;
  if ((await floor(source, segments)).table !== findingsTable(report)) {
    throw new Error(
      `the floor's table differs from the report's at ${segments} segments: the floor is not the same work`
    );
  }
  for (let i = 0; i < (segments === SIZES[0] ? 3 : 1); i++) {
    await core();
    await floor(source, segments);
  }
  const coreTimes: Timing[] = [];
  const floorTimes: Timing[] = [];
  for (let i = 0; i < (segments === HEADLINE_SEGMENTS ? HEADLINE_RUNS : RUNS); i++) {
    coreTimes.push(await timed(core));
    floorTimes.push(await timed(() => floor(source, segments)));
  }
  return {
    segments,
    findings: report.findings.length,
    queries,
    series,
    markdownBytes: markdown.length,
    core: spread(coreTimes.map((t) => t.cpu)),
    floor: spread(floorTimes.map((t) => t.cpu)),
    wall: { core: spread(coreTimes.map((t) => t.wall)).median, floor: spread(floorTimes.map((t) => t.wall)).median },
  };
}

async function run(): Promise<void> {
  const load = os.loadavg().map((x) => x.toFixed(1));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `conditions: node ${process.version}, ${os.cpus().length} CPUs, load average ${load.join(' / ')} (1/5/15 min; the machine is shared, so compare ratios, not times)`
  );
  out(
    `engine: an in-memory MetricsSource (rows built before timing), ${SLI_DEFINITIONS.length} SLIs, ${BUCKETS} buckets, no history (the source has no range queries)`
  );
  out(
    `runs: ${RUNS} per size (${HEADLINE_RUNS} at ${HEADLINE_SEGMENTS} segments) after one warm-up, core and floor interleaved; CPU time of this process (process.cpuUsage) min / median / max in ms, ratio of the medians; wall-clock medians beside`
  );
  out('');
  out(
    'segments  findings  queries  series   Markdown  core (report + Markdown)  floor              ratio  µs/finding  wall core / floor'
  );
  const results = [];
  for (const segments of SIZES) {
    const r = await measure(segments);
    results.push(r);
    const ratio = r.core.median / r.floor.median;
    out(
      [
        String(r.segments).padStart(8),
        String(r.findings).padStart(9),
        String(r.queries).padStart(8),
        String(r.series).padStart(8),
        `${(r.markdownBytes / 1024).toFixed(0)} KiB`.padStart(9),
        spreadText(r.core).padStart(25),
        spreadText(r.floor).padStart(18),
        `${ratio.toFixed(2)}x`.padStart(6),
        ((r.core.median * 1000) / r.findings).toFixed(1).padStart(11),
        `${ms(r.wall.core)} / ${ms(r.wall.floor)} ms`.padStart(18),
      ].join(' ')
    );
  }
  const headline = results.find((r) => r.segments === HEADLINE_SEGMENTS)!;
  out(
    `impact: ${ms(headline.core.median)} ms for ${headline.findings} findings, floor ${ms(headline.floor.median)} ms, ${(headline.core.median / headline.floor.median).toFixed(2)}x the floor`
  );
}

export const impactBenchmark = { name: 'impact', run };
