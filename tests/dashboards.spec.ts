/** Every provisioned team dashboard opens in a live Grafana and every panel renders without an error. */
import { expect, test } from '@grafana/plugin-e2e';
import { grafanaUnavailable, provisionedDashboards } from './grafana';

test.beforeAll(async () => {
  const reason = await grafanaUnavailable();
  test.skip(reason !== undefined, reason);
});

for (const dashboard of provisionedDashboards()) {
  test(`${dashboard.title} (${dashboard.uid}) renders every panel without error`, async ({ gotoDashboardPage }) => {
    // The demo's simulator starts its first incident within minutes; an hour shows it and its baseline.
    const dashboardPage = await gotoDashboardPage({ uid: dashboard.uid, timeRange: { from: 'now-1h', to: 'now' } });
    expect(dashboard.panelTitles.length).toBeGreaterThan(0);
    for (const title of dashboard.panelTitles) {
      const panel = dashboardPage.getPanelByTitle(title);
      // Panels render lazily: bring each into view so its queries run, then wait for them to finish.
      await panel.scrollIntoView();
      await expect(panel.locator, `panel '${title}'`).toBeVisible();
      await expect(panel.locator.getByLabel('Panel loading bar'), `panel '${title}' still loading`).toHaveCount(0, {
        timeout: 30_000,
      });
      await expect(panel.getErrorIcon(), `panel '${title}' shows an error`).toHaveCount(0);
    }
    await expect(dashboardPage).not.toHavePanelErrors();
  });
}
