/**
 * The Markdown impact section: the sentence form of DESIGN.md, the table, and escaping of every string
 * that comes from data, so hostile label values stay text in any Markdown renderer.
 */
import { DEFAULT_THRESHOLDS, type ImpactReport, type ProportionFinding } from './report';
import { renderMarkdown } from './render';

function refusals(endpoint: string): ProportionFinding {
  return {
    kind: 'proportion',
    sli: 'refusal_rate',
    title: 'Refusals',
    segment: { endpoint },
    verdict: 'page',
    reason: 'rate +170%, q < 0.001',
    pValue: 1e-40,
    qValue: 1e-39,
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
      '| Refusals | endpoint=/chat | 8.1% (9,755/120,431) | 3.0% (3,000/100,000) | +5.1 pp (+170%) | 1.0e-39 | Page |'
    );
    expect(markdown).toContain('**Scope:** `team="assistants"`, by endpoint.');
    expect(markdown).toContain(
      '**Not measured:** `agent_steps`: no series with this scope, so this report says nothing about them'
    );
    expect(markdown).toContain('```promql\n# at 2026-11-24T17:00:00Z\nsum by (outcome, endpoint)');
  });

  test('without regressions it says so instead of listing sentences', () => {
    const calm = { ...refusals('/chat'), verdict: 'ok' as const };
    expect(renderMarkdown(reportWith(calm))).toContain('No SLI regressed past the investigate threshold (+5.0%)');
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
