import { annotationDashboardPath, annotationPanelPath } from './findingLinks';

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
