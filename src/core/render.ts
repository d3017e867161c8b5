/**
 * ImpactReport -> the postmortem's impact section in Markdown: one sentence per finding that is not ok
 * (the distribution, not an anecdote), a table of every finding, and what the numbers rest on.
 * The panel, the incident page and `aisre impact` all print this, so they agree byte for byte.
 */
import {
  codeBlock,
  codeSpan,
  escapeMarkdown,
  formatCount,
  formatDuration,
  formatPercent,
  formatPeriod,
  formatPoints,
  formatPValue,
  formatSignedPercent,
  formatStatistic,
  formatValue,
  rfc3339Seconds,
} from './format';
import { SLI_DEFINITIONS } from './metrics';
import {
  type DistributionFinding,
  type Finding,
  type ImpactReport,
  type ProportionFinding,
  type ProportionSide,
  type SignificanceTest,
  type Verdict,
} from './report';

/** A verdict in words, as every face writes it. */
export const VERDICT_WORD: Record<Verdict, string> = {
  page: 'Page',
  investigate: 'Investigate',
  ok: 'OK',
  insufficient_data: 'Insufficient data',
  no_data: 'No data',
};

/** What each statistic in the report means, one line each: written under the table and beside it in the UI. */
export const GLOSSARY: ReadonlyArray<readonly [string, string]> = [
  [
    'q',
    'the p-value adjusted for testing every SLI and segment at once (Benjamini–Yekutieli): the share of findings this significant that would be noise; below 0.05 counts as a real shift.',
  ],
  [
    'PSI',
    'population stability index: how much the shape of the distribution moved (0 = same; 0.1 = worth a look; 0.25 = a large shift).',
  ],
  ['KS', 'the largest gap between the window’s and the baseline’s cumulative distributions (0 = same, 1 = disjoint).'],
  ['excess events', 'how many more bad events the window had than the baseline rate predicts for its traffic.'],
  [
    'dispersion',
    'how many times noisier than independent requests this traffic is between quiet windows; the tests allow for it.',
  ],
];

/** SLIs by their titles ("Tool call errors"), not their ids. */
export function sliTitles(ids: readonly string[]): string[] {
  return ids.map((id) => SLI_DEFINITIONS.find((d) => d.id === id)?.title ?? id);
}

/** A q-value as the table writes it: tiny ones as "< 0.001", like p-values; never "4.8e-223". */
export function formatQValue(q: number): string {
  return q < 0.001 ? '< 0.001' : formatStatistic(q);
}

function segmentPhrase(segment: Record<string, string>): string {
  const { endpoint, ...rest } = segment;
  const others = Object.entries(rest).map(
    ([label, value]) => `${escapeMarkdown(label)} ${escapeMarkdown(value || '(none)')}`
  );
  return [
    endpoint !== undefined ? ` to ${escapeMarkdown(endpoint || '(no endpoint)')}` : '',
    others.length ? ` (${others.join(', ')})` : '',
  ].join('');
}

function segmentCell(segment: Record<string, string>): string {
  const parts = Object.entries(segment).map(([label, value]) => `${escapeMarkdown(label)}=${escapeMarkdown(value)}`);
  return parts.length ? parts.join(', ') : 'all';
}

function ciPhrase(side: ProportionSide): string {
  return side.ci95 ? `95% CI ${formatPercent(side.ci95[0]).replace('%', '')}–${formatPercent(side.ci95[1])}` : 'no CI';
}

/** The relative change, which has no value when the baseline rate is zero. */
function relativeText(f: ProportionFinding): string {
  if (f.change.relative !== null) {
    return formatSignedPercent(f.change.relative);
  }
  return f.change.absolute === 0 ? 'no change' : 'from a zero baseline';
}

function proportionSentence(f: ProportionFinding, report: ImpactReport): string {
  const { window: w, baseline: b } = f;
  const parts = [
    `**${escapeMarkdown(f.title)}**: ${w.rate === null ? 'no rate' : formatPercent(w.rate)} of ${formatCount(w.total)} ${f.totalNoun}${segmentPhrase(f.segment)} (${ciPhrase(w)}) ${formatPeriod(report.window.from, report.window.to)}, versus a baseline of ${b.rate === null ? 'no rate' : formatPercent(b.rate)} of ${formatCount(b.total)} (${ciPhrase(b)}).`,
  ];
  const change: string[] = [];
  if (f.change.absolute !== null) {
    change.push(`${formatPoints(f.change.absolute)} (${relativeText(f)})`);
  }
  if (f.pValue !== null) {
    change.push(formatPValue(f.pValue));
  }
  const noise = dispersionText(decidingTest(f));
  if (noise) {
    change.push(noise);
  }
  if (f.excessEvents !== null) {
    change.push(`≈ ${formatCount(f.excessEvents)} excess ${f.eventNoun}`);
  }
  return `${parts[0]} ${change.join(', ')}. **${VERDICT_WORD[f.verdict]}.**`;
}

