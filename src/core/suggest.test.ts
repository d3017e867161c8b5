/**
 * The suggestion rules on hand-built reports: which evidence counts, and how change events shift it.
 * (On reports of the simulator's incidents from a real Prometheus: suggest.integration.test.ts.)
 */
import { type BuildInfo, type ChangeEvent } from './changes';
import { type SliId } from './metrics';
import {
  DEFAULT_THRESHOLDS,
  type DistributionFinding,
  type Finding,
  type ImpactReport,
  type ProportionFinding,
  type Verdict,
} from './report';
import { suggestCategories } from './suggest';

const WINDOW_FROM = Date.UTC(2026, 0, 10, 14) / 1000;
const WINDOW_TO = WINDOW_FROM + 3600;
const CHAT = { endpoint: '/chat' };
const SEARCH = { endpoint: '/search' };

function proportion(
  sli: SliId,
  verdict: Verdict,
  segment = CHAT,
  rates: [number, number] = [0.03, 0.09]
): ProportionFinding {
  const [baseline, window] = rates;
  return {
    kind: 'proportion',
    sli,
    title: sli,
    totalNoun: 'requests',
    eventNoun: 'events',
    segment,
    verdict,
    reason: '',
    pValue: 0.0001,
    qValue: 0.0001,
    tests: [],
    tooNoisy: false,
    window: { events: window * 10_000, total: 10_000, rate: window, ci95: [window, window] },
    baseline: { events: baseline * 10_000, total: 10_000, rate: baseline, ci95: [baseline, baseline] },
    change: { absolute: window - baseline, relative: (window - baseline) / baseline },
    excessEvents: (window - baseline) * 10_000,
  };
}

function distribution(sli: SliId, verdict: Verdict, segment = CHAT): DistributionFinding {
  return {
    kind: 'distribution',
    sli,
    title: sli,
    totalNoun: 'responses',
    unit: 'ratio',
    segment,
    verdict,
    reason: '',
    pValue: 0.0001,
    qValue: 0.0001,
    tests: [],
    tooNoisy: false,
    window: { count: 10_000, p50: 0.6, p95: 0.9, p99: 0.95 },
    baseline: { count: 10_000, p50: 0.8, p95: 0.95, p99: 0.98 },
    headline: { quantile: 'p50', relativeChange: -0.25 },
    psi: 0.4,
    ks: 0.3,
    jsDistance: 0.2,
    shareBeyondBaselineP95: 0.3,
  };
}

function report(findings: Finding[]): ImpactReport {
  const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
  return {
    window: { from: iso(WINDOW_FROM), to: iso(WINDOW_TO) },
    baseline: { from: iso(WINDOW_FROM - 3600), to: iso(WINDOW_FROM), mode: 'preceding', excluded: [] },
    selector: '',
    groupBy: ['endpoint'],
    thresholds: DEFAULT_THRESHOLDS,
    findings,
    missingSlis: [],
    queries: [],
    caveats: [],
  };
}

const BUILD: BuildInfo = { model: 'gpt-4o', response_model: 'gpt-4o-2024-08-06', prompt_version: 'v12' };

function change(after: Partial<BuildInfo>, time = WINDOW_FROM + 60, endpoint = '/chat'): ChangeEvent {
  const next = { ...BUILD, ...after };
  return {
    time,
    segment: { team: 't', service: 's', endpoint },
    before: BUILD,
    after: next,
    changed: (Object.keys(BUILD) as Array<keyof BuildInfo>).filter((k) => BUILD[k] !== next[k]),
  };
}

const top = (r: ImpactReport, changes: ChangeEvent[] = []) => suggestCategories(r, changes)[0];
const scoreOf = (r: ImpactReport, changes: ChangeEvent[], category: string) =>
  suggestCategories(r, changes).find((s) => s.category === category)!.score;

test('every category is offered once, scores in 0..1, best first', () => {
  const suggestions = suggestCategories(report([proportion('timeout_rate', 'page')]), []);
  expect(suggestions.map((s) => s.category).sort()).toEqual(
    [
      'agentic-coordination',
      'configuration',
      'data-retrieval',
      'infrastructure',
      'model-degradation',
      'prompt',
      'security-surface',
      'undetermined',
    ].sort()
  );
  for (const [i, s] of suggestions.entries()) {
    expect(s.score).toBeGreaterThanOrEqual(0);
    expect(s.score).toBeLessThanOrEqual(1);
    expect(s.reason).not.toMatch(/\n/);
    if (i > 0) {
      expect(s.score).toBeLessThanOrEqual(suggestions[i - 1].score);
    }
  }
});

