import {
  bucketIncreaseQuery,
  counterIncreaseQuery,
  type DistributionSli,
  eventMatchers,
  isEventValue,
  type ProportionSli,
  SLI_DEFINITIONS,
  splitLabelOf,
} from './metrics';
import { type AppSettings } from './settings';
import {
  DEFAULT_TIMEOUT_ERROR_TYPES,
  PRESETS,
  ProfileError,
  profileFromSettings,
  resolveProfile,
  teamScope,
} from './profile';

const sli = (profile: ReturnType<typeof profileFromSettings>, id: string) =>
  profile.definitions.find((d) => d.id === id)!;

describe('resolveProfile', () => {
  test('the contract preset reads the contract unchanged', () => {
    const profile = resolveProfile({});
    expect(profile.preset).toBe('contract');
    expect(sli(profile, 'error_rate')).toMatchObject({
      metric: 'llm_requests_total',
      eventLabel: 'outcome',
      eventValues: ['error'],
    });
    expect(profile.labels).toEqual({ team: 'team', service: 'service', endpoint: 'endpoint', model: 'model' });
  });

  test('otel-genai: errors and timeouts from error_type on the duration count, latency of successful model calls', () => {
    const profile = resolveProfile({ preset: 'otel-genai' });
    const errors = sli(profile, 'error_rate') as ProportionSli;
    const timeouts = sli(profile, 'timeout_rate') as ProportionSli;
    expect(errors.metric).toBe('gen_ai_client_operation_duration_seconds_count');
    expect(eventMatchers(errors)).toEqual(['error_type!=""', `error_type!~"${DEFAULT_TIMEOUT_ERROR_TYPES.join('|')}"`]);
    expect(isEventValue(errors, 'RateLimitError')).toBe(true);
    expect(isEventValue(errors, 'APITimeoutError')).toBe(false);
    expect(isEventValue(errors, '')).toBe(false);
    expect(isEventValue(timeouts, 'APITimeoutError')).toBe(true);
    expect(errors.matchers).toBe('gen_ai_operation_name!~"execute_tool|invoke_agent|create_agent"');
    expect(sli(profile, 'model_latency')).toMatchObject({
      metric: 'gen_ai_client_operation_duration_seconds',
      matchers: 'gen_ai_operation_name!~"execute_tool|invoke_agent|create_agent",error_type=""',
    });
    expect(sli(profile, 'tool_error_rate')).toMatchObject({
      matchers: 'gen_ai_operation_name="execute_tool"',
      eventValues: [],
    });
    expect(profile.labels.model).toBe('gen_ai_request_model');
    expect(profile.candidates.gen_ai_client_operation_duration_seconds).toEqual([
      'gen_ai_client_operation_duration_seconds',
      'gen_ai_client_operation_duration',
    ]);
  });

  test('openlit: retrieval latency from the vector store reads only', () => {
    const profile = resolveProfile({ preset: 'openlit' });
    expect(sli(profile, 'retrieval_latency')).toMatchObject({ metric: 'db_client_operation_duration_seconds' });
    expect((sli(profile, 'retrieval_latency') as { matchers: string }).matchers).toMatch(
      /^db_operation_name=~"query\|QUERY\|search\|SEARCH\|get\|GET/
    );
  });

  test('a pinned name is used as given and not settled; timeout types are the settings’ (escaped in PromQL)', () => {
    const profile = resolveProfile({
      preset: 'otel-genai',
      metricNames: { gen_ai_client_operation_duration_seconds: 'llm_calls' },
      timeoutErrorTypes: ['requests.exceptions.Timeout', 'say "slow"'],
    });
    expect(profile.candidates).toEqual({});
    expect(eventMatchers(sli(profile, 'timeout_rate') as ProportionSli)).toEqual([
      'error_type=~"requests\\\\.exceptions\\\\.Timeout|say \\"slow\\""',
    ]);
  });

  test('invalid settings: every problem by field; the pages read those fields as defaults instead', () => {
    const settings = { preset: 'otel' as never, thresholds: { page: 0.01 }, segmentLabels: ['le'] };
    expect(() => resolveProfile(settings)).toThrow(ProfileError);
    try {
      resolveProfile(settings);
    } catch (error) {
      expect(Object.keys((error as ProfileError).errors).sort()).toEqual([
        'preset',
        'segmentLabels',
        'thresholds.page',
      ]);
      expect((error as Error).message).toMatch(/^preset: Unknown preset 'otel'/m);
    }
    const lenient = profileFromSettings(settings);
    expect(lenient.preset).toBe('contract');
    expect(lenient.thresholds.page).toBe(0.3);
    expect(lenient.segmentLabels).toEqual(['team', 'service', 'endpoint', 'model']);
  });

  test('every preset resolves, and names what it cannot measure', () => {
    for (const preset of PRESETS) {
      const profile = resolveProfile({ preset: preset.id });
      expect(profile.definitions).toHaveLength(12);
      expect(profile.unmeasured).toEqual([...preset.unmeasured]);
    }
  });
});

