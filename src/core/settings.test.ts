import { DEFAULT_THRESHOLDS } from './report';
import {
  type AppSettings,
  CONTRACT_METRICS,
  jsonDataWithSettings,
  labelNamesFromSettings,
  MAX_RUNBOOK_MARKDOWN,
  normaliseSettings,
  PRESET_IDS,
  thresholdsFromSettings,
  validateSettings,
} from './settings';

const errorsOf = (settings: AppSettings) => validateSettings(settings).errors;

describe('the contract metrics the settings can remap', () => {
  test('are the metrics the SLI definitions read, each once in the order the form shows them, plus llm_build_info', () => {
    expect(CONTRACT_METRICS).toEqual([
      'llm_requests_total',
      'rag_retrievals_total',
      'llm_injection_detections_total',
      'agent_tool_calls_total',
      'llm_response_semantic_similarity',
      'llm_response_confidence',
      'gen_ai_client_token_usage',
      'gen_ai_client_operation_duration_seconds',
      'rag_retrieval_duration_seconds',
      'agent_steps',
      'llm_build_info',
    ]);
  });
});

describe('validateSettings', () => {
  test('empty settings (every default) are valid', () => {
    expect(errorsOf({})).toEqual({});
  });

  test('every preset is valid, an unknown one is named', () => {
    for (const preset of PRESET_IDS) {
      expect(errorsOf({ preset })).toEqual({});
    }
    expect(errorsOf({ preset: 'otel' as never }).preset).toMatch(
      /Unknown preset 'otel': choose contract, otel-genai, openlit/
    );
  });

  test('timeout error types and segment labels are checked', () => {
    const errors = errorsOf({ timeoutErrorTypes: ['timeout', 3 as never], segmentLabels: ['job', 'bad-label'] });
    expect(errors.timeoutErrorTypes).toMatch(/non-empty strings, not 3/);
    expect(errors.segmentLabels).toMatch(/"bad-label" is not a label/);
  });

  test('metric names must be Prometheus metric names; colons are allowed (recording rules)', () => {
    const errors = errorsOf({
      metricNames: {
        llm_requests_total: '1requests',
        rag_retrievals_total: 'rag-retrievals',
        agent_tool_calls_total: 'job:agent_tool_calls:total',
        llm_response_confidence: 'gen_ai.confidence',
      },
    });
    expect(errors['metricNames.llm_requests_total']).toMatch(/not a valid Prometheus metric name/);
    expect(errors['metricNames.rag_retrievals_total']).toMatch(/not a valid Prometheus metric name/);
    expect(errors['metricNames.llm_response_confidence']).toMatch(/not a valid Prometheus metric name/);
    expect(errors['metricNames.agent_tool_calls_total']).toBeUndefined();
  });

  test('a histogram is named by its base name, not a _bucket series', () => {
    const errors = errorsOf({
      metricNames: { rag_retrieval_duration_seconds: 'db_client_operation_duration_seconds_bucket' },
    });
    expect(errors['metricNames.rag_retrieval_duration_seconds']).toMatch(
      /base name.*db_client_operation_duration_seconds\)/
    );
  });

  test('two contract metrics cannot read the same series, whether mapped or default', () => {
    const mappedTwice = errorsOf({
      metricNames: { llm_requests_total: 'requests_total', rag_retrievals_total: 'requests_total' },
    });
    expect(mappedTwice['metricNames.llm_requests_total']).toMatch(/also used for rag_retrievals_total/);
    expect(mappedTwice['metricNames.rag_retrievals_total']).toMatch(/also used for llm_requests_total/);
    const ontoDefault = errorsOf({ metricNames: { rag_retrieval_duration_seconds: 'agent_steps' } });
    expect(ontoDefault['metricNames.rag_retrieval_duration_seconds']).toMatch(/also used for agent_steps/);
    expect(ontoDefault['metricNames.agent_steps']).toBeUndefined();
  });

  test('label names must be valid, not reserved, not read by the app itself, and distinct', () => {
    const errors = errorsOf({
      labelNames: { team: 'team-name', service: '__name__', endpoint: 'outcome', model: 'le' },
    });
    expect(errors['labelNames.team']).toMatch(/not a valid Prometheus label name/);
    expect(errors['labelNames.service']).toMatch(/reserved/);
    expect(errors['labelNames.endpoint']).toMatch(/reads itself/);
    expect(errors['labelNames.model']).toMatch(/reads itself/);
    const clash = errorsOf({ labelNames: { service: 'job', endpoint: 'job' } });
    expect(clash['labelNames.service']).toMatch(/also the label for endpoint/);
    const ontoDefault = errorsOf({ labelNames: { service: 'team' } });
    expect(ontoDefault['labelNames.service']).toMatch(/also the label for team/);
  });

  test('thresholds: 0 < investigate < page, against the defaults for what is not set', () => {
    expect(errorsOf({ thresholds: { investigate: 0.1, page: 0.5 } })).toEqual({});
    expect(errorsOf({ thresholds: { investigate: 0 } })['thresholds.investigate']).toBe(
      'The investigate relative regression must be above 0%.'
    );
    expect(errorsOf({ thresholds: { investigate: -0.1 } })['thresholds.investigate']).toMatch(/above 0%/);
    expect(errorsOf({ thresholds: { investigate: 0.3, page: 0.3 } })['thresholds.page']).toMatch(
      /must be above the investigate/
    );
    // Only page set, below the default investigate: the message says the other value is the default.
    expect(errorsOf({ thresholds: { page: 0.03 } })['thresholds.page']).toBe(
      'The page relative regression (3%) must be above the investigate relative regression (5%, the default).'
    );
    // Only investigate set, above the default page: blame investigate, the field that was set.
    expect(errorsOf({ thresholds: { investigate: 0.4 } })['thresholds.investigate']).toMatch(/30%, the default/);
  });

  test('thresholds: PSI likewise', () => {
    expect(errorsOf({ thresholds: { psiInvestigate: 0.2, psiPage: 0.4 } })).toEqual({});
    expect(errorsOf({ thresholds: { psiInvestigate: 0.3, psiPage: 0.2 } })['thresholds.psiPage']).toMatch(/PSI/);
    expect(errorsOf({ thresholds: { psiInvestigate: 0 } })['thresholds.psiInvestigate']).toBe(
      'The investigate PSI must be above 0.'
    );
  });

  test('thresholds: minimum volume a whole number ≥ 0, false discovery rate in (0, 1), numbers only', () => {
    expect(errorsOf({ thresholds: { minVolume: 0, fdr: 0.1 } })).toEqual({});
    expect(errorsOf({ thresholds: { minVolume: -1 } })['thresholds.minVolume']).toMatch(/whole number/);
    expect(errorsOf({ thresholds: { minVolume: 10.5 } })['thresholds.minVolume']).toMatch(/whole number/);
    expect(errorsOf({ thresholds: { fdr: 0 } })['thresholds.fdr']).toBe(
      'The false discovery rate must be above 0% and below 100% (5% is usual).'
    );
    expect(errorsOf({ thresholds: { fdr: 1 } })['thresholds.fdr']).toMatch(/below 100%/);
    expect(errorsOf({ thresholds: { page: Number.NaN } })['thresholds.page']).toBe('Must be a number.');
    expect(errorsOf({ thresholds: { page: '0.3' as unknown as number } })['thresholds.page']).toBe('Must be a number.');
  });

  test('thresholds: the false discovery rate to page is in (0, 1) and not above the one to investigate', () => {
    expect(errorsOf({ thresholds: { fdr: 0.1, pageFdr: 0.02 } })).toEqual({});
    expect(errorsOf({ thresholds: { pageFdr: 0.05 } })).toEqual({});
    expect(errorsOf({ thresholds: { pageFdr: 0 } })['thresholds.pageFdr']).toMatch(/above 0% and below 100%/);
    expect(errorsOf({ thresholds: { pageFdr: 0.06 } })['thresholds.pageFdr']).toBe(
      'The false discovery rate to page (6%) must not be above the one to investigate (5%).'
    );
    expect(errorsOf({ thresholds: { fdr: 0.005 } })['thresholds.pageFdr']).toMatch(/must not be above/);
  });

  test('runbook URLs must be absolute http(s): javascript:, data:, file: and relative links are refused', () => {
    expect(errorsOf({ runbooks: { 'model-rollback': { url: 'https://wiki.example.com/rollback' } } })).toEqual({});
    expect(errorsOf({ runbooks: { 'model-rollback': { url: 'http://wiki.internal/rollback' } } })).toEqual({});
    for (const url of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'data:text/html,<b>x</b>',
      'file:///etc/passwd',
      '/d/abc',
      'wiki/rollback',
      'https://',
    ]) {
      expect(errorsOf({ runbooks: { 'model-rollback': { url } } })['runbooks.model-rollback.url']).toMatch(
        /http:\/\/ or https:\/\//
      );
    }
  });

  test('a runbook override is a URL or Markdown, not both, and Markdown has a size limit', () => {
    expect(
      errorsOf({ runbooks: { 'retrieval-quarantine': { url: 'https://x.example/r', markdown: '# ours' } } })[
        'runbooks.retrieval-quarantine.url'
      ]
    ).toMatch(/not both/);
    const long = 'x'.repeat(MAX_RUNBOOK_MARKDOWN + 1);
    expect(
      errorsOf({ runbooks: { 'retrieval-quarantine': { markdown: long } } })['runbooks.retrieval-quarantine.markdown']
    ).toMatch(/At most 50,000/);
  });
});

