import { eventMatchers, isEventValue, type ProportionSli } from './metrics';
import { DEFAULT_TIMEOUT_ERROR_TYPES, PRESETS, ProfileError, profileFromSettings, resolveProfile } from './profile';

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