describe('names from the settings (contract preset)', () => {
  test('no settings: the contract as is', () => {
    expect(profileFromSettings({}).definitions).toEqual(SLI_DEFINITIONS);
  });

  test('remaps events and totals together, keeps labels and matchers, and the PromQL reads the new names', () => {
    const settings: AppSettings = {
      metricNames: {
        llm_requests_total: 'chat_requests_total',
        rag_retrieval_duration_seconds: 'db_client_operation_duration_seconds',
      },
    };
    const defs = profileFromSettings(settings).definitions;
    const injection = defs.find((d) => d.id === 'injection_rate');
    expect(injection).toMatchObject({
      metric: 'llm_injection_detections_total',
      totalMetric: 'chat_requests_total',
      eventLabel: 'source',
    });
    expect(defs.find((d) => d.id === 'refusal_rate')).toMatchObject({
      metric: 'chat_requests_total',
      eventLabel: 'outcome',
    });
    const retrieval = defs.find((d) => d.id === 'retrieval_latency') as DistributionSli;
    expect(bucketIncreaseQuery(retrieval, 'service="rag"', ['endpoint'], 300)).toBe(
      'sum by (le, endpoint) (increase(db_client_operation_duration_seconds_bucket{service="rag"}[300s]))'
    );
    expect(defs.find((d) => d.id === 'response_length')).toMatchObject({ matchers: 'gen_ai_token_type="output"' });
    // The split label is still found by the remapped counter name.
    expect(splitLabelOf('chat_requests_total', defs)).toBe('outcome');
    expect(counterIncreaseQuery('chat_requests_total', 'outcome', '', [], 60)).toBe(
      'sum by (outcome) (increase(chat_requests_total{}[60s]))'
    );
    // The contract itself is untouched.
    expect(SLI_DEFINITIONS.find((d) => d.id === 'refusal_rate')).toMatchObject({ metric: 'llm_requests_total' });
  });

  test('an invalid name never reaches a query: it reads as the default', () => {
    const defs = profileFromSettings({ metricNames: { llm_requests_total: 'bad name{}' } }).definitions;
    expect(defs.find((d) => d.id === 'refusal_rate')?.metric).toBe('llm_requests_total');
    expect(profileFromSettings({ metricNames: { llm_build_info: 'model_info' } }).buildInfoMetric).toBe('model_info');
  });
});

describe('teamScope: an incident’s team tag under the profile’s team label', () => {
  test('the contract’s series carry team: the selector is narrowed to it (escaped), after any other matcher', () => {
    const profile = resolveProfile({});
    expect(profile.teamLabel).toBe('team');
    expect(teamScope(profile, '', 'search')).toEqual({ selector: 'team="search"' });
    expect(teamScope(profile, 'endpoint="/chat"', 'a"b')).toEqual({ selector: 'endpoint="/chat",team="a\\"b"' });
    expect(teamScope(profile, 'endpoint="/chat"', undefined)).toEqual({ selector: 'endpoint="/chat"' });
  });

  test('a renamed team label is the one filtered by', () => {
    const profile = resolveProfile({ labelNames: { team: 'squad' } });
    expect(teamScope(profile, '', 'search').selector).toBe('squad="search"');
  });

  test.each(['otel-genai', 'openlit'] as const)(
    '%s series carry no team label: the scope is left as it was, and says the tag could not be applied',
    (preset) => {
      const profile = resolveProfile({ preset });
      expect(profile.teamLabel).toBeNull();
      const scope = teamScope(profile, '', 'search');
      expect(scope.selector).toBe('');
      expect(scope.unapplied).toMatch(/^The team tag team:search could not be applied: .* carry no team label/);
      // Unless the administrator names the label that carries the team on their OTel series.
      const named = resolveProfile({ preset, labelNames: { team: 'service_namespace' } });
      expect(teamScope(named, '', 'search')).toEqual({ selector: 'service_namespace="search"' });
    }
  );
});
