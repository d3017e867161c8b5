import { SLI_DEFINITIONS } from './metrics';
import { builtinRunbook, isSafeRunbookUrl, resolveRunbook, RUNBOOK_IDS, runbookPath, RUNBOOKS } from './runbooks';
import { categoryById } from './taxonomy';

describe('the built-in runbooks', () => {
  test('are the four of docs/DESIGN.md, once each', () => {
    expect(RUNBOOK_IDS).toEqual([
      'model-rollback',
      'retrieval-quarantine',
      'output-distribution-thresholds',
      'injection-surface-audit',
    ]);
  });

  test('each has a title, a summary and numbered steps', () => {
    for (const runbook of RUNBOOKS) {
      expect(runbook.title).not.toBe('');
      expect(runbook.summary).not.toBe('');
      expect(runbook.markdown).toMatch(/^### 1\. /m);
    }
  });

  test('their PromQL reads only metrics of the contract', () => {
    const contract = new Set(
      SLI_DEFINITIONS.flatMap((d) => [d.metric, ...(d.kind === 'proportion' && d.totalMetric ? [d.totalMetric] : [])])
    );
    contract.add('llm_build_info');
    for (const runbook of RUNBOOKS) {
      const blocks = [...runbook.markdown.matchAll(/```promql\n([\s\S]*?)```/g)].map((m) => m[1]);
      expect(blocks.length).toBeGreaterThan(0);
      for (const block of blocks) {
        const selectors = [...block.matchAll(/([a-z_:][a-z0-9_:]*)\{/g)].map((m) =>
          m[1].replace(/_(bucket|count|sum)$/, '')
        );
        expect(selectors.length).toBeGreaterThan(0);
        for (const metric of selectors) {
          expect(contract).toContain(metric);
        }
      }
    }
  });

  test('the injection audit covers OWASP LLM01/02/06/07 and MITRE ATLAS AML.T0051/T0054/T0057/T0070', () => {
    const audit = builtinRunbook('injection-surface-audit').markdown;
    for (const item of ['LLM01', 'LLM02', 'LLM06', 'LLM07', 'AML.T0051', 'AML.T0054', 'AML.T0057', 'AML.T0070']) {
      expect(audit).toContain(item);
    }
    // A checklist: GFM task items.
    expect((audit.match(/^- \[ \] /gm) ?? []).length).toBeGreaterThanOrEqual(15);
  });
});

describe('isSafeRunbookUrl', () => {
  test.each([
    ['https://wiki.example.com/runbooks/rollback', true],
    ['http://wiki.internal:8080/x?y=1#z', true],
    ['  https://wiki.example.com/  ', true],
    ['javascript:alert(1)', false],
    ['JAVASCRIPT:alert(1)', false],
    ['java\tscript:alert(1)', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['vbscript:msgbox', false],
    ['file:///etc/passwd', false],
    ['//evil.example/x', false],
    ['/a/aisre-reliability-app/runbooks', false],
    ['', false],
  ])('%s -> %s', (url, safe) => {
    expect(isSafeRunbookUrl(url)).toBe(safe);
  });
});

describe('resolveRunbook', () => {
  test('no override: the built-in runbook', () => {
    expect(resolveRunbook('model-rollback', undefined)).toEqual({
      kind: 'builtin',
      runbook: builtinRunbook('model-rollback'),
    });
    expect(resolveRunbook('model-rollback', { 'retrieval-quarantine': { url: 'https://x.example' } })).toMatchObject({
      kind: 'builtin',
    });
  });

  test('a safe URL wins, trimmed', () => {
    expect(
      resolveRunbook('model-rollback', {
        'model-rollback': { url: ' https://wiki.example.com/r ', markdown: '# ours' },
      })
    ).toEqual({
      kind: 'url',
      url: 'https://wiki.example.com/r',
    });
  });

  test('Markdown when there is no URL', () => {
    expect(
      resolveRunbook('retrieval-quarantine', { 'retrieval-quarantine': { markdown: '# Our quarantine' } })
    ).toEqual({
      kind: 'markdown',
      markdown: '# Our quarantine',
    });
  });

  test('an unsafe URL is never returned: the Markdown, else the built-in runbook', () => {
    expect(resolveRunbook('model-rollback', { 'model-rollback': { url: 'javascript:alert(1)' } })).toMatchObject({
      kind: 'builtin',
    });
    expect(
      resolveRunbook('model-rollback', { 'model-rollback': { url: 'javascript:alert(1)', markdown: 'ours' } })
    ).toEqual({
      kind: 'markdown',
      markdown: 'ours',
    });
  });

  test('blank overrides count as none', () => {
    expect(resolveRunbook('model-rollback', { 'model-rollback': { url: '  ', markdown: ' \n ' } })).toMatchObject({
      kind: 'builtin',
    });
  });
});

describe('runbookPath', () => {
  test("links a category to its runbook on the app's Runbooks page, or to its investigation path without one", () => {
    expect(runbookPath(categoryById('data-retrieval')!)).toBe(
      '/a/aisre-reliability-app/runbooks#runbook-retrieval-quarantine'
    );
    expect(runbookPath(categoryById('infrastructure')!)).toBe(
      '/a/aisre-reliability-app/runbooks#category-infrastructure'
    );
  });
});
