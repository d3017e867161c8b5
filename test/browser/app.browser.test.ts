/**
 * The built app plugin (dist/module.js) in real Chromium, loaded as Grafana loads it: an AMD module whose
 * shared dependencies come from the host page, its pages lazy-loaded from chunks at its public path.
 * dist/ is rebuilt first when src/ is newer (see ensureBuiltPlugin).
 */
import { existsSync } from 'node:fs';

import { type BrowserHarness, startBrowserHarness } from './browser';
import { ensureBuiltPlugin } from './pluginDist';

jest.setTimeout(300_000);

const APP_ID = 'aisre-reliability-app';

let harness: BrowserHarness;

beforeAll(async () => {
  await ensureBuiltPlugin();
  harness = await startBrowserHarness();
}, 600_000);

afterAll(async () => {
  await harness?.close();
});

describe('on Grafana 13 shared modules (React 19)', () => {
  let grafana13: BrowserHarness;

  beforeAll(async () => {
    grafana13 = await startBrowserHarness({ grafana: 13 });
  }, 600_000);

  afterAll(async () => {
    await grafana13?.close();
  });

  it.each([
    ['incidents', 'data-testid incidents-container'],
    ['runbooks', 'data-testid runbooks-container'],
  ])('the %s page renders with no console errors', async (route, testId) => {
    const opened = await grafana13.openAppPage({ path: `/a/${APP_ID}/${route}` });
    try {
      await expect(opened.page.evaluate(() => window.aisreHost!.versions().react)).resolves.toMatch(/^19\./);
      const container = opened.page.getByTestId(testId);
      await opened.waitFor(container);
      await expect(container.innerText()).resolves.toMatch(/\S/);
      expect(opened.dialogs).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});

describe.each([
  { page: 'incidents', title: 'Incidents', testId: 'data-testid incidents-container' },
  { page: 'runbooks', title: 'Runbooks', testId: 'data-testid runbooks-container' },
])('the $title page', ({ page: route, title, testId }) => {
  it('renders through the real AMD module and its lazy chunk, with no console errors', async () => {
    const opened = await harness.openAppPage({ path: `/a/${APP_ID}/${route}` });
    try {
      const container = opened.page.getByTestId(testId);
      await opened.waitFor(container);
      // The page header comes from the host's PluginPage, titled from the app's plugin.json includes.
      await expect(opened.page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(title);
      await expect(container.innerText()).resolves.toMatch(/\S/);
      // The page's code arrived in a lazy chunk, fetched from the app's public path (not the root).
      const chunks = await opened.page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((entry) => new URL(entry.name).pathname)
          .filter((path) => /\/public\/plugins\/.+\.js$/.test(path) && !path.endsWith('/module.js'))
      );
      expect(chunks.length).toBeGreaterThan(0);
      chunks.forEach((chunk) => expect(chunk.startsWith(`/public/plugins/${APP_ID}/`)).toBe(true));
      const file = await opened.screenshot(`app-${route}`);
      expect(existsSync(file)).toBe(true);
      expect(opened.dialogs).toEqual([]);
    } finally {
      await opened.close();
    }
  });
});

it('sends an unknown app path to the Incidents page, as the app routes it', async () => {
  const opened = await harness.openAppPage({ path: `/a/${APP_ID}/no-such-page` });
  try {
    await opened.waitFor(opened.page.getByTestId('data-testid incidents-container'));
    await expect(opened.page.evaluate(() => window.aisreHost!.currentPath())).resolves.toBe(`/a/${APP_ID}/incidents`);
  } finally {
    await opened.close();
  }
});