function tailPhrase(f: DistributionFinding, noun: string): string {
  if (f.shareBeyondBaselineP95 === null) {
    return '';
  }
  const definition = SLI_DEFINITIONS.find((d) => d.id === f.sli);
  const where =
    definition?.kind === 'distribution' && definition.badDirection === 'lower'
      ? 'below the baseline p5'
      : definition?.kind === 'distribution' && definition.badDirection === 'both'
        ? "outside the baseline's central 95%"
        : 'above the baseline p95';
  return `${formatPercent(f.shareBeyondBaselineP95)} of ${noun} ${where} (expected 5%)`;
}

function distributionSentence(f: DistributionFinding, report: ImpactReport): string {
  const noun = f.totalNoun;
  const q = f.headline.quantile;
  const value = (v: number | null) => (v === null ? 'n/a' : formatValue(v, f.unit));
  const other = q === 'p95' ? 'p50' : 'p95';
  const change = [
    f.headline.relativeChange !== null ? `${q} ${formatSignedPercent(f.headline.relativeChange)}` : '',
    f.psi !== null ? `PSI ${formatStatistic(f.psi)}` : '',
    tailPhrase(f, noun),
    f.pValue !== null ? formatPValue(f.pValue) : '',
    dispersionText(decidingTest(f)),
  ].filter(Boolean);
  return (
    `**${escapeMarkdown(f.title)}**: ${q} ${value(f.window[q])} over ${formatCount(f.window.count)} ${noun}${segmentPhrase(f.segment)} ` +
    `${formatPeriod(report.window.from, report.window.to)}, versus a baseline ${q} of ${value(f.baseline[q])} ` +
    `(${other} ${value(f.window[other])} vs ${value(f.baseline[other])}). ${change.join(', ')}. **${VERDICT_WORD[f.verdict]}.**`
  );
}

/** The test behind the finding's verdict (its p- and q-value are the finding's). */
function decidingTest(finding: Finding): SignificanceTest | undefined {
  return finding.tests.find((t) => t.pValue === finding.pValue && t.qValue === finding.qValue) ?? finding.tests[0];
}

/** How noisy this traffic is for the statistic, in words: "dispersion 2.4 from 168 past windows". */
function dispersionText(test: SignificanceTest | undefined): string {
  if (!test || test.dispersion === null) {
    return '';
  }
  return test.dispersionSource === 'history'
    ? `dispersion ${formatStatistic(test.dispersion)} from ${formatCount(test.historyPairs)} past windows`
    : `dispersion ${formatStatistic(test.dispersion)} assumed: too little history (${formatCount(test.historyPairs)} past windows)`;
}

function tooNoisySentence(f: Finding): string {
  const change =
    f.kind === 'proportion'
      ? `rate ${f.change.relative === null ? 'from a zero baseline' : formatSignedPercent(f.change.relative)}`
      : `${f.headline.quantile} ${formatSignedPercent(f.headline.relativeChange ?? 0)}${f.psi === null ? '' : `, PSI ${formatStatistic(f.psi)}`}`;
  const test = decidingTest(f);
  const independent = f.tests
    .map((t) => t.independentPValue)
    .filter((p): p is number => p !== null)
    .reduce((a, b) => Math.min(a, b), 1);
  return `**${escapeMarkdown(f.title)}**${segmentPhrase(f.segment)}: ${change}. Independent requests would make that significant (${formatPValue(independent)}), but this traffic varies that much between quiet windows (${dispersionText(test)}), so the shift cannot be told from its own noise.`;
}

function noDataSentence(f: Finding): string {
  return `**${escapeMarkdown(f.title)}**${segmentPhrase(f.segment)}: ${escapeMarkdown(f.reason)}. **${VERDICT_WORD[f.verdict]}.**`;
}

export function findingSentence(finding: Finding, report: ImpactReport): string {
  if (finding.verdict === 'no_data') {
    return noDataSentence(finding);
  }
  return finding.kind === 'proportion' ? proportionSentence(finding, report) : distributionSentence(finding, report);
}

