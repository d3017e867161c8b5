import { annotationDashboardPath, annotationPanelPath, findingPanelLink } from './findingLinks';

const window = { time: 1_795_140_000_000, timeEnd: 1_795_143_600_000 };

describe('the annotation’s own place', () => {
  test('the panel it was marked on, opened alone at the window', () => {
    expect(annotationPanelPath({ dashboardUID: 'abc', panelId: 7 }, window)).toBe(
      '/d/abc?from=1795140000000&to=1795143600000&viewPanel=7'
    );
  });

  test('no panel link without a panel, and no link at all for an organisation-wide annotation', () => {
    expect(annotationPanelPath({ dashboardUID: 'abc' }, window)).toBeUndefined();
    expect(annotationDashboardPath({ dashboardUID: 'abc' }, window)).toBe('/d/abc?from=1795140000000&to=1795143600000');
    expect(annotationPanelPath({ dashboardUID: null, panelId: 7 }, window)).toBeUndefined();
  });
});

describe('a finding on the dashboards of the app’s convention', () => {
  test('the contract’s set by default, its own uid and panel', () => {
    const link = findingPanelLink('Refusals', window, 'contract', 'search');
    expect(link?.href).toBe('/d/aisre-model-slis?from=1795140000000&to=1795143600000&var-team=search&viewPanel=4');
    expect(link?.label).toMatch(/› Refusals \(share of requests\)$/);
  });

  test('an OpenTelemetry install links its own set, and nothing for an SLI its set cannot draw', () => {
    const link = findingPanelLink('Timeouts', window, 'otel-genai');
    expect(link?.href).toMatch(/^\/d\/aisre-otel-genai-model-slis\?from=1795140000000&to=1795143600000&viewPanel=\d+$/);
    expect(link?.label).toMatch(/› Timeouts \(share of model calls\)$/);
    expect(findingPanelLink('Refusals', window, 'otel-genai')).toBeUndefined();
  });
});