describe('normaliseSettings', () => {
  test('keeps the known fields, trims, and drops blanks, unknown keys and wrong shapes', () => {
    const raw = {
      datasourceUid: ' prom ',
      metricNames: { llm_requests_total: ' my_requests_total ', rag_retrievals_total: '', not_a_metric: 'x' },
      labelNames: { model: 'gen_ai_request_model', tenant: 'x' },
      thresholds: { page: 0.4, bogus: 1 },
      runbooks: {
        'model-rollback': { url: ' https://wiki/x ' },
        'no-such-runbook': { url: 'https://x' },
        'retrieval-quarantine': { url: '' },
      },
      extra: true,
    };
    expect(normaliseSettings(raw)).toEqual({
      datasourceUid: 'prom',
      metricNames: { llm_requests_total: 'my_requests_total' },
      labelNames: { model: 'gen_ai_request_model' },
      thresholds: { page: 0.4 },
      runbooks: { 'model-rollback': { url: 'https://wiki/x' } },
    });
    expect(normaliseSettings(null)).toEqual({});
    expect(normaliseSettings({ metricNames: ['x'], thresholds: 'high' })).toEqual({});
  });
});

describe('labelNamesFromSettings', () => {
  test('maps each common label, the defaults for the rest and for invalid ones', () => {
    expect(labelNamesFromSettings({})).toEqual({
      team: 'team',
      service: 'service',
      endpoint: 'endpoint',
      model: 'model',
    });
    expect(labelNamesFromSettings({ labelNames: { model: 'gen_ai_request_model', team: 'bad-label' } })).toEqual({
      team: 'team',
      service: 'service',
      endpoint: 'endpoint',
      model: 'gen_ai_request_model',
    });
  });
});

describe('thresholdsFromSettings', () => {
  test('merges with the defaults; any invalid threshold means all defaults', () => {
    expect(thresholdsFromSettings({})).toEqual(DEFAULT_THRESHOLDS);
    expect(thresholdsFromSettings({ thresholds: { page: 0.5, minVolume: 20 } })).toEqual({
      ...DEFAULT_THRESHOLDS,
      page: 0.5,
      minVolume: 20,
    });
    expect(thresholdsFromSettings({ thresholds: { page: 0.5, investigate: 0.6 } })).toEqual(DEFAULT_THRESHOLDS);
  });
});

describe('jsonDataWithSettings', () => {
  test('replaces the settings, drops cleared ones, keeps unknown keys', () => {
    const stored = { futureSetting: 1, thresholds: { page: 0.4 }, labelNames: { model: 'm' } };
    expect(jsonDataWithSettings(stored, { thresholds: { page: 0.5 } })).toEqual({
      futureSetting: 1,
      thresholds: { page: 0.5 },
    });
    expect(jsonDataWithSettings(undefined, {})).toEqual({});
    expect(stored.labelNames).toEqual({ model: 'm' });
  });
});