test('with no evidence undetermined comes first, and says why; ok and insufficient findings are not evidence', () => {
  const quiet = report([proportion('refusal_rate', 'ok'), distribution('semantic_similarity', 'insufficient_data')]);
  expect(top(quiet)).toMatchObject({ category: 'undetermined', score: 1 });
  expect(top(quiet).reason).toMatch(/no SLI regressed/);
  expect(top(report([]))).toMatchObject({ category: 'undetermined' });
  // With evidence it is still offered, last-but-scored.
  const noisy = suggestCategories(report([proportion('error_rate', 'investigate')]), []);
  expect(noisy[0].category).not.toBe('undetermined');
  expect(noisy.find((s) => s.category === 'undetermined')!.score).toBeGreaterThan(0);
});

test('prompt only with a prompt_version change in or just before the window', () => {
  const refusals = report([proportion('refusal_rate', 'page')]);
  expect(scoreOf(refusals, [], 'prompt')).toBe(0);
  expect(scoreOf(refusals, [change({ response_model: 'new' })], 'prompt')).toBe(0);
  // Long before the window: not an explanation.
  expect(scoreOf(refusals, [change({ prompt_version: 'v13' }, WINDOW_FROM - 4 * 3600)], 'prompt')).toBe(0);
  const withPrompt = suggestCategories(refusals, [change({ prompt_version: 'v13' }, WINDOW_FROM - 600)]);
  expect(withPrompt[0].category).toBe('prompt');
  expect(withPrompt[0].reason).toBe(
    'refusal_rate from 3.0% to 9.0% (+200%) after a prompt_version change 10 min before the window: points to Prompt'
  );
});

test('output drift: model-degradation with a response_model change and no deployment; prompt when the prompt changed', () => {
  const drift = report([distribution('semantic_similarity', 'page'), distribution('confidence', 'page')]);
  const provider = suggestCategories(drift, [change({ response_model: 'gpt-4o-2024-11-20' })]);
  expect(provider[0].category).toBe('model-degradation');
  expect(provider[0].reason).toMatch(
    /response_model change 1 min into the window and no deployment: points to Model degradation$/
  );
  // The same drift with a prompt deployment alongside: the deployment explains it better.
  const deployed = [change({ response_model: 'gpt-4o-2024-11-20' }), change({ prompt_version: 'v13' })];
  expect(scoreOf(drift, deployed, 'model-degradation')).toBeLessThan(scoreOf(drift, [], 'model-degradation'));
  expect(top(drift, deployed).category).toBe('prompt');
});

test('configuration needs a change of the requested model', () => {
  const r = report([proportion('error_rate', 'page'), distribution('response_length', 'page')]);
  expect(top(r).category).toBe('infrastructure');
  const switched = [change({ model: 'gpt-4.1', response_model: 'gpt-4.1-2025-04-14' })];
  expect(top(r, switched).category).toBe('configuration');
  expect(scoreOf(r, switched, 'configuration')).toBeGreaterThan(scoreOf(r, [], 'configuration'));
});

test('a similarity drop counts for data-retrieval only on an endpoint that retrieves', () => {
  const chatOnly = report([distribution('semantic_similarity', 'page', CHAT)]);
  expect(scoreOf(chatOnly, [], 'data-retrieval')).toBe(0);
  const search = report([
    distribution('semantic_similarity', 'page', SEARCH),
    proportion('empty_retrieval_rate', 'ok', SEARCH, [0.05, 0.05]),
  ]);
  expect(scoreOf(search, [], 'data-retrieval')).toBeGreaterThan(0);
});

test('changes of another segment do not explain the evidence', () => {
  const refusals = report([proportion('refusal_rate', 'page', CHAT)]);
  expect(scoreOf(refusals, [change({ prompt_version: 'v13' }, WINDOW_FROM + 60, '/search')], 'prompt')).toBe(0);
});

test.each<[string, Finding[]]>([
  ['infrastructure', [proportion('timeout_rate', 'page'), distribution('model_latency', 'investigate')]],
  ['agentic-coordination', [distribution('agent_steps', 'page'), proportion('tool_error_rate', 'page')]],
  ['security-surface', [proportion('injection_rate', 'page', SEARCH)]],
  [
    'data-retrieval',
    [proportion('empty_retrieval_rate', 'page', SEARCH), distribution('semantic_similarity', 'page', SEARCH)],
  ],
])('%s from its own signals, with no change', (category, findings) => {
  expect(top(report(findings)).category).toBe(category);
});

test('page evidence weighs more than investigate', () => {
  const weak = report([proportion('injection_rate', 'investigate')]);
  const strong = report([proportion('injection_rate', 'page')]);
  expect(scoreOf(strong, [], 'security-surface')).toBeGreaterThan(scoreOf(weak, [], 'security-surface'));
});