function tableRow(f: Finding): string {
  const cells =
    f.kind === 'proportion'
      ? [
          f.window.rate === null
            ? 'n/a'
            : `${formatPercent(f.window.rate)} (${formatCount(f.window.events)}/${formatCount(f.window.total)})`,
          f.baseline.rate === null
            ? 'n/a'
            : `${formatPercent(f.baseline.rate)} (${formatCount(f.baseline.events)}/${formatCount(f.baseline.total)})`,
          f.change.absolute === null ? 'n/a' : `${formatPoints(f.change.absolute)} (${relativeText(f)})`,
        ]
      : [
          distributionCell(f, 'window'),
          distributionCell(f, 'baseline'),
          [
            f.headline.relativeChange === null
              ? ''
              : `${f.headline.quantile} ${formatSignedPercent(f.headline.relativeChange)}`,
            f.psi === null ? '' : `PSI ${formatStatistic(f.psi)}`,
            secondaryQuantileNote(f),
          ]
            .filter(Boolean)
            .join(', ') || 'n/a',
        ];
  const q = f.qValue === null ? 'n/a' : formatQValue(f.qValue);
  const test = decidingTest(f);
  const noise =
    test?.dispersion === null || test === undefined
      ? 'n/a'
      : `${formatStatistic(test.dispersion)}${test.dispersionSource === 'history' ? '' : ' (assumed)'}`;
  return `| ${escapeMarkdown(f.title)} | ${segmentCell(f.segment)} | ${cells.join(' | ')} | ${q} | ${noise} | ${VERDICT_WORD[f.verdict]} |`;
}

/**
 * A large move of p99 in a finding judged OK, with why it did not decide: the verdict rests on the headline
 * quantile and the tail share. The ratio is of two numbers the report holds (formatting, not a new statistic).
 */
export const LARGE_SECONDARY_CHANGE = 0.5;

function secondaryQuantileNote(f: DistributionFinding): string {
  const [w, b] = [f.window.p99, f.baseline.p99];
  if (f.verdict !== 'ok' || w === null || b === null || b <= 0) {
    return '';
  }
  const change = (w - b) / b;
  if (Math.abs(change) < LARGE_SECONDARY_CHANGE) {
    return '';
  }
  return p99Note(change, f.headline.quantile);
}

/** The note's words, for a p99 that moved by `change` (the bench's floor writes them too). */
export function p99Note(change: number, headline: string): string {
  return `p99 ${formatSignedPercent(change)} (not judged: verdicts rest on ${headline} and the tail share; p99 is the top 1% of observations alone)`;
}

function distributionCell(f: DistributionFinding, side: 'window' | 'baseline'): string {
  const s = f[side];
  if (s.count === 0) {
    return 'no data';
  }
  const v = (x: number | null) => (x === null ? 'n/a' : formatValue(x, f.unit));
  return `p50 ${v(s.p50)}, p95 ${v(s.p95)}, p99 ${v(s.p99)} (n=${formatCount(s.count)})`;
}

/** Every finding as a Markdown table (the "All findings" section), or a line saying there were none. */
export function findingsTable(report: ImpactReport): string {
  if (!report.findings.length) {
    return 'No SLI of the metrics contract had data for this scope.';
  }
  return [
    '| SLI | Segment | Window | Baseline | Change | q | Dispersion | Verdict |',
    '|---|---|---|---|---|---|---|---|',
    ...report.findings.map(tableRow),
  ].join('\n');
}

// No data first: an outage must never read as OK, nor hide below the regressions it causes elsewhere.
const VERDICT_ORDER: Verdict[] = ['no_data', 'page', 'investigate', 'insufficient_data', 'ok'];

/** SLIs without data are unknown, not fine: said where the reader looks for the all-clear. */
function notMeasuredSentence(report: ImpactReport): string {
  return `**Not measured:** ${sliTitles(report.missingSlis)
    .map((title) => escapeMarkdown(title))
    .join(
      ', '
    )}: no series with this scope in the window or the baseline (not instrumented, renamed, or filtered out), so this report says nothing about them (see docs/opentelemetry.md for what to emit).`;
}

/** How the baseline was chosen, in words. */
function baselinePhrase(report: ImpactReport): string {
  switch (report.baseline.mode) {
    case 'preceding':
      return 'the preceding interval of equal length';
    case 'days_earlier':
      return `the same interval ${formatDuration(rfc3339Seconds(report.window.from) - rfc3339Seconds(report.baseline.from))} earlier`;
    case 'median_weeks':
      return `the median of the same interval 1 to ${report.baseline.weeks} weeks earlier`;
    default:
      return 'a fixed interval';
  }
}

