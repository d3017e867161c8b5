/**
 * The "AI impact" panel in a live Grafana: added to a new dashboard, it reads the demo's Prometheus through
 * /api/ds/query and shows a report (or one of its explained states), never a panel error; its Copy button puts
 * the Markdown on the clipboard. Skips, saying why, when no Grafana answers /api/health.
 */
import { expect, test } from '@grafana/plugin-e2e';
import { grafanaUnavailable } from './grafana';

test.beforeAll(async () => {
  const reason = await grafanaUnavailable();
  test.skip(reason !== undefined, reason);
});

/** The panel's states that are answers, not failures (see src/panels/impact/ImpactPanel.tsx). */
const EXPLAINED_STATES = /Copy Markdown|No data|Window too short|No data source|does not speak PromQL/;

test('the AI impact panel renders a report over the last hour', async ({ panelEditPage, page }) => {
  await panelEditPage.timeRange.set({ from: 'now-1h', to: 'now' });
  await panelEditPage.setVisualization('AI impact');
  const panel = panelEditPage.panel.locator;
  await expect(panel.getByText('Window', { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByText(EXPLAINED_STATES).first()).toBeVisible({ timeout: 60_000 });
  await expect(panel.getByText('The query failed')).toHaveCount(0);
  await expect(panelEditPage.panel.getErrorIcon()).toHaveCount(0);

  const copy = panel.getByRole('button', { name: /Copy Markdown/ });
  if (await copy.count()) {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await copy.click();
    await expect(panel.getByText('Copied')).toBeVisible();
    const markdown = await page.evaluate(() => navigator.clipboard.readText());
    expect(markdown.startsWith('## Impact\n')).toBe(true);
    expect(markdown).toContain('### All findings');
  }
});
