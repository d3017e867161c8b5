/** The app's pages open in a live Grafana, from the navigation paths plugin.json declares. */
import { testIds } from '../src/components/testIds';
import { ROUTES } from '../src/constants';
import { expect, test } from './fixtures';
import { grafanaUnavailable } from './grafana';

test.beforeAll(async () => {
  const reason = await grafanaUnavailable();
  test.skip(reason !== undefined, reason);
});

const pages = [
  { name: 'Incidents', route: ROUTES.Incidents, testId: testIds.incidents.container },
  { name: 'Runbooks', route: ROUTES.Runbooks, testId: testIds.runbooks.container },
];

for (const { name, route, testId } of pages) {
  test(`the ${name} page opens`, async ({ gotoPage, page }) => {
    await gotoPage(`/${route}`);
    await expect(page.getByTestId(testId)).toBeVisible({ timeout: 30_000 });
    // Grafana's error boundary replaces a page that threw while rendering.
    await expect(page.getByText('An unexpected error happened')).toHaveCount(0);
  });
}
