import { type InterpolateFunction } from '@grafana/data';
import { type IncidentAnnotation } from '../../shared/annotations';
import {
  baselineSpecOf,
  chooseWindow,
  panelScope,
  type PanelScope,
  parseBaselineTime,
  readVariable,
  windowFromRange,
} from './scope';
import { choicesSelector, profileFromSettings } from '../../core/profile';
import { type AppSettings } from '../../core/settings';
import { DEFAULT_OPTIONS } from './types';
import { exportFileName } from '../../shared/impact/exporters';
import { type ImpactReport } from '../../core/report';

type Variable = string[] | { allValue: string };

/** replaceVariables as Grafana's scenes interpolator behaves: a custom all value is written without the formatter. */
function interpolator(variables: Record<string, Variable>): InterpolateFunction {
  return (text, _scoped, format) =>
    text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string, bare: string) => {
      const variable = variables[braced ?? bare];
      if (variable === undefined) {
        return whole;
      }
      if (!Array.isArray(variable)) {
        return variable.allValue;
      }
      if (typeof format === 'function') {
        return format(variable.length === 1 ? variable[0] : variable);
      }
      if (format === 'regex') {
        return variable.length === 1 ? variable[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : `(${variable.join('|')})`;
      }
      return variable.join(',');
    });
}

const incident = (id: number, fromS: number, toS: number): IncidentAnnotation => ({
  id,
  time: fromS * 1000,
  timeEnd: toS * 1000,
  text: `incident ${id}`,
  tags: ['ai-incident'],
  dashboardUID: null,
});

/** The selector the panel's queries carry for these settings: its scope, matched as the shared orchestration does. */
function selectorFor(scope: PanelScope, settings: AppSettings = {}): string {
  return [scope.selector, choicesSelector(profileFromSettings(settings), scope.choices ?? {})]
    .filter(Boolean)
    .join(',');
}

describe('the selector from the dashboard variables', () => {
  test('one value is an equality, several an escaped alternation, All and missing variables no matcher', () => {
    const replace = interpolator({
      team: ['search', 'a.b|c'],
      service: ['say "hi"'],
      endpoint: { allValue: '.*' },
      model: ['$__all'],
    });
    expect(selectorFor(panelScope('', replace))).toBe('team=~"search|a\\\\.b\\\\|c",service="say \\"hi\\""');
  });

  test('on OpenTelemetry and OpenLIT data the variables match the labels the preset names, as its dashboards do', () => {
    const scope = panelScope(
      '',
      interpolator({ service: ['chat'], model: ['gpt-4o', 'claude-3'], endpoint: ['/chat'] })
    );
    // The otel-genai and openlit dashboards select job/service_name=~"$service", gen_ai_request_model=~"$model".
    expect(selectorFor(scope, { preset: 'otel-genai' })).toBe(
      'job="chat",endpoint="/chat",gen_ai_request_model=~"gpt-4o|claude-3"'
    );
    expect(selectorFor(scope, { preset: 'openlit' })).toBe(
      'service_name="chat",endpoint="/chat",gen_ai_request_model=~"gpt-4o|claude-3"'
    );
    // Label names the Configuration page sets win over the preset's, as everywhere else.
    expect(selectorFor(scope, { preset: 'otel-genai', labelNames: { service: 'service_name' } })).toBe(
      'service_name="chat",endpoint="/chat",gen_ai_request_model=~"gpt-4o|claude-3"'
    );
  });

  test('a custom all value other than .* is kept as a regex', () => {
    expect(readVariable(interpolator({ team: { allValue: '.+' } }), 'team')).toEqual({ regex: '.+' });
    expect(selectorFor(panelScope('', interpolator({ model: { allValue: '.+' } })), { preset: 'otel-genai' })).toBe(
      'gen_ai_request_model=~".+"'
    );
  });

  test('a dashboard without the variables reads everything', () => {
    expect(readVariable(interpolator({}), 'team')).toBeUndefined();
    expect(panelScope('', interpolator({}))).toEqual({ selector: '', choices: {} });
  });

  test('an override is used as written, with variables interpolated as regexes, and the variables are not read', () => {
    expect(panelScope(' team=~"$team",endpoint="/chat" ', interpolator({ team: ['a', 'b'], model: ['m'] }))).toEqual({
      selector: 'team=~"(a|b)",endpoint="/chat"',
    });
  });
});

describe('the window', () => {
  test('the time range in whole seconds', () => {
    expect(windowFromRange(1_795_140_000_999, 1_795_143_600_500)).toEqual({ from: 1_795_140_000, to: 1_795_143_600 });
  });

  test('a picked region replaces the time range; a point or an unknown id does not', () => {
    const range = { from: 1_795_100_000_000, to: 1_795_200_000_000 };
    const incidents = [incident(1, 1_795_140_000, 1_795_143_600), incident(2, 1_795_150_000, 1_795_150_000)];
    expect(chooseWindow(range, incidents, 1)).toEqual({
      window: { from: 1_795_140_000, to: 1_795_143_600 },
      incident: incidents[0],
    });
    expect(chooseWindow(range, incidents, 2).window).toEqual({ from: 1_795_100_000, to: 1_795_200_000 });
    expect(chooseWindow(range, incidents, 7).incident).toBeUndefined();
  });
});

describe('the baseline', () => {
  test('preceding by default, N days, or a fixed range', () => {
    expect(baselineSpecOf(DEFAULT_OPTIONS)).toEqual({ spec: { mode: 'preceding' } });
    expect(baselineSpecOf({ ...DEFAULT_OPTIONS, baselineMode: 'days_earlier', baselineDays: 7 })).toEqual({
      spec: { mode: 'days_earlier', days: 7 },
    });
    expect(
      baselineSpecOf({
        ...DEFAULT_OPTIONS,
        baselineMode: 'fixed',
        baselineFrom: '2026-11-20T00:00:00Z',
        baselineTo: '1795140000',
      })
    ).toEqual({ spec: { mode: 'fixed', from: 1_795_132_800, to: 1_795_140_000 } });
  });

  test('says what is wrong with an incomplete baseline', () => {
    expect(baselineSpecOf({ ...DEFAULT_OPTIONS, baselineMode: 'days_earlier', baselineDays: 0 })).toEqual({
      problem: expect.stringContaining('N is 0'),
    });
    expect(
      baselineSpecOf({ ...DEFAULT_OPTIONS, baselineMode: 'fixed', baselineFrom: 'yesterday', baselineTo: '' })
    ).toEqual({
      problem: expect.stringContaining('set its start and end'),
    });
  });

  test('times: RFC 3339, Unix seconds, Grafana relative time', () => {
    expect(parseBaselineTime('2026-11-20T02:00:00Z')).toBe(1_795_140_000);
    expect(parseBaselineTime('1795140000')).toBe(1_795_140_000);
    const sevenDaysAgo = Date.now() / 1000 - 7 * 86_400;
    expect(Math.abs(parseBaselineTime('now-7d')! - sevenDaysAgo)).toBeLessThan(5);
    expect(parseBaselineTime('not a time')).toBeUndefined();
  });
});

describe('exports', () => {
  const report = { window: { from: '2026-11-20T02:00:00Z', to: '2026-11-20T03:00:30Z' } } as ImpactReport;

  test('file names carry the window', () => {
    expect(exportFileName(report, 'md')).toBe('impact-20261120T0200Z-20261120T030030Z.md');
    expect(exportFileName(report, 'json')).toBe('impact-20261120T0200Z-20261120T030030Z.json');
  });
});