/** The line that says no finding regressed, and why that is or is not an all-clear. */
function nothingRegressedSentence(report: ImpactReport, othersListed: boolean): string {
  const t = report.thresholds;
  const other = othersListed ? ' other' : '';
  if (!report.findings.length) {
    return 'Nothing to compare: no SLI of the metrics contract had data for this scope in the window or the baseline.';
  }
  if (report.findings.every((f) => f.verdict === 'insufficient_data' || f.verdict === 'no_data')) {
    return `No${other} SLI could be judged: every finding is insufficient_data or no_data (no or too little traffic in the window or the baseline). This is not an all-clear.`;
  }
  return `No${other} SLI regressed past the investigate threshold (${formatSignedPercent(t.investigate)}) with significance (q < ${t.fdr}) in this window.`;
}

export function renderMarkdown(report: ImpactReport): string {
  const windowSeconds = rfc3339Seconds(report.window.to) - rfc3339Seconds(report.window.from);
  const baselineSeconds = rfc3339Seconds(report.baseline.to) - rfc3339Seconds(report.baseline.from);
  const baselineMode = baselinePhrase(report);
  const regressions = report.findings
    .filter((f) => f.verdict === 'no_data' || f.verdict === 'page' || f.verdict === 'investigate')
    .sort((a, b) => VERDICT_ORDER.indexOf(a.verdict) - VERDICT_ORDER.indexOf(b.verdict));
  const missing = report.missingSlis.length ? [`- ${notMeasuredSentence(report)}`] : [];
  const tooNoisy = report.findings.filter((f) => f.tooNoisy);
  const t = report.thresholds;
  const lines: string[] = [
    '## Impact',
    '',
    `**Window:** ${formatPeriod(report.window.from, report.window.to)} (${formatDuration(windowSeconds)}).  `,
    `**Baseline:** ${formatPeriod(report.baseline.from, report.baseline.to)} (${formatDuration(baselineSeconds)}, ${baselineMode}).  `,
    `**Scope:** ${report.selector ? codeSpan(report.selector) : 'all series'}${report.groupBy.length ? `, by ${report.groupBy.map(escapeMarkdown).join(', ')}` : ''}.`,
    '',
    '### What changed for users',
    '',
    ...missing,
    ...regressions.map((f) => `- ${findingSentence(f, report)}`),
    ...(regressions.some((f) => f.verdict !== 'no_data')
      ? []
      : [nothingRegressedSentence(report, regressions.length + missing.length > 0)]),
    ...(tooNoisy.length ? ['', '#### Too noisy to call', '', ...tooNoisy.map((f) => `- ${tooNoisySentence(f)}`)] : []),
    '',
    '### All findings',
    '',
  ];
  lines.push(
    findingsTable(report),
    '',
    '### About these numbers',
    '',
    `- Verdicts: investigate at a ${formatSignedPercent(t.investigate)} and page at a ${formatSignedPercent(t.page)} relative regression in the bad direction (distributions also at PSI ≥ ${t.psiInvestigate} / ${t.psiPage}), only when significant after Benjamini–Yekutieli across every test of the report (q < ${t.fdr} to investigate, q < ${t.pageFdr} to page) and with at least ${formatCount(t.minVolume)} in both window and baseline.`,
    `- Significance: each statistic (a rate; a headline quantile as a log ratio; the share beyond the baseline's tail quantile, which backs a PSI verdict) is tested against its own history: the same statistic over past window-vs-baseline pairs of this length, other incidents left out, gives the dispersion — how many times the variance of independent requests this traffic really has. With too little history a wander of ±25% (rates, tail shares) or ±10% (quantiles) between windows is assumed. Rates: Wilson 95% intervals. Quantiles interpolate within histogram buckets, as histogram_quantile does, and their error grows with the bucket's width.`,
    `- Reading the table: ${GLOSSARY.map(([term, meaning]) => `**${term}**: ${meaning}`).join(' ')}`,
    ...report.baseline.excluded.map(
      (e) => `- Left out of the baseline (another incident): ${formatPeriod(e.from, e.to)}.`
    ),
    // Caveats are the core's own sentences; they carry no user-supplied text.
    ...report.caveats.map((c) => `- ${c}`),
    '',
    `#### Queries (${report.queries.length})`,
    '',
    codeBlock(
      report.queries
        .map((q) => `# ${q.start ? `from ${q.start} to ${q.time} every ${q.stepSeconds}s` : `at ${q.time}`}\n${q.expr}`)
        .join('\n'),
      'promql'
    ),
    ''
  );
  return lines.join('\n');
}
