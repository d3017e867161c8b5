/**
 * The Markdown impact section: the sentence form of docs/DESIGN.md, the table, and escaping of every string
 * that comes from data, so hostile label values stay text in any Markdown renderer.
 */
import { DEFAULT_THRESHOLDS, type ImpactReport, type ProportionFinding } from './report';
import { renderMarkdown } from './render';

function refusals(endpoint: string): ProportionFinding {
  return {
    kind: 'proportion',
    sli: 'refusal_rate',
    title: 'Refusals',
    totalNoun: 'requests',
    eventNoun: 'refusals',
    segment: { endpoint },
    verdict: 'page',
    reason: 'rate +170%, q < 0.001',
    pValue: 1e-40,
    qValue: 1e-39,
    tests: [],
    tooNoisy: false,
    window: { events: 9_755, total: 120_431, rate: 9_755 / 120_431, ci95: [0.0795, 0.0825] },
    baseline: { events: 3_000, total: 100_000, rate: 0.03, ci95: [0.029, 0.031] },
    change: { absolute: 9_755 / 120_431 - 0.03, relative: (9_755 / 120_431 - 0.03) / 0.03 },
    excessEvents: 9_755 - 120_431 * 0.03,
  };
}

function reportWith(finding: ProportionFinding, overrides: Partial<ImpactReport> = {}): ImpactReport {
  return {
    window: { from: '2026-11-24T14:00:00Z', to: '2026-11-24T17:00:00Z' },
    baseline: { from: '2026-11-24T11:00:00Z', to: '2026-11-24T14:00:00Z', mode: 'preceding', excluded: [] },
    selector: 'team="assistants"',
    groupBy: ['endpoint'],
    thresholds: DEFAULT_THRESHOLDS,
    findings: [finding],
    missingSlis: ['agent_steps'],
    queries: [
      {
        expr: 'sum by (outcome, endpoint) (increase(llm_requests_total{team="assistants"}[10800s]))',
        time: '2026-11-24T17:00:00Z',
      },
    ],
    caveats: [],
    ...overrides,
  };
}

describe('renderMarkdown', () => {
  test('a paging proportion reads as the postmortem sentence', () => {
    const markdown = renderMarkdown(reportWith(refusals('/chat')));
    expect(markdown).toContain(
      '- **Refusals**: 8.1% of 120,431 requests to /chat (95% CI 8.0–8.3%) between 2026-11-24 14:00 and 17:00 UTC, ' +
        'versus a baseline of 3.0% of 100,000 (95% CI 2.9–3.1%). +5.1 pp (+170%), p < 0.001, ≈ 6,142 excess refusals. **Page.**'
    );
    expect(markdown).toContain(
      '| Refusals | endpoint=/chat | 8.1% (9,755/120,431) | 3.0% (3,000/100,000) | +5.1 pp (+170%) | < 0.001 | n/a | Page |'
    );
    expect(markdown).toContain('**Scope:** `team="assistants"`, by endpoint.');
    expect(markdown).toContain(
      '- **Not measured:** Agent steps: no series with this scope in the window or the baseline (not instrumented, renamed, or filtered out), so this report says nothing about them'
    );
    expect(markdown).toContain('```promql\n# at 2026-11-24T17:00:00Z\nsum by (outcome, endpoint)');
  });

  test('the sentence counts in the finding’s own nouns (model calls on OpenTelemetry data), not the contract’s', () => {
    const timeouts = { ...refusals('/chat'), title: 'Timeouts', totalNoun: 'model calls', eventNoun: 'timeouts' };
    const markdown = renderMarkdown(reportWith(timeouts));
    expect(markdown).toContain('- **Timeouts**: 8.1% of 120,431 model calls to /chat');
    expect(markdown).toContain('≈ 6,142 excess timeouts');
    expect(markdown).not.toContain('120,431 requests');
  });

  test('no data comes first, as its own finding, and a page still follows it', () => {
    const stopped = {
      ...refusals('/agent'),
      verdict: 'no_data' as const,
      reason: 'no requests in the window, 3,600 in the baseline: traffic stopped or the metric is no longer reported',
    };
    const markdown = renderMarkdown(reportWith(refusals('/chat'), { findings: [refusals('/chat'), stopped] }));
    const noData = markdown.indexOf('- **Refusals** to /agent: no requests in the window, 3,600 in the baseline');
    const page = markdown.indexOf('- **Refusals**: 8.1% of 120,431 requests to /chat');
    const missing = markdown.indexOf('- **Not measured:** Agent steps');
    expect(missing).toBeGreaterThan(0);
    expect(noData).toBeGreaterThan(missing);
    expect(page).toBeGreaterThan(noData);
    expect(markdown).toMatch(/\| endpoint=\/agent \|.*\| No data \|$/m);
    expect(markdown).not.toContain('No SLI regressed');
  });

  test('a change the traffic is too noisy to call is said in words, with the dispersion and its source', () => {
    const test = {
      statistic: 'rate' as const,
      z: 1.2,
      pValue: 0.23,
      qValue: 0.9,
      independentPValue: 0.0004,
      dispersion: 6.5,
      dispersionSource: 'history' as const,
      historyPairs: 168,
      degreesOfFreedom: 61,
    };
    const noisy = {
      ...refusals('/agent'),
      verdict: 'ok' as const,
      pValue: 0.23,
      qValue: 0.9,
      tests: [test],
      tooNoisy: true,
    };
    const markdown = renderMarkdown(reportWith(noisy));
    expect(markdown).toContain('#### Too noisy to call');
    expect(markdown).toContain(
      '- **Refusals** to /agent: rate +170%. Independent requests would make that significant (p < 0.001), but this traffic varies that much between quiet windows (dispersion 6.50 from 168 past windows), so the shift cannot be told from its own noise.'
    );
    expect(markdown).toContain('| 0.90 | 6.50 | OK |');
    const assumed = {
      ...test,
      dispersionSource: 'too_little_history' as const,
      historyPairs: 3,
      degreesOfFreedom: null,
    };
    const paging = { ...refusals('/chat'), pValue: 0.23, qValue: 0.9, tests: [assumed] };
    expect(renderMarkdown(reportWith(paging))).toContain(
      'p = 0.230, dispersion 6.50 assumed: too little history (3 past windows), ≈ 6,142 excess refusals. **Page.**'
    );
  });

  test('a range query is listed with its span and step', () => {
    const report = reportWith(refusals('/chat'), {
      queries: [{ expr: 'sum(x)', time: '2026-11-24T14:00:00Z', start: '2026-11-17T14:00:00Z', stepSeconds: 3600 }],
    });
    expect(renderMarkdown(report)).toContain('# from 2026-11-17T14:00:00Z to 2026-11-24T14:00:00Z every 3600s\nsum(x)');
  });

  test('without regressions it says so instead of listing sentences', () => {
    const calm = { ...refusals('/chat'), verdict: 'ok' as const };
    expect(renderMarkdown(reportWith(calm))).toContain('No other SLI regressed past the investigate threshold (+5.0%)');
  });

  test('a report where nothing could be judged (zero traffic) is never headlined as an all-clear', () => {
    const silent = { ...refusals('/chat'), verdict: 'insufficient_data' as const, reason: '0 requests in the window' };
    const markdown = renderMarkdown(reportWith(silent));
    expect(markdown).toContain('SLI could be judged: every finding is insufficient_data or no_data');
    expect(markdown).toContain('This is not an all-clear.');
    expect(markdown).not.toContain('No SLI regressed');
  });

  test.each([
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert\\(1\\)&gt;'],
    ['| pipes |', '\\| pipes \\|'],
    ['[link](javascript:alert(1))', '\\[link\\]\\(javascript:alert\\(1\\)\\)'],
    ['**bold** `code`\nnext line', '\\*\\*bold\\*\\* \\`code\\` next line'],
  ])('label value %j is escaped in sentences and table cells', (hostile, escaped) => {
    const markdown = renderMarkdown(reportWith(refusals(hostile)));
    expect(markdown).toContain(`requests to ${escaped} (95% CI`);
    expect(markdown).toContain(`| endpoint=${escaped} |`);
    // The raw text appears nowhere outside the fenced query block.
    const [prose] = markdown.split('#### Queries');
    expect(prose).not.toContain(hostile);
  });

  test('a selector with backticks cannot break out of its code span or the query block', () => {
    const selector = 'team="``` <b>x</b>"';
    const markdown = renderMarkdown(
      reportWith(refusals('/chat'), { selector, queries: [{ expr: `x{${selector}}`, time: '2026-11-24T17:00:00Z' }] })
    );
    expect(markdown).toContain('**Scope:** ````team="``` <b>x</b>"````');
    expect(markdown).toContain('````promql\n');
    expect(markdown.trimEnd().endsWith('````')).toBe(true);
  });

  test('the same report renders to the same bytes', () => {
    const report = reportWith(refusals('/chat'));
    expect(renderMarkdown(JSON.parse(JSON.stringify(report)))).toBe(renderMarkdown(report));
  });
});
